// Runs the whole suite: type check, lint, then every *.test.ts under src/ and test/ with node's test runner.
// Node 20's --test does not expand globs, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (only.length === 0) {
  console.log('# type check');
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json']);
  console.log('# lint and format check');
  run(join(root, 'node_modules/.bin/biome'), ['check', '.']);
}
const files = only.length ? only : [...collect(join(root, 'src'), []), ...collect(join(root, 'test'), [])];
console.log(`# ${files.length} test files`);
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  env: { ...process.env, NODE_ENV: 'test' },
});

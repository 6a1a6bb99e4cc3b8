// Runs the whole suite: type check, lint, the dependency check (.dependency-cruiser.cjs), then every
// *.test.ts under src/ and test/ with node's test runner.
// Node 20's --test does not expand globs, so the files are collected here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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
  console.log('# layers: no import cycles, nothing imported from above, folders reached through index.ts');
  run(join(root, 'node_modules/.bin/depcruise'), [
    '--config',
    '.dependency-cruiser.cjs',
    'src',
    'console/src',
  ]);
}
let files = only.length ? only : [...collect(join(root, 'src'), []), ...collect(join(root, 'test'), [])];

// Suites built on the real reference data (../shared/data: the Go vulnerability database, KEV)
// cannot run in a clone that lacks it; they are skipped with the reason. With CI=true the data
// must be there.
const sharedData = join(root, '..', 'shared', 'data');
if (!existsSync(join(sharedData, 'osv-go')) || !existsSync(join(sharedData, 'kev'))) {
  if (process.env.CI === 'true') {
    console.error(`CI=true but the reference data ${sharedData} is missing`);
    process.exit(1);
  }
  const needsData =
    /shared\/data|OSV_GO_DIR|DEFAULT_OSV_GO_DIR|osv-reference|OSV_GO\b|generateSyntheticCycloneDx|reference\/samples/;
  const skipped = files.filter((f) => needsData.test(readFileSync(f, 'utf8')));
  files = files.filter((f) => !skipped.includes(f));
  console.log(`# reference data not found at ${sharedData}: skipping ${skipped.length} suites that read it:`);
  for (const f of skipped) console.log(`#   ${f.slice(root.length)}`);
}
console.log(`# ${files.length} test files`);
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  env: { ...process.env, NODE_ENV: 'test' },
});

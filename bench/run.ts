// `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or the named ones) in turn. Each
// module exports run(), which measures its figures beside a baseline in the same run and prints
// them with the goal figures of its issue. BENCH_QUICK=1 asks for a smaller scale.
import { readdirSync } from 'node:fs';

const dir = new URL('./', import.meta.url).pathname;
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}`);
  process.exit(2);
}
console.log(
  `# Bulwark benchmarks on ${new Date().toISOString()}, node ${process.version}${process.env.BENCH_QUICK ? ' (quick)' : ''}`,
);
for (const f of files) {
  console.log(`\n## ${f.replace('.bench.ts', '')}`);
  const mod = (await import(`./${f}`)) as { run(): Promise<void> };
  await mod.run();
}
process.exit(0);

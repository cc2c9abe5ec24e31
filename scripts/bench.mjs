#!/usr/bin/env node
// Runs the benchmarks under scripts/bench/ (or the ones named on the command line: `pnpm bench render`).
// Each benchmark measures provd and a baseline in the same run and prints both figures and their ratio.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.slice(0, -'.bench.mjs'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark(s) ${unknown.join(', ')}; available: ${all.join(', ') || '(none)'}`);
  process.exit(2);
}
const chosen = wanted.length > 0 ? wanted : all;
if (chosen.length === 0) console.log('bench: no benchmark defined yet');
let failed = false;
for (const name of chosen) {
  console.log(`\n== ${name}`);
  const mod = await import(pathToFileURL(join(dir, `${name}.bench.mjs`)).href);
  const ok = await mod.default();
  if (ok === false) failed = true;
}
process.exit(failed ? 1 : 0);

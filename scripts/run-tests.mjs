#!/usr/bin/env node
// Runs every test project through the root vitest config, then checks that each project listed in
// vitest.workspace.ts really ran (Vitest can silently drop a project whose config it does not find or load).
// Exits non-zero when a test failed or a project ran no test.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, '.vitest-results.json');
rmSync(resultsFile, { force: true });

const args = ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)];
const run = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' });

// The projects that must have run: every folder that a workspace glob matches.
const expected = [];
for (const top of ['packages', 'examples', 'scripts']) {
  const dir = join(root, top);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    if (existsSync(join(dir, name, 'vitest.config.ts'))) expected.push(`${top}/${name}`);
  }
}

if (!existsSync(resultsFile)) {
  console.error('run-tests: vitest wrote no results');
  process.exit(run.status || 1);
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const counts = new Map(expected.map((p) => [p, 0]));
for (const file of results.testResults ?? []) {
  const rel = relative(root, file.name).split(sep).join('/');
  const project = expected.find((p) => rel.startsWith(`${p}/`));
  if (project) counts.set(project, counts.get(project) + (file.assertionResults?.length ?? 0));
}
const dropped = [...counts].filter(([, n]) => n === 0).map(([p]) => p);
const passed = results.numPassedTests ?? 0;
const failed = results.numFailedTests ?? 0;
console.log('');
for (const [p, n] of counts) console.log(`  ${p.padEnd(32)} ${n} tests`);
if (dropped.length > 0) {
  console.error(`run-tests: these test projects ran no test (dropped or empty): ${dropped.join(', ')}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status !== 0 || dropped.length > 0 || failed > 0 ? 1 : 0);

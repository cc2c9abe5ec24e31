#!/usr/bin/env node
// Builds the workspace packages whose sources are newer than their dist/ (or that were never built), so that
// `pnpm provd ...` and `pnpm build-plugins` work straight after `pnpm install` and stay fast afterwards.
// Build output goes to stderr: stdout belongs to the command being run (`--json`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// In dependency order.
const packages = ['sdk', 'core', 'firmware', 'build', 'host'];

function newestMtime(path) {
  let newest = 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name.endsWith('.test.ts') || name.endsWith('.test-d.ts')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

let rebuiltUpstream = false;
for (const name of packages) {
  const dir = join(root, 'packages', name);
  const marker = join(dir, 'dist', 'index.js');
  const sourcesTime = Math.max(
    newestMtime(join(dir, 'src')),
    newestMtime(join(dir, 'package.json')),
    newestMtime(join(dir, 'tsup.config.ts')),
  );
  const stale = rebuiltUpstream || !existsSync(marker) || statSync(marker).mtimeMs < sourcesTime;
  if (!stale) continue;
  if (process.stderr.isTTY) process.stderr.write(`building @provd/${name}...\n`);
  const run = spawnSync('pnpm', ['--silent', '--filter', `@provd/${name}`, 'run', 'build'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (run.status !== 0) {
    process.stderr.write(`provd: PROVD_BUILD_WORKSPACE_FAILED: building @provd/${name} failed; run "pnpm build" to see why\n`);
    process.exit(1);
  }
  rebuiltUpstream = true;
}

// Helpers shared by the benchmarks (this folder holds no benchmark: `scripts/bench.mjs` runs `../*.bench.mjs`).
import { spawn } from 'node:child_process';

/** Runs a command and resolves to its stdout; rejects with its stderr when it exits non-zero. */
export function exec(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

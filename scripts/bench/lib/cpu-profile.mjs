// The top entries of a V8 CPU profile (`node --cpu-prof`): self time per function, heaviest first.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Reads the `.cpuprofile` files of `dir` and returns the `count` functions with the most self time. */
export async function topEntries(dir, count = 15) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const self = new Map();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = new Map();
    for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    for (const [id, us] of dt) {
      const f = byId.get(id).callFrame;
      const where = f.url ? `${f.url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^node:/, 'node:')}:${f.lineNumber + 1}` : '';
      const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
      self.set(key, (self.get(key) ?? 0) + us);
      total += us;
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 }));
}

/** Prints the top entries of the profiles in `dir` under `title`. */
export async function printTop(title, dir, count = 15) {
  console.log(`${title} (self time, profile in ${dir}):`);
  for (const e of await topEntries(dir, count)) console.log(`  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}`);
}

// Benchmark: the request pipeline alone, in process: a new phone's request (identified, its device created and
// committed) against a known phone's (its device found lately), handed to the host directly (`locateFile`), with
// no HTTP, socket or file read, so that what the scale benchmark's new phones cost beyond a known phone can be split
// between the pipeline and the rest. Each run is its own process: once as deployed (the systemd unit's
// NODE_OPTIONS and MALLOC_ARENA_MAX, provd serve's V8 flags), once with V8's defaults. Printed per run: requests/s,
// CPU per request (the process's, its main thread's) and the main thread's garbage-collection pauses per request
// (the young generation's scavenges apart from the old generation's pauses: what a request's state promoted costs).
// Anchor: known phones in the same process. SQLite store, Digium plugin, Linux (/proc).
// PROVD_BENCH_PIPELINE_COUNT: requests per pass (default 20000).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from './lib/exec.mjs';
import { unitEnvironment } from './lib/unit-environment.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const COUNT = Number(process.env.PROVD_BENCH_PIPELINE_COUNT ?? 20_000);
/** Requests handed to the host at once: as many as the scale benchmark's wrk keeps connections (`-c16`). */
const IN_FLIGHT = 16;

/** One run of lib/pipeline-child.mjs in a folder of its own; resolves to its figures. */
async function run(work, name, deployed) {
  const dir = join(work, name);
  const file = join(work, `${name}.json`);
  const options = { pluginsDir: join(dir, 'plugins'), dataDir: join(dir, 'data'), repo: join(work, 'repo'), httpPort: 0, tftpPort: 0, apiPort: 0, sync: 'none', apiInsecureLoopback: true };
  await writeFile(file, JSON.stringify({ hostModule: join(root, 'packages/host/dist/index.js'), options, serveFlags: deployed, count: COUNT, inFlight: IN_FLIGHT }));
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.MALLOC_ARENA_MAX;
  if (deployed) Object.assign(env, await unitEnvironment(root));
  const child = spawn(process.execPath, [join(root, 'scripts/bench/lib/pipeline-child.mjs'), file], { stdio: ['ignore', 'pipe', 'inherit'], env });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the pipeline process (${name}) exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop());
}

const us = (v) => `${v.toFixed(0)} µs`;
const line = (p) =>
  `${p.rate.toFixed(0)} req/s, CPU per request ${us(p.processUs)} (main thread ${us(p.mainUs)}, of it GC ${us(p.gcUs)}: ${p.scavenges} scavenges ${us(p.scavengeUs)}, ${p.oldPauses} old-generation pauses ${us(p.oldUs)})`;

export default async function bench() {
  const work = await mkdtemp(join(tmpdir(), 'provd-bench-pipeline-'));
  let ok = true;
  try {
    await exec('node', [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(work, 'repo')], { cwd: root });
    const unit = await unitEnvironment(root);
    const runs = [
      ['deployed', true, `as deployed: NODE_OPTIONS=${unit.NODE_OPTIONS ?? ''} MALLOC_ARENA_MAX=${unit.MALLOC_ARENA_MAX ?? ''}, provd serve's V8 flags`],
      ['defaults', false, "V8's defaults"],
    ];
    const results = {};
    for (const [name, deployed, what] of runs) {
      const r = await run(work, name, deployed);
      results[name] = r;
      console.log(`-- ${what} (${COUNT} requests a pass, ${IN_FLIGHT} in flight, SQLite)`);
      console.log(`new phones:   ${line(r.created)}   anchor, known phones: ${line(r.known)}   ratio ${((100 * r.created.rate) / r.known.rate).toFixed(0)}%`);
      console.log(`  (the same phones' next request, their devices no longer found lately: ${line(r.firstAgain)})`);
      const checked = r.created.identified === COUNT && r.known.identified === COUNT && r.devices === COUNT;
      console.log(`  checked: every request identified (${r.created.identified}, ${r.known.identified}), one device created per new phone (${r.devices}): ${checked}`);
      if (!checked) ok = false;
    }
    const d = results.deployed.created;
    const v = results.defaults.created;
    console.log(`new phones, deployed against V8's defaults: main thread ${us(d.mainUs)} against ${us(v.mainUs)} per request (${((100 * d.mainUs) / v.mainUs).toFixed(0)}%), GC ${us(d.gcUs)} against ${us(v.gcUs)}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return ok;
}

// Bulk rendering: `provd render` of 5,000 Digium phones in one process (the built CLI, as a user runs it: node start,
// plugin tarball unpacked and loaded, raw config checked, configure for every device, files moved to the output
// folder) against a plain loop writing the same bytes to the same paths (write a temporary file, rename it) in the
// same run. Goal: render costs at most twice the raw write (ratio <= 2.0). Also prints where render's time goes.
// The two are taken in turns, three rounds, and each side's best round counts (the machine is shared and noisy).
//
// What each side does (so the ratio compares like with like): neither fsyncs. `provd render` writes every device's
// files atomically into a throwaway working copy of the plugin (temporary name, rename, all-or-nothing per device;
// its plugin context says `writeDurability: 'none'`), then moves them into `--out` by rename. The raw loop writes
// each file to a temporary name and renames it, one file at a time. For reference the bench also measures the
// durable pair: the render with fsync (what a host serving phones does per device) against raw writes with fsync.
import { open, mkdir, mkdtemp, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { digiumPhones, fleetRawConfig } from './lib/digium-fleet.mjs';
import { exec } from './lib/exec.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEVICES = 5000;
const ROUNDS = 3;
const devices = digiumPhones(DEVICES);
const rawConfig = fleetRawConfig;

/** Writes one file as a temporary file renamed over it, with an fsync first when `durable`. */
async function writeOne(target, bytes, durable) {
  const temp = `${target}.tmp`;
  if (durable) {
    const handle = await open(temp, 'w');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
  } else {
    await writeFile(temp, bytes);
  }
  await rename(temp, target);
}

/**
 * The raw write: the same bytes to the same relative paths, each as temp file + rename; `parallel` files in flight
 * (1: a plain loop), with fsync when `durable` (what provd's atomic writes do).
 */
async function rawWrite(outDir, files, { durable = false, parallel = 1 } = {}) {
  const start = performance.now();
  for (const folder of new Set(files.map(([rel]) => dirname(join(outDir, rel))))) await mkdir(folder, { recursive: true });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const [rel, bytes] = files[next++];
      await writeOne(join(outDir, rel), bytes, durable);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return (performance.now() - start) / 1000;
}

/**
 * Renders in a child process (with the CLI's thread pool size) through the host's API, to time each phase.
 * `durability` is the plugin context's `writeDurability`; with `writes: false` the SDK's atomic writer writes
 * nothing (a measurement only: what templates and plugin code cost without any file written).
 */
async function timedRender(options) {
  const script = `
    const { readFile } = await import('node:fs/promises');
    const o = ${JSON.stringify(options)};
    if (o.writes === false) (await import(o.sdk)).AtomicWriter.prototype.writeFiles = async () => {};
    const host = await import(o.host);
    const devices = JSON.parse(await readFile(o.devices, 'utf8')).map((d) => host.toRenderDevice(d, o.devices, '$'));
    const rawConfig = JSON.parse(await readFile(o.config, 'utf8'));
    const r = await host.renderPlugin({ plugin: o.plugin, devices, rawConfig, outDir: o.out, writeDurability: o.durability });
    process.stdout.write(JSON.stringify({ seconds: r.seconds, timings: r.timings }));`;
  const env = { ...process.env, UV_THREADPOOL_SIZE: '64' };
  return JSON.parse(await exec(process.execPath, ['--input-type=module', '-e', script], { env }));
}

const rate = (seconds) => Math.round(DEVICES / seconds);
const fmt = (seconds) => `${seconds.toFixed(2)} s`;

export default async function bench() {
  const dir = await mkdtemp(join(tmpdir(), 'provd-bench-render-'));
  try {
    await exec(process.execPath, [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(dir, 'repo')], { cwd: root });
    const db = JSON.parse(await readFile(join(dir, 'repo', 'plugins.db'), 'utf8'));
    const tarball = join(dir, 'repo', db['digium-2.8.1'].filename);
    await writeFile(join(dir, 'devices.json'), JSON.stringify(devices));
    await writeFile(join(dir, 'config.json'), JSON.stringify(rawConfig));

    // provd (the real command, one process) and the raw loop (the same bytes, in this process), taken in turns
    // ROUNDS times: the machine is shared, so each side's best round is its cost, and every round is printed.
    const cli = join(root, 'packages/host/dist/cli.js');
    const args = [cli, 'render', tarball, '--devices', join(dir, 'devices.json'), '--config', join(dir, 'config.json'), '--json'];
    const renderOnce = async (out) => {
      const started = performance.now();
      const result = JSON.parse(await exec(process.execPath, [...args, '--out', out]));
      return { result, seconds: (performance.now() - started) / 1000 };
    };
    const first = await renderOnce(join(dir, 'out-provd-0'));
    const { result } = first;
    const files = [];
    for (const rel of result.files) files.push([rel, await readFile(join(dir, 'out-provd-0', rel))]);
    const bytes = files.reduce((n, [, b]) => n + b.length, 0);
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const run = i === 0 ? first : await renderOnce(join(dir, `out-provd-${i}`));
      rounds.push({ provd: run.seconds, inner: run.result.seconds, raw: await rawWrite(join(dir, `out-plain-${i}`), files) });
    }
    const best = rounds.reduce((a, b) => (b.provd < a.provd ? b : a));
    const provdSeconds = best.provd;
    const plain = Math.min(...rounds.map((r) => r.raw));
    const durable = await rawWrite(join(dir, 'out-durable'), files, { durable: true, parallel: 64 });

    // Where render's time goes: the same render through the API, timed phase by phase; then without any file written
    // (templates and plugin code only); then durable, as a host serving phones writes (fsync per file and folder).
    const sdk = pathToFileURL(await realpath(join(root, 'packages/sdk/dist/index.js'))).href;
    const common = { host: join(root, 'packages/host/dist/index.js'), sdk, plugin: tarball, devices: join(dir, 'devices.json'), config: join(dir, 'config.json') };
    const timed = await timedRender({ ...common, out: join(dir, 'out-timed'), durability: 'none' });
    const noWrites = await timedRender({ ...common, out: join(dir, 'out-nowrites'), durability: 'none', writes: false });
    const fsynced = await timedRender({ ...common, out: join(dir, 'out-fsync'), durability: 'fsync' });
    const phases = (r) =>
      `load ${fmt(r.timings.load)}, configure ${fmt(r.timings.configure)}, collect ${fmt(r.timings.collect)}, dispose ${fmt(r.timings.dispose)}`;
    const writes = Math.max(0, timed.timings.configure - noWrites.timings.configure);

    const ratio = provdSeconds / plain;
    console.log(`devices: ${DEVICES}, files: ${files.length} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
    console.log(`rounds (provd / raw): ${rounds.map((r) => `${fmt(r.provd)} / ${fmt(r.raw)}`).join(', ')}`);
    console.log(`provd render (CLI, one process; atomic writes without fsync, moved to --out by rename), best: ${fmt(provdSeconds)}  ${rate(provdSeconds)} devices/s`);
    console.log(`raw write loop (write temp + rename, one at a time, no fsync), best:                      ${fmt(plain)}  ${rate(plain)} devices/s`);
    console.log(`ratio provd / raw: ${ratio.toFixed(2)} (goal <= 2.0)`);
    console.log(
      `durable, for reference: render with writeDurability 'fsync' (API) ${fmt(fsynced.seconds)}  ${rate(fsynced.seconds)} devices/s; ` +
        `raw writes with fsync, 64 in flight ${fmt(durable)}  ${rate(durable)} devices/s; ratio ${(fsynced.seconds / durable).toFixed(2)}`,
    );
    console.log(`where the time goes: node start + CLI ${fmt(Math.max(0, best.provd - best.inner))}; render through the API ${fmt(timed.seconds)}: ${phases(timed)}`);
    console.log(
      `  configure split: templates + plugin code ${fmt(noWrites.timings.configure)} (the same render writing nothing, measurement only), ` +
        `atomic writes ${fmt(writes)}`,
    );
    console.log(`  durable render phases: ${phases(fsynced)}`);
    return ratio <= 2.0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

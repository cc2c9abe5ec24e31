// The provd configure path for the configure benchmark, in its own process: the plugin loaded as the host loads it
// (from its tarball, in a working copy), then for every device what the host does before and in `configure`
// (ProvisioningApp: its own copy of the flattened raw config with the defaults applied, validated, then
// `plugin.configure(device copy, raw)`: template look-up, render, atomic write), 64 devices in flight, the writes in
// the mode `provd render` uses for that durability.
// Usage: node configure-node.mjs <options.json>; prints one JSON line: seconds and CPU seconds (user + system, every
// thread of the process, and each of them) of the loop over the devices, the plugin folder, and the files written.
// BENCH_CPU_PROFILE=<file> writes a V8 CPU profile of the loop. With `leave: true` in the options the plugin is closed
// but its working copy (under TMPDIR) is left for the caller to remove: removing 20,000 files right before the next
// timed round would slow that round's file creation (see the header of configure.bench.mjs).
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const o = JSON.parse(await readFile(process.argv[2], 'utf8'));
const host = await import(pathToFileURL(join(o.root, 'packages/host/dist/index.js')).href);
// the defaults helpers live in @provd/core once the layering landed, in @provd/sdk before
const core = await import(pathToFileURL(join(o.root, 'packages/core/dist/index.js')).href).catch(() => undefined);
const sdk = await import(pathToFileURL(join(o.root, 'packages/sdk/dist/index.js')).href);
const applyRawConfigDefaults = core?.applyRawConfigDefaults ?? sdk.applyRawConfigDefaults;
const validateRawConfig = sdk.validateRawConfig ?? core?.validateRawConfig;

const devices = JSON.parse(await readFile(o.devices, 'utf8'));
const flattened = JSON.parse(await readFile(o.config, 'utf8'));
// the writes where `provd render` makes them (renderWriteMode: on this thread without fsync, libuv's pool with)
const writeMode = host.renderWriteMode?.(o.durability);
const opened = await host.openPlugin(o.plugin, { writeDurability: o.durability, ...(writeMode && { writeMode }), copyFolder: true });
const { plugin } = opened;
// BENCH_WRITE_MODE=event-loop|threads|sync: where the plugin's atomic writes run (to compare them in one run)
if (process.env.BENCH_WRITE_MODE && plugin.writer) Object.defineProperty(plugin.writer, 'mode', { value: process.env.BENCH_WRITE_MODE });
await plugin.configureCommon(structuredClone(flattened));
const session = process.env.BENCH_CPU_PROFILE ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let next = 0;
const worker = async () => {
  while (next < devices.length) {
    const device = devices[next++];
    const raw = applyRawConfigDefaults(flattened);
    const { valid, errors } = validateRawConfig(raw);
    if (!valid) throw new Error(`invalid raw config: ${errors.join('; ')}`);
    await plugin.configure(structuredClone(device), raw);
  }
};
await Promise.all(Array.from({ length: 64 }, worker));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
}
const tftpboot = plugin.tftpbootDir;
process.stdout.write(`${JSON.stringify({ seconds, cpu: (cpu.user + cpu.system) / 1e6, user: cpu.user / 1e6, system: cpu.system / 1e6, tftpboot, files: 2 * devices.length })}\n`);
if (o.keep) {
  // the caller compares the files first
  await new Promise((resolve) => process.stdin.once('data', resolve).resume());
}
if (o.leave) await plugin.close();
else await opened.dispose();

// The provd configure path for the configure benchmark, in its own process: the plugin loaded as the host loads it
// (from its tarball, in a working copy), then for every device what the host does before and in `configure`
// (ProvisioningApp: its own copy of the flattened raw config with the defaults applied, validated, then
// `plugin.configure(device copy, raw)`: template look-up, render, atomic write), as many devices in flight and the
// writes made as a render makes them with that durability (renderWriteEnvironment: 64 and one writer thread without
// fsync; 512 and a filesystem flush shared by the writes in flight, before their renames and after, with fsync).
// Usage: node configure-node.mjs <options.json>; prints one JSON line: seconds and CPU seconds (user + system, every
// thread of the process, and each of them; `helpers`: the child processes', the flush helper's, counted in `cpu`) of
// the loop over the devices, the plugin folder, and the files written.
// BENCH_CPU_PROFILE=<file> writes a V8 CPU profile of the loop. With `leave: true` in the options the plugin is closed
// but its working copy (under TMPDIR) is left for the caller to remove: removing 20,000 files right before the next
// timed round would slow that round's file creation (see the header of configure.bench.mjs).
import { readdirSync, readFileSync } from 'node:fs';
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

/** The CPU seconds of this process's child processes (the flush helper shell and the `sync` runs it waited for). */
function childrenCpu() {
  let ticks = 0;
  for (const task of readdirSync('/proc/self/task')) {
    const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
    for (const pid of children ? children.split(/\s+/) : []) {
      // utime stime cutime cstime: fields 14-17, counted after the command name's closing parenthesis
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    }
  }
  return ticks / 100; // USER_HZ
}

const devices = JSON.parse(await readFile(o.devices, 'utf8'));
const flattened = JSON.parse(await readFile(o.config, 'utf8'));
// the writes as `provd render` makes them (renderWriteEnvironment: in one writer thread without fsync; with fsync on
// this thread but the files made durable by a filesystem flush shared by the writes in flight, before their renames)
// BENCH_WRITE_MODE=event-loop|threads|sync|hybrid: where the plugin's atomic writes run (to compare them in one run);
// BENCH_WRITE_FLUSH=0: with fsync in mode hybrid, an fsync of each file instead of the shared flush
const mode = process.env.BENCH_WRITE_MODE;
const writes = host.renderWriteEnvironment?.(o.durability, mode) ?? { writeDurability: o.durability, writeMode: mode ?? host.renderWriteMode?.(o.durability), close() {} };
const { close: closeWrites, concurrency = 64, ...environment } = writes;
if (process.env.BENCH_WRITE_FLUSH === '0') delete environment.writeFlush;
const opened = await host.openPlugin(o.plugin, { ...environment, copyFolder: true });
const { plugin } = opened;
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
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const helpers = childrenCpu();
if (session) {
  const { profile } = await session.post('Profiler.stop');
  await writeFile(process.env.BENCH_CPU_PROFILE, JSON.stringify(profile));
}
const tftpboot = plugin.tftpbootDir;
process.stdout.write(`${JSON.stringify({ seconds, cpu: (cpu.user + cpu.system) / 1e6 + helpers, user: cpu.user / 1e6, system: cpu.system / 1e6, helpers, tftpboot, files: 2 * devices.length })}\n`);
if (o.keep) {
  // the caller compares the files first
  await new Promise((resolve) => process.stdin.once('data', resolve).resume());
}
if (o.leave) await plugin.close();
else await opened.dispose();
closeWrites();

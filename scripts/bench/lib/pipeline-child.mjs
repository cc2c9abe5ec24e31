// The request pipeline of the pipeline benchmark, in its own process (its V8 flags and heap are its own): a host
// started in this process with the Digium plugin installed, and its requests handed to it directly (`locateFile`),
// without HTTP, sockets or files read. Usage: node pipeline-child.mjs <options.json>, with {"hostModule",
// "options" (the startHost options, without functions), "serveFlags" (whether to apply provd serve's V8 flags, as
// `provd serve` does), "count" (requests per pass), "inFlight"}. Prints one JSON line: the figures of each pass, and how many devices the new phones created.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

const o = JSON.parse(await readFile(process.argv[2], 'utf8'));
const host = await import(o.hostModule);
if (o.serveFlags) host.applyServeV8Flags();

// the main thread's GC pauses so far: scavenges of the young generation, and the rest (mark-compacts of the old one,
// their incremental steps, weak callbacks)
const gc = { minorMs: 0, minor: 0, majorMs: 0, major: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gc.minorMs += e.duration;
      gc.minor++;
    } else {
      gc.majorMs += e.duration;
      gc.major++;
    }
  }
}).observe({ entryTypes: ['gc'] });

/** The main thread's CPU time so far, in µs (Linux: /proc/thread-self/stat, in clock ticks of 10 ms). */
const mainCpu = () => {
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

/** A Digium phone's request for its own file (device number `n`: its MAC and IP from it). */
const request = (n) => ({
  path: `/Digium/000fd3${n.toString(16).padStart(6, '0')}.cfg`,
  headers: { 'user-agent': 'Digium D65 2.8.1' },
  clientIp: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
});

const running = await host.startHost({ ...o.options, log: () => {} });
await running.app.installPlugin('digium-2.8.1');
await running.app.reconfigurer.idle();

/**
 * `count` requests of devices `first`... (`inFlight` at once): per request, the CPU of the process and of its main
 * thread, and the main thread's GC (all of it; its scavenges; the old generation's pauses).
 */
async function pass(first, count) {
  const cpu0 = process.cpuUsage();
  const main0 = mainCpu();
  const gc0 = { ...gc };
  const t0 = performance.now();
  let next = first;
  let identified = 0;
  await Promise.all(
    Array.from({ length: o.inFlight }, async () => {
      while (next < first + count) if ((await running.app.locateFile(request(next++), 'http')).plugin === 'digium-2.8.1') identified++;
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    rate: count / seconds,
    processUs: (cpu.user + cpu.system) / count,
    mainUs: (mainCpu() - main0) / count,
    gcUs: ((gc.minorMs + gc.majorMs - gc0.minorMs - gc0.majorMs) * 1000) / count,
    gcPauses: gc.minor + gc.major - gc0.minor - gc0.major,
    scavengeUs: ((gc.minorMs - gc0.minorMs) * 1000) / count,
    scavenges: gc.minor - gc0.minor,
    oldUs: ((gc.majorMs - gc0.majorMs) * 1000) / count,
    oldPauses: gc.major - gc0.major,
    identified,
  };
}

const WARM_UP = Math.min(2000, o.count);
await pass(10_000_000, WARM_UP); // warm-up: the code compiled, the store's statements prepared
const created = await pass(0, o.count);
// the same phones again: their devices are no longer among those found lately (every creation is a device write),
// then once more, found lately (the usual request of a known phone)
const firstAgain = await pass(0, o.count);
const known = await pass(0, o.count);
// the devices created automatically, those of the warm-up's phones left out
const devices = (await running.app.devices.find({ added: 'auto' }, { limit: o.count + WARM_UP + 10 })).items.length - WARM_UP;
await running.close();
process.stdout.write(`${JSON.stringify({ created, firstAgain, known, devices })}\n`);

// The provd host of the scale benchmark, in its own process: its RSS, its event loop and its CPU are the host's alone
// (the load generators and the anchors run in the benchmark's process). Usage: node scale-host-child.mjs <options.json>
// (the startHost options, without functions). Commands on stdin, one JSON object a line ({"id", "cmd"}), each
// answered on stdout with one JSON line carrying the same id:
//   start       starts the host; answers {"ports", "ms"} (the time startHost took)
//   status      the background reconfigurations; answers {"status"} (app.reconfigureStatus())
//   loop-start  starts monitorEventLoopDelay; loop-stop answers {"maxMs"}, the longest stall since, and where
//               /proc/thread-self/schedstat exists (Linux) {"ownMs"}: the longest stall less the time the main thread
//               spent waiting for a CPU meanwhile (what the host's own work or blocking calls cost, not the machine's
//               load), and {"waitMs"}: that wait during the longest stall
//   memory      answers {"rss", "hwm", "maxRss", "phaseMax", "phaseSampled"} in MB: now; the peak of this process's
//               own memory (VmHWM, where /proc exists); getrusage's maxRSS; the peak since the previous memory command
//               (VmHWM again, reset after each command through /proc/self/clear_refs: exact, between samples too;
//               else the sampled figure); the highest sampled (every 50 ms) since the previous memory command; and
//               "sampled": that sampled figure of every memory command before this one (each phase's, both ways)
//               Only hwm is the host's peak: on Linux, getrusage's maxRSS is carried over an exec (exec_mmap keeps the
//               largest of the old and new memory's high-water marks in the process's signal struct), and the old
//               memory here is the copy a fork made of the benchmark's process: maxRSS starts at the benchmark's RSS
//               at the spawn (a child of a 443 MB node reports 404 MB, with VmHWM 40 MB)
//   close       closes the host and exits
// The first line, once the modules are loaded: {"ready": true}. Diagnostics on stderr: PROVD_BENCH_STALLS=<ms> (stalls
// longer than that), PROVD_BENCH_MEM=<ms> (where the RSS is, that often).
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { procStatusMb } from './proc-status.mjs';

const o = JSON.parse(await readFile(process.argv[2], 'utf8'));
const host = await import(o.hostModule);
// with PROVD_BENCH_STALLS, each line starts with the time on the clock of CPU profiles (µs)
const at = () => (process.env.PROVD_BENCH_STALLS ? `${process.hrtime.bigint() / 1000n} µs ` : '');
const log = process.env.PROVD_BENCH_LOG ? (l) => process.stderr.write(`host: ${at()}${l}\n`) : () => {};
let running;
let loop;
let ticks;
/** The main thread's time on a CPU and waiting for one so far, in ns (Linux), else undefined. */
const schedstat = () => {
  try {
    return readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
  } catch {
    return undefined;
  }
};
/**
 * Every 5 ms: the longest gap between ticks, the wait for a CPU within it, and the longest gap less its wait;
 * `each(gap, ran, wait, now)` is called with every gap (ms; now: process.hrtime.bigint(), the clock of CPU profiles).
 */
function tickStalls(each) {
  const out = { maxMs: 0, waitMs: 0, ownMs: 0 };
  let last = process.hrtime.bigint();
  let prev = schedstat();
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    const cur = schedstat();
    const gap = Number(now - last) / 1e6;
    const wait = cur && prev ? (cur[1] - prev[1]) / 1e6 : 0;
    each?.(gap, cur && prev ? (cur[0] - prev[0]) / 1e6 : 0, wait, now);
    if (gap > out.maxMs) Object.assign(out, { maxMs: gap, waitMs: wait });
    out.ownMs = Math.max(out.ownMs, gap - wait);
    last = now;
    prev = cur;
  }, 5);
  timer.unref();
  return { stop: () => (clearInterval(timer), out), measured: prev !== undefined };
}
// the highest RSS seen since the last `memory` command (sampled every 50 ms): which phase of the run peaked
let sinceLast = 0;
// the peak of the whole run (VmHWM is reset after each memory command: see resetPeak)
let peak = 0;
/** Resets the kernel's high-water mark of this process (VmHWM) to its RSS now; false where it cannot. */
const resetPeak = () => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};
// whether VmHWM can be reset (then each phase's peak is exact); the first phase's includes the start-up
let phasePeaks = true;
// getrusage's maxRSS, the largest read (see the memory command)
let maxRss = 0;
const sampled = [];
// (process.memoryUsage.rss(): the resident size alone, without the heap statistics memoryUsage() gathers each time)
setInterval(() => (sinceLast = Math.max(sinceLast, process.memoryUsage.rss())), 50).unref();
// PROVD_BENCH_STALLS=<ms>: every stall longer than that on stderr, with the main thread's time on a CPU and waiting for
// one meanwhile
if (process.env.PROVD_BENCH_STALLS) {
  const limit = Number(process.env.PROVD_BENCH_STALLS);
  tickStalls((gap, ran, wait, now) => {
    if (gap > limit + 5) process.stderr.write(`host: stall ${gap.toFixed(0)} ms ending at ${now / 1000n} µs: on CPU ${ran.toFixed(0)} ms, waiting for a CPU ${wait.toFixed(0)} ms\n`);
  });
}
if (process.env.PROVD_BENCH_MEM) {
  // PROVD_BENCH_MEM=<ms>: where the RSS is, every <ms> on stderr (the main thread's heap; anonymous and file pages)
  const rollup = () => Object.fromEntries([...readFileSync('/proc/self/smaps_rollup', 'utf8').matchAll(/^(Rss|Anonymous|Shared_Clean|Private_Clean):\s+(\d+)/gm)].map((m) => [m[1], Math.round(Number(m[2]) / 1024)]));
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (x) => Math.round(x / 2 ** 20);
    const spaces = v8.getHeapSpaceStatistics().map((x) => `${x.space_name.replace('_space', '')} ${mb(x.space_used_size)}/${mb(x.space_size)}`).join(', ');
    process.stderr.write(`host: ${at()}mem rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} ${JSON.stringify(rollup())} ${spaces}\n`);
  }, Number(process.env.PROVD_BENCH_MEM)).unref();
}
const reply = (id, body) => process.stdout.write(`${JSON.stringify({ id, ...body })}\n`);
const commands = {
  async start() {
    // what provd serve sets before it starts the host (the V8 settings node refuses in NODE_OPTIONS)
    host.applyServeV8Flags();
    const t = performance.now();
    running = await host.startHost({ ...o.options, log });
    return { ports: running.ports, ms: performance.now() - t };
  },
  async status() {
    return { status: running.app.reconfigureStatus() };
  },
  async 'loop-start'() {
    loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    ticks = tickStalls();
    return {};
  },
  async 'loop-stop'() {
    loop.disable();
    const t = ticks.stop();
    return { maxMs: loop.max / 1e6, ...(ticks.measured ? { ownMs: t.ownMs, waitMs: t.waitMs } : {}) };
  },
  async memory() {
    const rss = process.memoryUsage.rss();
    const phaseSampled = Math.max(sinceLast, rss) / 2 ** 20;
    sinceLast = 0;
    const hwm = procStatusMb('VmHWM');
    if (hwm !== undefined) peak = Math.max(peak, hwm);
    // (read before the reset, which lowers it too: the largest of every read is what getrusage alone would answer)
    maxRss = Math.max(maxRss, process.resourceUsage().maxRSS / 1024);
    const phaseMax = phasePeaks && hwm !== undefined ? hwm : phaseSampled;
    phasePeaks = phasePeaks && resetPeak();
    const before = [...sampled];
    sampled.push(phaseSampled);
    return { rss: rss / 2 ** 20, hwm: hwm === undefined ? undefined : peak, maxRss, phaseMax, phaseSampled, sampled: before };
  },
  async close() {
    await running?.close();
    running = undefined;
    setImmediate(() => process.exit(0));
    return {};
  },
};
createInterface({ input: process.stdin })
  .on('line', async (line) => {
    const { id, cmd } = JSON.parse(line);
    try {
      reply(id, await commands[cmd]());
    } catch (err) {
      reply(id, { error: err instanceof Error ? err.stack : String(err) });
    }
  })
  .on('close', async () => {
    await running?.close();
    process.exit(0);
  });
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

// The provd host of the scale benchmark, in its own process: its RSS, its event loop and its CPU are the host's alone
// (the load generators and the anchors run in the benchmark's process). Usage: node scale-host-child.mjs <options.json>
// (the startHost options, without functions). Commands on stdin, one JSON object a line ({"id", "cmd"}), each
// answered on stdout with one JSON line carrying the same id:
//   start       starts the host; answers {"ports", "ms"} (the time startHost took)
//   status      the background reconfigurations; answers {"status"} (app.reconfigureStatus())
//   loop-start  starts monitorEventLoopDelay; loop-stop answers {"maxMs"}, the longest stall since
//   memory      answers {"rss", "maxRss", "phaseMax"} in MB (now, the peak of the process, the highest sampled
//               since the previous memory command)
//   close       closes the host and exits
// The first line, once the modules are loaded: {"ready": true}.
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const o = JSON.parse(await readFile(process.argv[2], 'utf8'));
const host = await import(o.hostModule);
const log = process.env.PROVD_BENCH_LOG ? (l) => process.stderr.write(`host: ${l}\n`) : () => {};
let running;
let loop;
// the highest RSS seen since the last `memory` command (sampled every 50 ms): which phase of the run peaked
let sinceLast = 0;
// (process.memoryUsage.rss(): the resident size alone, without the heap statistics memoryUsage() gathers each time)
setInterval(() => (sinceLast = Math.max(sinceLast, process.memoryUsage.rss())), 50).unref();
const reply = (id, body) => process.stdout.write(`${JSON.stringify({ id, ...body })}\n`);
const commands = {
  async start() {
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
    return {};
  },
  async 'loop-stop'() {
    loop.disable();
    return { maxMs: loop.max / 1e6 };
  },
  async memory() {
    const rss = process.memoryUsage.rss();
    const phaseMax = Math.max(sinceLast, rss) / 2 ** 20;
    sinceLast = 0;
    return { rss: rss / 2 ** 20, maxRss: process.resourceUsage().maxRSS / 1024, phaseMax };
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

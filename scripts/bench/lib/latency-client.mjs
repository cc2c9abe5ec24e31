// A phone-fetch latency probe run as its own process (its own event loop), paced: it sends the given phone files'
// requests at a fixed rate (open loop: request k is due at start + k / rate, whether or not the earlier ones have
// been answered, on up to 64 keep-alive connections), each one's latency counted from when it was due (a host that
// stalls delays every request due meanwhile, and they count, not only the one in flight). It runs for `seconds`, or,
// with 0, until its stdin ends (the benchmark closes it when the phase it covers is over); then it prints
// {"median","p95","max","count","errors","rate","late"} on stdout: milliseconds; `rate` the requests per second
// actually sent; `late` how many were sent more than 10 ms after they were due (the probe itself behind).
// Paced rather than back to back: phones of a fleet fetch at a modest rate each, and a client fetching back to back
// measures how a host shares the CPU with a load generator, not the wait of a phone asking now and then.
// Usage: node latency-client.mjs <port> <seconds|0> <paths-file.json> [requests per second, default 200]
//   (paths: [[path, ip], ...])
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [port, seconds, file, rateArg] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(file, 'utf8'));
const rate = Number(rateArg ?? 200);
if (!(rate > 0)) throw new Error(`latency-client: the rate must be a positive number of requests per second, not ${rateArg}`);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const get = (path, ip) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, agent, headers: { 'X-Forwarded-For': ip, 'User-Agent': 'Digium D65 2.8.1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.end();
  });

const times = [];
const inFlight = new Set();
let errors = 0;
let late = 0;
let stopped = false;
const start = performance.now();
if (Number(seconds) > 0) setTimeout(() => (stopped = true), Number(seconds) * 1000);
else {
  process.stdin.on('end', () => (stopped = true));
  process.stdin.resume();
}

let k = 0;
const interval = 1000 / rate;
while (!stopped) {
  const due = start + k * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (stopped) break;
  // every request due by now is sent (a timer fires late under load: those due meanwhile are not skipped)
  while (!stopped && start + k * interval <= performance.now()) {
    const scheduled = start + k * interval;
    if (performance.now() - scheduled > 10) late++;
    const [path, ip] = paths[(k * 7919) % paths.length];
    k++;
    const p = get(path, ip).then((status) => {
      times.push(performance.now() - scheduled);
      if (status !== 200) errors++;
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
}
const elapsed = (performance.now() - start) / 1000;
await Promise.all(inFlight);
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0;
console.log(JSON.stringify({ median: at(0.5), p95: at(0.95), max: times.at(-1) ?? 0, count: times.length, errors, rate: k / elapsed, late }));
agent.destroy();
process.exit(0);

// A phone-fetch latency probe run as its own process (its own event loop): fetches the given phone files one after
// the other for `seconds`, then prints {"median","p95","max","count","errors"} in milliseconds on stdout.
// Usage: node latency-client.mjs <port> <seconds> <paths-file.json>   (paths: [[path, ip], ...])
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

const [port, seconds, file] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(file, 'utf8'));
const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
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
let errors = 0;
const end = performance.now() + Number(seconds) * 1000;
for (let i = 0; performance.now() < end; i++) {
  const [path, ip] = paths[(i * 7919) % paths.length];
  const t = performance.now();
  const status = await get(path, ip);
  times.push(performance.now() - t);
  if (status !== 200) errors++;
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))] ?? 0;
console.log(JSON.stringify({ median: at(0.5), p95: at(0.95), max: times.at(-1) ?? 0, count: times.length, errors }));
agent.destroy();

// The provd host of the serve benchmark, in its own process (the load generator never shares its event loop).
// Usage: node host-child.mjs <options.json>; prints one JSON line with the ports and the tftpboot folder once
// `phones` devices are configured. Commands on stdin, one a line: `profile-start` starts the V8 CPU profiler,
// `profile-stop <file>` writes the profile taken since (so only the measured rounds are profiled) and answers
// `profiled`; `stats` answers one JSON line with the host's own counts (identifications by outcome, HTTP requests
// answered), from its metrics. Exits on SIGTERM or when stdin closes.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { createInterface } from 'node:readline';

const o = JSON.parse(await readFile(process.argv[2], 'utf8'));
const host = await import(o.hostModule);
const hex = (n) => n.toString(16).padStart(2, '0');
const mac = (i) => `00:0f:d3:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
const ipOf = (i) => `10.1.${i >> 8}.${i & 255}`;
const running = await host.startHost({
  pluginsDir: join(o.dir, 'plugins'),
  dataDir: join(o.dir, 'data'),
  repo: join(o.dir, 'repo'),
  httpPort: 0,
  tftpPort: 0,
  apiPort: 0,
  trustedProxies: 1,
  sync: 'none',
});
const { app } = running;
await app.installPlugin('digium-2.8.1');
await app.insertConfig({ id: 'phones', parent_ids: [], raw_config: { sip_lines: { 1: { username: 'u', password: 'p', proxy_ip: '10.0.0.2' } } } });
const started = Date.now();
for (let i = 0; i < o.phones; i++) {
  await app.insertDevice({ mac: mac(i), ip: ipOf(i), vendor: 'Digium', model: 'D65', version: '2.8.1', plugin: 'digium-2.8.1', config: 'phones' });
}
// the phone TFTP transfers come from (loopback): known by its IP, so its plugin's tftpboot serves the firmware
await app.insertDevice({ mac: mac(0xfffff), ip: '127.0.0.1', vendor: 'Digium', model: 'D65', version: '2.8.1', plugin: 'digium-2.8.1', config: 'phones' });
const tftpboot = app.plugins.loaded().get('digium-2.8.1').tftpbootDir;
if (o.bigFile) {
  await mkdir(join(tftpboot, 'Digium', 'firmware'), { recursive: true });
  await writeFile(join(tftpboot, o.bigFile.name), await readFile(o.bigFile.from));
}
const configureSeconds = (Date.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ http: running.ports.http, tftp: running.ports.tftp, tftpboot, configureSeconds })}\n`);
let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  const devices = await app.devices.count();
  await running.close();
  process.stderr.write(`devices at exit: ${devices}\n`);
  process.exit(0);
};
process.on('SIGTERM', stop);
// connected on the first profile-start only: an attached inspector session slows the host (~20% more CPU per
// request measured), so the rounds that are not profiled run without one
let session;
createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, file] = line.trim().split(' ');
  if (command === 'profile-start') {
    if (!session) {
      session = new Session();
      session.connect();
    }
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
  } else if (command === 'stats') {
    const sum = async (name, keep) => ((await running.metrics.registry.getSingleMetric(name)?.get())?.values ?? []).filter((v) => keep(v.labels)).reduce((n, v) => n + v.value, 0);
    const identified = await sum('provd_identifications_total', () => true);
    const known = await sum('provd_identifications_total', (l) => l.outcome === 'known');
    const http = await sum('provd_requests_total', (l) => l.protocol === 'http');
    process.stdout.write(`${JSON.stringify({ identified, known, http })}\n`);
  } else if (command === 'profile-stop') {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    process.stdout.write('profiled\n');
  }
}).on('close', stop);

// Config fetches by 1,000 distinct phones over HTTP: the provd host (identification on every request: extraction by
// every plugin, retrieval by MAC, update, association, routing) against a plain static file server of the same files,
// both measured with wrk on loopback in the same run. Goal: provd >= 70% of the static server's requests per second.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from './lib/exec.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PHONES = 1000;
const DURATION = '5s';
const ROUNDS = 3;
const CONNECTIONS = 64;

/** A plain static file server, the baseline: the file read whole (open, fstat, read, close) and sent in one write. */
function staticServer(dir) {
  return createServer(async (req, res) => {
    const file = join(dir, decodeURIComponent(req.url.split('?')[0]).replace(/\.\.+/g, ''));
    const body = await readFile(file).catch(() => undefined);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length }).end(body);
  });
}

async function wrk(port, script) {
  const out = await exec('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}`, '-s', script, `http://127.0.0.1:${port}/`]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, non2xx };
}

const mac = (i) => `00:0f:d3:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const ipOf = (i) => `10.1.${i >> 8}.${i & 255}`;

export default async function bench() {
  const host = await import(join(root, 'packages/host/dist/index.js'));
  const dir = await mkdtemp(join(tmpdir(), 'provd-bench-serve-'));
  try {
    await exec('node', [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(dir, 'repo')], { cwd: root });
    const running = await host.startHost({
      pluginsDir: join(dir, 'plugins'),
      dataDir: join(dir, 'data'),
      repo: join(dir, 'repo'),
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
    for (let i = 0; i < PHONES; i++) {
      await app.insertDevice({ mac: mac(i), ip: ipOf(i), vendor: 'Digium', model: 'D65', version: '2.8.1', plugin: 'digium-2.8.1', config: 'phones' });
    }
    console.log(`configured ${PHONES} phones in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const paths = Array.from({ length: PHONES }, (_, i) => [`/Digium/${mac(i).replaceAll(':', '')}.cfg`, ipOf(i)]);
    const script = join(dir, 'phones.lua');
    await writeFile(
      script,
      `local phones = {\n${paths.map(([p, ip]) => `  {"${p}", "${ip}"},`).join('\n')}\n}\n` +
        'local i = 0\n' +
        'request = function()\n  i = i + 1\n  local p = phones[(i % #phones) + 1]\n' +
        '  return wrk.format("GET", p[1], { ["X-Forwarded-For"] = p[2], ["User-Agent"] = "Digium D65 2.8.1" })\nend\n',
    );
    const tftpboot = app.plugins.loaded().get('digium-2.8.1').tftpbootDir;
    const baseline = staticServer(tftpboot);
    await new Promise((resolve) => baseline.listen(0, '127.0.0.1', resolve));
    // warm both up, then alternate rounds (the machine is shared: alternating spreads the noise over both), median
    await wrk(running.ports.http, script);
    await wrk(baseline.address().port, script);
    const rounds = { provd: [], plain: [] };
    for (let r = 0; r < ROUNDS; r++) {
      rounds.provd.push(await wrk(running.ports.http, script));
      rounds.plain.push(await wrk(baseline.address().port, script));
    }
    const median = (list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)];
    const provd = median(rounds.provd);
    const plain = median(rounds.plain);
    const non2xx = [...rounds.provd, ...rounds.plain].reduce((n, r) => n + r.non2xx, 0);
    await new Promise((resolve) => baseline.close(resolve));
    const devices = app.devices.size;
    await running.close();
    const ratio = provd.rps / plain.rps;
    const list = (key) => rounds[key].map((r) => r.rps.toFixed(0)).join(', ');
    console.log(`provd host (identification on every request): ${provd.rps.toFixed(0)} req/s (median of ${list('provd')})`);
    console.log(`plain static file server:                     ${plain.rps.toFixed(0)} req/s (median of ${list('plain')})`);
    console.log(`ratio: ${(ratio * 100).toFixed(1)}% (goal >= 70%); non-2xx responses: ${non2xx}; devices after the run: ${devices}`);
    return non2xx === 0 && devices === PHONES;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

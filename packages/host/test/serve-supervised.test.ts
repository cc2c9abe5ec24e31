/**
 * The real `provd` executable under a supervisor's hand: settings from config.yml + conf.d, health, readiness and
 * metrics, the access log, HTTPS with curl (client certificates, reload on SIGHUP), log reopening on SIGHUP, and a
 * SIGTERM that lets the request in flight finish and exits 0.
 */
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME_SOURCE, writePluginFolder } from './helpers-plugins';
import { startHost } from '../src/app/serve-host';
import { serveProvd, until, type HostProcess } from './host-process';
import { run } from './serve-helpers';

let dir: TestDir;
let host: HostProcess & { ports: Record<string, number> };

const UA = 'Acme-A1/1.0 (001122334455)';

/** A CA and, signed by it, a certificate for `cn` (with the IP SAN 127.0.0.1 for servers). */
async function issue(name: string, ca: string, cn: string, server: boolean): Promise<void> {
  const at = (f: string) => dir.join(`tls/${f}`);
  await run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${cn}`]);
  await writeFile(at(`${name}.ext`), server ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
  const signed = await run('openssl', ['x509', '-req', '-in', at(`${name}.csr`), '-CA', at(`${ca}.crt`), '-CAkey', at(`${ca}.key`), '-CAcreateserial', '-out', at(`${name}.crt`), '-days', '2', '-extfile', at(`${name}.ext`)]);
  expect(signed.code, signed.stderr).toBe(0);
}

async function makeCa(name: string): Promise<void> {
  const made = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', dir.join(`tls/${name}.key`), '-out', dir.join(`tls/${name}.crt`), '-days', '2', '-subj', `/CN=${name}`]);
  expect(made.code, made.stderr).toBe(0);
}

const curl = (...args: string[]) => run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', ...args]);
const logLines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  dir = await testdir();
  const entry = (await readFile(join(ACME_SOURCE, 'entry.js'), 'utf8')).replace(
    '    async extract(request) {\n      const match = HTTP_UA',
    "    async extract(request) {\n      if (request.path.startsWith('/Acme/slow')) {\n        await (await import('node:fs/promises')).writeFile(process.env.SLOW_MARKER, 'in flight');\n        await new Promise((r) => setTimeout(r, 1500));\n      }\n      const match = HTTP_UA",
  );
  const plugin = await writePluginFolder(dir.join('plugins'), 'acme-1', { files: { 'entry.js': entry } });
  await mkdir(join(plugin, 'var/tftpboot/Acme'), { recursive: true });
  await writeFile(join(plugin, 'var/tftpboot/Acme/firmware.bin'), 'x'.repeat(1000));
  await writeFile(join(plugin, 'var/tftpboot/Acme/slow.bin'), 'slow');
  await mkdir(dir.join('tls'));
  await makeCa('ca1');
  await makeCa('ca2');
  await issue('server1', 'ca1', '127.0.0.1', true);
  await issue('server2', 'ca2', '127.0.0.1', true);
  await issue('phone', 'ca1', '001122334455', false);
  await writeFile(dir.join('tls/server.crt'), await readFile(dir.join('tls/server1.crt')));
  await writeFile(dir.join('tls/server.key'), await readFile(dir.join('tls/server1.key')));
  await mkdir(dir.join('etc/conf.d'), { recursive: true });
  await writeFile(
    dir.join('etc/config.yml'),
    [
      `plugins_dir: ${dir.join('plugins')}`,
      `data_dir: ${dir.join('data')}`,
      'http_port: 0',
      'tftp_port: 0',
      'api_port: 0',
      'ops_port: 0',
      'sync: none',
      'log_level: info',
      `log_file: ${dir.join('log/provd.log')}`,
      '',
    ].join('\n'),
  );
  await writeFile(
    dir.join('etc/conf.d/50-https.yml'),
    [`https_port: 0`, `tls_cert: ${dir.join('tls/server.crt')}`, `tls_key: ${dir.join('tls/server.key')}`, `tls_client_ca: ${dir.join('tls/ca1.crt')}`, 'tls_client_cert: request', ''].join('\n'),
  );
  await mkdir(dir.join('log'));
  host = await serveProvd(['--config', dir.join('etc/config.yml')], { env: { PROVD_SHUTDOWN_TIMEOUT: '5', SLOW_MARKER: dir.join('slow-marker') } });
}, 60_000);

afterAll(async () => {
  if (host?.child.exitCode === null) host.child.kill('SIGKILL');
  await dir?.cleanup();
});

describe('provd serve as a supervised process', () => {
  it('takes its settings from config.yml, conf.d and the environment, and reports ready with its plugins and servers', async () => {
    expect(Object.keys(host.ports).sort()).toEqual(['api', 'http', 'https', 'ops', 'tftp']);
    const ready = await run('curl', ['-sS', `http://127.0.0.1:${host.ports.ops}/ready`]);
    expect(JSON.parse(ready.stdout)).toEqual({
      status: 'ok',
      ready: true,
      plugins: { loaded: true, ids: ['acme-1'], failed: [] },
      servers: { http: true, https: true, tftp: true, api: true },
    });
    for (const port of [host.ports.ops, host.ports.api]) {
      expect((await run('curl', ['-sS', '-w', ' %{http_code}', `http://127.0.0.1:${port}/health`])).stdout).toBe('{"status":"ok"}\n 200');
    }
  });

  it('writes one access line per phone request, with client, file, status, bytes, device and plugin, and counts it', async () => {
    expect((await curl('-A', UA, `http://127.0.0.1:${host.ports.http}/Acme/firmware.bin`)).stdout).toBe('200');
    expect((await curl('-A', UA, `http://127.0.0.1:${host.ports.http}/Acme/missing.cfg`)).stdout).toBe('404');
    // the same client over TFTP: known by its IP, so served from its plugin
    expect((await run('curl', ['-sS', '-o', '/dev/null', `tftp://127.0.0.1:${host.ports.tftp}/Acme/firmware.bin`])).code).toBe(0);
    expect((await run('curl', ['-sS', '-o', '/dev/null', `tftp://127.0.0.1:${host.ports.tftp}/Acme/none.bin`])).code).not.toBe(0);
    await until('four access lines', async () => (await logLines(dir.join('log/provd.log'))).filter((l) => l.access).length >= 4);
    const access = (await logLines(dir.join('log/provd.log'))).filter((l) => l.access);
    const device = access[0]!.device as string;
    expect(device).toMatch(/^[0-9a-f]{32}$/);
    expect(access[0]).toMatchObject({ level: 30, access: 'http', client: '127.0.0.1', method: 'GET', file: '/Acme/firmware.bin', status: 200, bytes: 1000, device, plugin: 'acme-1' });
    expect(access[1]).toMatchObject({ access: 'http', file: '/Acme/missing.cfg', status: 404, bytes: 10, device, plugin: 'acme-1' }); // "not found\n"
    expect(access[2]).toMatchObject({ access: 'tftp', client: '127.0.0.1', file: 'Acme/firmware.bin', status: 'ok', bytes: 1000, device, plugin: 'acme-1' });
    expect(access[3]).toMatchObject({ access: 'tftp', file: 'Acme/none.bin', status: 'file_not_found', bytes: 0, device });
    const metrics = (await run('curl', ['-sS', `http://127.0.0.1:${host.ports.ops}/metrics`])).stdout;
    expect(metrics).toMatch(/^provd_requests_total\{protocol="http",status="200"\} 1$/m);
    expect(metrics).toMatch(/^provd_requests_total\{protocol="http",status="404"\} 1$/m);
    expect(metrics).toMatch(/^provd_requests_total\{protocol="tftp",status="ok"\} 1$/m);
    expect(metrics).toMatch(/^provd_requests_total\{protocol="tftp",status="file_not_found"\} 1$/m);
    expect(metrics).toMatch(/^provd_identifications_total\{outcome="created"\} 1$/m);
    expect(metrics).toMatch(/^provd_identifications_total\{outcome="known"\} 3$/m);
    expect(metrics).toMatch(/^provd_plugin_associations_total\{plugin="acme-1",reason="new"\} 1$/m);
    expect(metrics).toMatch(/^provd_store_documents\{kind="device"\} 1$/m);
    expect(metrics).toMatch(/^provd_background_queue 0$/m);
  });

  it('serves HTTPS to curl, verifying a client certificate when the phone presents one', async () => {
    const url = `https://127.0.0.1:${host.ports.https}/Acme/firmware.bin`;
    expect((await curl('--cacert', dir.join('tls/ca1.crt'), '-A', UA, url)).stdout).toBe('200');
    expect((await curl('--cacert', dir.join('tls/ca1.crt'), '-A', UA, '--cert', dir.join('tls/phone.crt'), '--key', dir.join('tls/phone.key'), url)).stdout).toBe('200');
    const refused = await curl('--cacert', dir.join('tls/ca2.crt'), '-A', UA, url);
    expect(refused.code).toBe(60); // the server's certificate is not signed by ca2
    await until('two https access lines', async () => (await logLines(dir.join('log/provd.log'))).filter((l) => l.access === 'https').length >= 2);
    const lines = (await logLines(dir.join('log/provd.log'))).filter((l) => l.access === 'https');
    expect(lines[0]).toMatchObject({ status: 200, bytes: 1000, plugin: 'acme-1' });
    expect(lines[0]!.clientCert).toBeUndefined();
    expect(lines[1]).toMatchObject({ status: 200, clientCert: '001122334455' });
  });

  it('on SIGHUP reopens its log file (after logrotate moved it) and loads the new certificate', async () => {
    await rename(dir.join('log/provd.log'), dir.join('log/provd.log.1'));
    await writeFile(dir.join('tls/server.crt'), await readFile(dir.join('tls/server2.crt')));
    await writeFile(dir.join('tls/server.key'), await readFile(dir.join('tls/server2.key')));
    host.child.kill('SIGHUP');
    await until('the reopened log', async () => (await logLines(dir.join('log/provd.log'))).some((l) => /TLS certificate and key reloaded/.test(String(l.msg))));
    const url = `https://127.0.0.1:${host.ports.https}/Acme/firmware.bin`;
    expect((await curl('--cacert', dir.join('tls/ca2.crt'), '-A', UA, url)).stdout).toBe('200');
    expect((await curl('--cacert', dir.join('tls/ca1.crt'), '-A', UA, url)).code).toBe(60);
    expect((await curl('-A', UA, `http://127.0.0.1:${host.ports.http}/Acme/firmware.bin`)).stdout).toBe('200');
    await until('the access line in the new file', async () => (await logLines(dir.join('log/provd.log'))).some((l) => l.access === 'http'));
    expect((await logLines(dir.join('log/provd.log.1'))).some((l) => /SIGHUP/.test(String(l.msg)))).toBe(false);
  });

  it('on SIGTERM lets the request in flight finish, refuses new ones and exits 0', async () => {
    const slow = run('curl', ['-sS', '-w', '%{http_code}', '--max-time', '10', '-A', UA, `http://127.0.0.1:${host.ports.http}/Acme/slow.bin`]);
    await until('the slow request in flight', async () => (await readFile(dir.join('slow-marker'), 'utf8').catch(() => '')) === 'in flight');
    host.child.kill('SIGTERM');
    await until('the stop to begin', async () => (await logLines(dir.join('log/provd.log'))).some((l) => /SIGTERM: stopping/.test(String(l.msg))));
    // the health listener closes last: while the request drains, it says the host is stopping
    expect((await run('curl', ['-sS', '-w', ' %{http_code}', `http://127.0.0.1:${host.ports.ops}/health`])).stdout).toBe('{"status":"stopping"}\n 503');
    expect((await run('curl', ['-sS', '--max-time', '2', `http://127.0.0.1:${host.ports.http}/Acme/firmware.bin`])).code).not.toBe(0);
    expect((await slow).stdout).toBe('slow200');
    expect(await host.exited).toBe(0);
    const tail = (await logLines(dir.join('log/provd.log'))).slice(-2);
    expect(tail[0]).toMatchObject({ access: 'http', file: '/Acme/slow.bin', status: 200, bytes: 4 });
    expect(tail[1]).toMatchObject({ msg: 'stopped' });
  });
});

describe('HTTPS requiring a client certificate, and a plugin that does not load', () => {
  it('refuses a phone without a certificate at the handshake, serves one with, and stays ready without the broken plugin', async () => {
    await writePluginFolder(dir.join('plugins2'), 'acme-1');
    await writePluginFolder(dir.join('plugins2'), 'broken-1', { files: { 'entry.js': 'throw new Error("this plugin is broken");\n' } });
    const tls = async () => ({ cert: await readFile(dir.join('tls/server1.crt'), 'utf8'), key: await readFile(dir.join('tls/server1.key'), 'utf8'), ca: await readFile(dir.join('tls/ca1.crt'), 'utf8') });
    const running = await startHost({
      pluginsDir: dir.join('plugins2'), dataDir: dir.join('data2'), httpPort: 0, tftpPort: 0, apiPort: 0, sync: 'none', log: () => undefined,
      https: { port: 0, tls, clientCert: 'require' }, ops: { port: 0 },
    });
    try {
      const url = `https://127.0.0.1:${running.ports.https}/Acme/none.cfg`;
      const without = await curl('--cacert', dir.join('tls/ca1.crt'), '-A', UA, url);
      expect(without.code).not.toBe(0); // the TLS handshake fails: no HTTP status at all
      expect(without.stdout).toBe('000');
      expect((await curl('--cacert', dir.join('tls/ca1.crt'), '--cert', dir.join('tls/phone.crt'), '--key', dir.join('tls/phone.key'), '-A', UA, url)).stdout).toBe('404');
      const ready = JSON.parse((await run('curl', ['-sS', `http://127.0.0.1:${running.ports.ops}/ready`])).stdout) as { status: string; plugins: { ids: string[]; failed: { id: string; error: string }[] } };
      expect(ready.status).toBe('ok');
      expect(ready.plugins.ids).toEqual(['acme-1']);
      expect(ready.plugins.failed).toEqual([{ id: 'broken-1', error: expect.stringContaining('this plugin is broken') }]);
    } finally {
      await running.close();
    }
  }, 30_000);
});

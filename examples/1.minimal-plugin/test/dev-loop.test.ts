/**
 * `provd-build dev` against a running `provd serve`, both as their command lines: the dev loop builds the family into
 * the host's plugins folder and reloads it; a phone fetches its file; a saved template change reaches the phone
 * without a restart of the host; a broken template is reported while the host keeps serving the last good plugin.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
const provdBin = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');
const token = 'dev-loop-test-token';
const userAgent = 'AcmePhone-A10/1.0 (00:0f:d3:05:48:48)';

/** A child process with everything it printed so far, and a way to wait for a line of stdout or stderr. */
interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  waitFor(pattern: RegExp, after?: number): Promise<string>;
}

function start(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, PROVD_API_TOKEN: token } });
  let text = '';
  const waiters: { pattern: RegExp; after: number; resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      const match = w.pattern.exec(text.slice(w.after));
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match[0]);
      }
    }
  };
  const add = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    check();
  };
  child.stdout.on('data', add);
  child.stderr.on('data', add);
  child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`exited with ${code} before printing ${w.pattern}:\n${text}`));
  });
  return {
    child,
    output: () => text,
    waitFor: (pattern, after = 0) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, after, resolve, reject });
        check();
      }),
  };
}

async function api(port: number, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/0.2${path}`, {
    method,
    headers: { 'x-auth-token': token, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function phoneFetch(port: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/Acme/000fd3054848.cfg`, { headers: { 'user-agent': userAgent } });
  return { status: res.status, text: await res.text() };
}

let dir: TestDir;
let host: Running;
let dev: Running;
let ports: { http: number; api: number };
let template: string;
let original: string;

beforeAll(async () => {
  dir = await testdir();
  // The minimal family in a folder of its own, as an author has it.
  await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'plugin'), dir.join('family', 'plugin'), { recursive: true });
  await cp(join(repoRoot, 'examples', '1.minimal-plugin', 'provd.family.ts'), dir.join('family', 'provd.family.ts'));
  template = dir.join('family', 'plugin', 'templates', 'base.tpl');
  original = await readFile(template, 'utf8');
  await mkdir(dir.join('plugins'));
  host = start([provdBin, 'serve', '--plugins-dir', 'plugins', '--data-dir', 'data', '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--ops-port', '0', '--sync', 'none', '--json'], dir.path);
  ports = JSON.parse(await host.waitFor(/\{"http":\d+[^\n]*"api":\d+[^\n]*\}/)) as { http: number; api: number };
  const config = { id: 'phones', role: 'autocreate', parent_ids: [], raw_config: { sip_lines: { '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1' } } } };
  expect((await api(ports.api, 'POST', '/cfg_mgr/configs', { config })).status).toBe(201);
  dev = start([buildBin, 'dev', 'minimal', '--root', 'family', '--plugins-dir', 'plugins', '--api-url', `http://127.0.0.1:${ports.api}`], dir.path);
  await dev.waitFor(/watching /);
}, 120_000);

afterAll(async () => {
  for (const p of [dev, host]) {
    if (p && p.child.exitCode === null) {
      p.child.kill('SIGINT');
      await once(p.child, 'exit');
    }
  }
  await dir?.cleanup();
});

describe('provd-build dev against a running provd serve', { timeout: 60_000 }, () => {
  it('builds the family into the host and reloads it: a phone gets its file', async () => {
    expect(dev.output()).toMatch(/minimal: built in [\d.]+ s, reloaded minimal-1\.0; waiting for changes/);
    const first = await phoneFetch(ports.http);
    expect(first.status).toBe(200);
    expect(first.text).toContain('# Acme A10 configuration, written by provd');
    expect(first.text).toContain('line1.username = 1001');
  });

  it('reloads the plugin on a saved template change, and the served file changes without a restart', async () => {
    await phoneFetch(ports.http);
    const from = dev.output().length;
    await writeFile(template, original.replace('written by provd', 'written by provd in the dev loop'));
    await dev.waitFor(/reloaded minimal-1\.0; waiting for changes/, from);
    const after = await phoneFetch(ports.http);
    expect(after.status).toBe(200);
    expect(after.text).toContain('# Acme A10 configuration, written by provd in the dev loop');
    expect(host.child.exitCode).toBeNull();
  });

  it('prints the errors of a broken template without stopping; the host keeps the last good plugin; a fix goes through', async () => {
    const from = dev.output().length;
    await writeFile(template, `${original}{% if %}\n`);
    await dev.waitFor(/the build failed \(1 problem\); the host keeps the last good plugin; waiting for changes/, from);
    expect(dev.output().slice(from)).toMatch(/provd: PROVD_BUILD_TEMPLATE_INVALID: .*base\.tpl/);
    expect(dev.child.exitCode).toBeNull();
    expect((await phoneFetch(ports.http)).text).toContain('written by provd in the dev loop');

    const fixed = dev.output().length;
    await writeFile(template, original);
    await dev.waitFor(/reloaded minimal-1\.0; waiting for changes/, fixed);
    const back = await phoneFetch(ports.http);
    expect(back.text).toContain('# Acme A10 configuration, written by provd\n');
  });

  it('says so when the host refuses the reload (a wrong token), and goes on', async () => {
    const wrong = spawn(process.execPath, [buildBin, 'dev', 'minimal', '--root', 'family', '--plugins-dir', 'plugins', '--api-url', `http://127.0.0.1:${ports.api}`], {
      cwd: dir.path,
      env: { ...process.env, PROVD_API_TOKEN: 'not-a-token-of-this-host' },
    });
    let err = '';
    wrong.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString('utf8')));
    await new Promise<void>((resolve) => {
      const check = (): void => void (/watching /.test(err) && resolve());
      wrong.stderr.on('data', check);
    });
    expect(err).toMatch(/provd: PROVD_BUILD_DEV_RELOAD_FAILED: the host at ".*\/0\.2\/pg_mgr\/reload" did not reload plugin "minimal-1\.0": the host answered 401/);
    expect(wrong.exitCode).toBeNull();
    wrong.kill('SIGINT');
    await once(wrong, 'exit');
  });

  it('stops on Ctrl-C with status 0', async () => {
    dev.child.kill('SIGINT');
    const [code] = (await once(dev.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

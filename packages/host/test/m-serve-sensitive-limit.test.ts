import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveCommand } from '../src/cli/commands/serve';
import { runCli } from '../src/cli/run-cli';
import { ACME_SOURCE, writePluginFolder } from './helpers-plugins';
import { run } from './serve-helpers';

let dir: TestDir;
let stderr: string[];

beforeEach(async () => {
  dir = await testdir();
  stderr = [];
  // the fixture plugin, with `<12 hex digits>.cfg` files holding credentials (as a real phone's per-device file would)
  const entry = await readFile(join(ACME_SOURCE, 'entry.js'), 'utf8');
  await writePluginFolder(dir.join('plugins'), 'acme-1', {
    files: { 'entry.js': `${entry}\nAcmePlugin.prototype.isSensitiveFilename = (name) => /^[0-9a-f]{12}\\.cfg$/.test(name);\n` },
  });
});

afterEach(async () => {
  await dir.cleanup();
});

const io = (sink: { out: string }) => ({
  stdout: { write: (t: string) => ((sink.out += t), true) },
  stderr: { write: (t: string) => (stderr.push(t), true), isTTY: false },
});

const serveArgs = (...extra: string[]) => [
  'node', 'provd', 'serve', '--plugins-dir', dir.join('plugins'), '--data-dir', dir.join('data'),
  '--http-port', '0', '--tftp-port', '0', '--api-port', '0', '--ops-port', '0', '--sync', 'none', '--json', ...extra,
];

/** Runs `provd serve <extra>` until `body` is done, then stops it with SIGTERM. */
async function serving(extra: string[], body: (httpPort: number) => Promise<void>): Promise<void> {
  const sink = { out: '' };
  const exit = runCli(serveArgs(...extra), [serveCommand], io(sink));
  for (let i = 0; i < 200 && sink.out === ''; i++) await new Promise((r) => setTimeout(r, 50));
  try {
    expect(sink.out, stderr.join('')).not.toBe('');
    await body((JSON.parse(sink.out) as { http: number }).http);
  } finally {
    process.emit('SIGTERM');
    expect(await exit).toBe(0);
  }
}

/** The HTTP status of `GET <path>` (from 127.0.0.1, a device the host does not know). */
const status = async (port: number, path: string) =>
  (await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}${path}`])).stdout;

const lines = (what: string) => stderr.join('').split('\n').filter((l) => l.includes(`provd-security: ${what} from 127.0.0.1:`));

describe('provd serve --sensitive-limit', () => {
  it('refuses the sensitive request past the limit with 429 and logs it', async () => {
    await serving(['--sensitive-limit', '2'], async (port) => {
      expect(await status(port, '/x/001122334455.cfg')).toBe('404');
      expect(await status(port, '/x/001122334456.cfg')).toBe('404');
      expect(await status(port, '/x/001122334457.cfg')).toBe('429');
      expect(await status(port, '/x/not-sensitive.txt')).toBe('404');
    });
    expect(lines('Sensitive file requested by unknown device')).toHaveLength(2);
    expect(lines('Rate limit exceeded for sensitive files')).toHaveLength(1);
  });

  it('with 0, never refuses (past the default of 10) but still logs every sensitive request', async () => {
    await serving(['--sensitive-limit', '0'], async (port) => {
      for (let i = 0; i < 12; i++) expect(await status(port, `/x/0011223344${String(i).padStart(2, '0')}.cfg`)).toBe('404');
    });
    expect(lines('Sensitive file requested by unknown device')).toHaveLength(12);
    expect(lines('Rate limit exceeded for sensitive files')).toHaveLength(0);
  });

  it('refuses a value that is not a whole number of requests with exit status 1, naming the flag', async () => {
    for (const bad of ['-1', '1.5', 'ten']) {
      stderr = [];
      expect(await runCli(serveArgs(`--sensitive-limit=${bad}`), [serveCommand], io({ out: '' })), bad).toBe(1);
      expect(stderr.join(''), bad).toMatch(/^provd: PROVD_SERVE_SETTINGS_INVALID: .*flag --sensitive-limit: sensitive_limit: must be a whole number/);
    }
    stderr = [];
    expect(await runCli(serveArgs('--sensitive-limit='), [serveCommand], io({ out: '' }))).toBe(2); // no value at all: bad usage
    expect(stderr.join('')).toMatch(/^provd: PROVD_CLI_USAGE: .*--sensitive-limit/);
  });
});

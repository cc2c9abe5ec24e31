// The render threads of background reconfigurations (the built `dist/render-worker.js`, as `provd serve` runs it):
// each loads its own instance of a plugin from the plugin's folder and configures the devices it is sent.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderThreads } from '../src/reconfigure/render-threads';
import type { RenderPluginSpec } from '../src/reconfigure/render-protocol';

const WORKER = new URL('../dist/render-worker.js', import.meta.url);

/** An SDK plugin writing `<tftpboot>/t/<id>.cfg` with its version, the password, its thread and a key it adds. */
const entry = (version: string) => `
import { threadId } from 'node:worker_threads';
import { BasePlugin } from '@provd/sdk';
export default class TestPlugin extends BasePlugin {
  async configureCommon(raw) { this.common = raw.common_value; }
  async close() { await this.writeFiles([{ file: this.tftpbootPath('closed-' + threadId), data: 'closed\\n' }]); }
  async configure(device, raw) {
    if (device.id === 'refused') throw new Error('this device is refused');
    if (device.id === 'hog') for (const kept = []; ; ) kept.push(new Array(100000).fill(kept.length));
    const seen = raw.XX_seen ?? 'fresh';
    raw.XX_seen = 'used';
    await this.writeFiles([{ file: this.tftpbootPath('t', device.id + '.cfg'), data: 'version=${version} password=' + raw.sip_lines['1'].password + ' raw=' + seen + ' common=' + this.common + ' thread=' + threadId + '\\n' }]);
  }
}
`;
const INFO = JSON.stringify({
  version: '1.0.0',
  description: 'render thread test',
  capabilities: { 'Test, T1, 1.0': { lines: 1, function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' } },
  sdk: '*',
});

let dir: TestDir;
let threads: RenderThreads | undefined;
let pluginDir: string;
beforeEach(async () => {
  dir = await testdir();
  pluginDir = dir.join('plugins', 'test-1');
  await mkdir(join(pluginDir, 'var', 'tftpboot'), { recursive: true });
  await writeFile(join(pluginDir, 'entry.js'), entry('1'));
  await writeFile(join(pluginDir, 'plugin-info'), INFO);
});
afterEach(async () => {
  await threads?.close();
  await dir.cleanup();
});

const spec = (key: number): RenderPluginSpec => ({ id: 'test-1', key, dir: pluginDir, generalConfig: {}, pluginConfig: {}, baseRawConfig: { common_value: 'base' } as never, writeDurability: 'none' });
const raw = (password: string) => ({ ip: '10.0.0.1', sip_lines: { '1': { username: 'u', password } } }) as never;
const file = (id: string) => readFile(join(pluginDir, 'var', 'tftpboot', 't', `${id}.cfg`), 'utf8');

describe('render threads', () => {
  it('configure devices in a worker thread, each with its own copy of its raw config, after configureCommon', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER });
    expect(threads).toBeDefined();
    const devices = ['a', 'b', 'c'].map((id, i) => ({ device: { id, mac: `00:00:00:00:00:0${i}` }, raw: id === 'c' ? 1 : 0 }));
    const results = await threads!.configure(spec(1), [raw('one'), raw('two')], devices);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    const texts = await Promise.all(['a', 'b', 'c'].map(file));
    expect(texts.map((t) => t.replace(/ thread=\d+/, ''))).toEqual(['one', 'one', 'two'].map((p) => `version=1 password=${p} raw=fresh common=base\n`));
    for (const text of texts) expect(Number(/thread=(\d+)/.exec(text)![1])).toBeGreaterThan(0);
  });

  // durability none: the files go through the thread's own writer thread; fsync: written on the render thread itself
  it.each(['none', 'fsync'] as const)('report a refused device and a failed write apart, and keep going with the others (durability %s)', async (writeDurability) => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER });
    await mkdir(join(pluginDir, 'var', 'tftpboot', 't', 'taken.cfg', 'inner'), { recursive: true });
    const devices = ['refused', 'taken', 'fine'].map((id) => ({ device: { id }, raw: 0 }));
    const [refused, taken, fine] = await threads!.configure({ ...spec(1), writeDurability }, [raw('x')], devices);
    expect(refused).toMatchObject({ ok: false, writeFailure: false, reason: 'this device is refused' });
    expect(taken).toMatchObject({ ok: false, writeFailure: true, code: 'PROVD_FILE_WRITE_FAILED' });
    expect(fine).toMatchObject({ ok: true });
    expect(await file('fine')).toContain('password=x');
  });

  it('load the plugin again from its folder when its load key changes (an upgrade), and answer with the new code', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER });
    await threads!.configure(spec(1), [raw('p')], [{ device: { id: 'a' }, raw: 0 }]);
    expect(await file('a')).toMatch(/^version=1 /);
    await writeFile(join(pluginDir, 'entry.js'), entry('2'));
    // the same key keeps the loaded instance
    await threads!.configure(spec(1), [raw('p')], [{ device: { id: 'a' }, raw: 0 }]);
    expect(await file('a')).toMatch(/^version=1 /);
    await threads!.configure(spec(2), [raw('p')], [{ device: { id: 'a' }, raw: 0 }]);
    expect(await file('a')).toMatch(/^version=2 /);
  });

  it('fail a request whose plugin cannot be loaded there', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER });
    await expect(threads!.configure({ ...spec(1), dir: dir.join('plugins', 'missing-1'), id: 'missing-1' }, [raw('p')], [{ device: { id: 'a' }, raw: 0 }])).rejects.toThrow(/render thread: .*missing-1/);
  });

  it('stop a thread that outgrows its heap (its request fails) and start another for the next request', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER, heapMb: 16 });
    await expect(threads!.configure(spec(1), [raw('p')], [{ device: { id: 'hog' }, raw: 0 }])).rejects.toThrow(/render thread stopped/);
    const results = await threads!.configure(spec(1), [raw('after')], [{ device: { id: 'a' }, raw: 0 }]);
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(await file('a')).toMatch(/^version=1 password=after /);
  });

  it('start without node options a thread cannot take (a per-process one such as --trace-gc)', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER, execArgv: ['--trace-gc'] });
    const results = await threads!.configure(spec(1), [raw('p')], [{ device: { id: 'a' }, raw: 0 }]);
    expect(results.map((r) => r.ok)).toEqual([true]);
  });

  it('close their instance of a plugin they are told to forget (uninstalled), and load it again when asked', async () => {
    threads = RenderThreads.create({ threads: 1, workerFile: WORKER });
    await threads!.configure(spec(1), [raw('p')], [{ device: { id: 'a' }, raw: 0 }]);
    const thread = (await file('a')).match(/thread=(\d+)/)![1];
    const closed = join(pluginDir, 'var', 'tftpboot', `closed-${thread}`);
    await expect(readFile(closed, 'utf8')).rejects.toThrow();
    threads!.forget('test-1');
    for (let i = 0; i < 200 && !(await readFile(closed, 'utf8').catch(() => '')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await readFile(closed, 'utf8')).toBe('closed\n');
    const results = await threads!.configure(spec(1), [raw('again')], [{ device: { id: 'b' }, raw: 0 }]);
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(await file('b')).toMatch(/^version=1 password=again raw=fresh common=base /);
  });

  it('are not started without their built code or with 0 threads', () => {
    expect(RenderThreads.create({ threads: 0, workerFile: WORKER })).toBeUndefined();
    expect(RenderThreads.create({ threads: 1, workerFile: new URL('file:///nowhere/render-worker.js') })).toBeUndefined();
  });
});

/**
 * End to end through the command-line tools, as CI and operators run them: `provd-build build digium` (what
 * `pnpm build-plugins digium` runs), then `provd render` and `provd identify` on the built tarballs. The tools run
 * from their built `dist/` (`pnpm test` builds every package first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedConfig, expectedContacts, TARGETS } from './expected';
import { FULL } from './raw-configs';
import { parseXmlTree as parseXml, xmlProblems } from '@provd/testing';

const BUILD_CLI = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
const PROVD_CLI = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');
const VERSION = '1.2.0';
const tarball = (pluginId: string): string => `${pluginId}-${VERSION}.tar.gz`;

let out: TestDir;
beforeAll(async () => {
  out = await testdir();
  const run = spawnSync(process.execPath, [BUILD_CLI, 'build', 'digium', '--root', repoRoot, '--out', out.join('repo')], {
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
}, 120_000);
afterAll(() => out.cleanup());

describe('pnpm build-plugins digium', { timeout: 60_000 }, () => {
  it('writes the three tarballs and their plugins.db entries', async () => {
    const db = JSON.parse(await readFile(out.join('repo', 'plugins.db'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(db).sort()).toEqual(TARGETS.map((t) => t.pluginId).sort());
    for (const target of TARGETS) {
      const bytes = await readFile(out.join('repo', tarball(target.pluginId)));
      const info = JSON.parse(await readFile(join(repoRoot, 'packages', 'plugin-digium', 'test', 'golden', `${target.pluginId}.plugin-info`), 'utf8')) as object;
      expect(db[target.pluginId]).toEqual({
        ...info,
        filename: tarball(target.pluginId),
        dsize: bytes.length,
        sha1sum: createHash('sha1').update(bytes).digest('hex'),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  });

  it.each(TARGETS)('packs $pluginId as one top folder: entry, plugin-info, firmware manifest, templates, var/', (target) => {
    const listing = execFileSync('tar', ['tzf', out.join('repo', tarball(target.pluginId))], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/\/$/, ''))
      .sort();
    const top = target.pluginId;
    expect(listing).toEqual(
      [
        top,
        `${top}/entry.js`,
        `${top}/pkgs`,
        `${top}/pkgs/pkgs.db`,
        `${top}/plugin-info`,
        `${top}/templates`,
        `${top}/templates/base.tpl`,
        `${top}/templates/contacts.tpl`,
        `${top}/templates/firmware.tpl`,
        `${top}/var`,
        `${top}/var/cache`,
        `${top}/var/installed`,
        `${top}/var/templates`,
        `${top}/var/tftpboot`,
      ].sort(),
    );
  });

  it('declares the DHCP class of all seven models, answering <base URL>/Digium', async () => {
    const isc = await readFile(out.join('repo', 'dhcp', 'isc-dhcpd.conf'), 'utf8');
    const kea = await readFile(out.join('repo', 'dhcp', 'kea-dhcp4-classes.json'), 'utf8');
    for (const model of ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70']) {
      expect(isc).toContain(`"digium_${model}_"`);
      expect(kea).toContain(`digium_${model}_`);
    }
    expect(isc).toContain('"/Digium"');
  });
});

/** Runs `provd <args> --json` and returns its one JSON document. */
function provd(args: string[]): unknown {
  const run = spawnSync(process.execPath, [PROVD_CLI, ...args, '--json'], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout);
}

describe('provd render of a built tarball', { timeout: 60_000 }, () => {
  it.each(TARGETS)('$pluginId writes the two files, exactly as specified', async (target) => {
    const work = await testdir({
      'device.json': JSON.stringify({ mac: '00:0F:D3:05:48:48', vendor: 'Digium', model: target.models.at(-1), ip: '10.0.0.5' }),
      'config.json': JSON.stringify(FULL),
    });
    try {
      const result = provd(['render', out.join('repo', tarball(target.pluginId)), '--device', work.join('device.json'), '--config', work.join('config.json'), '--out', work.join('out')]);
      expect(result).toMatchObject({ devices: 1, files: ['Digium/000fd3054848-contacts.xml', 'Digium/000fd3054848.cfg'] });
      const cfg = await readFile(work.join('out', 'Digium', '000fd3054848.cfg'), 'utf8');
      const contacts = await readFile(work.join('out', 'Digium', '000fd3054848-contacts.xml'), 'utf8');
      expect(xmlProblems(cfg, { utf8Declaration: true })).toEqual([]);
      expect(xmlProblems(contacts, { utf8Declaration: true })).toEqual([]);
      expect(parseXml(cfg)).toEqual(expectedConfig(target, '000fd3054848', FULL));
      expect(parseXml(contacts)).toEqual(expectedContacts(FULL));
    } finally {
      await work.cleanup();
    }
  });
});

describe('provd identify over the three tarballs', { timeout: 60_000 }, () => {
  const all = () => TARGETS.map((t) => out.join('repo', tarball(t.pluginId)));

  it('chooses digium-1.4.0.0 for digium_D40_1_4_0_0_57389', () => {
    expect(provd(['identify', ...all(), '--dhcp-vci', 'digium_D40_1_4_0_0_57389'])).toEqual({
      devInfo: { vendor: 'Digium', model: 'D40', version: '1.4.0.0.57389' },
      scores: { 'digium-1.4.0.0': 600, 'digium-2.2.1.8': 500, 'digium-2.8.1': 500 },
      plugin: 'digium-1.4.0.0',
    });
  });

  it('chooses digium-2.8.1 for digium_D65_2_8_1', () => {
    expect(provd(['identify', ...all(), '--dhcp-vci', 'digium_D65_2_8_1'])).toEqual({
      devInfo: { vendor: 'Digium', model: 'D65', version: '2.8.1' },
      scores: { 'digium-1.4.0.0': 500, 'digium-2.2.1.8': 500, 'digium-2.8.1': 600 },
      plugin: 'digium-2.8.1',
    });
  });

  it('learns the vendor and MAC from /Digium/<mac>.cfg, and nothing from a foreign vendor class', () => {
    expect(provd(['identify', ...all(), '--http-path', '/Digium/000fd3054848.cfg'])).toMatchObject({
      devInfo: { vendor: 'Digium', mac: '00:0f:d3:05:48:48' },
      scores: { 'digium-1.4.0.0': 300, 'digium-2.2.1.8': 300, 'digium-2.8.1': 300 },
    });
    expect(provd(['identify', ...all(), '--dhcp-vci', 'Digium D40'])).toMatchObject({ plugin: null });
  });
});

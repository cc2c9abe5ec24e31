import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, PLUGIN_ID, run, TARBALL } from './cli';

let dir: TestDir;
beforeAll(async () => {
  dir = await testdir();
});
afterAll(() => dir.cleanup());

describe('building the tinkertel family', () => {
  it('checks clean', () => {
    const r = run(buildBin, ['check', 'tinkertel']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('builds one tarball with the layered sources, its plugins.db entry and its DHCP class', async () => {
    const r = run(buildBin, ['build', 'tinkertel', '--out', dir.join('repo'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { plugins: { pluginId: string }[] }).plugins.map((p) => p.pluginId)).toEqual([PLUGIN_ID]);
    expect((await readdir(dir.join('repo'))).sort()).toEqual(['dhcp', 'plugins.db', TARBALL]);

    const listing = execFileSync('tar', ['tzf', dir.join('repo', TARBALL)], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual(
      [
        '',
        'entry.js',
        'pkgs/',
        'pkgs/pkgs.db',
        'plugin-info',
        'templates/',
        'templates/T20.tpl',
        'templates/T40.tpl',
        'templates/T60.tpl',
        'templates/base.tpl',
        'var/',
        'var/cache/',
        'var/installed/',
        'var/templates/',
        'var/tftpboot/',
      ].map((p) => `${PLUGIN_ID}/${p}`),
    );

    const db = JSON.parse(await readFile(dir.join('repo', 'plugins.db'), 'utf8')) as Record<string, { capabilities: object; sdk: string; filename: string }>;
    // The capabilities are derived from the model table by the family file: the README's lines, keys and modules.
    const cap = (lines: number, keys: number, modules: number): object => ({
      lines,
      function_keys: keys,
      expansion_modules: modules,
      high_availability: false,
      switchboard: false,
      type: 'deskphone',
      protocol: 'sip',
    });
    expect(db[PLUGIN_ID]!.capabilities).toEqual({
      'Tinkertel, T20, 3.1.0': cap(2, 4, 0),
      'Tinkertel, T40, 3.1.0': cap(4, 12, 0),
      'Tinkertel, T60, 3.1.0': cap(6, 24, 2),
    });
    expect(db[PLUGIN_ID]).toMatchObject({
      version: '1.0.0',
      description: 'Example plugin for the (fictional) Tinkertel T20, T40 and T60 SIP phones, firmware 3.1.0.',
      description_fr: "Greffon d'exemple pour les téléphones SIP (fictifs) Tinkertel T20, T40 et T60, micrologiciel 3.1.0.",
    });
    expect(db[PLUGIN_ID]).toMatchObject({ filename: TARBALL, sdk: expect.stringMatching(/^\^\d/) });
    expect(await readFile(dir.join('repo', 'dhcp', 'isc-dhcpd.conf'), 'utf8')).toContain('"Tinkertel-"');
    expect(await readFile(dir.join('repo', 'dhcp', 'kea-dhcp4-classes.json'), 'utf8')).toContain('Tinkertel-');
  });
});

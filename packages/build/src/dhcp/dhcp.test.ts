import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { renderDhcpHookScript, renderKeaHooks } from './dhcp-hooks';
import { renderIscDhcpd } from './isc-dhcpd';
import { renderKeaClasses } from './kea-dhcp4';
import type { DhcpFamily } from './types';

const families: DhcpFamily[] = [
  { name: 'digium', dhcp: { vendorClassPrefixes: ['digium_D4', 'digium_D6'], urlPath: '/Digium' } },
  { name: 'acme', dhcp: { vendorClassPrefixes: ['ACME Phone x'], urlPath: '/000000000000.cfg' } },
];

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

describe('ISC dhcpd classes', () => {
  it('passes "dhcpd -t" inside a minimal configuration that allows every class in a pool', async () => {
    dir = await testdir({ 'provd.conf': renderIscDhcpd(families) });
    await writeFile(
      dir.join('dhcpd.conf'),
      [
        `include "${dir.join('provd.conf')}";`,
        'option provd.base-url "http://192.0.2.1:8667";',
        'subnet 192.0.2.0 netmask 255.255.255.0 {',
        '  pool { range 192.0.2.100 192.0.2.199; allow members of "provd-digium"; allow members of "provd-acme"; }',
        '}',
        '',
      ].join('\n'),
    );
    const run = spawnSync('dhcpd', ['-t', '-4', '-cf', dir.join('dhcpd.conf')], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
  });

  it('is rejected by "dhcpd -t" when broken, so the check above means something', async () => {
    dir = await testdir({ 'dhcpd.conf': `${renderIscDhcpd(families).replace('match if', 'match iff')}\n` });
    const run = spawnSync('dhcpd', ['-t', '-4', '-cf', dir.join('dhcpd.conf')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
  });

  it('matches each prefix on its byte length and sets option 66 to the base URL plus the family path', () => {
    const text = renderIscDhcpd(families);
    expect(text).toContain('substring(option vendor-class-identifier, 0, 9) = "digium_D4"');
    expect(text).toContain('or substring(option vendor-class-identifier, 0, 9) = "digium_D6"');
    expect(text).toContain('option tftp-server-name = concat(config-option provd.base-url, "/Digium");');
    expect(text.indexOf('class "provd-acme"')).toBeLessThan(text.indexOf('class "provd-digium"'));
  });
});

describe('Kea DHCPv4 classes', () => {
  it('passes "kea-dhcp4 -t" inside a minimal configuration that uses every class', async () => {
    const { 'client-classes': classes } = JSON.parse(renderKeaClasses(families, 'http://192.0.2.1:8667/')) as { 'client-classes': { name: string }[] };
    const config = {
      Dhcp4: {
        'interfaces-config': { interfaces: [] },
        'lease-database': { type: 'memfile', persist: false },
        'client-classes': classes,
        subnet4: [
          { id: 1, subnet: '192.0.2.0/24', pools: classes.map((c, i) => ({ pool: `192.0.2.${100 + i * 10} - 192.0.2.${105 + i * 10}`, 'client-class': c.name })) },
        ],
      },
    };
    dir = await testdir({ 'kea.json': JSON.stringify(config) });
    const run = spawnSync('kea-dhcp4', ['-t', dir.join('kea.json')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).not.toMatch(/ERROR|syntax error/);
    expect(run.status).toBe(0);
    expect(JSON.stringify(classes)).toContain('"data":"http://192.0.2.1:8667/Digium"');
  });

  it('is rejected by "kea-dhcp4 -t" when a test expression is broken', async () => {
    const config = {
      Dhcp4: {
        'interfaces-config': { interfaces: [] },
        'client-classes': [{ name: 'x', test: "substring(option[60].hex,0,3) === 'abc'" }],
      },
    };
    dir = await testdir({ 'kea.json': JSON.stringify(config) });
    const run = spawnSync('kea-dhcp4', ['-t', dir.join('kea.json')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
  });
});

describe('DHCP hooks', () => {
  const hooks = { url: 'http://10.0.0.1:8666', command: '/usr/local/lib/provd/provd-dhcp-hook' };

  it('puts on commit, release and expiry into each class, and dhcpd -t accepts them', async () => {
    const text = renderIscDhcpd(families, hooks);
    expect(text.match(/on commit \{/g)).toHaveLength(2);
    expect(text).toContain('execute("/usr/local/lib/provd/provd-dhcp-hook", "commit", binary-to-ascii(10, 8, ".", leased-address), binary-to-ascii(16, 8, ":", substring(hardware, 1, 6)),');
    expect(text).toContain('pick-first-value(concat("060", binary-to-ascii(16, 8, ".", option vendor-class-identifier)), "")');
    expect(renderIscDhcpd(families)).not.toContain('on commit');
    dir = await testdir({ 'provd.conf': text });
    await writeFile(
      dir.join('dhcpd.conf'),
      [`include "${dir.join('provd.conf')}";`, 'option provd.base-url "http://192.0.2.1:8667";', 'subnet 192.0.2.0 netmask 255.255.255.0 { range 192.0.2.100 192.0.2.199; }', ''].join('\n'),
    );
    const run = spawnSync('dhcpd', ['-t', '-4', '-cf', dir.join('dhcpd.conf')], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
  });

  it('writes a hook program that sh accepts, and the Kea run_script library entry', () => {
    const script = renderDhcpHookScript({ ...hooks, tokenFile: '/etc/provd/token' });
    expect(script).toContain('PROVD_URL="${PROVD_URL:-http://10.0.0.1:8666}"');
    expect(script).toContain('PROVD_DHCPINFO_PATH="${PROVD_DHCPINFO_PATH:-/0.2/dev_mgr/dhcpinfo}"');
    expect(spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' }).status).toBe(0);
    const kea = JSON.parse(renderKeaHooks(hooks)) as { 'hooks-libraries': { library: string; parameters: { name: string; sync: boolean } }[] };
    expect(kea['hooks-libraries'][0]).toEqual({ library: '/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_run_script.so', parameters: { name: hooks.command, sync: false } });
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { formatSettings, maskedSettings, resolveSettings, SETTINGS, settingEnvName, settingFlagName } from '../src/settings/index';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

const message = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  throw new Error('expected a rejection');
};

describe('provd serve settings', () => {
  it('merges config.yml, conf.d/ in name order, PROVD_* variables and flags, later over earlier', async () => {
    dir = await testdir({
      'config.yml': 'plugins_dir: /srv/plugins\ndata_dir: /srv/data\nhttp_port: 8000\ntftp_port: 6900\nlog_level: warn\nurl_keys:\n  t1: key-one-1\n',
      'conf.d/20-b.yml': 'http_port: 8002\nurl_keys:\n  t2: key-two-2\n',
      'conf.d/10-a.yaml': 'http_port: 8001\napi_port: 9001\n',
      'conf.d/notes.txt': 'http_port: nonsense\n',
    });
    const { settings, where, files } = await resolveSettings({
      configFile: dir.join('config.yml'),
      env: { PROVD_TFTP_PORT: '6901', PROVD_AUTO_CREATE: 'no', PROVD_API_PORT: '' },
      flags: { logLevel: 'debug' },
    });
    expect(settings).toMatchObject({ plugins_dir: '/srv/plugins', http_port: 8002, api_port: 9001, tftp_port: 6901, auto_create: false, log_level: 'debug', host: '127.0.0.1' });
    expect(settings.url_keys).toEqual({ t1: 'key-one-1', t2: 'key-two-2' });
    expect(where.http_port).toBe(`${dir.join('conf.d/20-b.yml')} line 1`);
    expect(where.tftp_port).toBe('environment variable PROVD_TFTP_PORT');
    expect(where.log_level).toBe('flag --log-level');
    expect(where.host).toBe('default');
    expect(files).toEqual([dir.join('config.yml'), dir.join('conf.d/10-a.yaml'), dir.join('conf.d/20-b.yml')]);
  });

  it('names the file, line, key and fix of every wrong value, and suggests the key meant', async () => {
    dir = await testdir({ 'config.yml': 'plugins_dir: /p\ndata_dir: /d\nhttp_prot: 80\nsync: sip\n', 'conf.d/50-x.yml': 'tftp_port: 70000\n' });
    const text = await message(resolveSettings({ configFile: dir.join('config.yml'), env: { PROVD_SENSITIVE_LIMIT: 'ten' } }));
    expect(text).toMatch(/^PROVD_SERVE_SETTINGS_INVALID: /);
    expect(text).toContain(`${dir.join('config.yml')} line 3: http_prot: is not a setting; fix: did you mean "http_port"?`);
    expect(text).toContain(`${dir.join('config.yml')} line 4: sync: must be one of "sip-udp", "asterisk-ami", "none" (received "sip")`);
    expect(text).toContain(`${dir.join('conf.d/50-x.yml')} line 1: tftp_port: must be a port number 0-65535 (received 70000); fix: give a port number`);
    expect(text).toContain('environment variable PROVD_SENSITIVE_LIMIT: sensitive_limit: must be a whole number');
  });

  it('names a YAML syntax error by file, line and column, and an unreadable file', async () => {
    dir = await testdir({ 'config.yml': 'plugins_dir: /p\ndata_dir: [oops\n' });
    expect(await message(resolveSettings({ configFile: dir.join('config.yml') }))).toMatch(new RegExp(`^PROVD_SERVE_SETTINGS_SYNTAX: "${dir.join('config.yml')}" line \\d+ column \\d+ is not valid YAML`));
    expect(await message(resolveSettings({ configFile: dir.join('missing.yml') }))).toMatch(/^PROVD_SERVE_SETTINGS_UNREADABLE: cannot read the settings file ".*missing.yml": ENOENT/);
  });

  it('requires the folders and names every way to give them', async () => {
    const text = await message(resolveSettings({ env: {} }));
    expect(text).toContain('missing: plugins_dir: is required (--plugins-dir, PROVD_PLUGINS_DIR, plugins_dir in config.yml)');
    expect(text).toContain('missing: data_dir: is required');
  });

  it('refuses a wildcard listen address without an advertised URL, naming the fix', async () => {
    const text = await message(resolveSettings({ flags: { pluginsDir: '/p', dataDir: '/d', host: '0.0.0.0' } }));
    expect(text).toMatch(/^PROVD_SERVE_WILDCARD_WITHOUT_URL: host "0.0.0.0" \(flag --host\) listens on every address/);
    expect(text).toContain('set advertised_url (--advertised-url, PROVD_ADVERTISED_URL');
    const ok = await resolveSettings({ flags: { pluginsDir: '/p', dataDir: '/d', host: '0.0.0.0', advertisedUrl: 'http://10.0.0.1:8667' } });
    expect(ok.settings.advertised_url).toBe('http://10.0.0.1:8667');
  });

  it('checks the rules that tie settings together', async () => {
    const base = { pluginsDir: '/p', dataDir: '/d' };
    expect(await message(resolveSettings({ flags: { ...base, advertisedUrl: 'ftp://x' } }))).toContain('flag --advertised-url: advertised_url: must be an http:// or https:// URL');
    expect(await message(resolveSettings({ flags: { ...base, httpsPort: '8443' } }))).toContain('https_port: HTTPS needs a certificate and its key; fix: set tls_cert and tls_key');
    expect(await message(resolveSettings({ flags: { ...base, apiPort: '8667' } }))).toContain('api_port: is the same port as http_port (8667) on the same address');
    expect(await message(resolveSettings({ flags: { ...base, sync: 'asterisk-ami', amiUser: 'provd' } }))).toContain('"asterisk-ami" needs the manager user and secret');
    expect(await message(resolveSettings({ flags: { ...base, urlKey: ['t1=same-key-1', 't2=same-key-1'] } }))).toContain('the key of "t2" is already the key of "t1"');
    expect(await message(resolveSettings({ flags: { ...base, urlKey: 't1=short' } }))).toContain('url_keys: t1: must be a key of 8-256 letters');
    const ami = await resolveSettings({ flags: { ...base, sync: 'asterisk-ami', amiUser: 'provd' }, env: { PROVD_AMI_SECRET: 's3cret' } });
    expect(ami.settings.ami_secret).toBe('s3cret');
  });

  it('prints the effective settings with their sources and the secrets masked', async () => {
    dir = await testdir({ 'config.yml': 'plugins_dir: /p\ndata_dir: /d\nami_secret: s3cret\nurl_keys: { t1: key-one-1 }\n' });
    const text = formatSettings(await resolveSettings({ configFile: dir.join('config.yml'), flags: { httpPort: '8000' } }));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('key-one-1');
    expect(text).toContain('ami_secret: "********"');
    expect(text).toContain('http_port: 8000  # flag --http-port');
    expect(text).toContain(`plugins_dir: /p  # ${dir.join('config.yml')} line 1`);
    expect(text).toMatch(/url_keys:  # .*line 4\n  t1: "\*{8}"/);
    const store = await resolveSettings({ flags: { pluginsDir: '/p', dataDir: '/d', storeUrl: 'postgres://provd:pa55@db.example.org/provd' } });
    expect(maskedSettings(store).store_url).toBe('postgres://provd:********@db.example.org/provd');
  });

  it('documents every setting in docs/host.md with its flag, variable and default', async () => {
    const page = await readFile(join(repoRoot, 'docs', 'host.md'), 'utf8');
    for (const setting of SETTINGS) {
      const flag = settingFlagName(setting);
      const row = page.split('\n').find((line) => line.startsWith(`| \`${setting.key}\` |`));
      expect(row, setting.key).toBeDefined();
      expect(row).toContain(flag ? `\`${flag}\`` : '| none |');
      expect(row).toContain(`\`${settingEnvName(setting.key)}\``);
      if (setting.default !== undefined && !(Array.isArray(setting.default) && setting.default.length === 0)) expect(row).toContain(`\`${String(setting.default)}\``);
    }
  });
});

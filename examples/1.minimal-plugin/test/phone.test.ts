import { join } from 'node:path';
import { DeviceSupport } from '@provd/sdk';
import { assertKeyValue, buildFamily, parseKeyValue, startTestHost, type BuiltFamily, type TestHost } from '@provd/testing';
import { repoRoot } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The minimal plugin as phones meet it, with the test kit: built as `pnpm build-plugins minimal` builds it, loaded by a
// host in the test process, asked for its file by an Acme A10 over HTTP and TFTP.
const config = {
  sip_lines: { '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1', display_name: 'Alice' } },
  ntp_enabled: true,
  ntp_ip: '10.0.0.2',
};
const userAgent = 'AcmePhone-A10/1.0 (00:0f:d3:05:48:48)';

let family: BuiltFamily;
let host: TestHost;
beforeAll(async () => {
  family = await buildFamily(join(repoRoot, 'examples', '1.minimal-plugin'));
  host = await startTestHost({ plugins: [family.tarball('minimal-1.0')], config });
});
afterAll(async () => {
  await host?.close();
  await family?.cleanup();
});

describe('an Acme A10 asking the minimal plugin for its file', () => {
  it('is identified from its User-Agent, supported exactly, and served Acme/<mac>.cfg', async () => {
    const served = await host.http({ path: '/Acme/000fd3054848.cfg', userAgent });
    expect(served.devInfo).toMatchObject({ vendor: 'Acme', model: 'A10', version: '1.0', mac: '00:0f:d3:05:48:48' });
    expect(served.scores).toEqual({ 'minimal-1.0': DeviceSupport.EXACT });
    expect(served.status).toBe(200);
    const text = served.file?.text ?? '';
    assertKeyValue(text, { required: ['line1.username', 'line1.password', 'line1.proxy', 'ntp.server'] }, served.file?.name);
    expect(parseKeyValue(text)).toEqual({
      'line1.display_name': 'Alice',
      'line1.username': '1001',
      'line1.password': 'secret',
      'line1.proxy': '10.0.0.1:5060',
      'ntp.server': '10.0.0.2',
    });
  });

  it('gets the same file over TFTP', async () => {
    const http = await host.http({ path: '/Acme/000fd3054848.cfg', userAgent });
    const tftp = await host.tftp({ filename: 'Acme/000fd3054848.cfg' });
    expect(tftp.file?.text).toBe(http.file?.text);
  });

  it('scores another model of the vendor as probable and another firmware as complete', async () => {
    const other = await host.http({ path: '/Acme/000fd3000002.cfg', userAgent: 'AcmePhone-A20/1.0 (00:0f:d3:00:00:02)', ip: '192.0.2.21' });
    expect(other.scores).toEqual({ 'minimal-1.0': DeviceSupport.PROBABLE });
    const older = await host.http({ path: '/Acme/000fd3000003.cfg', userAgent: 'AcmePhone-A10/0.9 (00:0f:d3:00:00:03)', ip: '192.0.2.22' });
    expect(older.scores).toEqual({ 'minimal-1.0': DeviceSupport.COMPLETE });
  });
});

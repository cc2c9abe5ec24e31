/** synchronize for real: the plugin, the host's UDP SIP sync service, and sipp playing the phone on loopback. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UdpSipSyncService } from '@provd/host';
import { freeUdpPort, testdir, untilUdpBound } from '@provd/test-utils';
import { expect, it } from 'vitest';
import { TARGETS } from './expected';
import { device, loadPlugin } from './plugin-fixture';
import { MINIMAL } from './raw-configs';

const SCENARIO = join(import.meta.dirname, 'fixtures', 'sipp', 'digium-phone.xml');


it('sends the SIP NOTIFY check-sync to the phone', { timeout: 60_000 }, async () => {
  const work = await testdir();
  const fixture = await loadPlugin(TARGETS[2]!, new UdpSipSyncService({ t1Ms: 200 }));
  try {
    const port = await freeUdpPort();
    const log = work.join('sipp-messages.log');
    const sipp = spawn(
      'sipp',
      ['-sf', SCENARIO, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-trace_msg', '-message_file', log, '-timeout', '30s'],
      { cwd: work.path, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => sipp.on('exit', resolve));
    await untilUdpBound(port);
    await fixture.plugin.synchronize({ ...device('D65'), ip: `127.0.0.1:${port}` }, MINIMAL);
    expect(await exited).toBe(0);
    const messages = await readFile(log, 'utf8');
    expect(messages).toMatch(new RegExp(`^NOTIFY sip:anonymous@127\\.0\\.0\\.1:${port} SIP/2\\.0\\r?$`, 'm'));
    expect(messages).toMatch(/^Event: check-sync\r?$/m);
  } finally {
    await fixture.cleanup();
    await work.cleanup();
  }
});

import { afterAll, describe, expect, it } from 'vitest';
import { nativeSenderStatus } from '../src/tftp/native-sender';

// The tests of tftp-server.test.ts and tftp-window-concurrency.test.ts again, every file transfer (octet) sent by the
// native data loop (native/tftp_sender.c, built at install): PROVD_TFTP_NATIVE=always lowers the servers'
// nativeMinBytes to 0 (each of those files checks, when it ends, that the native loop sent its transfers).
const before = process.env.PROVD_TFTP_NATIVE;
process.env.PROVD_TFTP_NATIVE = 'always';
afterAll(() => {
  if (before === undefined) delete process.env.PROVD_TFTP_NATIVE;
  else process.env.PROVD_TFTP_NATIVE = before;
});

describe('the native TFTP data loop', () => {
  it('is built and loads', () => {
    expect(nativeSenderStatus()).toEqual({ available: true });
  });
});

await import('./tftp-server.test');
await import('./tftp-window-concurrency.test');

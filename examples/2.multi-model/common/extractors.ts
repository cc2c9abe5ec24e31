import { defineExtractor, normMac } from '@provd/sdk';

/** `Tinkertel-T40-3.1.0`: the DHCP vendor class (option 60) of a Tinkertel phone. */
const VENDOR_CLASS = /^Tinkertel-(T\d\d)-(\d+(?:\.\d+)*)$/;

/** `Tinkertel/3.1.0 (T40; 00:1a:2b:3c:4d:5e)`: the User-Agent of a Tinkertel phone's HTTP requests. */
const USER_AGENT = /^Tinkertel\/(\d+(?:\.\d+)*) \((T\d\d); ([0-9a-fA-F:]{17})\)$/;

/** Reads model and firmware version from the DHCP vendor class. */
export const dhcpExtractor = defineExtractor('dhcp', (request) => {
  const match = VENDOR_CLASS.exec(request.options[60] ?? '');
  return match ? { vendor: 'Tinkertel', model: match[1], version: match[2] } : undefined;
});

/** Reads model, firmware version and MAC address from the User-Agent of an HTTP request. */
export const httpExtractor = defineExtractor('http', (request) => {
  const match = USER_AGENT.exec(request.headers['user-agent'] ?? '');
  if (!match) return undefined;
  return { vendor: 'Tinkertel', model: match[2], version: match[1], mac: normMac(match[3] as string) };
});

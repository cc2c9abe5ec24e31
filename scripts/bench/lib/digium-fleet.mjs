// The phones and the raw config the render and configure benchmarks configure: Digium phones of the seven models,
// one MAC and IP each, and one flattened raw config with two SIP lines and function keys.

const MODELS = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];
const hex = (n) => n.toString(16).padStart(2, '0');

/** `count` Digium phones (firmware 2.8.1), models in turn. */
export function digiumPhones(count) {
  return Array.from({ length: count }, (_, i) => ({
    mac: `00:0f:d3:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`,
    vendor: 'Digium',
    model: MODELS[i % MODELS.length],
    version: '2.8.1',
    ip: `10.1.${i >> 8}.${i & 255}`,
  }));
}

/** The flattened raw config every phone gets (before defaults). */
export const fleetRawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  tftp_port: 69,
  ntp_enabled: true,
  ntp_ip: '10.0.0.1',
  timezone: 'Europe/Paris',
  locale: 'fr_FR',
  sip_proxy_ip: '10.0.0.2',
  sip_lines: {
    1: { username: 'alice', password: 'secret-1', auth_username: 'alice', display_name: 'Alice', number: '1001', proxy_ip: '10.0.0.2', proxy_port: 5060 },
    2: { username: 'bob', password: 'secret-2', display_name: 'Bob', number: '1002', proxy_ip: '10.0.0.2', proxy_port: 5060, backup_proxy_ip: '10.0.0.3' },
  },
  funckeys: {
    1: { type: 'blf', value: '1003', label: 'Carol', line: 1 },
    2: { type: 'speeddial', value: '1004', label: 'Dave', line: 1 },
    10: { type: 'blf', value: '1010', line: 1 },
  },
};

import { SAMPLE_MAC, type FamilyNames } from './names';

/** The raw config of `sample/config.json`: what the generated tests and `render` script configure a phone with. */
export function sampleConfig(): Record<string, unknown> {
  return {
    ip: '10.0.0.1',
    http_port: 8667,
    sip_lines: {
      '1': { username: '1001', password: 'secret', proxy_ip: '10.0.0.1', display_name: 'Alice & Bob' },
      '2': { username: '1002', password: 's3cret', proxy_ip: '10.0.0.1', proxy_port: 5070 },
    },
    ntp_enabled: true,
    ntp_ip: '10.0.0.2',
  };
}

/** The device of `sample/device.json`: the first model on the family's firmware. */
export function sampleDevice(names: FamilyNames): Record<string, unknown> {
  return { mac: SAMPLE_MAC, vendor: names.vendor, model: names.models[0], version: names.firmware };
}

/**
 * The file the plugin writes for the sample device and config: the golden file of the generated tests, written
 * here once, as an author writes an expected output by hand (the tests then check the real template engine agrees).
 */
export function sampleOutput(names: FamilyNames, layout: 'xml' | 'kv'): string {
  const model = names.models[0] as string;
  if (layout === 'xml') {
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<!-- ${names.vendor} ${model} configuration, written by provd -->`,
      `<config vendor="${names.vendor}" model="${model}" firmware="${names.firmware}">`,
      '  <line number="1">',
      '    <display_name>Alice &amp; Bob</display_name>',
      '    <username>1001</username>',
      '    <auth_username>1001</auth_username>',
      '    <password>secret</password>',
      '    <proxy>10.0.0.1:5060</proxy>',
      '  </line>',
      '  <line number="2">',
      '    <display_name>1002</display_name>',
      '    <username>1002</username>',
      '    <auth_username>1002</auth_username>',
      '    <password>s3cret</password>',
      '    <proxy>10.0.0.1:5070</proxy>',
      '  </line>',
      '  <ntp server="10.0.0.2"/>',
      '</config>',
    ].join('\n');
  }
  return [
    `# ${names.vendor} ${model} configuration, written by provd`,
    `device.model = ${model}`,
    `device.firmware = ${names.firmware}`,
    'line1.display_name = Alice & Bob',
    'line1.username = 1001',
    'line1.auth_username = 1001',
    'line1.password = secret',
    'line1.proxy = 10.0.0.1:5060',
    'line2.display_name = 1002',
    'line2.username = 1002',
    'line2.auth_username = 1002',
    'line2.password = s3cret',
    'line2.proxy = 10.0.0.1:5070',
    'ntp.server = 10.0.0.2',
  ].join('\n');
}

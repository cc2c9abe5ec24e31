import type { FileLayout } from '../answers';
import { SAMPLE_MAC, SAMPLE_MAC_BARE, type FamilyNames } from './names';

const js = (value: unknown): string => JSON.stringify(value);

/** `test/plugin.test.ts`: builds the family, runs phones' requests through a host in the test, checks the files. */
export function pluginTestFile(n: FamilyNames, layout: FileLayout): string {
  const model = n.models[0] as string;
  const file = `${n.filesDir}/${SAMPLE_MAC_BARE}.${n.ext}`;
  const userAgent = `${n.token}/${n.firmware} (${model}; ${SAMPLE_MAC})`;
  const shapeImport = layout === 'xml' ? 'assertWellFormedXml, parseXml' : 'assertKeyValue, parseKeyValue';
  const shapeCheck =
    layout === 'xml'
      ? `    assertWellFormedXml(served.file.text, ${js(file)});
    expect(parseXml(served.file.text).config.line).toHaveLength(2);`
      : `    assertKeyValue(served.file.text, { required: ['line1.username', 'line1.password', 'line1.proxy'] }, ${js(file)});
    expect(parseKeyValue(served.file.text)['line2.proxy']).toBe('10.0.0.1:5070');`;
  return `import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeviceSupport } from '@provd/sdk';
import { ${shapeImport}, buildFamily, expectGolden, renderFiles, startTestHost, type BuiltFamily, type TestHost } from '@provd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The family folder (where provd.family.ts is), the sample config and the golden file of the sample phone.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const config = JSON.parse(await readFile(join(root, 'sample', 'config.json'), 'utf8'));
const golden = join(root, 'test', 'golden', ${js(`${SAMPLE_MAC_BARE}.${n.ext}`)});
const pluginId = ${js(n.pluginId)};
const userAgent = ${js(userAgent)};

let family: BuiltFamily;
let host: TestHost;
beforeAll(async () => {
  family = await buildFamily(root);
  host = await startTestHost({ plugins: [family.tarball(pluginId)], config });
});
afterAll(async () => {
  await host?.close();
  await family?.cleanup();
});

describe(${js(`the ${n.pluginId} plugin`)}, () => {
  it('builds', () => {
    expect(family.plugins.map((p) => p.pluginId)).toEqual([pluginId]);
  });

  it('identifies a phone from its DHCP vendor class and supports it exactly', async () => {
    const r = await host.dhcp({ mac: ${js(SAMPLE_MAC)}, ip: '192.0.2.10', vendorClass: ${js(`${n.token}-${model}-${n.firmware}`)} });
    expect(r.devInfo).toMatchObject({ vendor: ${js(n.vendor)}, model: ${js(model)}, version: ${js(n.firmware)}, mac: ${js(SAMPLE_MAC)} });
    expect(r.scores[pluginId]).toBe(DeviceSupport.EXACT);
    expect(r.plugin).toBe(pluginId);
  });

  it('serves the phone its configuration over HTTP, as the golden file says', async () => {
    const served = await host.http({ path: ${js(`/${file}`)}, userAgent, ip: '192.0.2.10' });
    expect(served.status).toBe(200);
    expect(served.file?.sensitive).toBe(true);
    if (!served.file) return;
${shapeCheck}
    await expectGolden(served.file.text, golden);
  });

  it('serves the same file over TFTP', async () => {
    const served = await host.tftp({ filename: ${js(file)}, ip: '192.0.2.10' });
    expect(served.file?.text).toBe(await readFile(golden, 'utf8'));
  });

  it('scores another firmware COMPLETE, an unknown model PROBABLE and another vendor not at all', async () => {
    const other = await host.dhcp({ mac: '00:00:5e:00:53:02', vendorClass: ${js(`${n.token}-${model}-0.0.1`)} });
    expect(other.scores[pluginId]).toBe(DeviceSupport.COMPLETE);
    const unknown = await host.dhcp({ mac: '00:00:5e:00:53:03', vendorClass: ${js(`${n.token}-X999-${n.firmware}`)} });
    expect(unknown.scores[pluginId]).toBe(DeviceSupport.PROBABLE);
    const stranger = await host.dhcp({ mac: '00:00:5e:00:53:04', vendorClass: 'SomeoneElse-1.0' });
    expect(stranger.plugin).toBeNull();
  });

  it('writes one file per device', async () => {
    const devices = ['00:00:5e:00:53:10', '00:00:5e:00:53:11'].map((mac) => ({ mac, vendor: ${js(n.vendor)}, model: ${js(model)} }));
    const files = await renderFiles(family.tarball(pluginId), { devices, config });
    expect(Object.keys(files).sort()).toEqual([${js(`${n.filesDir}/00005e005310.${n.ext}`)}, ${js(`${n.filesDir}/00005e005311.${n.ext}`)}]);
  });
});
`;
}

import { dhcpClassName, sortedFamilies, type DhcpFamily } from './types';

/** The base URL written when none is given: a reserved name that never resolves, so a forgotten setting shows. */
export const DEFAULT_KEA_BASE_URL = 'http://provd.invalid:8667';

/**
 * Renders `kea-dhcp4-classes.json`: `{"client-classes": [...]}` with one class per family, testing the
 * vendor-class-identifier (option 60) prefixes and sending option 66 (`tftp-server-name`) as the base URL plus the
 * family's path. Kea cannot compute option values, so the base URL is written in (see `--dhcp-base-url`).
 *
 * @example
 * ```ts
 * renderKeaClasses([{ name: 'digium', dhcp: { vendorClassPrefixes: ['digium_'], urlPath: '/Digium' } }], 'http://10.0.0.1:8667');
 * ```
 */
export function renderKeaClasses(families: readonly DhcpFamily[], baseUrl: string = DEFAULT_KEA_BASE_URL): string {
  const base = baseUrl.replace(/\/+$/, '');
  const classes = sortedFamilies(families).map(({ name, dhcp }) => ({
    name: dhcpClassName(name),
    test: dhcp.vendorClassPrefixes.map((p) => `substring(option[60].hex,0,${Buffer.byteLength(p)}) == '${p}'`).join(' or '),
    'option-data': [{ name: 'tftp-server-name', data: `${base}${dhcp.urlPath}` }],
    'user-context': { 'provd-family': name },
  }));
  return `${JSON.stringify({ 'client-classes': classes }, null, 2)}\n`;
}

export { ISC_BASE_URL_OPTION, renderIscDhcpd } from './isc-dhcpd';
export { DEFAULT_KEA_BASE_URL, renderKeaClasses } from './kea-dhcp4';
export { dhcpClassName } from './types';
export type { DhcpFamily } from './types';

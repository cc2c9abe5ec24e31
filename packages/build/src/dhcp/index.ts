export { DEFAULT_DHCP_HOOK_COMMAND, DEFAULT_DHCP_HOOK_TOKEN_FILE, DHCP_INFO_PATH, iscHookStatements, isPlainHookValue, renderDhcpHookScript, renderKeaHooks } from './dhcp-hooks';
export type { DhcpHookOptions } from './dhcp-hooks';
export { ISC_BASE_URL_OPTION, renderIscDhcpd } from './isc-dhcpd';
export { DEFAULT_KEA_BASE_URL, renderKeaClasses } from './kea-dhcp4';
export { dhcpClassName } from './types';
export type { DhcpFamily } from './types';

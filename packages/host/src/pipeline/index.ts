export { parseDhcpInfo } from './dhcp-info';
export type { DhcpInfo } from './dhcp-info';
export { requestFilename } from './request-filename';
export { retrieveDevice } from './retrieve';
export type { DeviceLookup } from './retrieve';
export { associatePlugin, updateDeviceInfo } from './update';

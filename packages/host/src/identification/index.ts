// One identification for every caller: the request pipeline of `provd serve` (app/request-processing) and
// `provd identify` both extract with pluginExtractor and associate with associatePlugin.
export { associatePlugin } from './associate-plugin';
export type { Association } from './associate-plugin';
export { betterPlugin } from './better-plugin';
export type { BetterPlugin } from './better-plugin';
export { parseDhcpInfo } from './dhcp-info';
export type { DhcpInfo } from './dhcp-info';
export { identifyRequest } from './identify-request';
export type { IdentifyResult, TypedRequest } from './identify-request';
export { sortedById } from './identify-plugin';
export type { IdentifyPlugin } from './identify-plugin';
export { pluginExtractor } from './plugin-extractor';
export { requestFilename, requestPath } from './request-filename';
export { retrieveDevice } from './retrieve-device';
export type { DeviceLookup } from './retrieve-device';
export { changesDeviceInfo, updateDeviceInfo } from './update-device-info';

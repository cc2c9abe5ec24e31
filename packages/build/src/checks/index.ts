export { checkFirmwareManifests } from './check-firmware';
export type { FirmwareCheck } from './check-firmware';
export { checkPluginInfo, formatPluginInfo } from './check-plugin-info';
export type { CheckSubject, PluginInfoCheck } from './check-plugin-info';
export { defaultSdkRange, sdkRangeAccepts } from './check-sdk-range';
export { checkTemplates } from './check-templates';
export { currentSdkVersion } from './sdk-version';

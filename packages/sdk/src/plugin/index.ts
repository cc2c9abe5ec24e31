export type { GeneralConfig, HostServices, InstallServiceFactory, InstallServiceRequest, PluginContext, PluginLogger, ProxyConfig } from './plugin-context';
export type { PluginConstructor, PluginServices, ProvdPlugin } from './provd-plugin';
export type { InstallableInfo, InstalledInfo, InstallService, ManualFile } from './install-service';
export { BasePlugin } from './base-plugin';
export type { BasePluginOptions, PluginFile, PluginFileData } from './base-plugin';

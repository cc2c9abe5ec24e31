export type { GeneralConfig, HostServices, PluginContext, PluginLogger, ProxyConfig } from './plugin-context';
export type { PluginConstructor, PluginServices, ProvdPlugin } from './provd-plugin';
export type { InstallableInfo, InstalledInfo, InstallService, InstallServiceFactory, InstallServiceRequest, ManualFile } from './install-service';
export { BasePlugin } from './base-plugin';
export type { BasePluginOptions, PluginFile, PluginFileData } from './base-plugin';

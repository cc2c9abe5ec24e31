export type { GeneralConfig, HostServices, PluginContext, PluginLogger, ProxyConfig } from './plugin-context';
export type { InstallService, PluginConstructor, PluginServices, ProvdPlugin } from './provd-plugin';
export { BasePlugin } from './base-plugin';
export type { BasePluginOptions, PluginFile, PluginFileData } from './base-plugin';

export type { GeneralConfig, HostServices, PluginContext, PluginLogger, ProxyConfig } from './plugin-context';
export type { PluginConstructor, PluginServices, ProvdPlugin } from './provd-plugin';

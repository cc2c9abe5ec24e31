export type { GeneralConfig, HostServices, PluginContext, PluginLogger, ProxyConfig } from './plugin-context';
export type { PluginServices, ProvdPlugin } from './provd-plugin';

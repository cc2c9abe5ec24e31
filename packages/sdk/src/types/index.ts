export type { Device, DevInfo } from './device';
export type { Capabilities, CapabilityType, PluginInfo } from './plugin-info';
export type {
  DtmfMode,
  FuncKey,
  FuncKeyType,
  RawConfig,
  SccpCallManager,
  SipLine,
  SipTransport,
  SrtpMode,
  SyslogLevel,
} from './raw-config';
export { RequestType } from './requests';
export type { AnyRequest, DhcpRequest, HttpRequest, RequestByType, TftpRequest } from './requests';

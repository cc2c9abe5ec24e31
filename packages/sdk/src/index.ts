/**
 * The provd plugin SDK: what a plugin imports to identify, score and configure IP phones. The plugin contract and
 * `BasePlugin`, extractor and associator helpers, templates, firmware package declarations, the sync contract, types
 * and schemas, MAC/IP helpers, `ProvdError` and `defineErrors`. The host's machinery lives elsewhere: the
 * identification core in `@provd/core`, the firmware installer in `@provd/firmware`.
 *
 * @packageDocumentation
 */

// errors
export { ProvdError, isProvdError, defineErrors, createProvdError, sdkErrors } from './errors/index';
export type {
  CodeOf,
  ErrorArgs,
  ErrorCatalog,
  ErrorDefinition,
  ErrorFactory,
  ProvdErrorCode,
  ProvdErrorJson,
  ProvdErrorLocation,
  ProvdErrorOptions,
  ProvdErrorSpec,
  SdkErrorCode,
} from './errors/index';

// types
export { RequestType } from './types/index';
export type {
  AnyRequest,
  Capabilities,
  CapabilityType,
  Device,
  DevInfo,
  DhcpRequest,
  DtmfMode,
  FuncKey,
  FuncKeyType,
  HttpRequest,
  PluginInfo,
  RawConfig,
  RequestByType,
  SccpCallManager,
  SipLine,
  SipTransport,
  SrtpMode,
  SyslogLevel,
  TftpRequest,
} from './types/index';

// schemas and validation
export {
  assertValidPluginInfo,
  assertValidRawConfig,
  CAPABILITY_PROTOCOLS,
  CAPABILITY_TYPES,
  DTMF_MODES,
  FUNCKEY_TYPES,
  FUNCKEY_TYPES_WITH_VALUE,
  LEGACY_CAPABILITY_KEYS,
  pluginInfoSchema,
  RAW_CONFIG_ENABLED_RULES,
  rawConfigSchema,
  REQUIRED_CAPABILITY_KEYS,
  SIP_TRANSPORTS,
  SRTP_MODES,
  SYSLOG_LEVELS,
  validatePluginInfo,
  validateRawConfig,
} from './schema/index';
export type { EnabledRule, JsonSchema, ValidationResult } from './schema/index';

// MAC, IP and UUID helpers
export { clientIpFromForwardedFor, formatMac, ipv4Address, isNormedIp, isNormedMac, isNormedUuid, normIp, normMac, normUuid } from './net/index';
export type { FormatMacOptions, ValueContext } from './net/index';

// plugin contract
export { BasePlugin } from './plugin/index';
export type {
  BasePluginOptions,
  GeneralConfig,
  HostServices,
  InstallableInfo,
  InstalledInfo,
  InstallService,
  InstallServiceFactory,
  InstallServiceRequest,
  ManualFile,
  PluginConstructor,
  PluginContext,
  PluginFile,
  PluginFileData,
  PluginLogger,
  PluginServices,
  ProvdPlugin,
  ProxyConfig,
} from './plugin/index';

// identification: extractors and associators
export { BasePgAssociator, DeviceSupport } from './association/index';
export type { PgAssociator } from './association/index';
export { defineExtractor, guardExtractor } from './extraction/index';
export type { DeviceInfoExtractor, ExtractFunction, GuardOptions } from './extraction/index';

// templates and template variables
export { compileTemplates, escapeXml, normalizeTemplateName, TemplateHelper } from './templates/index';
export type { CompileTemplatesOptions, DumpItem, RenderOptions, TemplateDevice, TemplateEscape, TemplateHelperOptions, TemplateRef } from './templates/index';
export { numericEntries, requireSipLines, serverUrl } from './template-vars/index';

// atomic file writes (BasePlugin.writeFiles, TemplateHelper.dump)
export { AtomicWriter, isLeftByGoneProcess, isProcessGone, removeStaleTemporaries, withoutFsync, writeFileAtomic, writeFilesAtomic } from './files/index';
export type { AtomicWriterOptions, FileContent, FilesystemFlush, WriteDurability, WriteMode } from './files/index';

// firmware package declarations
export { definePackages } from './firmware/index';
export type {
  DiagnosticSeverity,
  FileDeclaration,
  FirmwareFile,
  FirmwareManifest,
  FirmwarePackage,
  InstallCommand,
  InstallGraph,
  InstallStep,
  InstallStepDeclaration,
  ManifestDiagnostic,
  ManifestReadResult,
  PackageDeclaration,
  PackageInstall,
  PackagesDeclaration,
  SourceLocation,
} from './firmware/index';

// sync contract
export { isAutoprovPeer, standardSipSynchronize } from './sync/index';
export type { SyncService } from './sync/index';

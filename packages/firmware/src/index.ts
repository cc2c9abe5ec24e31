/**
 * The provd firmware installer: reads the firmware packages a plugin declares (`pkgs/pkgs.db` or `definePackages`),
 * then downloads, verifies and installs them into the plugin's tftpboot folder (journaled commits, a per-plugin lock,
 * the installed-package records), with safe archive extraction. A host gives it to its plugins as the
 * `installService` factory ({@link firmwareServiceFor}); the build tool uses its `pkgs.db` reader and validation.
 *
 * @packageDocumentation
 */

// the service a host gives its plugins
export { FirmwareService } from './service';
export type { FirmwareServiceOptions, InstallCallOptions } from './service';
export type {
  CommitProgressEvent,
  DoneProgressEvent,
  DownloadProgressEvent,
  FirmwareProgressEvent,
  FirmwareServiceEvents,
  StepProgressEvent,
  VerifyProgressEvent,
} from './service';
export { firmwareServiceFor } from './plugin-service';
// the per-plugin lock, which a host's plugin upgrade takes too (it moves the records folder)
export { acquirePluginLock, LOCK_NAME } from './plugin-lock';
export type { PluginLock, PluginLockOptions } from './plugin-lock';
export type { DownloadCredentials, DownloadOptions } from './download';
// one HTTP(S) GET through the download proxies (the host's repository client uses it too)
export { httpGet, IdleTimeoutError } from './http-request';
export type { HttpGetOptions } from './http-request';
export type { InstalledRecord } from './installed-db';

// manifests: pkgs.db and TypeScript declarations
export { formatDiagnostic, INSTALL_COMMANDS } from './manifest-model';
export { manifestFromDeclaration } from './manifest-from-declaration';
export { validateManifest } from './manifest-validate';
export { parsePkgsDb, readPkgsDir } from './pkgs-db';
export type { PkgsDbText } from './pkgs-db';
export { formatPkgsDb } from './pkgs-db-format';
export { compareVersions, parsePackageVersion } from './version';
export type { PackageVersion, VersionParseError } from './version';

// archives
export { DEFAULT_ARCHIVE_LIMITS, detectArchiveFormat, extractArchive } from './archive/index';
export type { ArchiveFormat, ArchiveLimits, ExtractedEntry, ExtractedEntryType, ExtractOptions } from './archive/index';

// errors
export { firmwareError, firmwareErrors } from './errors';
export type { FirmwareErrorCode } from './errors';

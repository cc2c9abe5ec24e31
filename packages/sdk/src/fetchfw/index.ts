// The public part of FetchFw: what a plugin author, the build tool and a host use. The download, filter, graph and
// commit machinery behind FirmwareService stays internal (its tests import the modules directly).
export { compareVersions, parsePackageVersion } from './version';
export type { PackageVersion, VersionParseError } from './version';
export { formatDiagnostic, INSTALL_COMMANDS } from './manifest-types';
export type {
  DiagnosticSeverity,
  FirmwareFile,
  FirmwareManifest,
  FirmwarePackage,
  InstallCommand,
  InstallGraph,
  InstallStep,
  ManifestDiagnostic,
  PackageInstall,
  ManifestReadResult,
  SourceLocation,
} from './manifest-types';
export { validateManifest } from './manifest-validate';
export { parsePkgsDb, readPkgsDir } from './pkgs-db';
export type { PkgsDbText } from './pkgs-db';
export { definePackages, manifestFromDeclaration } from './define';
export type { FileDeclaration, InstallStepDeclaration, PackageDeclaration, PackagesDeclaration } from './define';
export { formatPkgsDb } from './pkgs-db-format';
export type { DownloadCredentials, DownloadOptions } from './download';
export type { InstalledRecord } from './installed-db';
export { FirmwareService } from './service';
export type {
  CommitProgressEvent,
  DoneProgressEvent,
  DownloadProgressEvent,
  FirmwareProgressEvent,
  FirmwareServiceEvents,
  FirmwareServiceOptions,
  InstallableInfo,
  InstallCallOptions,
  InstalledInfo,
  ManualFile,
  StepProgressEvent,
  VerifyProgressEvent,
} from './service';
export { firmwareServiceFor } from './plugin-service';

export { parseIni } from './ini';
export type { IniDocument, IniEntry, IniProblem, IniSection } from './ini';
export { substitute } from './subst';
export type { SubstitutionFailure, SubstitutionOk, SubstitutionResult } from './subst';
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
export { arityProblem, COMMAND_ARITY, isInstallCommand, packageErrors, packageVariables, resolvePackageSteps, stepText, validateManifest } from './manifest-validate';
export type { ResolvedPackageSteps, ResolvedStep } from './manifest-validate';
export { parsePkgsDb, readPkgsDir, sortDiagnostics } from './pkgs-db';
export type { PkgsDbText } from './pkgs-db';
export { unsafeFileName, unsafeRelativePath } from './paths';
export { definePackages, manifestFromDeclaration } from './define';
export type { FileDeclaration, InstallStepDeclaration, PackageDeclaration, PackagesDeclaration } from './define';
export { formatPkgsDb } from './pkgs-db-format';
export { downloadFile, isDownloadable } from './download';
export type { DownloadCredentials, DownloadOptions } from './download';
export { digestProblem, FileDigester, verifyFileOnDisk } from './verify';
export type { FileDigests } from './verify';
export { httpGet, IdleTimeoutError } from './http-request';
export type { HttpGetOptions } from './http-request';
export { fnmatch, globRelative } from './glob';
export { runFilter } from './filters';
export type { FilterContext } from './filters';
export type { PlaceMode } from './fs-ops';
export { runInstallGraph } from './install-graph';
export type { GraphInput, RunGraphOptions } from './install-graph';
export { InstalledStore, recordFor } from './installed-db';
export type { InstalledRecord } from './installed-db';
export { commitInstall, removeInstalled } from './commit';
export type { CommitOptions } from './commit';
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

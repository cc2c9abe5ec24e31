// Firmware packages as a plugin declares them; the installer that runs them is the host's (`@provd/firmware`).
export { definePackages } from './define-packages';
export type { FileDeclaration, InstallStepDeclaration, PackageDeclaration, PackagesDeclaration } from './define-packages';
export type {
  DiagnosticSeverity,
  FirmwareFile,
  FirmwareManifest,
  FirmwarePackage,
  InstallCommand,
  InstallGraph,
  InstallStep,
  ManifestDiagnostic,
  ManifestReadResult,
  PackageInstall,
  SourceLocation,
} from './manifest-types';

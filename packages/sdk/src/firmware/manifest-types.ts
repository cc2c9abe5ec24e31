/**
 * The typed form of a firmware package manifest (contract §8.2-8.6): remote files, packages and their install graphs.
 * `pkgs.db` files and TypeScript declarations both end up as a {@link FirmwareManifest}.
 */

/** One install verb of the established installer (survey §4.1). */
export type InstallCommand = 'untar' | 'unzip' | 'unrar' | '7z' | 'unsign' | 'include' | 'exclude' | 'cp' | 'null';

/** Where a manifest item was declared, for diagnostics. */
export interface SourceLocation {
  /** The manifest file (as given to the reader, e.g. `pkgs/pkgs.db`). */
  file: string;
  /** The 1-based line, when the manifest is a text file. */
  line?: number;
}

/** A remote file a package needs (`[file_<id>]`). */
export interface FirmwareFile {
  /** The file id (section name without `file_`). */
  id: string;
  /** The download URL; `undefined` when there is no public URL and the file must be placed in the cache by hand. */
  url?: string;
  /** The exact size in bytes. */
  size: number;
  /** The SHA-1 digest, 40 lower-case hex digits. */
  sha1: string;
  /** The SHA-256 digest, 64 lower-case hex digits, when declared (`sha256sum` key). */
  sha256?: string;
  /** The name of the file in `var/cache/` (the `filename` key, or the last segment of the URL path). */
  filename: string;
  /** The downloader: `default`, or `auth` for HTTP authentication with the plugin's credentials. */
  downloader: string;
  /** Where it was declared. */
  source: SourceLocation;
}

/** One `src-dst: command args...` step of an install graph, before `$FILEn`/`$ARGn` substitution. */
export interface InstallStep {
  /** The input node (`a` is the package's downloaded files). */
  from: string;
  /** The node this step produces (lower case). */
  to: string;
  /** The verb. */
  command: InstallCommand;
  /** The arguments, as written. */
  args: string[];
  /** Where it was declared. */
  source: SourceLocation;
}

/** An installation graph (`[install_<id>]`). */
export interface InstallGraph {
  /** The graph id. */
  id: string;
  /** The steps in declaration order. */
  steps: InstallStep[];
  /** Where it was declared. */
  source: SourceLocation;
}

/** How a package is installed: its graph and the values of `$ARG1..n`. */
export interface PackageInstall {
  /** The install graph id. */
  graph: string;
  /** The extra tokens of the `install` key, `$ARG1` first. */
  args: string[];
}

/** A package (`[pkg_<id>]`). */
export interface FirmwarePackage {
  /** The package id. */
  id: string;
  /** The English description. */
  description: string;
  /** Localised descriptions by lower-case locale (`fr`, `fr_ca`). */
  descriptions: Record<string, string>;
  /** The version, free text (see `compareVersions`). */
  version: string;
  /** The ids of the files it needs, in order (`$FILE1` is the first). */
  files: string[];
  /** The graph that installs it and the `$ARGn` values; absent when the package installs nothing. */
  install?: PackageInstall;
  /** Package ids it depends on (recorded, not installed automatically). */
  depends: string[];
  /** Other keys, kept in the installed record. */
  extra: Record<string, string>;
  /** Where it was declared. */
  source: SourceLocation;
}

/** A whole manifest: every package, file and graph of a plugin. */
export interface FirmwareManifest {
  /** Packages by id. */
  packages: Record<string, FirmwarePackage>;
  /** Files by id. */
  files: Record<string, FirmwareFile>;
  /** Install graphs by id. */
  graphs: Record<string, InstallGraph>;
}

/** How serious a diagnostic is: an `error` makes the packages it concerns uninstallable. */
export type DiagnosticSeverity = 'error' | 'warning';

/** A problem found in a manifest, pointing at its file, section and key. */
export interface ManifestDiagnostic {
  /** `error`: the concerned packages cannot be installed; `warning`: they can. */
  severity: DiagnosticSeverity;
  /** The manifest file. */
  file: string;
  /** The 1-based line, when known. */
  line?: number;
  /** The section, e.g. `file_firmware`. */
  section?: string;
  /** The key, e.g. `sha1sum` or `a-b`. */
  key?: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A manifest plus what was found wrong with it. */
export interface ManifestReadResult {
  /** Everything that could be read. */
  manifest: FirmwareManifest;
  /** Problems, errors first in file order. */
  diagnostics: ManifestDiagnostic[];
}

/**
 * The error codes of the firmware installer (`@provd/firmware`): package manifests, downloads, installs and archives.
 * Every code here has a section in `docs/errors.md` under `@provd/firmware` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `@provd/firmware`: its codes and their definitions. */
export const firmwareErrors = defineErrors('@provd/firmware', {
  // ── firmware packages (FetchFw) ──────────────────────────────────────────────────────────────────────────────────
  PROVD_FETCHFW_INVALID_MANIFEST: {
    message: (a: { file: string; plugin?: string; errors: readonly string[] }) => ({
      message: `firmware manifest ${q(a.file)} cannot be read: ${a.errors.join('; ')}`,
      file: a.file,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_PACKAGE_INVALID: {
    message: (a: { pkg: string; plugin?: string; errors: readonly string[] }) => ({
      message: `firmware package ${q(a.pkg)} cannot be installed because its definition is wrong: ${a.errors.join('; ')}`,
      key: a.pkg,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_UNKNOWN_PACKAGE: {
    message: (a: { pkg: string; plugin?: string; known: readonly string[] }) => ({
      message: `no firmware package ${q(a.pkg)}${a.plugin ? ` in plugin ${q(a.plugin)}` : ''}; known packages: ${a.known.length > 0 ? a.known.map(q).join(', ') : 'none'}`,
      key: a.pkg,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_NOT_INSTALLED: {
    message: (a: { pkg: string; plugin?: string }) => ({
      message: `firmware package ${q(a.pkg)} is not installed${a.plugin ? ` in plugin ${q(a.plugin)}` : ''}; install it first`,
      key: a.pkg,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_BUSY: {
    status: 409,
    message: (a: { pkg: string; plugin?: string }) => ({
      message: `firmware package ${q(a.pkg)} is already being installed or removed; wait for that operation to finish`,
      key: a.pkg,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_MANUAL_FILE: {
    message: (a: { path: string; size: number; sha1: string; pkg?: string; url?: string }) => ({
      message: `${a.pkg ? `firmware package ${q(a.pkg)} needs a file provd cannot download: ` : ''}place this file at ${q(a.path)} (${a.size} bytes, SHA-1 ${a.sha1})${a.url ? `; it may be found at ${q(a.url)}` : '; get it from the vendor (a login may be required)'}, then run the install again`,
      file: a.path,
      key: a.pkg,
    }),
  },
  PROVD_FETCHFW_HTTP_ERROR: {
    message: (a: { url: string; status: number; file: string }) => ({
      message: `downloading ${q(a.url)} failed: the server answered HTTP ${a.status}; check the URL in ${q(a.file)} or try later`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_AUTH_FAILED: {
    message: (a: { url: string; status: number; file: string }) => ({
      message: `downloading ${q(a.url)} was refused (HTTP ${a.status}): the server wants credentials; set the plugin's "username" and "password" parameters, or place the file at ${q(a.file)}`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_TOO_MANY_REDIRECTS: {
    message: (a: { url: string; max: number; file: string }) => ({
      message: `downloading ${q(a.url)} was redirected more than ${a.max} times (a redirect loop?); download it by hand and place it at ${q(a.file)}`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_DOWNLOAD_FAILED: {
    status: 502,
    message: (a: { url: string; reason: string; attempts: number; file: string }) => ({
      message: `downloading ${q(a.url)} failed after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}: ${a.reason}; check the network and proxy settings, or place the file at ${q(a.file)}`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_SIZE_MISMATCH: {
    message: (a: { file: string; expected: number; received: number; url?: string }) => ({
      message: `${q(a.file)} has ${a.received} bytes${a.received > a.expected ? ' or more' : ''}, the manifest expects ${a.expected}${a.url ? ` (downloaded from ${q(a.url)})` : ''}; the file was not kept: the vendor may have replaced it, so check the manifest's size and digest`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_DIGEST_MISMATCH: {
    message: (a: { file: string; algorithm: string; expected: string; received: string; url?: string }) => ({
      message: `${q(a.file)} has ${a.algorithm} ${a.received}, the manifest expects ${a.expected}${a.url ? ` (downloaded from ${q(a.url)})` : ''}; the file was not kept: it is corrupted or not the expected one`,
      file: a.file,
    }),
  },
  PROVD_FETCHFW_NO_MATCH: {
    message: (a: { pkg: string; step: string; patterns: readonly string[] }) => ({
      message: `install step ${q(a.step)} of package ${q(a.pkg)}: ${a.patterns.map(q).join(', ')} matched nothing; the archive does not hold what the manifest expects`,
      key: a.pkg,
    }),
  },
  PROVD_FETCHFW_STEP_FAILED: {
    message: (a: { pkg: string; step: string; reason: string }) => ({
      message: `install step ${q(a.step)} of package ${q(a.pkg)} failed: ${a.reason}; nothing was installed`,
      key: a.pkg,
    }),
  },
  PROVD_FETCHFW_TOOL_MISSING: {
    message: (a: { tool: string; debianPackage: string; pkg: string; step: string }) => ({
      message: `install step ${q(a.step)} of package ${q(a.pkg)} needs the program ${q(a.tool)}, which is not installed; install the Debian package ${q(a.debianPackage)} (apt-get install ${a.debianPackage})`,
      key: a.pkg,
    }),
  },
  PROVD_FETCHFW_FILE_CONFLICT: {
    message: (a: { pkg: string; path: string }) => ({
      message: `package ${q(a.pkg)} would overwrite ${q(a.path)}, which no installed package owns; move that file away, then install again`,
      file: a.path,
      key: a.pkg,
    }),
  },
  PROVD_FETCHFW_LOCKED: {
    message: (a: { plugin: string; pid: number; since: string; lock: string }) => ({
      message: `plugin ${q(a.plugin)} is locked by process ${a.pid}${a.since ? ` (since ${a.since})` : ''}, which is installing or removing firmware; wait for it to finish and try again, or, if process ${a.pid} is not provd, delete ${q(a.lock)}`,
      file: a.lock,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_PLUGIN_GONE: {
    message: (a: { plugin: string; dir: string }) => ({
      message: `plugin ${q(a.plugin)} is no longer installed: ${q(a.dir)} is gone (the plugin was uninstalled while this firmware operation waited); install the plugin again, then retry`,
      file: a.dir,
      plugin: a.plugin,
    }),
  },
  PROVD_FETCHFW_INSTALLED_RECORD_INVALID: {
    message: (a: { file: string; reason: string }) => ({
      message: `installed-package record ${q(a.file)} is unreadable: ${a.reason}; remove the file and reinstall the package`,
      file: a.file,
    }),
  },
  // ── archives (safe extraction) ───────────────────────────────────────────────────────────────────────────────────
  PROVD_ARCHIVE_UNREADABLE: {
    message: (a: { archive: string; reason: string }) => ({
      message: `cannot read archive ${q(a.archive)}: ${a.reason}; check the path and permissions`,
      file: a.archive,
    }),
  },
  PROVD_ARCHIVE_UNKNOWN_FORMAT: {
    message: (a: { archive: string }) => ({
      message: `${q(a.archive)} is not an archive provd reads: expected tar (plain, gzip, bzip2 or xz) or zip`,
      file: a.archive,
    }),
  },
  PROVD_ARCHIVE_CORRUPT: {
    message: (a: { archive: string; entry?: string; reason: string }) => ({
      message: `archive ${q(a.archive)} is damaged${a.entry ? ` at entry ${q(a.entry)}` : ''}: ${a.reason}; download it again`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_UNSAFE_PATH: {
    message: (a: { archive: string; entry: string; reason: string }) => ({
      message: `archive ${q(a.archive)} has an unsafe entry ${q(a.entry)}: ${a.reason}; refusing to extract it`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_LINK_ESCAPE: {
    message: (a: { archive: string; entry: string; target: string }) => ({
      message: `archive ${q(a.archive)} has a link ${q(a.entry)} to ${q(a.target)}, which is outside the extraction folder; refusing to extract it`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_UNSUPPORTED_ENTRY: {
    message: (a: { archive: string; entry: string; type: string }) => ({
      message: `archive ${q(a.archive)} has entry ${q(a.entry)} of type ${q(a.type)}; only files, folders and links are extracted`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_ENTRY_TOO_LARGE: {
    message: (a: { archive: string; entry: string; limit: number }) => ({
      message: `archive ${q(a.archive)} has entry ${q(a.entry)} larger than the bound of ${a.limit} bytes; raise maxEntrySize if it is trusted`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_TOO_LARGE: {
    message: (a: { archive: string; entry: string; limit: number }) => ({
      message: `archive ${q(a.archive)} unpacks to more than the bound of ${a.limit} bytes (reached at entry ${q(a.entry)}); raise maxTotalSize if it is trusted`,
      file: a.archive,
      key: a.entry,
    }),
  },
  PROVD_ARCHIVE_TOO_MANY_ENTRIES: {
    message: (a: { archive: string; limit: number }) => ({
      message: `archive ${q(a.archive)} has more than ${a.limit} entries; raise maxEntries if it is trusted`,
      file: a.archive,
    }),
  },
  PROVD_ARCHIVE_TARGET_NOT_EMPTY: {
    message: (a: { archive: string; target: string }) => ({
      message: `cannot extract ${q(a.archive)} into ${q(a.target)}: the folder exists and is not empty; give a new or empty folder`,
      file: a.archive,
    }),
  },
});

/** A code of `@provd/firmware`. */
export type FirmwareErrorCode = CodeOf<typeof firmwareErrors>;

/** Builds the `ProvdError` of one of the codes of `@provd/firmware`. */
export const firmwareError: ErrorFactory<typeof firmwareErrors> = firmwareErrors.create;

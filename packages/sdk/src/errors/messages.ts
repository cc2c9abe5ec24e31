/**
 * Every message provd raises, in one table. Each entry turns the error's arguments into a message plus the location
 * it points at (file, key, device, plugin). Messages put identifiers in double quotes, say what was received and
 * name the fix. Every code here has a section in `docs/errors.md` (a test checks it).
 *
 * Areas are kept together under their heading comment; add a new code under its area, and document it.
 */
import { ProvdError, type ProvdErrorLocation } from './provd-error';

/** What a message template returns: the message and where it points. */
export interface ProvdErrorSpec extends ProvdErrorLocation {
  /** The human-readable message. */
  message: string;
}

const q = (value: unknown): string => JSON.stringify(String(value));
/** ` (key "k" of device "d")`-style suffix naming where a value was found, or `''`. */
const at = (a: { key?: string; device?: string }): string =>
  a.key || a.device
    ? ` (${[a.key && `key ${q(a.key)}`, a.device && `device ${q(a.device)}`].filter(Boolean).join(' of ')})`
    : '';

/** The message template of every error code (see `docs/errors.md`). */
const errorMessages = {
  // ── general ──────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_INTERNAL: (a: { what: string }) => ({
    message: `internal error: ${a.what}; this is a bug in provd, please report it`,
  }),

  // ── net helpers (MAC, IP, UUID) ───────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_MAC: (a: { value: string; key?: string; device?: string }) => ({
    message: `${q(a.value)}${at(a)} is not a MAC address: expected 12 hex digits, bare or as 6 groups of 1-2 hex digits separated by ":" or "-" (the same throughout), with nothing around them (e.g. "00:0f:d3:05:48:48")`,
    key: a.key,
    device: a.device,
  }),
  PROVD_INVALID_IP: (a: { value: string; key?: string; device?: string }) => ({
    message: `${q(a.value)}${at(a)} is not an IPv4 address: expected four decimal numbers 0-255 without leading zeros, separated by "." and with nothing around them (e.g. "10.0.0.5"); shorthands such as "127.1" are not accepted`,
    key: a.key,
    device: a.device,
  }),
  PROVD_INVALID_UUID: (a: { value: string; key?: string; device?: string }) => ({
    message: `${q(a.value)}${at(a)} is not a UUID: expected 32 hex digits in the 8-4-4-4-12 form, hyphens included (e.g. "550e8400-e29b-41d4-a716-446655440000")`,
    key: a.key,
    device: a.device,
  }),
  PROVD_NO_FORWARDED_CLIENT_IP: (a: { forwardedFor: string | undefined; trustedProxies: number }) => ({
    message:
      Number.isInteger(a.trustedProxies) && a.trustedProxies > 0
        ? `cannot tell the client IP: the X-Forwarded-For header ${a.forwardedFor === undefined ? 'is absent' : `${q(a.forwardedFor)} has an empty entry`} where the client of ${a.trustedProxies} trusted reverse ${a.trustedProxies === 1 ? 'proxy' : 'proxies'} should be; make the proxies in front of provd set X-Forwarded-For, and set the trusted proxy count to their number`
        : `cannot tell the client IP from X-Forwarded-For with ${q(a.trustedProxies)} trusted reverse proxies: the count must be a positive integer; with no reverse proxy in front of provd, use the socket address`,
  }),

  // ── association and extraction ────────────────────────────────────────────────────────────────────────────────
  PROVD_ASSOCIATOR_FAILED: (a: { plugin: string; reason: string }) => ({
    message: `the associator of plugin ${q(a.plugin)} threw: ${a.reason}; the plugin was left out of the choice for this device; fix its associate() so that it returns a DeviceSupport score for any device information`,
    plugin: a.plugin,
  }),
  PROVD_ASSOCIATOR_BAD_SCORE: (a: { plugin: string; score: unknown }) => ({
    message: `the associator of plugin ${q(a.plugin)} returned ${typeof a.score} ${q(a.score)} instead of a score; the plugin was left out of the choice for this device; make its associate() return a finite number such as DeviceSupport.PROBABLE (300), synchronously`,
    plugin: a.plugin,
  }),
  PROVD_EXTRACTOR_FAILED: (a: { type: string; plugin?: string; reason: string }) => ({
    message: `the ${a.type} device-info extractor${a.plugin ? ` of plugin ${q(a.plugin)}` : ''} failed: ${a.reason}; its result counts as "nothing found"; make the extractor resolve to undefined for requests it does not recognise`,
    plugin: a.plugin,
  }),

  // ── validation (schemas) ──────────────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_PLUGIN_INFO: (a: { file: string; errors: readonly string[] }) => ({
    message: `${a.file} is not a valid plugin-info: ${a.errors.join('; ')}`,
    file: a.file,
  }),
  PROVD_INVALID_RAW_CONFIG: (a: { device?: string; errors: readonly string[] }) => ({
    message: `invalid raw config${a.device ? ` for device ${q(a.device)}` : ''}: ${a.errors.join('; ')}`,
    device: a.device,
  }),
  PROVD_INVALID_HTTP_BASE_URL: (a: { value: string; key: string }) => ({
    message: `${q(a.value)} (${q(a.key)}) is not a URL devices can reach: expected an absolute http:// or https:// URL such as "http://10.0.0.1:8667/"`,
    key: a.key,
  }),

  // ── templates ─────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_TEMPLATE_NOT_FOUND: (a: { name: string; dirs: readonly string[]; pluginDir?: string }) => ({
    message: `template ${q(a.name)} is in none of the folders ${a.dirs.map(q).join(', ')}${a.pluginDir ? ` of ${q(a.pluginDir)}` : ''}; add it (a custom one goes in "var/templates/") or fix the name`,
    file: a.name,
  }),
  PROVD_TEMPLATE_INVALID_NAME: (a: { name: string }) => ({
    message: `${q(a.name)} is not an allowed template name: names are relative to the template folders, without ".." segments, backslashes or a leading "/"`,
    file: a.name,
  }),
  PROVD_TEMPLATE_SYNTAX: (a: { file: string; line?: number; reason: string }) => ({
    message: `template ${q(a.file)} does not compile${a.line !== undefined ? ` (line ${a.line})` : ''}: ${a.reason}; fix the Jinja syntax there`,
    file: a.file,
  }),
  PROVD_TEMPLATE_NOT_UTF8: (a: { file: string }) => ({
    message: `template ${q(a.file)} is not valid UTF-8; save it as UTF-8`,
    file: a.file,
  }),
  PROVD_TEMPLATE_RENDER_FAILED: (a: { file: string; reason: string }) => ({
    message: `rendering template ${q(a.file)} failed: ${a.reason}; fix the template or the value it uses`,
    file: a.file,
  }),
  PROVD_FILE_WRITE_FAILED: (a: { file: string; reason: string }) => ({
    message: `cannot write ${q(a.file)}: ${a.reason}; check that its folder exists and is writable (the old file, if any, is unchanged)`,
    file: a.file,
  }),

  // ── plugins (configure, synchronize) ──────────────────────────────────────────────────────────────────────────
  PROVD_PLUGIN_SYNC_UNSUPPORTED: (a: { plugin: string; device: string }) => ({
    message: `plugin ${q(a.plugin)} cannot synchronize device ${q(a.device)}: re-synchronization is not supported by this plugin; restart the phone by hand so that it fetches its configuration`,
    plugin: a.plugin,
    device: a.device,
  }),
  PROVD_PLUGIN_PATH_OUTSIDE: (a: { plugin: string; path: string }) => ({
    message: `plugin ${q(a.plugin)} asked for the path ${q(a.path)}, which is not inside its folder; give a relative path without ".." segments`,
    plugin: a.plugin,
    file: a.path,
  }),
  PROVD_SYNC_UNAVAILABLE: (a: { device: string }) => ({
    message: `cannot synchronize device ${q(a.device)}: the host has no sync service; configure one in the host, or restart the phone by hand so that it fetches its configuration`,
    device: a.device,
  }),
  PROVD_SYNC_NO_ADDRESS: (a: { device: string }) => ({
    message: `not enough information to synchronize device ${q(a.device)}: it has neither a "remote_state_sip_username" (other than an autoprov one) nor an "ip"; set the device's "ip", or let the phone fetch its configuration once`,
    device: a.device,
  }),
  PROVD_SYNC_FAILED: (a: { device: string; reason: string }) => ({
    message: `synchronizing device ${q(a.device)} failed: ${a.reason}; check that the sync service can reach the phone`,
    device: a.device,
  }),
  PROVD_DEVICE_NO_MAC: (a: { device: string; plugin?: string }) => ({
    message: `device ${q(a.device)} has no MAC address, and ${a.plugin ? `plugin ${q(a.plugin)}` : 'its plugin'} names the device's files after it; set the device's "mac" (e.g. "00:0f:d3:05:48:48") and configure it again`,
    device: a.device,
    plugin: a.plugin,
    key: 'mac',
  }),
  PROVD_RAW_CONFIG_NO_SIP_LINE: (a: { device: string; plugin?: string }) => ({
    message: `the raw config of device ${q(a.device)} has no SIP line, and ${a.plugin ? `plugin ${q(a.plugin)}` : 'its plugin'} needs at least one; add a line under "sip_lines" (e.g. "1" with "username", "password" and "proxy_ip") to the device's config`,
    device: a.device,
    plugin: a.plugin,
    key: 'sip_lines',
  }),

  // ── firmware packages (FetchFw) ───────────────────────────────────────────────────────────────────────────────
  PROVD_FETCHFW_INVALID_MANIFEST: (a: { file: string; plugin?: string; errors: readonly string[] }) => ({
    message: `firmware manifest ${q(a.file)} cannot be read: ${a.errors.join('; ')}`,
    file: a.file,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_PACKAGE_INVALID: (a: { pkg: string; plugin?: string; errors: readonly string[] }) => ({
    message: `firmware package ${q(a.pkg)} cannot be installed because its definition is wrong: ${a.errors.join('; ')}`,
    key: a.pkg,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_UNKNOWN_PACKAGE: (a: { pkg: string; plugin?: string; known: readonly string[] }) => ({
    message: `no firmware package ${q(a.pkg)}${a.plugin ? ` in plugin ${q(a.plugin)}` : ''}; known packages: ${a.known.length > 0 ? a.known.map(q).join(', ') : 'none'}`,
    key: a.pkg,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_NOT_INSTALLED: (a: { pkg: string; plugin?: string }) => ({
    message: `firmware package ${q(a.pkg)} is not installed${a.plugin ? ` in plugin ${q(a.plugin)}` : ''}; install it first`,
    key: a.pkg,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_BUSY: (a: { pkg: string; plugin?: string }) => ({
    message: `firmware package ${q(a.pkg)} is already being installed or removed; wait for that operation to finish`,
    key: a.pkg,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_MANUAL_FILE: (a: { path: string; size: number; sha1: string; pkg?: string; url?: string }) => ({
    message: `${a.pkg ? `firmware package ${q(a.pkg)} needs a file provd cannot download: ` : ''}place this file at ${q(a.path)} (${a.size} bytes, SHA-1 ${a.sha1})${a.url ? `; it may be found at ${q(a.url)}` : '; get it from the vendor (a login may be required)'}, then run the install again`,
    file: a.path,
    key: a.pkg,
  }),
  PROVD_FETCHFW_HTTP_ERROR: (a: { url: string; status: number; file: string }) => ({
    message: `downloading ${q(a.url)} failed: the server answered HTTP ${a.status}; check the URL in ${q(a.file)} or try later`,
    file: a.file,
  }),
  PROVD_FETCHFW_AUTH_FAILED: (a: { url: string; status: number; file: string }) => ({
    message: `downloading ${q(a.url)} was refused (HTTP ${a.status}): the server wants credentials; set the plugin's "username" and "password" parameters, or place the file at ${q(a.file)}`,
    file: a.file,
  }),
  PROVD_FETCHFW_TOO_MANY_REDIRECTS: (a: { url: string; max: number; file: string }) => ({
    message: `downloading ${q(a.url)} was redirected more than ${a.max} times (a redirect loop?); download it by hand and place it at ${q(a.file)}`,
    file: a.file,
  }),
  PROVD_FETCHFW_DOWNLOAD_FAILED: (a: { url: string; reason: string; attempts: number; file: string }) => ({
    message: `downloading ${q(a.url)} failed after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}: ${a.reason}; check the network and proxy settings, or place the file at ${q(a.file)}`,
    file: a.file,
  }),
  PROVD_FETCHFW_SIZE_MISMATCH: (a: { file: string; expected: number; received: number; url?: string }) => ({
    message: `${q(a.file)} has ${a.received} bytes${a.received > a.expected ? ' or more' : ''}, the manifest expects ${a.expected}${a.url ? ` (downloaded from ${q(a.url)})` : ''}; the file was not kept: the vendor may have replaced it, so check the manifest's size and digest`,
    file: a.file,
  }),
  PROVD_FETCHFW_DIGEST_MISMATCH: (a: { file: string; algorithm: string; expected: string; received: string; url?: string }) => ({
    message: `${q(a.file)} has ${a.algorithm} ${a.received}, the manifest expects ${a.expected}${a.url ? ` (downloaded from ${q(a.url)})` : ''}; the file was not kept: it is corrupted or not the expected one`,
    file: a.file,
  }),
  PROVD_FETCHFW_NO_MATCH: (a: { pkg: string; step: string; patterns: readonly string[] }) => ({
    message: `install step ${q(a.step)} of package ${q(a.pkg)}: ${a.patterns.map(q).join(', ')} matched nothing; the archive does not hold what the manifest expects`,
    key: a.pkg,
  }),
  PROVD_FETCHFW_STEP_FAILED: (a: { pkg: string; step: string; reason: string }) => ({
    message: `install step ${q(a.step)} of package ${q(a.pkg)} failed: ${a.reason}; nothing was installed`,
    key: a.pkg,
  }),
  PROVD_FETCHFW_TOOL_MISSING: (a: { tool: string; debianPackage: string; pkg: string; step: string }) => ({
    message: `install step ${q(a.step)} of package ${q(a.pkg)} needs the program ${q(a.tool)}, which is not installed; install the Debian package ${q(a.debianPackage)} (apt-get install ${a.debianPackage})`,
    key: a.pkg,
  }),
  PROVD_FETCHFW_FILE_CONFLICT: (a: { pkg: string; path: string }) => ({
    message: `package ${q(a.pkg)} would overwrite ${q(a.path)}, which no installed package owns; move that file away, then install again`,
    file: a.path,
    key: a.pkg,
  }),
  PROVD_FETCHFW_LOCKED: (a: { plugin: string; pid: number; since: string; lock: string }) => ({
    message: `plugin ${q(a.plugin)} is locked by process ${a.pid}${a.since ? ` (since ${a.since})` : ''}, which is installing or removing firmware; wait for it to finish and try again, or, if process ${a.pid} is not provd, delete ${q(a.lock)}`,
    file: a.lock,
    plugin: a.plugin,
  }),
  PROVD_FETCHFW_INSTALLED_RECORD_INVALID: (a: { file: string; reason: string }) => ({
    message: `installed-package record ${q(a.file)} is unreadable: ${a.reason}; remove the file and reinstall the package`,
    file: a.file,
  }),


  // ── archives (safe extraction) ────────────────────────────────────────────────────────────────────────────────
  PROVD_ARCHIVE_UNREADABLE: (a: { archive: string; reason: string }) => ({
    message: `cannot read archive ${q(a.archive)}: ${a.reason}; check the path and permissions`,
    file: a.archive,
  }),
  PROVD_ARCHIVE_UNKNOWN_FORMAT: (a: { archive: string }) => ({
    message: `${q(a.archive)} is not an archive provd reads: expected tar (plain, gzip, bzip2 or xz) or zip`,
    file: a.archive,
  }),
  PROVD_ARCHIVE_CORRUPT: (a: { archive: string; entry?: string; reason: string }) => ({
    message: `archive ${q(a.archive)} is damaged${a.entry ? ` at entry ${q(a.entry)}` : ''}: ${a.reason}; download it again`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_UNSAFE_PATH: (a: { archive: string; entry: string; reason: string }) => ({
    message: `archive ${q(a.archive)} has an unsafe entry ${q(a.entry)}: ${a.reason}; refusing to extract it`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_LINK_ESCAPE: (a: { archive: string; entry: string; target: string }) => ({
    message: `archive ${q(a.archive)} has a link ${q(a.entry)} to ${q(a.target)}, which is outside the extraction folder; refusing to extract it`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_UNSUPPORTED_ENTRY: (a: { archive: string; entry: string; type: string }) => ({
    message: `archive ${q(a.archive)} has entry ${q(a.entry)} of type ${q(a.type)}; only files, folders and links are extracted`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_ENTRY_TOO_LARGE: (a: { archive: string; entry: string; limit: number }) => ({
    message: `archive ${q(a.archive)} has entry ${q(a.entry)} larger than the bound of ${a.limit} bytes; raise maxEntrySize if it is trusted`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_TOO_LARGE: (a: { archive: string; entry: string; limit: number }) => ({
    message: `archive ${q(a.archive)} unpacks to more than the bound of ${a.limit} bytes (reached at entry ${q(a.entry)}); raise maxTotalSize if it is trusted`,
    file: a.archive,
    key: a.entry,
  }),
  PROVD_ARCHIVE_TOO_MANY_ENTRIES: (a: { archive: string; limit: number }) => ({
    message: `archive ${q(a.archive)} has more than ${a.limit} entries; raise maxEntries if it is trusted`,
    file: a.archive,
  }),
  PROVD_ARCHIVE_TARGET_NOT_EMPTY: (a: { archive: string; target: string }) => ({
    message: `cannot extract ${q(a.archive)} into ${q(a.target)}: the folder exists and is not empty; give a new or empty folder`,
    file: a.archive,
  }),

  // ── build tool ────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_BUILD_FAMILY_LOAD_FAILED: (a: { file: string; reason: string }) => ({
    message: `cannot load the family file ${q(a.file)}: ${a.reason}; it must be a TypeScript module whose default export is defineFamily({...})`,
    file: a.file,
  }),
  PROVD_BUILD_FAMILY_INVALID: (a: { file: string; family?: string; errors: readonly string[] }) => ({
    message: `${a.family ? `family ${q(a.family)} (${a.file})` : a.file} is not a valid family definition: ${a.errors.join('; ')}`,
    file: a.file,
  }),
  PROVD_BUILD_FAMILY_DUPLICATE: (a: { family: string; files: readonly string[] }) => ({
    message: `the family name ${q(a.family)} is declared by several files: ${a.files.map(q).join(', ')}; give each family its own name`,
    file: a.files[0],
  }),
  PROVD_BUILD_FAMILY_NOT_FOUND: (a: { family: string; known: readonly string[] }) => ({
    message: `no plugin family is named ${q(a.family)}; known families: ${a.known.length > 0 ? a.known.map(q).join(', ') : 'none (no provd.family.ts under packages/ or examples/)'}`,
  }),
  PROVD_BUILD_PLUGIN_ID_DUPLICATE: (a: { plugin: string; targets: readonly string[] }) => ({
    message: `the plugin id ${q(a.plugin)} is built by several targets: ${a.targets.map(q).join(', ')}; give each target its own pluginId`,
    plugin: a.plugin,
  }),
  PROVD_BUILD_SOURCE_MISSING: (a: { family: string; target: string; dir: string }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: the source folder ${q(a.dir)} does not exist; create it or fix "sources"`,
    file: a.dir,
    key: 'sources',
  }),
  PROVD_BUILD_ENTRY_MISSING: (a: { family: string; target: string; sources: readonly string[] }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: none of the source folders ${a.sources.map(q).join(', ')} holds an "entry.ts"; add one whose default export is the plugin class`,
    key: 'sources',
  }),
  PROVD_BUILD_BUNDLE_FAILED: (a: { family: string; target: string; file: string; line?: number; reason: string }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: cannot bundle the entry: ${a.file}${a.line !== undefined ? `:${a.line}` : ''}: ${a.reason}`,
    file: a.file,
  }),
  PROVD_BUILD_ENTRY_NO_DEFAULT: (a: { family: string; target: string; file: string }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file} has no default export; export the plugin class with "export default class ... extends BasePlugin"`,
    file: a.file,
  }),
  PROVD_BUILD_PLUGIN_INFO_MISSING: (a: { family: string; target: string; sources: readonly string[] }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: no "plugin-info" file in the source folders ${a.sources.map(q).join(', ')}; add one`,
    file: 'plugin-info',
  }),
  PROVD_BUILD_PLUGIN_INFO_INVALID: (a: { family: string; target: string; file: string; errors: readonly string[] }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file} is not a valid plugin-info: ${a.errors.join('; ')}`,
    file: a.file,
  }),
  PROVD_BUILD_SDK_RANGE: (a: { family: string; target: string; file: string; range: string; sdkVersion: string }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: ${a.file}: "sdk" is ${q(a.range)}, which ${a.range.trim() === '' ? 'is empty' : 'is not a semver range that accepts'} the @provd/sdk version ${q(a.sdkVersion)}; use a range such as "^${a.sdkVersion}" or remove the key to get that default`,
    file: a.file,
    key: 'sdk',
  }),
  PROVD_BUILD_TEMPLATE_INVALID: (a: { family: string; target: string; file: string; line?: number; reason: string }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: template ${a.file}${a.line !== undefined ? `:${a.line}` : ''} does not compile: ${a.reason}`,
    file: a.file,
  }),
  PROVD_BUILD_FIRMWARE_INVALID: (a: { family: string; target: string; file: string; errors: readonly string[] }) => ({
    message: `family ${q(a.family)}, target ${q(a.target)}: the firmware manifest ${a.file} is invalid: ${a.errors.join('; ')}`,
    file: a.file,
  }),
  PROVD_BUILD_DHCP_INVALID: (a: { family: string; file: string; errors: readonly string[] }) => ({
    message: `family ${q(a.family)} (${a.file}): invalid "dhcp" declaration: ${a.errors.join('; ')}`,
    file: a.file,
    key: 'dhcp',
  }),
  PROVD_BUILD_TARBALL_INVALID: (a: { file: string; reason: string }) => ({
    message: `${q(a.file)} is not a plugin tarball: ${a.reason}; rebuild it with build-plugins or remove it from the folder`,
    file: a.file,
  }),
  PROVD_BUILD_SIGN_KEY_INVALID: (a: { file: string; reason: string }) => ({
    message: `cannot sign with the key file ${q(a.file)}: ${a.reason}; give a PEM Ed25519 private key (e.g. from "provd-build keygen")`,
    file: a.file,
  }),
  PROVD_BUILD_REPO_UNREADABLE: (a: { dir: string; reason: string }) => ({
    message: `cannot read the plugin repository folder ${q(a.dir)}: ${a.reason}; give a folder made by "provd-build build" (holding the tarballs and plugins.db)`,
    file: a.dir,
  }),
  PROVD_BUILD_WRITE_FAILED: (a: { file: string; reason: string }) => ({
    message: `cannot write ${q(a.file)}: ${a.reason}; check the path and the permissions of its folder`,
    file: a.file,
  }),
  PROVD_BUILD_FAILED: (a: { problems: number; out: string }) => ({
    message: `${a.problems} problem${a.problems === 1 ? '' : 's'} found (listed above); nothing was written to ${q(a.out)}`,
  }),

  // ── host: install, load, serve ────────────────────────────────────────────────────────────────────────────────
  PROVD_HOST_INVALID_ID: (a: { kind: string; id: string }) => ({
    message: `${q(a.id)} is not a valid ${a.kind} id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    key: 'id',
  }),
  PROVD_HOST_DEVICE_NOT_FOUND: (a: { device: string }) => ({
    message: `no device ${q(a.device)}; list the devices with GET /devices`,
    device: a.device,
  }),
  PROVD_HOST_CONFIG_NOT_FOUND: (a: { config: string; key?: string }) => ({
    message: `no config ${q(a.config)}; create it first, or list the configs with GET /configs`,
    key: a.key,
  }),
  PROVD_HOST_DUPLICATE_ID: (a: { kind: string; id: string }) => ({
    message: `a ${a.kind} ${q(a.id)} already exists; choose another "id", or update it with PUT instead`,
    key: 'id',
  }),
  PROVD_HOST_INVALID_DEVICE: (a: { device?: string; errors: readonly string[] }) => ({
    message: `invalid device${a.device ? ` ${q(a.device)}` : ''}: ${a.errors.join('; ')}`,
    device: a.device,
  }),
  PROVD_HOST_INVALID_CONFIG: (a: { config?: string; errors: readonly string[] }) => ({
    message: `invalid config${a.config ? ` ${q(a.config)}` : ''}: ${a.errors.join('; ')}`,
  }),
  PROVD_HOST_CONFIG_NOT_DELETABLE: (a: { config: string }) => ({
    message: `config ${q(a.config)} has "deletable": false and cannot be deleted; set "deletable" to true first if you really mean it`,
  }),
  PROVD_HOST_PLUGIN_NOT_LOADED: (a: { plugin: string; device?: string }) => ({
    message: `plugin ${q(a.plugin)} is not loaded${a.device ? ` (device ${q(a.device)} uses it)` : ''}; install it, or check the host log for why it failed to load`,
    plugin: a.plugin,
    device: a.device,
  }),
  PROVD_HOST_DEVICE_NOT_CONFIGURED: (a: { device: string }) => ({
    message: `device ${q(a.device)} is not configured (its last configure failed, or it has no plugin or config), so it cannot be synchronized; fix its plugin and config, then reconfigure it`,
    device: a.device,
  }),
  PROVD_HOST_SIP_NO_RESPONSE: (a: { target: string; attempts: number }) => ({
    message: `no SIP response to the NOTIFY sent to ${q(a.target)} after ${a.attempts} attempts; check that the phone is on and reachable over UDP from the host`,
  }),
  PROVD_HOST_SIP_REJECTED: (a: { target: string; status: number; reason: string }) => ({
    message: `the phone at ${q(a.target)} answered the NOTIFY with ${a.status} ${a.reason}; check that it accepts check-sync events from the host`,
  }),
  PROVD_HOST_BAD_REQUEST: (a: { reason: string }) => ({
    message: `bad API request: ${a.reason}`,
  }),
  PROVD_HOST_LISTEN_FAILED: (a: { what: string; address: string; reason: string }) => ({
    message: `cannot listen for ${a.what} on ${q(a.address)}: ${a.reason}; choose another port (or free this one), or run with the rights the port needs`,
  }),

  PROVD_REPO_UNREACHABLE: (a: { repo: string; file: string; reason: string }) => ({
    message: `cannot fetch ${q(a.file)} from the plugin repository ${q(a.repo)}: ${a.reason}; check the repository URL or folder`,
    file: a.file,
  }),
  PROVD_REPO_INVALID_INDEX: (a: { repo: string; reason: string }) => ({
    message: `the plugins.db of repository ${q(a.repo)} is not valid: ${a.reason}; rebuild the repository with "pnpm build-plugins"`,
    file: 'plugins.db',
  }),
  PROVD_REPO_UNSIGNED: (a: { repo: string }) => ({
    message: `the plugins.db of repository ${q(a.repo)} is not signed (no plugins.db.sig beside it), and this host trusts only signed repositories; sign it with the build tool's --sign option`,
    file: 'plugins.db.sig',
  }),
  PROVD_REPO_BAD_SIGNATURE: (a: { repo: string; reason: string }) => ({
    message: `the plugins.db of repository ${q(a.repo)} is not signed by a trusted key: ${a.reason}; refusing every plugin it lists (check the repository, or the host's trusted keys)`,
    file: 'plugins.db.sig',
  }),
  PROVD_TRUSTED_KEY_INVALID: (a: { file: string; reason: string }) => ({
    message: `cannot use ${q(a.file)} as a trusted repository key: ${a.reason}; give an Ed25519 public key in PEM (SPKI) form`,
    file: a.file,
  }),
  PROVD_PLUGIN_NOT_IN_REPO: (a: { plugin: string; repo: string; available: readonly string[] }) => ({
    message: `plugin ${q(a.plugin)} is not in repository ${q(a.repo)}${a.available.length > 0 ? `; it has ${a.available.map(q).join(', ')}` : ', which lists no plugin'}`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_BAD_FILENAME: (a: { plugin: string; filename: string }) => ({
    message: `the repository gives plugin ${q(a.plugin)} the file name ${q(a.filename)}, which is not a plain file name; refusing to fetch it`,
    plugin: a.plugin,
    key: 'filename',
  }),
  PROVD_PLUGIN_NO_DIGEST: (a: { plugin: string }) => ({
    message: `the repository lists plugin ${q(a.plugin)} without a "sha256" or "sha1sum" digest, so its package cannot be verified; rebuild the repository`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_SIZE_MISMATCH: (a: { plugin: string; file: string; expected: number; actual: number | string }) => ({
    message: `package ${q(a.file)} of plugin ${q(a.plugin)} is ${a.actual} bytes but the repository says ${a.expected}; nothing was installed (download again, or rebuild the repository)`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_DIGEST_MISMATCH: (a: { plugin: string; file: string; algorithm: string; expected: string; actual: string }) => ({
    message: `package ${q(a.file)} of plugin ${q(a.plugin)} has ${a.algorithm} ${q(a.actual)} but the repository says ${q(a.expected)}; nothing was installed (the file is damaged or was replaced)`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_WRONG_TOP_FOLDER: (a: { plugin: string; file: string; found: readonly string[] }) => ({
    message: `package ${q(a.file)} must hold a single top folder named ${q(a.plugin)}, but holds ${a.found.length > 0 ? a.found.map(q).join(', ') : 'nothing'}; rebuild it with "pnpm build-plugins"`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_INFO_MISSING: (a: { plugin: string; file: string; reason: string }) => ({
    message: `plugin ${q(a.plugin)} has no readable plugin-info (${q(a.file)}): ${a.reason}; reinstall the plugin`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_NO_SDK_RANGE: (a: { plugin: string; file: string }) => ({
    message: `plugin ${q(a.plugin)} does not declare the @provd/sdk versions it works with (key "sdk" of ${q(a.file)}); rebuild it with a current build tool`,
    plugin: a.plugin,
    file: a.file,
    key: 'sdk',
  }),
  PROVD_PLUGIN_SDK_MISMATCH: (a: { plugin: string; range: string; version: string }) => ({
    message: `plugin ${q(a.plugin)} needs @provd/sdk ${q(a.range)}, but this host has @provd/sdk ${q(a.version)}; install a version of the plugin built for this host, or a host that matches`,
    plugin: a.plugin,
    key: 'sdk',
  }),
  PROVD_PLUGIN_ENTRY_MISSING: (a: { plugin: string; file: string }) => ({
    message: `plugin ${q(a.plugin)} has no entry module ${q(a.file)}; reinstall the plugin`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_ENTRY_FAILED: (a: { plugin: string; file: string; reason: string }) => ({
    message: `the entry module ${q(a.file)} of plugin ${q(a.plugin)} failed to load: ${a.reason}; fix or reinstall the plugin`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_NO_CLASS: (a: { plugin: string; file: string; found: string }) => ({
    message: `the entry module ${q(a.file)} of plugin ${q(a.plugin)} must default-export a plugin class, but its default export is ${a.found}; add "export default class ... extends BasePlugin"`,
    plugin: a.plugin,
    file: a.file,
  }),
  PROVD_PLUGIN_CONSTRUCT_FAILED: (a: { plugin: string; reason: string }) => ({
    message: `constructing plugin ${q(a.plugin)} failed: ${a.reason}`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_NOT_A_PLUGIN: (a: { plugin: string; missing: readonly string[] }) => ({
    message: `plugin ${q(a.plugin)} does not implement the plugin interface: it lacks ${a.missing.map(q).join(', ')}; extend BasePlugin`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_CONFIGURE_COMMON_FAILED: (a: { plugin: string; reason: string }) => ({
    message: `plugin ${q(a.plugin)} failed in configureCommon: ${a.reason}; the plugin is not loaded`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_ALREADY_LOADED: (a: { plugin: string }) => ({
    message: `plugin ${q(a.plugin)} is already loaded; unload it first (one instance per plugin id)`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_NOT_INSTALLED: (a: { plugin: string; dir: string }) => ({
    message: `plugin ${q(a.plugin)} is not installed in ${q(a.dir)}; list the installed plugins with "provd list --plugins-dir ${a.dir}"`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_BUSY: (a: { plugin: string }) => ({
    message: `plugin ${q(a.plugin)} is being installed or removed by another operation; try again when it is done`,
    plugin: a.plugin,
  }),
  PROVD_PLUGIN_NOT_FOUND: (a: { path: string }) => ({
    message: `${q(a.path)} is neither a plugin tarball (.tar.gz) nor a plugin folder (holding "plugin-info" and "entry.js"); give one built by "pnpm build-plugins" or installed by "provd install"`,
    file: a.path,
  }),
  PROVD_PLUGIN_CONFIGURE_FAILED: (a: { plugin: string; device: string; reason: string }) => ({
    message: `plugin ${q(a.plugin)} failed to configure device ${q(a.device)}: ${a.reason}`,
    plugin: a.plugin,
    device: a.device,
  }),

  // ── command line ──────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_CLI_USAGE: (a: { problem: string }) => ({
    message: `${a.problem}; see "provd --help" or "provd <command> --help"`,
  }),
  PROVD_CLI_UNKNOWN_COMMAND: (a: { command: string }) => ({
    message: `unknown command ${q(a.command)}; see "provd --help" for the commands`,
  }),
  PROVD_CLI_READ_FAILED: (a: { file: string; reason: string }) => ({
    message: `cannot read ${q(a.file)}: ${a.reason}; check the path`,
    file: a.file,
  }),
  PROVD_CLI_INVALID_JSON: (a: { file: string; reason: string }) => ({
    message: `${q(a.file)} is not valid JSON: ${a.reason}`,
    file: a.file,
  }),
  PROVD_CLI_INVALID_DEVICE: (a: { file: string; key: string; errors: readonly string[] }) => ({
    message: `invalid device in ${q(a.file)} at ${q(a.key)}: ${a.errors.join('; ')}; a device is an object with "mac", "vendor", "model" and optional "version", "ip"`,
    file: a.file,
    key: a.key,
  }),
} satisfies Record<string, (args: never) => ProvdErrorSpec>;

/** Every stable error code. */
export type ProvdErrorCode = keyof typeof errorMessages;

/** The arguments a code's message template takes. */
export type ProvdErrorArgs<C extends ProvdErrorCode> = Parameters<(typeof errorMessages)[C]>[0];

/** The list of every code, for documentation checks and tooling. */
export const PROVD_ERROR_CODES: readonly ProvdErrorCode[] = Object.keys(errorMessages) as ProvdErrorCode[];

/**
 * Builds the {@link ProvdError} for `code` from its message template.
 *
 * @example
 * ```ts
 * throw createProvdError('PROVD_INVALID_MAC', { value: input, key: 'mac' });
 * ```
 */
export function createProvdError<C extends ProvdErrorCode>(
  code: C,
  args: ProvdErrorArgs<C>,
  options: { cause?: unknown } = {},
): ProvdError {
  const template = errorMessages[code] as (a: ProvdErrorArgs<C>) => ProvdErrorSpec;
  const { message, ...location } = template(args);
  const clean: ProvdErrorLocation = {};
  for (const [k, v] of Object.entries(location)) if (v !== undefined) clean[k as keyof ProvdErrorLocation] = v;
  return new ProvdError(code, message, { ...clean, cause: options.cause });
}

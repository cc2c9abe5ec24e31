/**
 * The error codes of the host (`@provd/host`): stores, repositories, plugin install and load, serving, command line.
 * Every code here has a section in `docs/errors.md` under `@provd/host` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `@provd/host`: its codes and their definitions. */
export const hostErrors = defineErrors('@provd/host', {
  // ── host: install, load, serve ───────────────────────────────────────────────────────────────────────────────────
  PROVD_HOST_INVALID_ID: {
    message: (a: { kind: string; id: string }) => ({
      message: `${q(a.id)} is not a valid ${a.kind} id: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit`,
      key: 'id',
    }),
  },
  PROVD_HOST_DEVICE_NOT_FOUND: {
    status: 404,
    message: (a: { device: string }) => ({
      message: `no device ${q(a.device)}; list the devices with GET /0.2/dev_mgr/devices`,
      device: a.device,
    }),
  },
  PROVD_HOST_CONFIG_NOT_FOUND: {
    status: 404,
    message: (a: { config: string; key?: string }) => ({
      message: `no config ${q(a.config)}; create it first, or list the configs with GET /0.2/cfg_mgr/configs`,
      key: a.key,
    }),
  },
  PROVD_HOST_DUPLICATE_ID: {
    message: (a: { kind: string; id: string }) => ({
      message: `a ${a.kind} ${q(a.id)} already exists; choose another "id", or update it with PUT instead`,
      key: 'id',
    }),
  },
  PROVD_HOST_DUPLICATE_KEY: {
    message: (a: { kind: string; id: string; key: string; value: string; other: string }) => ({
      message: `${a.key}: ${q(a.value)} is already the ${a.key === 'mac' ? 'MAC address' : a.key} of ${a.kind} ${q(a.other)} (change or delete ${q(a.other)} first, or give ${a.kind} ${q(a.id)} another)`,
      key: a.key,
    }),
  },
  PROVD_HOST_INVALID_SELECTOR: {
    message: (a: { reason: string }) => ({
      message: `invalid selector: ${a.reason}; a selector is a JSON object of key → value or key → {operator: value} (operators $ne, $in, $nin, $gt, $ge, $lt, $le, $contains, $exists)`,
    }),
  },
  PROVD_HOST_STORE_CONFLICT: {
    status: 409,
    message: (a: { kind: string; id: string; reason: string }) => ({
      message: `the ${a.kind} ${q(a.id)} changed meanwhile (${a.reason}); read it again and retry`,
      key: 'id',
    }),
  },
  PROVD_HOST_STORE_FAILED: {
    status: 503,
    message: (a: { where: string; reason: string }) => ({
      message: `the store at ${a.where} failed: ${a.reason}; check that the database is reachable and the disk is not full (nothing of the change was kept)`,
    }),
  },
  PROVD_HOST_OLD_DATA_FORMAT: {
    message: (a: { dir: string; format: string }) => ({
      message: `${q(a.dir)} holds ${a.format}, which this host no longer reads; convert it once with "provd import ${a.dir}" (the old files are moved aside, not deleted), then start again`,
      file: a.dir,
    }),
  },
  PROVD_HOST_IMPORT_UNREADABLE: {
    message: (a: { dir: string; reason: string }) => ({
      message: `cannot import ${q(a.dir)}: ${a.reason}; give the data folder of this host (with devices/ and configs/) or of an established provd (with jsondb/devices/ and jsondb/configs/)`,
      file: a.dir,
    }),
  },
  PROVD_HOST_INVALID_DEVICE: {
    message: (a: { device?: string; errors: readonly string[] }) => ({
      message: `invalid device${a.device ? ` ${q(a.device)}` : ''}: ${a.errors.join('; ')}`,
      device: a.device,
    }),
  },
  PROVD_HOST_INVALID_CONFIG: {
    message: (a: { config?: string; errors: readonly string[] }) => ({
      message: `invalid config${a.config ? ` ${q(a.config)}` : ''}: ${a.errors.join('; ')}`,
    }),
  },
  PROVD_HOST_CONFIG_NOT_DELETABLE: {
    status: 403,
    message: (a: { config: string }) => ({
      message: `config ${q(a.config)} has "deletable": false and cannot be deleted; set "deletable" to true first if you really mean it`,
    }),
  },
  PROVD_HOST_PLUGIN_NOT_LOADED: {
    message: (a: { plugin: string; device?: string }) => ({
      message: `plugin ${q(a.plugin)} is not loaded${a.device ? ` (device ${q(a.device)} uses it)` : ''}; install it, or check the host log for why it failed to load`,
      plugin: a.plugin,
      device: a.device,
    }),
  },
  PROVD_HOST_DEVICE_NOT_CONFIGURED: {
    message: (a: { device: string }) => ({
      message: `device ${q(a.device)} is not configured (its last configure failed, or it has no plugin or config), so it cannot be synchronized; fix its plugin and config, then reconfigure it`,
      device: a.device,
    }),
  },
  PROVD_HOST_RECONFIGURE_FAILED: {
    status: 507,
    message: (a: { devices: readonly string[]; reason: string }) => ({
      message: `${a.devices.length} device(s) could not be reconfigured (${a.devices.slice(0, 5).map(q).join(', ')}${a.devices.length > 5 ? ', ...' : ''}): their files could not be written (${a.reason}); they keep serving their previous files and stay configured; free space or fix the disk, then reconfigure them (POST /devices/{id}/reconfigure)`,
      device: a.devices[0],
    }),
  },
  PROVD_HOST_SIP_NO_RESPONSE: {
    message: (a: { target: string; attempts: number }) => ({
      message: `no SIP response to the NOTIFY sent to ${q(a.target)} after ${a.attempts} attempts; check that the phone is on and reachable over UDP from the host`,
    }),
  },
  PROVD_HOST_SIP_REJECTED: {
    message: (a: { target: string; status: number; reason: string }) => ({
      message: `the phone at ${q(a.target)} answered the NOTIFY with ${a.status} ${a.reason}; check that it accepts check-sync events from the host`,
    }),
  },
  PROVD_HOST_BAD_REQUEST: {
    message: (a: { reason: string }) => ({
      message: `bad API request: ${a.reason}`,
    }),
  },
  PROVD_HOST_LISTEN_FAILED: {
    message: (a: { what: string; address: string; reason: string }) => ({
      message: `cannot listen for ${a.what} on ${q(a.address)}: ${a.reason}; choose another port (or free this one), or run with the rights the port needs`,
    }),
  },
  // ── host REST API (the established provd API 0.2) ─────────────────────────────────────────────────────────────
  PROVD_API_UNAUTHORIZED: {
    status: 401,
    message: (a: { reason: string }) => ({
      message: `unauthorized: ${a.reason}; send a token the host knows in the X-Auth-Token header (see docs/rest-api.md, "Tokens")`,
    }),
  },
  PROVD_API_FORBIDDEN: {
    status: 403,
    message: (a: { acl: string }) => ({
      message: `the token does not hold the ACL ${q(a.acl)} this endpoint requires; give the token that ACL (or "provd.#") in the tokens file`,
    }),
  },
  PROVD_API_UNAUTHORIZED_TENANT: {
    status: 401,
    message: (a: { tenant: string }) => ({
      message: `the token may not act for tenant ${q(a.tenant)} (Wazo-Tenant): it is neither the token's tenant nor one of its sub-tenants; send a tenant the token owns, or none`,
    }),
  },
  PROVD_API_INVALID_SELECTOR: {
    message: (a: { parameter: string; reason: string }) => ({
      message: `invalid "${a.parameter}" parameter: ${a.reason}; send a JSON object such as {"mac": "00:11:22:33:44:55"} (q) or its base64 (q64), with the operators $ne, $in, $nin, $gt, $ge, $lt, $le, $contains, $exists`,
      key: a.parameter,
    }),
  },
  PROVD_API_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: (a: { received: string }) => ({
      message: `the request body must be JSON sent with "Content-Type: application/vnd.proformatique.provd+json" (or "application/json"), not ${q(a.received)}`,
    }),
  },
  PROVD_API_NOT_ACCEPTABLE: {
    status: 406,
    message: (a: { accept: string }) => ({
      message: `the API answers "application/vnd.proformatique.provd+json" (JSON), which the request's "Accept: ${a.accept}" excludes; accept it (or */*)`,
    }),
  },
  PROVD_API_HOST_REFUSED: {
    status: 421,
    message: (a: { host: string; allowed: readonly string[] }) => ({
      message: `the API does not serve the host name ${q(a.host)} (a DNS rebinding attempt?); call it as one of ${a.allowed.map(q).join(', ')}, an IP address, or add the name with --api-allowed-host`,
    }),
  },
  PROVD_API_CROSS_ORIGIN: {
    status: 403,
    message: (a: { origin: string }) => ({
      message: `cross-origin request from ${q(a.origin)} refused: the API takes browser requests only from its own origin, with a JSON content type`,
    }),
  },
  PROVD_API_UNKNOWN_PARAMETER: {
    status: 404,
    message: (a: { parameter: string }) => ({
      message: `no configuration parameter ${q(a.parameter)}; GET /0.2/configure lists the parameters`,
      key: a.parameter,
    }),
  },
  PROVD_API_INVALID_PARAMETER: {
    message: (a: { parameter: string; reason: string }) => ({
      message: `invalid value for parameter ${q(a.parameter)}: ${a.reason}`,
      key: a.parameter,
    }),
  },
  PROVD_API_OPERATION_NOT_FOUND: {
    status: 404,
    message: (a: { operation: string }) => ({
      message: `no operation in progress at ${q(a.operation)} (finished monitors are kept until deleted; this one was deleted or never existed)`,
    }),
  },
  PROVD_API_OPERATION_FAILED: {
    message: (a: { operation: string; reason: string }) => ({
      message: `${a.operation} failed: ${a.reason}`,
    }),
  },
  PROVD_API_REMOTE: {
    message: (a: { url: string; status: number; code: string; message: string }) => ({
      message: `the host at ${q(a.url)} answered ${a.status} ${a.code}: ${a.message}`,
    }),
  },
  PROVD_API_INVALID_TOKENS: {
    message: (a: { file: string; errors: readonly string[] }) => ({
      message: `the API tokens file ${q(a.file)} is not valid: ${a.errors.join('; ')}; see docs/rest-api.md, "Tokens"`,
      file: a.file,
    }),
  },
  PROVD_HOST_ADDRESS_UNAVAILABLE: {
    message: (a: { what: string; address: string; setting: string }) => ({
      message: `cannot listen for ${a.what} on ${q(a.address)}: no network interface of this machine has that address; set ${a.setting} to an address of this machine (see "ip -brief address"), or to 0.0.0.0 with advertised_url set`,
      key: a.setting,
    }),
  },

  // ── provd serve settings (config.yml, conf.d, environment, flags) ──────────────────────────────────────────────
  PROVD_SERVE_SETTINGS_INVALID: {
    message: (a: { problems: readonly string[] }) => ({
      message: `invalid settings: ${a.problems.join(' | ')}`,
    }),
  },
  PROVD_SERVE_SETTINGS_UNREADABLE: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot read the settings file ${q(a.file)}: ${a.reason}; give the path of a readable YAML file (--config FILE or PROVD_CONFIG)`,
      file: a.file,
    }),
  },
  PROVD_SERVE_SETTINGS_SYNTAX: {
    message: (a: { file: string; line: number; column: number; reason: string }) => ({
      message: `${q(a.file)} line ${a.line} column ${a.column} is not valid YAML: ${a.reason}; correct the file (a mapping of setting: value)`,
      file: a.file,
    }),
  },
  PROVD_SERVE_WILDCARD_WITHOUT_URL: {
    message: (a: { host: string; source: string }) => ({
      message: `host ${q(a.host)} (${a.source}) listens on every address, so the host cannot tell which URL phones reach it at; set advertised_url (--advertised-url, PROVD_ADVERTISED_URL or advertised_url in config.yml) to e.g. "http://10.0.0.1:8667", or listen on one address`,
      key: 'advertised_url',
    }),
  },
  PROVD_SERVE_FILE_INVALID: {
    message: (a: { setting: string; source: string; file: string; reason: string; fix: string }) => ({
      message: `${a.setting} (${a.source}): ${q(a.file)}: ${a.reason}; ${a.fix}`,
      file: a.file,
      key: a.setting,
    }),
  },
  PROVD_REPO_UNREACHABLE: {
    status: 502,
    message: (a: { repo: string; file: string; reason: string }) => ({
      message: `cannot fetch ${q(a.file)} from the plugin repository ${q(a.repo)}: ${a.reason}; check the repository URL or folder`,
      file: a.file,
    }),
  },
  PROVD_REPO_INVALID_INDEX: {
    message: (a: { repo: string; reason: string }) => ({
      message: `the plugins.db of repository ${q(a.repo)} is not valid: ${a.reason}; rebuild the repository with "pnpm build-plugins"`,
      file: 'plugins.db',
    }),
  },
  PROVD_REPO_UNSIGNED: {
    message: (a: { repo: string }) => ({
      message: `the plugins.db of repository ${q(a.repo)} is not signed (no plugins.db.sig beside it), and this host trusts only signed repositories; sign it with the build tool's --sign option`,
      file: 'plugins.db.sig',
    }),
  },
  PROVD_REPO_BAD_SIGNATURE: {
    message: (a: { repo: string; reason: string }) => ({
      message: `the plugins.db of repository ${q(a.repo)} is not signed by a trusted key: ${a.reason}; refusing every plugin it lists (check the repository, or the host's trusted keys)`,
      file: 'plugins.db.sig',
    }),
  },
  PROVD_REPO_INDEX_REPLAYED: {
    status: 502,
    message: (a: { repo: string; sequence: number; highest: number; record: string }) => ({
      message: `the plugins.db of repository ${q(a.repo)} is validly signed but older than one this host already accepted (sequence ${a.sequence} < ${a.highest}): an old index replayed, or a stale mirror; refusing it (sign a new index with provd-build, or, if the repository really went back, remove its entry from ${q(a.record)})`,
      file: 'plugins.db.sig',
    }),
  },
  PROVD_TRUSTED_KEY_INVALID: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot use ${q(a.file)} as a trusted repository key: ${a.reason}; give an Ed25519 public key in PEM (SPKI) form`,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_NOT_IN_REPO: {
    message: (a: { plugin: string; repo: string; available: readonly string[] }) => ({
      message: `plugin ${q(a.plugin)} is not in repository ${q(a.repo)}${a.available.length > 0 ? `; it has ${a.available.map(q).join(', ')}` : ', which lists no plugin'}`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_BAD_FILENAME: {
    message: (a: { plugin: string; filename: string }) => ({
      message: `the repository gives plugin ${q(a.plugin)} the file name ${q(a.filename)}, which is not a plain file name; refusing to fetch it`,
      plugin: a.plugin,
      key: 'filename',
    }),
  },
  PROVD_PLUGIN_NO_DIGEST: {
    message: (a: { plugin: string }) => ({
      message: `the repository lists plugin ${q(a.plugin)} without a "sha256" or "sha1sum" digest, so its package cannot be verified; rebuild the repository`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_SIZE_MISMATCH: {
    message: (a: { plugin: string; file: string; expected: number; actual: number | string }) => ({
      message: `package ${q(a.file)} of plugin ${q(a.plugin)} is ${a.actual} bytes but the repository says ${a.expected}; nothing was installed (download again, or rebuild the repository)`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_DIGEST_MISMATCH: {
    message: (a: { plugin: string; file: string; algorithm: string; expected: string; actual: string }) => ({
      message: `package ${q(a.file)} of plugin ${q(a.plugin)} has ${a.algorithm} ${q(a.actual)} but the repository says ${q(a.expected)}; nothing was installed (the file is damaged or was replaced)`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_WRONG_TOP_FOLDER: {
    message: (a: { plugin: string; file: string; found: readonly string[] }) => ({
      message: `package ${q(a.file)} must hold a single top folder named ${q(a.plugin)}, but holds ${a.found.length > 0 ? a.found.map(q).join(', ') : 'nothing'}; rebuild it with "pnpm build-plugins"`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_INFO_MISSING: {
    message: (a: { plugin: string; file: string; reason: string }) => ({
      message: `plugin ${q(a.plugin)} has no readable plugin-info (${q(a.file)}): ${a.reason}; reinstall the plugin`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_NO_SDK_RANGE: {
    message: (a: { plugin: string; file: string }) => ({
      message: `plugin ${q(a.plugin)} does not declare the @provd/sdk versions it works with (key "sdk" of ${q(a.file)}); rebuild it with a current build tool`,
      plugin: a.plugin,
      file: a.file,
      key: 'sdk',
    }),
  },
  PROVD_PLUGIN_SDK_MISMATCH: {
    message: (a: { plugin: string; range: string; version: string }) => ({
      message: `plugin ${q(a.plugin)} needs @provd/sdk ${q(a.range)}, but this host has @provd/sdk ${q(a.version)}; install a version of the plugin built for this host, or a host that matches`,
      plugin: a.plugin,
      key: 'sdk',
    }),
  },
  PROVD_PLUGIN_ENTRY_MISSING: {
    message: (a: { plugin: string; file: string }) => ({
      message: `plugin ${q(a.plugin)} has no entry module ${q(a.file)}; reinstall the plugin`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_ENTRY_FAILED: {
    message: (a: { plugin: string; file: string; reason: string }) => ({
      message: `the entry module ${q(a.file)} of plugin ${q(a.plugin)} failed to load: ${a.reason}; fix or reinstall the plugin`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_NO_CLASS: {
    message: (a: { plugin: string; file: string; found: string }) => ({
      message: `the entry module ${q(a.file)} of plugin ${q(a.plugin)} must default-export a plugin class, but its default export is ${a.found}; add "export default class ... extends BasePlugin"`,
      plugin: a.plugin,
      file: a.file,
    }),
  },
  PROVD_PLUGIN_CONSTRUCT_FAILED: {
    message: (a: { plugin: string; reason: string }) => ({
      message: `constructing plugin ${q(a.plugin)} failed: ${a.reason}`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_NOT_A_PLUGIN: {
    message: (a: { plugin: string; missing: readonly string[] }) => ({
      message: `plugin ${q(a.plugin)} does not implement the plugin interface: it lacks ${a.missing.map(q).join(', ')}; extend BasePlugin`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_CONFIGURE_COMMON_FAILED: {
    message: (a: { plugin: string; reason: string }) => ({
      message: `plugin ${q(a.plugin)} failed in configureCommon: ${a.reason}; the plugin is not loaded`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_ALREADY_LOADED: {
    status: 409,
    message: (a: { plugin: string }) => ({
      message: `plugin ${q(a.plugin)} is already loaded; unload it first (one instance per plugin id)`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_NOT_INSTALLED: {
    message: (a: { plugin: string; dir: string }) => ({
      message: `plugin ${q(a.plugin)} is not installed in ${q(a.dir)}; list the installed plugins with "provd list --plugins-dir ${a.dir}"`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_BUSY: {
    status: 409,
    message: (a: { plugin: string }) => ({
      message: `plugin ${q(a.plugin)} is being installed or removed by another operation; try again when it is done`,
      plugin: a.plugin,
    }),
  },
  PROVD_PLUGIN_NOT_FOUND: {
    status: 404,
    message: (a: { path: string }) => ({
      message: `${q(a.path)} is neither a plugin tarball (.tar.gz) nor a plugin folder (holding "plugin-info" and "entry.js"); give one built by "pnpm build-plugins" or installed by "provd install"`,
      file: a.path,
    }),
  },
  PROVD_PLUGIN_CONFIGURE_FAILED: {
    message: (a: { plugin: string; device: string; reason: string }) => ({
      message: `plugin ${q(a.plugin)} failed to configure device ${q(a.device)}: ${a.reason}`,
      plugin: a.plugin,
      device: a.device,
    }),
  },
  // ── command line ─────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_CLI_USAGE: {
    message: (a: { problem: string }) => ({
      message: `${a.problem}; see "provd --help" or "provd <command> --help"`,
    }),
  },
  PROVD_CLI_UNKNOWN_COMMAND: {
    message: (a: { command: string }) => ({
      message: `unknown command ${q(a.command)}; see "provd --help" for the commands`,
    }),
  },
  PROVD_CLI_READ_FAILED: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot read ${q(a.file)}: ${a.reason}; check the path`,
      file: a.file,
    }),
  },
  PROVD_CLI_INVALID_JSON: {
    message: (a: { file: string; reason: string }) => ({
      message: `${q(a.file)} is not valid JSON: ${a.reason}`,
      file: a.file,
    }),
  },
  PROVD_CLI_INVALID_DEVICE: {
    message: (a: { file: string; key: string; errors: readonly string[] }) => ({
      message: `invalid device in ${q(a.file)} at ${q(a.key)}: ${a.errors.join('; ')}; a device is an object with "mac", "vendor", "model" and optional "version", "ip"`,
      file: a.file,
      key: a.key,
    }),
  },
});

/** A code of `@provd/host`. */
export type HostErrorCode = CodeOf<typeof hostErrors>;

/** Builds the `ProvdError` of one of the codes of `@provd/host`. */
export const hostError: ErrorFactory<typeof hostErrors> = hostErrors.create;

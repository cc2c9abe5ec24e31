/**
 * The error codes of the plugin SDK (`@provd/sdk`): net helpers, extraction, validation, templates, file writes,
 * plugins and sync. Other packages declare their own with {@link defineErrors}. Every code here has a section in
 * `docs/errors.md` under `@provd/sdk` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from './define-errors';

const q = (value: unknown): string => JSON.stringify(String(value));
/** ` (key "k" of device "d")`-style suffix naming where a value was found, or `''`. */
const at = (a: { key?: string; device?: string }): string =>
  a.key || a.device
    ? ` (${[a.key && `key ${q(a.key)}`, a.device && `device ${q(a.device)}`].filter(Boolean).join(' of ')})`
    : '';

/** The SDK's error catalog: its codes and their definitions. */
export const sdkErrors = defineErrors('@provd/sdk', {
  // ── general ──────────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_INTERNAL: {
    status: 500,
    message: (a: { what: string }) => ({
      message: `internal error: ${a.what}; this is a bug in provd, please report it`,
    }),
  },
  // ── net helpers (MAC, IP, UUID) ──────────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_MAC: {
    message: (a: { value: string; key?: string; device?: string }) => ({
      message: `${q(a.value)}${at(a)} is not a MAC address: expected 12 hex digits, bare or as 6 groups of 1-2 hex digits separated by ":" or "-" (the same throughout), with nothing around them (e.g. "00:0f:d3:05:48:48")`,
      key: a.key,
      device: a.device,
    }),
  },
  PROVD_INVALID_IP: {
    message: (a: { value: string; key?: string; device?: string }) => ({
      message: `${q(a.value)}${at(a)} is not an IPv4 address: expected four decimal numbers 0-255 without leading zeros, separated by "." and with nothing around them (e.g. "10.0.0.5"); shorthands such as "127.1" are not accepted`,
      key: a.key,
      device: a.device,
    }),
  },
  PROVD_INVALID_UUID: {
    message: (a: { value: string; key?: string; device?: string }) => ({
      message: `${q(a.value)}${at(a)} is not a UUID: expected 32 hex digits in the 8-4-4-4-12 form, hyphens included (e.g. "550e8400-e29b-41d4-a716-446655440000")`,
      key: a.key,
      device: a.device,
    }),
  },
  PROVD_NO_FORWARDED_CLIENT_IP: {
    message: (a: { forwardedFor: string | undefined; trustedProxies: number }) => ({
      message:
        Number.isInteger(a.trustedProxies) && a.trustedProxies > 0
          ? `cannot tell the client IP: the X-Forwarded-For header ${a.forwardedFor === undefined ? 'is absent' : `${q(a.forwardedFor)} has an empty entry`} where the client of ${a.trustedProxies} trusted reverse ${a.trustedProxies === 1 ? 'proxy' : 'proxies'} should be; make the proxies in front of provd set X-Forwarded-For, and set the trusted proxy count to their number`
          : `cannot tell the client IP from X-Forwarded-For with ${q(a.trustedProxies)} trusted reverse proxies: the count must be a positive integer; with no reverse proxy in front of provd, use the socket address`,
    }),
  },
  // ── association and extraction ───────────────────────────────────────────────────────────────────────────────────
  PROVD_EXTRACTOR_FAILED: {
    message: (a: { type: string; plugin?: string; reason: string }) => ({
      message: `the ${a.type} device-info extractor${a.plugin ? ` of plugin ${q(a.plugin)}` : ''} failed: ${a.reason}; its result counts as "nothing found"; make the extractor resolve to undefined for requests it does not recognise`,
      plugin: a.plugin,
    }),
  },
  // ── validation (schemas) ─────────────────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_PLUGIN_INFO: {
    message: (a: { file: string; errors: readonly string[] }) => ({
      message: `${a.file} is not a valid plugin-info: ${a.errors.join('; ')}`,
      file: a.file,
    }),
  },
  PROVD_INVALID_RAW_CONFIG: {
    message: (a: { device?: string; errors: readonly string[] }) => ({
      message: `invalid raw config${a.device ? ` for device ${q(a.device)}` : ''}: ${a.errors.join('; ')}`,
      device: a.device,
    }),
  },
  // ── templates ────────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_TEMPLATE_NOT_FOUND: {
    status: 404,
    message: (a: { name: string; dirs: readonly string[]; pluginDir?: string }) => ({
      message: `template ${q(a.name)} is in none of the folders ${a.dirs.map(q).join(', ')}${a.pluginDir ? ` of ${q(a.pluginDir)}` : ''}; add it (a custom one goes in "var/templates/") or fix the name`,
      file: a.name,
    }),
  },
  PROVD_TEMPLATE_INVALID_NAME: {
    message: (a: { name: string }) => ({
      message: `${q(a.name)} is not an allowed template name: names are relative to the template folders, without ".." segments, backslashes or a leading "/"`,
      file: a.name,
    }),
  },
  PROVD_TEMPLATE_SYNTAX: {
    message: (a: { file: string; line?: number; reason: string }) => ({
      message: `template ${q(a.file)} does not compile${a.line !== undefined ? ` (line ${a.line})` : ''}: ${a.reason}; fix the Jinja syntax there`,
      file: a.file,
    }),
  },
  PROVD_TEMPLATE_NOT_UTF8: {
    message: (a: { file: string }) => ({
      message: `template ${q(a.file)} is not valid UTF-8; save it as UTF-8`,
      file: a.file,
    }),
  },
  PROVD_TEMPLATE_RENDER_FAILED: {
    message: (a: { file: string; reason: string }) => ({
      message: `rendering template ${q(a.file)} failed: ${a.reason}; fix the template or the value it uses`,
      file: a.file,
    }),
  },
  PROVD_FILE_WRITE_FAILED: {
    message: (a: { file: string; reason: string }) => ({
      message: `cannot write ${q(a.file)}: ${a.reason}; check that its folder exists and is writable (the old file, if any, is unchanged)`,
      file: a.file,
    }),
  },
  // ── plugins (configure, synchronize) ─────────────────────────────────────────────────────────────────────────────
  PROVD_PLUGIN_SYNC_UNSUPPORTED: {
    message: (a: { plugin: string; device: string }) => ({
      message: `plugin ${q(a.plugin)} cannot synchronize device ${q(a.device)}: re-synchronization is not supported by this plugin; restart the phone by hand so that it fetches its configuration`,
      plugin: a.plugin,
      device: a.device,
    }),
  },
  PROVD_PLUGIN_PATH_OUTSIDE: {
    message: (a: { plugin: string; path: string }) => ({
      message: `plugin ${q(a.plugin)} asked for the path ${q(a.path)}, which is not inside its folder; give a relative path without ".." segments`,
      plugin: a.plugin,
      file: a.path,
    }),
  },
  PROVD_SYNC_UNAVAILABLE: {
    message: (a: { device: string }) => ({
      message: `cannot synchronize device ${q(a.device)}: the host has no sync service; configure one in the host, or restart the phone by hand so that it fetches its configuration`,
      device: a.device,
    }),
  },
  PROVD_SYNC_NO_ADDRESS: {
    message: (a: { device: string }) => ({
      message: `not enough information to synchronize device ${q(a.device)}: it has neither a "remote_state_sip_username" (other than an autoprov one) nor an "ip"; set the device's "ip", or let the phone fetch its configuration once`,
      device: a.device,
    }),
  },
  PROVD_SYNC_FAILED: {
    message: (a: { device: string; reason: string }) => ({
      message: `synchronizing device ${q(a.device)} failed: ${a.reason}; check that the sync service can reach the phone`,
      device: a.device,
    }),
  },
  PROVD_DEVICE_NO_MAC: {
    message: (a: { device: string; plugin?: string }) => ({
      message: `device ${q(a.device)} has no MAC address, and ${a.plugin ? `plugin ${q(a.plugin)}` : 'its plugin'} names the device's files after it; set the device's "mac" (e.g. "00:0f:d3:05:48:48") and configure it again`,
      device: a.device,
      plugin: a.plugin,
      key: 'mac',
    }),
  },
  PROVD_RAW_CONFIG_NO_SIP_LINE: {
    message: (a: { device: string; plugin?: string }) => ({
      message: `the raw config of device ${q(a.device)} has no SIP line, and ${a.plugin ? `plugin ${q(a.plugin)}` : 'its plugin'} needs at least one; add a line under "sip_lines" (e.g. "1" with "username", "password" and "proxy_ip") to the device's config`,
      device: a.device,
      plugin: a.plugin,
      key: 'sip_lines',
    }),
  },
});

/** A code of the SDK's own catalog. */
export type SdkErrorCode = CodeOf<typeof sdkErrors>;

/**
 * Builds the {@link ProvdError} of one of the SDK's codes (hosts and tools use it too, e.g. for
 * `PROVD_INVALID_RAW_CONFIG` or `PROVD_INTERNAL`).
 *
 * @example
 * ```ts
 * throw createProvdError('PROVD_INVALID_MAC', { value: input, key: 'mac' });
 * ```
 */
export const createProvdError: ErrorFactory<typeof sdkErrors> = sdkErrors.create;

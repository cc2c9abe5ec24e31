import { Ajv, type ErrorObject } from 'ajv';
import { hostError } from '../errors';
import type { ServeSettings } from './serve-settings';
import { environmentLayer, flagLayer, readSettingsFiles, type SettingsLayer } from './settings-layers';
import { SETTINGS, settingEnvName, settingFlagName, type SettingDefinition } from './settings-table';

/** Where `provd serve` takes its settings from. */
export interface SettingsInput {
  /** The main YAML file (`--config FILE` or `PROVD_CONFIG`); its `conf.d/` folder is read after it. */
  configFile?: string;
  /** The environment (`PROVD_<KEY>` variables). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The parsed command-line options (camel case, as cac gives them). */
  flags?: Readonly<Record<string, unknown>>;
}

/** The effective settings and where each one came from. */
export interface ResolvedSettings {
  /** The settings. */
  settings: ServeSettings;
  /** For each key, where its value came from (a file and line, a variable, a flag, or `default`). */
  where: Record<string, string>;
  /** The settings files read, in order. */
  files: string[];
}

const URL_KEY = /^[A-Za-z0-9\-$~.]{8,256}$/;
const WILDCARDS = new Set(['0.0.0.0', '::', '', '::0', '0:0:0:0:0:0:0:0']);

function schemaOf(setting: SettingDefinition): Record<string, unknown> {
  switch (setting.type) {
    case 'port':
      return { type: 'integer', minimum: 0, maximum: 65535 };
    case 'count':
      return { type: 'integer', minimum: 0 };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: setting.values };
    case 'paths':
      return { type: 'array', items: { type: 'string', minLength: 1 } };
    case 'map':
      return { type: 'object', additionalProperties: { type: 'string', pattern: URL_KEY.source }, propertyNames: { minLength: 1 } };
    default:
      return { type: 'string', minLength: 1 };
  }
}

/** The JSON schema of the settings (what `config.yml` and each `conf.d` file may hold). */
export const SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(SETTINGS.map((s) => [s.key, { ...schemaOf(s), description: s.description }])),
} as const;

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictTuples: false }).compile(SETTINGS_SCHEMA);
  return compiled;
}

/** The closest known key to `key` (for "did you mean"), when one is close enough. */
function closestKey(key: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  const normal = key.toLowerCase().replaceAll('-', '_');
  let best: { key: string; d: number } | undefined;
  for (const s of SETTINGS) {
    const d = distance(normal, s.key);
    if (d <= 3 && (!best || d < best.d)) best = { key: s.key, d };
  }
  return best?.key;
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

function describe(error: ErrorObject, setting: SettingDefinition, value: unknown): string {
  const received = `received ${show(value)}`;
  switch (setting.type) {
    case 'port':
      return `must be a port number 0-65535 (${received})`;
    case 'count':
      return `must be a whole number, 0 or more (${received})`;
    case 'boolean':
      return `must be true or false (${received})`;
    case 'enum':
      return `must be one of ${setting.values!.map((v) => `"${v}"`).join(', ')} (${received})`;
    case 'paths':
      return `must be a list of file names (${received})`;
    case 'map':
      return error.keyword === 'pattern' || error.keyword === 'type'
        ? `${error.instancePath.split('/').slice(2).join('.') || 'value'}: must be a key of 8-256 letters, digits, "-", "$", "~" or "." (${received})`
        : `must map each tenant to its key (${received})`;
    default:
      return `must be a non-empty text (${received})`;
  }
}

/** `--check-config`-style text naming every way to set `key`. */
export function settingWays(setting: SettingDefinition): string {
  const flag = settingFlagName(setting);
  return [flag, settingEnvName(setting.key), `${setting.key} in config.yml`].filter(Boolean).join(', ');
}

function problem(where: string, key: string, message: string, fix?: string): string {
  return `${where}: ${key}: ${message}${fix ? `; fix: ${fix}` : ''}`;
}

/**
 * Merges the settings files (main file, then `conf.d/` in name order), the `PROVD_<KEY>` environment variables and the
 * flags, later sources overriding earlier ones (maps such as `url_keys` merge key by key), applies the defaults and
 * checks the result. Every problem names where the value came from (file and line, variable or flag), the key and
 * the fix; they are thrown together as one `PROVD_SERVE_SETTINGS_INVALID`, or `PROVD_SERVE_WILDCARD_WITHOUT_URL`
 * for a wildcard listen address without an advertised URL.
 *
 * @example
 * ```ts
 * const { settings } = await resolveSettings({ configFile: '/etc/provd/config.yml', env: process.env, flags: {} });
 * ```
 */
export async function resolveSettings(input: SettingsInput): Promise<ResolvedSettings> {
  const fileLayers = input.configFile ? await readSettingsFiles(input.configFile) : [];
  const layers: SettingsLayer[] = [...fileLayers, environmentLayer(input.env ?? {}), flagLayer(input.flags ?? {})];
  const merged: Record<string, unknown> = {};
  const where: Record<string, string> = {};
  const problems: string[] = [];
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      const setting = SETTINGS.find((s) => s.key === key);
      if (!setting) {
        const near = closestKey(key);
        problems.push(problem(layer.where[key] ?? '?', key, 'is not a setting', near ? `did you mean "${near}"?` : 'see "provd serve --help" for the settings'));
        continue;
      }
      if (value === null) continue; // "key:" with nothing after it leaves the setting as it was
      const previous = merged[key];
      merged[key] =
        setting.type === 'map' && typeof previous === 'object' && previous !== null && typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { ...previous, ...value }
          : value;
      where[key] = layer.where[key] ?? '?';
    }
  }
  const validate = validator();
  if (!validate(merged)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const key = error.instancePath.split('/')[1];
      const setting = key === undefined ? undefined : SETTINGS.find((s) => s.key === key);
      if (!setting || seen.has(setting.key)) continue;
      seen.add(setting.key);
      problems.push(problem(where[setting.key] ?? '?', setting.key, describe(error, setting, merged[setting.key]), setting.fix));
    }
  }
  for (const setting of SETTINGS) {
    if (merged[setting.key] !== undefined) continue;
    if (setting.default !== undefined) {
      merged[setting.key] = structuredClone(setting.default);
      where[setting.key] = 'default';
    } else if (setting.required) {
      problems.push(problem('missing', setting.key, `is required (${settingWays(setting)})`, setting.fix));
    }
  }
  merged.url_keys ??= {};
  const settings = merged as unknown as ServeSettings;
  if (problems.length === 0) problems.push(...crossChecks(settings, where));
  if (problems.length > 0) throw hostError('PROVD_SERVE_SETTINGS_INVALID', { problems });
  if (WILDCARDS.has(settings.host) && settings.advertised_url === undefined) {
    throw hostError('PROVD_SERVE_WILDCARD_WITHOUT_URL', { host: settings.host, source: where.host ?? 'default' });
  }
  return { settings, where, files: fileLayers.map((l) => l.file ?? '') };
}

/** The rules that tie settings together. */
function crossChecks(s: ServeSettings, where: Record<string, string>): string[] {
  const problems: string[] = [];
  const at = (key: string) => where[key] ?? 'default';
  if (s.advertised_url !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(s.advertised_url);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || url.search !== '' || url.hash !== '' || url.username !== '') {
      problems.push(problem(at('advertised_url'), 'advertised_url', `must be an http:// or https:// URL with a host and no query (received ${show(s.advertised_url)})`, 'give the URL phones reach this host at, e.g. http://10.0.0.1:8667'));
    }
  }
  if (s.https_port !== undefined && (s.tls_cert === undefined || s.tls_key === undefined)) {
    problems.push(problem(at('https_port'), 'https_port', 'HTTPS needs a certificate and its key', 'set tls_cert and tls_key (--tls-cert FILE --tls-key FILE) to PEM files'));
  }
  if (s.https_port === undefined && (s.tls_cert !== undefined || s.tls_key !== undefined)) {
    problems.push(problem(at(s.tls_cert !== undefined ? 'tls_cert' : 'tls_key'), s.tls_cert !== undefined ? 'tls_cert' : 'tls_key', 'is set but no HTTPS listener is', 'set https_port (--https-port N), or remove the TLS settings'));
  }
  if (s.tls_client_cert !== 'off' && s.tls_client_ca === undefined) {
    problems.push(problem(at('tls_client_cert'), 'tls_client_cert', `"${s.tls_client_cert}" needs the CA phone certificates are verified against`, 'set tls_client_ca (--tls-client-ca FILE)'));
  }
  if (s.store === 'postgres' && s.store_url === undefined) {
    problems.push(problem(at('store'), 'store', '"postgres" needs the URL of the database', 'set store_url (--store-url URL or PROVD_STORE_URL)'));
  }
  if (s.store === 'sqlite' && s.store_url !== undefined) {
    problems.push(problem(at('store_url'), 'store_url', 'is for store "postgres"; the SQLite store is a file in the data folder', 'remove store_url, or set store to "postgres"'));
  }
  if (s.store_url !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(s.store_url)) {
    problems.push(problem(at('store_url'), 'store_url', 'must be a postgres:// URL (received a value that is not one)', 'give a URL such as postgres://provd:secret@db.example.org/provd'));
  }
  if (s.sync === 'asterisk-ami' && (!s.ami_user || !s.ami_secret)) {
    problems.push(problem(at('sync'), 'sync', '"asterisk-ami" needs the manager user and secret', 'set ami_user (--ami-user USER) and ami_secret (PROVD_AMI_SECRET or ami_secret in a settings file readable only by the host)'));
  }
  const keys = new Map<string, string>();
  for (const [tenant, key] of Object.entries(s.url_keys)) {
    const other = keys.get(key);
    if (other !== undefined) problems.push(problem(at('url_keys'), 'url_keys', `the key of "${tenant}" is already the key of "${other}"`, 'give each tenant its own key'));
    keys.set(key, tenant);
  }
  const listeners = [
    ['http_port', s.host],
    ['https_port', s.host],
    ['api_port', s.api_host],
    ['ops_port', s.ops_host],
  ] as const;
  const used = listeners.filter(([k]) => s[k] !== undefined && s[k] !== 0);
  for (let i = 0; i < used.length; i++) {
    for (let j = i + 1; j < used.length; j++) {
      const [a, hostA] = used[i]!;
      const [b, hostB] = used[j]!;
      const overlap = hostA === hostB || WILDCARDS.has(hostA) || WILDCARDS.has(hostB);
      if (overlap && s[a] === s[b]) problems.push(problem(at(b), b, `is the same port as ${a} (${s[a]}) on the same address`, `give ${b} another port`));
    }
  }
  return problems;
}

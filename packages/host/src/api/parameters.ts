import { randomUUID } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import { hostError } from '../errors';
import type { Store } from '../store/store';

/** The parameters of `/0.2/configure`, in the order the established host lists them. */
export const PARAMETER_NAMES = ['plugin_server', 'http_proxy', 'ftp_proxy', 'https_proxy', 'locale', 'NAT', 'provisioning_key'] as const;

/** A parameter name. */
export type ParameterName = (typeof PARAMETER_NAMES)[number];

const DESCRIPTIONS: Record<'en' | 'fr', Record<ParameterName, string>> = {
  en: {
    plugin_server: 'The plugins repository URL',
    http_proxy: 'The proxy for HTTP requests. Format is "http://[user:password@]host:port"',
    ftp_proxy: 'The proxy for FTP requests. Format is "http://[user:password@]host:port"',
    https_proxy: 'The proxy for HTTPS requests. Format is "host:port"',
    locale: 'The current locale. Example: fr_FR',
    NAT: 'Set to 1 if all the devices are behind a NAT.',
    provisioning_key: 'The provisioning key for the tenant. [min: 8, max: 256]',
  },
  fr: {
    plugin_server: "L'adresse (URL) du dépôt de plugins",
    http_proxy: 'Le proxy pour les requêtes HTTP. Le format est "http://[user:password@]host:port"',
    ftp_proxy: 'Le proxy pour les requêtes FTP. Le format est "http://[user:password@]host:port"',
    https_proxy: 'Le proxy pour les requêtes HTTPS. Le format est "host:port"',
    locale: 'La locale courante. Exemple: en_CA',
    NAT: 'Mettre à 1 si toutes les terminaisons sont derrière un NAT.',
    provisioning_key: 'La clé de provisioning pour le tenant. [min: 8, max: 256]',
  },
};

/** What the host does when a parameter changes (each takes effect at once, without a restart). */
export interface ParameterEffects {
  /** The plugin repository installs and `update` use (`undefined`: the one `provd serve` was started with). */
  pluginServer?(url: string | undefined): void;
  /** Whether every device sits behind NAT. */
  nat?(enabled: boolean): void;
  /** The proxy of `scheme` downloads changed (`undefined`: none); `https` comes as `host:port`. */
  proxy?(scheme: 'http' | 'https' | 'ftp', value: string | undefined): void;
  /** The provisioning key of `tenant` changed (`undefined`: removed). */
  provisioningKey?(tenant: string, key: string | undefined): void | Promise<void>;
}

/** The parameters file of hosts before the store kept them (`<data dir>/api-parameters.json`), migrated once. */
interface LegacyFile {
  /** The host's top tenant, when the tokens file declares none. */
  top_tenant?: string;
  /** Global parameters, by name. */
  values?: Partial<Record<GlobalParameter, string>>;
  /** Per-tenant parameters. */
  tenants?: Record<string, { provisioning_key?: string }>;
}

/** A parameter with one value for the whole site (every other one is per tenant). */
type GlobalParameter = Exclude<ParameterName, 'provisioning_key'>;

/** The store setting of the host's generated top tenant (shared by every host of a PostgreSQL site). */
const TOP_TENANT_SETTING = 'top_tenant';
/** The prefix of the store settings holding a tenant's provisioning key (`provisioning_key/<tenant uuid>`). */
const PROVISIONING_KEY_SETTING = 'provisioning_key/';

/** The store setting of a global parameter: its own name (`plugin_server`, `http_proxy`, ...). */
const settingOf = (name: GlobalParameter): string => name;
const GLOBAL_NAMES = PARAMETER_NAMES.filter((n): n is GlobalParameter => n !== 'provisioning_key');
const isGlobal = (key: string): key is GlobalParameter => (GLOBAL_NAMES as readonly string[]).includes(key);

/** The settings of a legacy parameters file, as the store keeps them. */
function settingsOfFile(data: LegacyFile): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data.top_tenant === 'string' && data.top_tenant !== '') out[TOP_TENANT_SETTING] = data.top_tenant;
  for (const name of GLOBAL_NAMES) {
    const v = data.values?.[name];
    if (typeof v === 'string' && v !== '') out[settingOf(name)] = v;
  }
  for (const [tenant, conf] of Object.entries(data.tenants ?? {})) {
    if (typeof conf?.provisioning_key === 'string' && conf.provisioning_key !== '') out[`${PROVISIONING_KEY_SETTING}${tenant}`] = conf.provisioning_key;
  }
  return out;
}

/** Options of {@link HostParameters.open}. */
export interface HostParametersOptions {
  /** What the host does when a parameter changes, here or on another host sharing the store. */
  effects?: ParameterEffects;
  /**
   * A parameters file of an older host (`<data dir>/api-parameters.json`): its values are moved into the store
   * once (a value the store already holds wins), then it is renamed `<file>.migrated`.
   */
  legacyFile?: string;
  /** Receives what the migration did. */
  log?: (line: string) => void;
}

const invalid = (parameter: string, reason: string) => hostError('PROVD_API_INVALID_PARAMETER', { parameter, reason });

function parseUrl(value: string, parameter: string): URL {
  try {
    return new URL(value);
  } catch {
    throw invalid(parameter, `${JSON.stringify(value)} is not a URL`);
  }
}

function check(name: ParameterName, value: string): void {
  if (/[\r\n]/.test(value)) throw invalid(name, 'values cannot hold line breaks');
  switch (name) {
    case 'plugin_server': {
      if (value.startsWith('/')) return;
      const url = parseUrl(value, name);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(name, `the repository must be an http:// or https:// URL or an absolute folder path (received ${JSON.stringify(value)})`);
      if (!url.hostname) throw invalid(name, `no hostname: ${value}`);
      return;
    }
    case 'http_proxy':
    case 'ftp_proxy': {
      const url = parseUrl(value, name);
      // downloads speak plain HTTP to the proxy (absolute URIs, CONNECT for https://): nothing else is a proxy here
      if (url.protocol !== 'http:') throw invalid(name, `the format is "http://[user:password@]host:port" (received ${JSON.stringify(url.protocol)} proxy ${JSON.stringify(value.replace(/\/\/[^@/]*@/, '//'))})`);
      if (!url.hostname) throw invalid(name, `no hostname: ${value}`);
      if (url.pathname !== '/' && url.pathname !== '') throw invalid(name, `a proxy has no path: ${value}`);
      return;
    }
    case 'https_proxy':
      if (/^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(value)) throw invalid(name, `the format is "host:port", without a scheme (received ${JSON.stringify(value)})`);
      if (!/^[^\s:/]+(:\d{1,5})?$/.test(value)) throw invalid(name, `the format is "host:port" (received ${JSON.stringify(value)})`);
      return;
    case 'locale':
      if (!/^[a-z]{2,3}(_[A-Z]{2})?$/.test(value)) throw invalid(name, `a locale is like "en_US" or "fr" (received ${JSON.stringify(value)})`);
      return;
    case 'NAT':
      if (value !== '0' && value !== '1') throw invalid(name, `must be "0" or "1" (received ${JSON.stringify(value)})`);
      return;
    case 'provisioning_key':
      if (value.length < 8 || value.length > 256) throw invalid(name, '`provisioning_key` should be [8, 256] characters long');
      if (!/^[a-zA-Z0-9\-$~.]+$/.test(value)) throw invalid(name, '`provisioning_key` should only contain the following characters: `a-z, A-Z, 0-9, -, $, ~, .`');
      return;
  }
}

/**
 * The host's configuration parameters (`/0.2/configure`), kept in the store's settings: with PostgreSQL every host
 * of the site shares them, and a change made through one host takes effect on the others at once (they follow the
 * store's change feed). Each change is applied through {@link ParameterEffects}. `provisioning_key` is per tenant and
 * unique across tenants.
 */
export class HostParameters {
  private readonly stopWatching: () => void;
  /** Applies the changes of other hosts one after the other. */
  private following: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private values: Map<string, string>,
    private readonly effects: ParameterEffects,
    private readonly log: (line: string) => void,
  ) {
    this.stopWatching = store.watch((change) => {
      if (change.origin === store.hostId) return;
      const keys = change.settings.filter((k) => isGlobal(k) || k.startsWith(PROVISIONING_KEY_SETTING));
      if (keys.length > 0) this.following = this.following.then(() => this.follow(keys));
    });
  }

  /**
   * Reads the parameters from `store` (migrating `options.legacyFile` first, once), generates the top tenant when
   * the store has none, and applies the stored values through `options.effects`.
   */
  static async open(store: Store, options: HostParametersOptions = {}): Promise<HostParameters> {
    const log = options.log ?? (() => {});
    if (options.legacyFile) await migrateLegacyFile(store, options.legacyFile, log);
    const top = await store.settingOrInit(TOP_TENANT_SETTING, randomUUID());
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(await store.settings())) if (typeof value === 'string') values.set(key, value);
    values.set(TOP_TENANT_SETTING, top);
    const effects = options.effects ?? {};
    const params = new HostParameters(store, values, effects, log);
    for (const name of GLOBAL_NAMES) {
      const v = values.get(settingOf(name));
      if (v !== undefined) await params.apply(name, v);
    }
    for (const [tenant, key] of Object.entries(params.provisioningKeys())) await effects.provisioningKey?.(tenant, key);
    return params;
  }

  /** Stops following the changes of other hosts. */
  close(): Promise<void> {
    this.stopWatching();
    return this.following;
  }

  /** The host's own top tenant (generated once, kept in the store: every host of a site shares it). */
  get topTenant(): string {
    return this.values.get(TOP_TENANT_SETTING)!;
  }

  private known(name: string): ParameterName {
    if (!(PARAMETER_NAMES as readonly string[]).includes(name)) throw hostError('PROVD_API_UNKNOWN_PARAMETER', { parameter: name });
    return name as ParameterName;
  }

  /** The value of `name` (for `provisioning_key`: `tenant`'s), `null` when unset. Throws for an unknown name. */
  get(name: string, tenant: string): string | null {
    const param = this.known(name);
    if (param === 'provisioning_key') return this.values.get(`${PROVISIONING_KEY_SETTING}${tenant}`) ?? null;
    if (param === 'NAT') return this.values.get(settingOf('NAT')) ?? '0';
    return this.values.get(settingOf(param)) ?? null;
  }

  /** The tenant whose provisioning key is `key`, if any. */
  tenantOfKey(key: string): string | undefined {
    return Object.entries(this.provisioningKeys()).find(([, k]) => k === key)?.[0];
  }

  /** The provisioning key of every tenant that has one. */
  provisioningKeys(): Record<string, string> {
    return Object.fromEntries([...this.values].flatMap(([k, v]) => (k.startsWith(PROVISIONING_KEY_SETTING) ? [[k.slice(PROVISIONING_KEY_SETTING.length), v]] : [])));
  }

  /** The parameter list of `GET /0.2/configure`, described in `locale`'s language when the host has it. */
  list(tenant: string, locale?: string): { id: ParameterName; description: string; value: string | null }[] {
    const lang = (locale ?? this.values.get(settingOf('locale')) ?? 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';
    return PARAMETER_NAMES.map((id) => ({ id, description: DESCRIPTIONS[lang][id], value: this.get(id, tenant) }));
  }

  /**
   * Sets `name` to `value` (`null` or `""` unsets it), stores it (one store commit, seen by every host sharing the
   * store) and applies it. Throws `PROVD_API_UNKNOWN_PARAMETER` or `PROVD_API_INVALID_PARAMETER` (nothing changed then).
   */
  async set(name: string, value: unknown, tenant: string): Promise<void> {
    const param = this.known(name);
    if (value !== null && typeof value !== 'string') throw invalid(param, `the value must be a string or null (received ${JSON.stringify(value)})`);
    const v = value === null || value === '' ? undefined : value;
    if (v !== undefined) check(param, v);
    if (param === 'provisioning_key') {
      const setting = `${PROVISIONING_KEY_SETTING}${tenant}`;
      if (v !== undefined) {
        // read again: another host of the site may have given the key to a tenant meanwhile
        const stored = await this.store.settings();
        const owner = Object.entries(stored).find(([k, key]) => k.startsWith(PROVISIONING_KEY_SETTING) && key === v)?.[0];
        if (owner !== undefined && owner !== setting) throw invalid(param, 'another tenant already uses this provisioning key');
      }
      await this.store.commit({ settings: { [setting]: v } });
      this.remember(setting, v);
      await this.effects.provisioningKey?.(tenant, v);
      return;
    }
    await this.store.commit({ settings: { [settingOf(param)]: v } });
    this.remember(settingOf(param), v);
    await this.apply(param, v);
  }

  private remember(key: string, value: string | undefined): void {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }

  /** Applies the effect of global parameter `name` now being `value`. */
  private async apply(name: GlobalParameter, value: string | undefined): Promise<void> {
    if (name === 'plugin_server') this.effects.pluginServer?.(value);
    if (name === 'NAT') this.effects.nat?.(value === '1');
    if (name === 'http_proxy' || name === 'https_proxy' || name === 'ftp_proxy') this.effects.proxy?.(name.slice(0, -'_proxy'.length) as 'http' | 'https' | 'ftp', value);
  }

  /** Takes the settings `keys` another host changed: reads them and applies those whose value changed. */
  private async follow(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      try {
        const stored = await this.store.setting(key);
        const value = typeof stored === 'string' ? stored : undefined;
        if (value === this.values.get(key)) continue;
        this.remember(key, value);
        if (isGlobal(key)) await this.apply(key, value);
        else await this.effects.provisioningKey?.(key.slice(PROVISIONING_KEY_SETTING.length), value);
        this.log(`parameter ${key.startsWith(PROVISIONING_KEY_SETTING) ? `provisioning_key of tenant ${key.slice(PROVISIONING_KEY_SETTING.length)}` : key} changed by another host: ${value === undefined ? 'unset' : 'applied'}`);
      } catch (err) {
        this.log(`parameter ${key} changed by another host, but could not be read: ${(err as Error).message}`);
      }
    }
  }
}

/**
 * Moves the values of an older host's parameters file into the store's settings (a value the store already holds
 * wins: another host of the site set it), then renames the file `<file>.migrated` so it is read once. A missing
 * file: nothing to do.
 */
async function migrateLegacyFile(store: Store, file: string, log: (line: string) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw invalid('(file)', `cannot read ${JSON.stringify(file)}: ${(err as Error).message}`);
  }
  let data: LegacyFile;
  try {
    data = JSON.parse(text) as LegacyFile;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
  } catch (err) {
    throw invalid('(file)', `${JSON.stringify(file)} is not a parameters file (${(err as Error).message}); fix it or move it away, then start again`);
  }
  const fromFile = settingsOfFile(data);
  // a hand-edited file is checked as the API checks a value: nothing bad reaches the store
  for (const [key, v] of Object.entries(fromFile)) {
    const name = key.startsWith(PROVISIONING_KEY_SETTING) ? 'provisioning_key' : key;
    if (name === TOP_TENANT_SETTING) continue;
    try {
      check(name as ParameterName, v);
    } catch (err) {
      const reason = (err as Error).message.replace(/^invalid value for parameter "[^"]*": /, '');
      throw invalid(name, `${reason}, in ${JSON.stringify(file)}; fix the value or remove it from the file, then start again`);
    }
  }
  const stored = await store.settings();
  const moved = Object.fromEntries(Object.entries(fromFile).filter(([k]) => stored[k] === undefined));
  const kept = Object.keys(fromFile).filter((k) => stored[k] !== undefined && stored[k] !== fromFile[k]);
  if (Object.keys(moved).length > 0) await store.commit({ settings: moved });
  await rename(file, `${file}.migrated`);
  log(
    `parameters: moved ${Object.keys(moved).length} value(s) of ${file} into the store (the file is now ${file}.migrated)` +
      (kept.length > 0 ? `; kept the store's own value of ${kept.join(', ')}` : ''),
  );
}

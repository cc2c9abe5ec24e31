import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@provd/sdk';
import { hostError } from '../errors';

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

/** What is persisted (`<data dir>/api-parameters.json`). */
interface Persisted {
  /** The host's top tenant, when the tokens file declares none. */
  top_tenant?: string;
  /** Global parameters, by name. */
  values?: Partial<Record<Exclude<ParameterName, 'provisioning_key'>, string>>;
  /** Per-tenant parameters. */
  tenants?: Record<string, { provisioning_key?: string }>;
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
 * The host's configuration parameters (`/0.2/configure`): persisted in the data folder (written atomically), each
 * change applied at once through {@link ParameterEffects}. `provisioning_key` is per tenant and unique across tenants.
 */
export class HostParameters {
  private constructor(
    private readonly file: string,
    private data: Persisted,
    private readonly effects: ParameterEffects,
  ) {}

  /** Reads the parameters (a missing file: none set yet) and applies the stored values through `effects`. */
  static async open(file: string, effects: ParameterEffects = {}): Promise<HostParameters> {
    let data: Persisted = {};
    try {
      data = JSON.parse(await readFile(file, 'utf8')) as Persisted;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw invalid('(file)', `cannot read ${JSON.stringify(file)}: ${(err as Error).message}`);
    }
    const params = new HostParameters(file, data, effects);
    if (!data.top_tenant) {
      data.top_tenant = randomUUID();
      await params.save();
    }
    if (data.values?.plugin_server) effects.pluginServer?.(data.values.plugin_server);
    if (data.values?.NAT) effects.nat?.(data.values.NAT === '1');
    for (const scheme of ['http', 'https', 'ftp'] as const) {
      const value = data.values?.[`${scheme}_proxy`];
      if (value) effects.proxy?.(scheme, value);
    }
    for (const [tenant, conf] of Object.entries(data.tenants ?? {})) if (conf.provisioning_key) await effects.provisioningKey?.(tenant, conf.provisioning_key);
    return params;
  }

  /** The host's own top tenant (generated once, kept in the file). */
  get topTenant(): string {
    return this.data.top_tenant!;
  }

  private async save(): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
  }

  private known(name: string): ParameterName {
    if (!(PARAMETER_NAMES as readonly string[]).includes(name)) throw hostError('PROVD_API_UNKNOWN_PARAMETER', { parameter: name });
    return name as ParameterName;
  }

  /** The value of `name` (for `provisioning_key`: `tenant`'s), `null` when unset. Throws for an unknown name. */
  get(name: string, tenant: string): string | null {
    const param = this.known(name);
    if (param === 'provisioning_key') return this.data.tenants?.[tenant]?.provisioning_key ?? null;
    if (param === 'NAT') return this.data.values?.NAT ?? '0';
    return this.data.values?.[param] ?? null;
  }

  /** The tenant whose provisioning key is `key`, if any. */
  tenantOfKey(key: string): string | undefined {
    return Object.entries(this.data.tenants ?? {}).find(([, conf]) => conf.provisioning_key === key)?.[0];
  }

  /** The provisioning key of every tenant that has one. */
  provisioningKeys(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.data.tenants ?? {}).flatMap(([t, c]) => (c.provisioning_key ? [[t, c.provisioning_key]] : [])));
  }

  /** The parameter list of `GET /0.2/configure`, described in `locale`'s language when the host has it. */
  list(tenant: string, locale?: string): { id: ParameterName; description: string; value: string | null }[] {
    const lang = (locale ?? this.data.values?.locale ?? 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';
    return PARAMETER_NAMES.map((id) => ({ id, description: DESCRIPTIONS[lang][id], value: this.get(id, tenant) }));
  }

  /**
   * Sets `name` to `value` (`null` or `""` unsets it), persists it and applies it. Throws
   * `PROVD_API_UNKNOWN_PARAMETER` or `PROVD_API_INVALID_PARAMETER` (nothing changed then).
   */
  async set(name: string, value: unknown, tenant: string): Promise<void> {
    const param = this.known(name);
    if (value !== null && typeof value !== 'string') throw invalid(param, `the value must be a string or null (received ${JSON.stringify(value)})`);
    const v = value === null || value === '' ? undefined : value;
    if (v !== undefined) check(param, v);
    if (param === 'provisioning_key') {
      if (v !== undefined) {
        const owner = this.tenantOfKey(v);
        if (owner !== undefined && owner !== tenant) throw invalid(param, 'another tenant already uses this provisioning key');
      }
      const tenants = { ...this.data.tenants, [tenant]: { ...this.data.tenants?.[tenant], provisioning_key: v } };
      if (v === undefined) delete tenants[tenant]!.provisioning_key;
      this.data = { ...this.data, tenants };
      await this.save();
      await this.effects.provisioningKey?.(tenant, v);
      return;
    }
    const values = { ...this.data.values };
    if (v === undefined) delete values[param];
    else values[param] = v;
    this.data = { ...this.data, values };
    await this.save();
    if (param === 'plugin_server') this.effects.pluginServer?.(v);
    if (param === 'NAT') this.effects.nat?.(v === '1');
    if (param === 'http_proxy' || param === 'https_proxy' || param === 'ftp_proxy') this.effects.proxy?.(param.slice(0, -'_proxy'.length) as 'http' | 'https' | 'ftp', v);
  }
}

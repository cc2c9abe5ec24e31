import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceSupport, type Device, type DeviceInfoExtractor, type PgAssociator, type PluginInfo, type ProvdPlugin, type RawConfig, writeFileAtomic } from '@provd/sdk';
import type { InstallablePlugin, PluginHost } from '../src/app/index';

/** Every call a test plugin received, in order. */
export type Call = [string, string, ...unknown[]];

const hex = (mac: string) => mac.replaceAll(':', '');

/**
 * A small real plugin for "Acme" phones: HTTP paths `/acme/<12 hex>.cfg` tell the vendor and MAC, DHCP option 60
 * `acme_<model>` tells vendor and model; configure writes `acme/<mac>.cfg` holding the line 1 user name.
 */
export class AcmePlugin implements ProvdPlugin {
  readonly services = {};
  readonly tftpbootDir: string;
  readonly calls: Call[] = [];
  /** When set, configure throws for devices with this model. */
  failModel?: string;
  /** When set, deconfigure waits for it (after recording its call). */
  deconfigureGate?: Promise<void>;
  readonly httpDevInfoExtractor: DeviceInfoExtractor<'http'> = {
    extract: async (req) => {
      const m = /^\/acme\/([0-9a-f]{12})\.cfg$/.exec(req.path);
      if (!m) return req.path.startsWith('/acme/') ? { vendor: 'Acme' } : undefined;
      return { vendor: 'Acme', mac: m[1]!.match(/../g)!.join(':') };
    },
  };
  readonly tftpDevInfoExtractor: DeviceInfoExtractor<'tftp'> = {
    extract: async (req) => (req.filename.startsWith('acme/') ? { vendor: 'Acme' } : undefined),
  };
  readonly dhcpDevInfoExtractor: DeviceInfoExtractor<'dhcp'> = {
    extract: async (req) => {
      const m = /^acme_(\w+)$/.exec(req.options[60] ?? '');
      return m ? { vendor: 'Acme', model: m[1] } : undefined;
    },
  };
  readonly pgAssociator: PgAssociator = {
    associate: (info) => (info.vendor === 'Acme' ? (info.model ? DeviceSupport.COMPLETE : DeviceSupport.PROBABLE) : DeviceSupport.UNKNOWN),
  };

  constructor(
    readonly id: string,
    readonly pluginDir: string,
  ) {
    this.tftpbootDir = join(pluginDir, 'var', 'tftpboot');
  }

  async configureCommon(raw: RawConfig): Promise<void> {
    this.calls.push(['configureCommon', this.id, raw]);
    await mkdir(join(this.tftpbootDir, 'acme'), { recursive: true });
  }

  async configure(device: Device, raw: RawConfig): Promise<void> {
    this.calls.push(['configure', device.id]);
    if (device.model !== undefined && device.model === this.failModel) throw new Error('model refused');
    (raw as Record<string, unknown>).XX_mutated = true; // plugins add template variables to their copy
    const user = raw.sip_lines?.['1']?.username ?? '';
    const body = `mac=${device.mac}\nuser=${user}\nurl=${raw.http_base_url ?? ''}\n${'#'.repeat(20_000)}\nend=${device.mac}\n`;
    await writeFileAtomic(join(this.tftpbootDir, 'acme', `${hex(device.mac ?? '')}.cfg`), body);
  }

  async deconfigure(device: Device): Promise<void> {
    this.calls.push(['deconfigure', device.id]);
    await this.deconfigureGate;
    await rm(join(this.tftpbootDir, 'acme', `${hex(device.mac ?? '')}.cfg`), { force: true });
  }

  async synchronize(device: Device): Promise<void> {
    this.calls.push(['synchronize', device.id]);
  }

  getRemoteStateTriggerFilename(device: Device): string | undefined {
    return device.mac ? `${hex(device.mac)}.cfg` : undefined;
  }

  isSensitiveFilename(filename: string): boolean {
    return /^[0-9a-f]{12}\.cfg$/.test(filename);
  }

  async close(): Promise<void> {
    this.calls.push(['close', this.id]);
  }
}

/** A plugin host over plugin classes given in code: "installing" creates the folder and instance. */
export class MemoryPluginHost implements PluginHost {
  private readonly plugins = new Map<string, ProvdPlugin>();
  readonly installedIds = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly available: Record<string, (id: string, dir: string) => ProvdPlugin>,
    private readonly baseRawConfig: RawConfig = {},
  ) {}

  private async load(id: string): Promise<ProvdPlugin> {
    const plugin = this.available[id]!(id, join(this.dir, id));
    await mkdir(plugin.tftpbootDir, { recursive: true });
    await plugin.configureCommon(structuredClone(this.baseRawConfig));
    this.plugins.set(id, plugin);
    return plugin;
  }

  loaded(): ReadonlyMap<string, ProvdPlugin> {
    return this.plugins;
  }

  async loadAll() {
    const loaded: string[] = [];
    for (const id of this.installedIds) {
      if (!this.plugins.has(id)) await this.load(id);
      loaded.push(id);
    }
    return { loaded, failed: [] };
  }

  async installed(): Promise<Record<string, PluginInfo>> {
    return Object.fromEntries([...this.installedIds].map((id) => [id, { version: '1.0.0', description: id, capabilities: {} }]));
  }

  async installable(): Promise<InstallablePlugin[]> {
    return Object.keys(this.available).map((id) => ({ id, version: '1.0.0', description: id }));
  }

  async install(id: string): Promise<ProvdPlugin> {
    await this.plugins.get(id)?.close();
    this.installedIds.add(id);
    return this.load(id);
  }

  async reload(id: string): Promise<ProvdPlugin> {
    await this.plugins.get(id)?.close();
    return this.load(id);
  }

  async uninstall(id: string): Promise<void> {
    await this.plugins.get(id)?.close();
    this.plugins.delete(id);
    this.installedIds.delete(id);
    await rm(join(this.dir, id), { recursive: true, force: true });
  }

  async closeAll(): Promise<void> {
    for (const plugin of this.plugins.values()) await plugin.close();
    this.plugins.clear();
  }
}

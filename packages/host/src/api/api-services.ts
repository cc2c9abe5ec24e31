import { type Device } from '@provd/sdk';
import type { StoredConfig } from '../app/config-input';
import { KeyedLock } from '../app/keyed-lock';
import type { ProvisioningApp } from '../app/provisioning-app';
import { hostError } from '../errors';
import type { AccessControl, Caller } from './access';
import { OperationMonitors } from './operations';
import type { HostParameters } from './parameters';

/**
 * Gives the top tenant to the devices and configs stored without a tenant (from before tenants, or imported), so that
 * the store's tenant filter finds them; run once at start. Resolves to how many were changed.
 */
export async function adoptTenantless(app: ProvisioningApp, top: string): Promise<number> {
  let changed = 0;
  for (const kind of ['devices', 'configs'] as const) {
    for (;;) {
      const { items } = await app[kind].find({ tenant_uuid: { $exists: false } }, { limit: 500 });
      if (items.length === 0) break;
      await app.store.commit({ writes: items.map((doc) => ({ op: 'put', kind, doc: { ...doc, tenant_uuid: top } }) as never) });
      changed += items.length;
    }
  }
  return changed;
}

/** `doc` with its tenant spelled out (documents from before tenants belong to the top tenant). */
export function withTenant<T extends object>(doc: T, top: string): T {
  return (doc as { tenant_uuid?: unknown }).tenant_uuid === undefined ? { ...doc, tenant_uuid: top } : doc;
}

/** Everything the REST API's handlers use. */
export interface ApiServices {
  /** The provisioning application. */
  app: ProvisioningApp;
  /** Tokens, ACLs and tenants. */
  access: AccessControl;
  /** The `/0.2/configure` parameters. */
  parameters: HostParameters;
  /** The operation-in-progress monitors. */
  monitors: OperationMonitors;
  /** The installable plugins last fetched by `update` (by id, without file names). */
  installable?: Record<string, Record<string, unknown>>;
  /**
   * Runs the device writes of one MAC address one after the other, so that a duplicate-MAC check and the write that
   * follows it cannot interleave with another's (writes of different MACs still run at once, and group in the store).
   */
  deviceWrites: <T>(mac: string | undefined, task: () => Promise<T>) => Promise<T>;
  /** The host version. */
  version: string;
  /** Receives operational log lines. */
  log: (line: string) => void;
}

/** A lock per MAC address (no lock for a device without one). */
export function macLock(): <T>(mac: string | undefined, task: () => Promise<T>) => Promise<T> {
  const lock = new KeyedLock();
  return (mac, task) => (mac ? lock.run(mac, task) : task());
}

/** The tenant of a stored device or config. */
export function tenantOf(services: ApiServices, doc: object): string {
  const tenant = (doc as { tenant_uuid?: unknown }).tenant_uuid;
  return typeof tenant === 'string' ? tenant : services.access.tenants.top;
}

/** Device `id` when `caller` may see it (its tenant or a sub-tenant's); else `PROVD_HOST_DEVICE_NOT_FOUND` (404). */
export async function visibleDevice(services: ApiServices, caller: Caller, id: string): Promise<Device & { id: string }> {
  const device = await services.app.devices.get(id);
  if (!device || !services.access.tenants.isWithin(tenantOf(services, device), caller.tenant)) {
    throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
  }
  return withTenant(device, services.access.tenants.top);
}

/** Config `id` when `caller` may see it; else `PROVD_HOST_CONFIG_NOT_FOUND` (404). */
export async function visibleConfig(services: ApiServices, caller: Caller, id: string): Promise<StoredConfig> {
  const config = await services.app.configs.get(id);
  if (!config || !services.access.tenants.isWithin(tenantOf(services, config), caller.tenant)) {
    throw hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: id });
  }
  return withTenant(config, services.access.tenants.top);
}

/** Whether a document of `tenant` may use config `id` (one of its own tenant or of a tenant above it). */
export async function usableConfig(services: ApiServices, tenant: string, id: string): Promise<boolean> {
  const config = await services.app.storedConfig(id);
  return config !== undefined && services.access.tenants.lineage(tenant).includes(tenantOf(services, config));
}

/** The `id` of a `{"id": ...}` body; `PROVD_HOST_BAD_REQUEST` (400) otherwise. */
export function idOf(body: unknown): string {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id === '') throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'Missing "id" key: send {"id": "..."}' });
  return id;
}

/** `body[key]`, which must be a JSON object; `PROVD_HOST_BAD_REQUEST` (400) otherwise. */
export function objectAt(body: unknown, key: string): Record<string, unknown> {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw hostError('PROVD_HOST_BAD_REQUEST', { reason: `the body must be {"${key}": {...}} with an object` });
  }
  return value as Record<string, unknown>;
}

/** `err` with an explicit HTTP status. */
export function withStatus<E extends Error>(err: E, status: number): E {
  return Object.assign(err, { status });
}

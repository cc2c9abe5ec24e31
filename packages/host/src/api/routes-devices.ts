import { isProvdError, type Device } from '@provd/sdk';
import { hostError } from '../errors';
import { parseDhcpInfo } from '../identification/dhcp-info';
import { readDeviceInput } from '../app/device-input';
import {
  idOf,
  objectAt,
  tenantOf,
  usableConfig,
  visibleDevice,
  withStatus,
  withTenant,
  type ApiServices,
} from './api-services';
import { DEVICE_FIELDS, parseFindQuery, readRecurse } from './find-query';
import { Operation } from './operations';
import type { Reply, Route } from './router';

const PREFIX = '/0.2';

/** Links of an intermediary resource (`GET /0.2/dev_mgr` and the like). */
export function links(base: string, entries: readonly [rel: string, path: string][]): Reply {
  return { status: 200, body: { links: entries.map(([rel, path]) => ({ rel, href: `${PREFIX}${base}/${path}` })) } };
}

/**
 * The cross-document checks the established host's database makes on a device (contract §3.4 and the issue): its
 * config must exist (in its tenant or a tenant above) and its plugin must be installed. Only what changed from `old`
 * is checked, so a device whose plugin was removed can still be edited. That its MAC is no other device's is checked
 * in the write's own transaction ({@link macTaken}).
 */
async function checkReferences(services: ApiServices, device: Partial<Device>, tenant: string, old?: Device): Promise<void> {
  const errors: string[] = [];
  if (device.config !== undefined && device.config !== old?.config && !(await usableConfig(services, tenant, device.config))) {
    errors.push(`config: no config "${device.config}" (create it first with POST /0.2/cfg_mgr/configs)`);
  }
  // a loaded plugin is installed: the plugins folder is only read for one that is not loaded (left out at start)
  if (device.plugin !== undefined && device.plugin !== old?.plugin && !services.app.plugins.loaded().has(device.plugin) && !(device.plugin in (await services.app.plugins.installed()))) {
    errors.push(`plugin: no installed plugin "${device.plugin}" (install it with POST /0.2/pg_mgr/install/install)`);
  }
  if (errors.length > 0) throw hostError('PROVD_HOST_INVALID_DEVICE', { device: device.id, errors });
}

/** A device write refused because its MAC is another device's, as the API reports it: `PROVD_HOST_INVALID_DEVICE`. */
function macTaken(device: string | undefined): (err: unknown) => never {
  return (err) => {
    if (isProvdError(err, 'PROVD_HOST_DUPLICATE_KEY')) throw hostError('PROVD_HOST_INVALID_DEVICE', { device, errors: [err.message] }, { cause: err });
    throw err;
  };
}

/** The `/0.2/dev_mgr` routes. */
export function deviceRoutes(services: ApiServices): Route[] {
  const { app, access } = services;
  const top = () => access.tenants.top;
  return [
    {
      method: 'GET', path: '/dev_mgr', acl: 'provd.dev_mgr.read', summary: 'The device manager: links to its resources',
      handle: async () => links('/dev_mgr', [['dev.synchronize', 'synchronize'], ['dev.reconfigure', 'reconfigure'], ['dev.dhcpinfo', 'dhcpinfo'], ['dev.devices', 'devices']]),
    },
    {
      method: 'GET', path: '/dev_mgr/devices', acl: 'provd.dev_mgr.devices.read', summary: 'List and find devices (q, q64, fields, skip, limit, sort, sort_ord, recurse)',
      handle: async ({ query, caller }) => {
        const { selector, options } = parseFindQuery(query, DEVICE_FIELDS);
        const tenants = access.tenants.scope(caller.tenant, readRecurse(query));
        const found = await app.devices.find(selector, tenants ? { ...options, tenants } : options);
        return { status: 200, body: { devices: options.fields ? found.items : found.items.map((d) => withTenant(d, top())) } };
      },
    },
    {
      method: 'POST', path: '/dev_mgr/devices', acl: 'provd.dev_mgr.devices.create', summary: 'Create a device in the caller\'s tenant; answers {"id"} and its Location',
      handle: async ({ body, caller }) => {
        const input = objectAt(await body(), 'device');
        const read = readDeviceInput(input);
        if ('errors' in read) throw hostError('PROVD_HOST_INVALID_DEVICE', { device: typeof input.id === 'string' ? input.id : undefined, errors: read.errors });
        const device = { ...read.device, tenant_uuid: caller.tenant, is_new: caller.tenant === top() };
        const created = await services.deviceWrites(device.mac, async () => {
          if (device.id !== undefined && (await app.devices.get(device.id))) throw hostError('PROVD_HOST_DUPLICATE_ID', { kind: 'device', id: device.id });
          await checkReferences(services, device, caller.tenant);
          // read above: not validated a second time
          return app.insertReadDevice(device).catch(macTaken(device.id));
        });
        return { status: 201, body: { id: created.id }, headers: { Location: `${PREFIX}/dev_mgr/devices/${encodeURIComponent(created.id)}` } };
      },
    },
    {
      method: 'GET', path: '/dev_mgr/devices/{device_id}', acl: 'provd.dev_mgr.devices.{device_id}.read', summary: 'A device (of the caller\'s tenant or a sub-tenant)',
      handle: async ({ params, caller }) => ({ status: 200, body: { device: await visibleDevice(services, caller, params.device_id!) } }),
    },
    {
      method: 'PUT', path: '/dev_mgr/devices/{device_id}', acl: 'provd.dev_mgr.devices.{device_id}.update', summary: 'Replace a device (every field; a new device of the top tenant moves to the caller\'s tenant)',
      handle: async ({ params, body, caller }) => {
        const id = params.device_id!;
        const input = { ...objectAt(await body(), 'device'), id };
        const read = readDeviceInput(input);
        if ('errors' in read) throw hostError('PROVD_HOST_INVALID_DEVICE', { device: id, errors: read.errors });
        await services.deviceWrites(read.device.mac, async () => {
          const stored = await app.devices.get(id);
          if (!stored) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
          // a device the host created for a phone it did not know sits in the top tenant, flagged is_new: the first
          // tenant that updates it takes it (the way the PBX assigns phones); other devices keep their tenant
          const claim = stored.is_new === true && tenantOf(services, stored) === top();
          if (!claim && !access.tenants.isWithin(tenantOf(services, stored), caller.tenant)) throw hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: id });
          const tenant = claim ? caller.tenant : tenantOf(services, stored);
          const next = { ...read.device, id, tenant_uuid: tenant, is_new: tenant === top() };
          await checkReferences(services, next, tenant, stored);
          await app.updateDevice(next).catch(macTaken(id));
        });
        return { status: 204 };
      },
    },
    {
      method: 'DELETE', path: '/dev_mgr/devices/{device_id}', acl: 'provd.dev_mgr.devices.{device_id}.delete', summary: 'Delete a device (its files are removed)',
      handle: async ({ params, caller }) => {
        await visibleDevice(services, caller, params.device_id!);
        await app.deleteDevice(params.device_id!);
        return { status: 204 };
      },
    },
    {
      method: 'POST', path: '/dev_mgr/synchronize', acl: 'provd.dev_mgr.synchronize.create', summary: 'Ask a phone to fetch its files again ({"id"}): an operation in progress',
      handle: async ({ body, caller }) => {
        const id = idOf(await body());
        await visibleDevice(services, caller, id);
        const op = new Operation(undefined, `synchronize of device "${id}"`);
        void op.run(() => app.synchronizeDevice(id)).then(() => {
          if (op.error) services.log(`synchronize of device "${id}" failed: ${op.error.message}`);
        });
        return { status: 201, headers: { Location: services.monitors.add(`${PREFIX}/dev_mgr/synchronize`, op) } };
      },
    },
    ...monitorRoutes(services, '/dev_mgr/synchronize/{operation_id}', 'synchronize'),
    {
      method: 'POST', path: '/dev_mgr/reconfigure', acl: 'provd.dev_mgr.reconfigure.create', summary: 'Write a device\'s files again ({"id"})',
      handle: async ({ body, caller }) => {
        const id = idOf(await body());
        try {
          await visibleDevice(services, caller, id);
        } catch (err) {
          throw withStatus(err as Error, 400);
        }
        await app.reconfigureDevice(id);
        return { status: 204 };
      },
    },
    {
      method: 'POST', path: '/dev_mgr/dhcpinfo', acl: 'provd.dev_mgr.dhcpinfo.create', summary: 'Push the information of a DHCP lease ({"dhcp_info": {op, ip, mac, options}})',
      handle: async ({ body }) => {
        const info = parseDhcpInfo(await body());
        if ('errors' in info) throw hostError('PROVD_HOST_BAD_REQUEST', { reason: info.errors.join('; ') });
        if (info.op === 'commit') await app.dhcpCommit(info.request);
        return { status: 204 };
      },
    },
  ];
}

/** `GET` and `DELETE` of the operation monitors under `path` (`.../{operation_id}`). */
export function monitorRoutes(services: ApiServices, path: string, what: string): Route[] {
  const resource = (params: Record<string, string>) =>
    `${PREFIX}${path.replace('/{operation_id}', '').replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''))}`;
  return [
    {
      method: 'GET', path, acl: 'provd.operation.read', summary: `The state of a ${what} operation: {"status": "label|state;current/end"}`,
      handle: async ({ params }) => {
        const op = services.monitors.get(resource(params), params.operation_id!);
        // the established object has only `status`; a failed operation also says why (docs/decisions.md)
        const error = op.failure();
        return { status: 200, body: { status: op.format(), ...(error ? { error } : {}) } };
      },
    },
    {
      method: 'DELETE', path, acl: 'provd.operation.delete', summary: `Delete the monitor of a ${what} operation (the operation goes on)`,
      handle: async ({ params }) => {
        services.monitors.delete(resource(params), params.operation_id!);
        return { status: 204 };
      },
    },
  ];
}

import { randomUUID } from 'node:crypto';
import { hostError } from '../errors';
import type { StoredConfig } from '../app/config-input';
import { objectAt, tenantOf, usableConfig, visibleConfig, withStatus, withTenant, type ApiServices } from './api-services';
import { CONFIG_FIELDS, parseFindQuery, readRecurse } from './find-query';
import type { Route } from './router';
import { links } from './routes-devices';

const PREFIX = '/0.2';

/** Refuses parents a config of `tenant` may not inherit from (another tenant's configs do not exist for it). */
async function checkParents(services: ApiServices, config: Record<string, unknown>, tenant: string): Promise<void> {
  const parents = config.parent_ids;
  if (!Array.isArray(parents)) return;
  const hidden: string[] = [];
  for (const p of parents) {
    if (typeof p === 'string' && (await services.app.configs.get(p)) && !(await usableConfig(services, tenant, p))) hidden.push(p);
  }
  if (hidden.length > 0) {
    throw hostError('PROVD_HOST_INVALID_CONFIG', { config: typeof config.id === 'string' ? config.id : undefined, errors: hidden.map((p) => `parent_ids: no config "${p}"`) });
  }
}

/** The `/0.2/cfg_mgr` routes. */
export function configRoutes(services: ApiServices): Route[] {
  const { app, access } = services;
  const location = (id: string) => ({ Location: `${PREFIX}/cfg_mgr/configs/${encodeURIComponent(id)}` });
  return [
    {
      method: 'GET', path: '/cfg_mgr', acl: 'provd.cfg_mgr.read', summary: 'The config manager: links to its resources',
      handle: async () => links('/cfg_mgr', [['cfg.configs', 'configs'], ['cfg.autocreate', 'autocreate']]),
    },
    {
      method: 'GET', path: '/cfg_mgr/configs', acl: 'provd.cfg_mgr.configs.read', summary: 'List and find configs (q, q64, fields, skip, limit, sort, sort_ord, recurse)',
      handle: async ({ query, caller }) => {
        const { selector, options } = parseFindQuery(query, CONFIG_FIELDS);
        const tenants = access.tenants.scope(caller.tenant, readRecurse(query));
        const found = await app.configs.find(selector, tenants ? { ...options, tenants } : options);
        return { status: 200, body: { configs: options.fields ? found.items : found.items.map((c) => withTenant(c, access.tenants.top)) } };
      },
    },
    {
      method: 'POST', path: '/cfg_mgr/configs', acl: 'provd.cfg_mgr.configs.create', summary: 'Create a config in the caller\'s tenant; answers {"id"} and its Location',
      handle: async ({ body, caller }) => {
        const input = { ...objectAt(await body(), 'config'), tenant_uuid: caller.tenant };
        await checkParents(services, input, caller.tenant);
        const created = await app.insertConfig(input);
        return { status: 201, body: { id: created.id }, headers: location(created.id) };
      },
    },
    {
      method: 'GET', path: '/cfg_mgr/configs/{config_id}', acl: 'provd.cfg_mgr.configs.{config_id}.read', summary: 'A config',
      handle: async ({ params, caller }) => ({ status: 200, body: { config: await visibleConfig(services, caller, params.config_id!) } }),
    },
    {
      method: 'PUT', path: '/cfg_mgr/configs/{config_id}', acl: 'provd.cfg_mgr.configs.{config_id}.update', summary: 'Replace a config (the devices using it, or a descendant, are reconfigured)',
      handle: async ({ params, body, caller }) => {
        const id = params.config_id!;
        const stored = await visibleConfig(services, caller, id);
        const input = { ...objectAt(await body(), 'config'), id, tenant_uuid: tenantOf(services, stored) };
        await checkParents(services, input, tenantOf(services, stored));
        await app.updateConfig(input);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE', path: '/cfg_mgr/configs/{config_id}', acl: 'provd.cfg_mgr.configs.{config_id}.delete', summary: 'Delete a config (403 when it is not deletable)',
      handle: async ({ params, caller }) => {
        await visibleConfig(services, caller, params.config_id!);
        await app.deleteConfig(params.config_id!);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/cfg_mgr/configs/{config_id}/raw', acl: 'provd.cfg_mgr.configs.{config_id}.raw.read', summary: 'The flattened raw config (parents and base raw config merged)',
      handle: async ({ params, caller }) => {
        await visibleConfig(services, caller, params.config_id!);
        return { status: 200, body: { raw_config: await app.flattenedRawConfig(params.config_id!) } };
      },
    },
    {
      method: 'POST', path: '/cfg_mgr/autocreate', acl: 'provd.cfg_mgr.autocreate.create', summary: 'Create a new transient config from the config of role "autocreate"',
      handle: async ({ body, caller }) => {
        await body();
        let autocreate: StoredConfig | undefined;
        for (const c of (await app.configs.find({ role: 'autocreate' })).items) if (!autocreate && (await usableConfig(services, caller.tenant, c.id))) autocreate = c;
        if (!autocreate) throw withStatus(hostError('PROVD_HOST_CONFIG_NOT_FOUND', { config: '(role "autocreate")', key: 'role' }), 400);
        const created = await app.insertConfig({
          id: `${autocreate.id}${randomUUID()}`,
          parent_ids: [autocreate.id],
          raw_config: structuredClone(autocreate.raw_config),
          transient: true,
          tenant_uuid: caller.tenant,
        });
        return { status: 201, body: { id: created.id }, headers: location(created.id) };
      },
    },
  ];
}

import { type ProvdPlugin } from '@provd/sdk';
import { hostError } from '../errors';
import { withStatus, type ApiServices } from './api-services';
import type { Route } from './router';

const PREFIX = '/0.2';

/**
 * A plugin's parameters service (`services.configure`, contract §1.9): the parameters it describes, each read and
 * set by name; `set` throws to refuse a value. The host passes the caller's tenant as context (contract §10.21).
 */
export interface PluginConfigureService {
  /** Every parameter: `[name, description]`. */
  readonly description: readonly (readonly [string, string | null | undefined])[];
  /** The value of `name` (`null`/`undefined`: unset). */
  get(name: string, context?: { tenant_uuid: string }): unknown;
  /** Sets `name` (`null` unsets it); throws to refuse the value. */
  set(name: string, value: string | null, context?: { tenant_uuid: string }): unknown;
}

/** The parameters service of `plugin`, when it has one of that shape. */
export function configureServiceOf(plugin: ProvdPlugin): PluginConfigureService | undefined {
  const service = plugin.services.configure as Partial<PluginConfigureService> | undefined;
  return service && Array.isArray(service.description) && typeof service.get === 'function' && typeof service.set === 'function'
    ? (service as PluginConfigureService)
    : undefined;
}

/** The `/0.2/pg_mgr/plugins/{plugin_id}/configure` routes (a plugin's own parameters). */
export function pluginConfigureRoutes(services: ApiServices): Route[] {
  const serviceOf = (id: string): PluginConfigureService => {
    const plugin = services.app.loadedPlugins().find((p) => p.id === id);
    const service = plugin && configureServiceOf(plugin);
    if (!service) throw withStatus(hostError('PROVD_HOST_BAD_REQUEST', { reason: `plugin "${id}" is not loaded or has no parameters service` }), 404);
    return service;
  };
  const known = (service: PluginConfigureService, name: string) => {
    if (!service.description.some(([n]) => n === name)) throw hostError('PROVD_API_UNKNOWN_PARAMETER', { parameter: name });
  };
  const text = (value: unknown) => (value === undefined || value === null ? null : String(value));
  return [
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/configure', acl: 'provd.pg_mgr.plugins.{plugin_id}.configure.read', summary: 'A plugin\'s parameters with their values',
      handle: async ({ params, caller }) => {
        const service = serviceOf(params.plugin_id!);
        const list = [];
        for (const [id, description] of service.description) {
          list.push({
            id,
            description: description ?? null,
            value: text(await service.get(id, { tenant_uuid: caller.tenant })),
            links: [{ rel: 'srv.configure.param', href: `${PREFIX}/pg_mgr/plugins/${params.plugin_id}/configure/${id}` }],
          });
        }
        return { status: 200, body: { params: list } };
      },
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/configure/{param_id}', acl: 'provd.pg_mgr.plugins.{plugin_id}.configure.{param_id}.read', summary: 'One parameter of a plugin',
      handle: async ({ params, caller }) => {
        const service = serviceOf(params.plugin_id!);
        known(service, params.param_id!);
        return { status: 200, body: { param: { value: text(await service.get(params.param_id!, { tenant_uuid: caller.tenant })) } } };
      },
    },
    {
      method: 'PUT', path: '/pg_mgr/plugins/{plugin_id}/configure/{param_id}', acl: 'provd.pg_mgr.plugins.{plugin_id}.configure.{param_id}.update', summary: 'Set a parameter of a plugin ({"param": {"value": ...}})',
      handle: async ({ params, body, caller }) => {
        const service = serviceOf(params.plugin_id!);
        const name = params.param_id!;
        known(service, name);
        const value = ((await body()) as { param?: { value?: unknown } } | null)?.param?.value;
        if (value !== null && typeof value !== 'string') throw hostError('PROVD_API_INVALID_PARAMETER', { parameter: name, reason: 'send {"param": {"value": "..."}} (null unsets)' });
        try {
          await service.set(name, value, { tenant_uuid: caller.tenant });
        } catch (err) {
          throw hostError('PROVD_API_INVALID_PARAMETER', { parameter: name, reason: err instanceof Error ? err.message : String(err) });
        }
        return { status: 204 };
      },
    },
  ];
}

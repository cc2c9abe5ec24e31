import { hostError } from '../errors';
import type { ApiServices } from './api-services';
import { PARAMETER_NAMES } from './parameters';
import type { Reply, Route, RouteContext } from './router';
import { links } from './routes-devices';

const PREFIX = '/0.2';

/** The ACL of `PUT /configure/<name>` as `api.yml` names it (note `nat` in lower case, the tenant's key). */
const UPDATE_ACL: Record<string, string> = {
  NAT: 'provd.configure.nat.update',
  provisioning_key: 'provd.configure.{tenant_uuid}.provisioning_key.update',
};

/** The `/0.2/`, `/0.2/configure` and `/0.2/status` routes; `openApi` builds the document of every route. */
export function generalRoutes(services: ApiServices, openApi: () => Record<string, unknown>): Route[] {
  const { parameters } = services;
  const setParam = async (name: string, { body, caller }: RouteContext): Promise<Reply> => {
    const content = (await body()) as { param?: { value?: unknown } } | null;
    if (typeof content?.param !== 'object' || content.param === null || !('value' in content.param)) {
      throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'Wrong information in entity: send {"param": {"value": "..."}} (null unsets)' });
    }
    await parameters.set(name, content.param.value, caller.tenant);
    return { status: 204 };
  };
  const fixed: Route[] = PARAMETER_NAMES.map((name) => ({
    method: 'PUT',
    path: `/configure/${name}`,
    acl: UPDATE_ACL[name] ?? `provd.configure.${name}.update`,
    summary: `Set ${name} ({"param": {"value": ...}}; null unsets it)`,
    handle: (ctx) => setParam(name, ctx),
  }));
  return [
    {
      method: 'GET', path: '/', acl: 'provd.read', summary: 'The entry point: links to the managers',
      handle: async () => links('', [['dev', 'dev_mgr'], ['cfg', 'cfg_mgr'], ['pg', 'pg_mgr'], ['status', 'status'], ['srv.configure', 'configure']]),
    },
    {
      method: 'GET', path: '/openapi.json', acl: 'provd.read', summary: 'The OpenAPI 3.1 document of this API',
      handle: async () => ({ status: 200, body: openApi() }),
    },
    {
      method: 'GET', path: '/status', acl: 'provd.status.read', summary: 'The state of the host\'s components',
      handle: async () => {
        // the background reconfigurations (config changes, plugin upgrades) and how far each has got; "fail" while a
        // failed batch waits to be tried again (each such job says why and when)
        const jobs = services.app.reconfigureStatus();
        return {
          status: 200,
          body: {
            rest_api: { status: 'ok' },
            plugins: { status: 'ok', loaded: services.app.loadedPlugins().length },
            operations: { status: 'ok', monitors: services.monitors.size },
            reconfigure: { status: jobs.some((j) => j.error !== undefined) ? 'fail' : 'ok', jobs },
          },
        };
      },
    },
    {
      method: 'GET', path: '/configure', acl: 'provd.configure.read', summary: 'Every configuration parameter with its value',
      handle: async ({ caller }) => ({
        status: 200,
        body: { params: parameters.list(caller.tenant).map((p) => ({ ...p, links: [{ rel: 'srv.configure.param', href: `${PREFIX}/configure/${p.id}` }] })) },
      }),
    },
    {
      method: 'GET', path: '/configure/{param_id}', acl: 'provd.configure.{param_id}.read', summary: 'One parameter: {"param": {"value": ...}} (provisioning_key: the Wazo-Tenant\'s)',
      handle: async ({ params, caller }) => ({ status: 200, body: { param: { value: parameters.get(params.param_id!, caller.tenant) } } }),
    },
    {
      method: 'PUT', path: '/configure/{param_id}', acl: 'provd.configure.{param_id}.update', summary: 'Set a parameter ({"param": {"value": ...}})',
      handle: (ctx) => setParam(ctx.params.param_id!, ctx),
    },
    ...fixed,
  ];
}

import { type InstallService, type ProvdPlugin } from '@provd/sdk';
import { hostError } from '../errors';
import { idOf, withStatus, type ApiServices } from './api-services';
import { Operation } from './operations';
import type { Reply, Route, RouteContext } from './router';
import { links, monitorRoutes } from './routes-devices';
import { configureServiceOf, pluginConfigureRoutes } from './routes-plugin-configure';

const PREFIX = '/0.2';

const badRequest = (reason: string) => hostError('PROVD_HOST_BAD_REQUEST', { reason });

/** The loaded plugin `id`, else `PROVD_HOST_PLUGIN_NOT_LOADED` (404). */
function loadedPlugin(services: ApiServices, id: string): ProvdPlugin {
  const plugin = services.app.loadedPlugins().find((p) => p.id === id);
  if (!plugin) throw withStatus(hostError('PROVD_HOST_PLUGIN_NOT_LOADED', { plugin: id }), 404);
  return plugin;
}

/** The firmware-package service of loaded plugin `id`, else 404. */
function installServiceOf(services: ApiServices, id: string): InstallService {
  const service = loadedPlugin(services, id).services.install;
  if (!service) throw withStatus(badRequest(`plugin "${id}" has no firmware package service`), 404);
  return service;
}

/** Runs `task` as a new operation monitored under `resource`; answers 201 with its Location. */
function startOperation(services: ApiServices, resource: string, label: string, what: string, task: (op: Operation) => Promise<unknown>): Reply {
  const op = new Operation(label, what);
  void op.run(task).then(() => {
    if (op.error) services.log(`${what} failed: ${op.error.message}`);
  });
  return { status: 201, headers: { Location: services.monitors.add(`${PREFIX}${resource}`, op) } };
}

/** The installable plugins (from the last `update`, fetched now when there was none). */
async function installable(services: ApiServices): Promise<Record<string, Record<string, unknown>>> {
  if (!services.installable) await updateInstallable(services);
  return services.installable!;
}

async function updateInstallable(services: ApiServices): Promise<void> {
  const list = await services.app.plugins.installable();
  services.installable = Object.fromEntries(list.map(({ id, ...info }) => [id, info]));
}

/** The `/0.2/pg_mgr` routes. */
export function pluginRoutes(services: ApiServices): Route[] {
  const { app } = services;
  const installed = () => app.plugins.installed();
  const pkgId = async (ctx: RouteContext) => idOf(await ctx.body());
  return [
    {
      method: 'GET', path: '/pg_mgr', acl: 'provd.pg_mgr.read', summary: 'The plugin manager: links to its resources',
      handle: async () => links('/pg_mgr', [['srv.install', 'install'], ['pg.plugins', 'plugins'], ['pg.reload', 'reload']]),
    },
    {
      method: 'GET', path: '/pg_mgr/install', acl: 'provd.pg_mgr.install.read', summary: 'The plugin installation service: links to its resources',
      handle: async () => links('/pg_mgr/install', [
        ['srv.install.install', 'install'], ['srv.install.uninstall', 'uninstall'], ['srv.install.installed', 'installed'],
        ['srv.install.installable', 'installable'], ['srv.install.upgrade', 'upgrade'], ['srv.install.update', 'update'],
      ]),
    },
    {
      method: 'POST', path: '/pg_mgr/install/install', acl: 'provd.pg_mgr.install.install.create', summary: 'Install a plugin ({"id"}) from plugin_server: an operation in progress',
      handle: async (ctx) => {
        const id = await pkgId(ctx);
        if (id in (await installed())) throw badRequest(`plugin "${id}" is already installed (upgrade it with POST /0.2/pg_mgr/install/upgrade)`);
        if (!(id in (await installable(services)))) throw badRequest(`no installable plugin "${id}" in the plugin repository (refresh the list with POST /0.2/pg_mgr/install/update)`);
        return startOperation(services, '/pg_mgr/install/install', 'install', `install of plugin "${id}"`, () => app.installPlugin(id));
      },
    },
    ...monitorRoutes(services, '/pg_mgr/install/install/{operation_id}', 'plugin install'),
    {
      method: 'POST', path: '/pg_mgr/install/upgrade', acl: 'provd.pg_mgr.install.upgrade.create', summary: 'Upgrade an installed plugin ({"id"}) to the repository\'s version: an operation in progress',
      handle: async (ctx) => {
        const id = await pkgId(ctx);
        if (!(id in (await installed()))) throw badRequest(`plugin "${id}" is not installed (install it with POST /0.2/pg_mgr/install/install)`);
        return startOperation(services, '/pg_mgr/install/upgrade', 'upgrade', `upgrade of plugin "${id}"`, () => app.installPlugin(id));
      },
    },
    ...monitorRoutes(services, '/pg_mgr/install/upgrade/{operation_id}', 'plugin upgrade'),
    {
      method: 'POST', path: '/pg_mgr/install/update', acl: 'provd.pg_mgr.install.update.create', summary: 'Fetch the list of installable plugins from plugin_server: an operation in progress',
      handle: async (ctx) => {
        await ctx.body();
        return startOperation(services, '/pg_mgr/install/update', 'update', 'update of the installable plugins', () => updateInstallable(services));
      },
    },
    ...monitorRoutes(services, '/pg_mgr/install/update/{operation_id}', 'update'),
    {
      method: 'POST', path: '/pg_mgr/install/uninstall', acl: 'provd.pg_mgr.install.uninstall.create', summary: 'Uninstall a plugin ({"id"}); its devices are deconfigured',
      handle: async (ctx) => {
        const id = await pkgId(ctx);
        if (!(id in (await installed()))) throw badRequest(`plugin "${id}" is not installed`);
        await app.uninstallPlugin(id);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/pg_mgr/install/installed', acl: 'provd.pg_mgr.install.installed.read', summary: 'The installed plugins: {"pkgs": {id: plugin-info}}',
      handle: async () => ({ status: 200, body: { pkgs: await installed() } }),
    },
    {
      method: 'GET', path: '/pg_mgr/install/installable', acl: 'provd.pg_mgr.install.installable.read', summary: 'The installable plugins (as of the last update): {"pkgs": {id: info}}',
      handle: async () => ({ status: 200, body: { pkgs: await installable(services) } }),
    },
    {
      method: 'POST', path: '/pg_mgr/reload', acl: 'provd.pg_mgr.reload.create', summary: 'Load an installed plugin again ({"id"}) and reconfigure its devices',
      handle: async (ctx) => {
        const id = await pkgId(ctx);
        if (!(id in (await installed()))) throw badRequest(`plugin "${id}" is not installed`);
        await app.reloadPlugin(id);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/pg_mgr/plugins', acl: 'provd.pg_mgr.plugins.read', summary: 'The loaded plugins, each with its links',
      handle: async () => ({
        status: 200,
        body: { plugins: Object.fromEntries(app.loadedPlugins().map((p) => [p.id, { links: [{ rel: 'pg.plugin', href: `${PREFIX}/pg_mgr/plugins/${p.id}` }] }])) },
      }),
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}', acl: 'provd.pg_mgr.plugins.{plugin_id}.read', summary: 'A loaded plugin\'s resources',
      handle: async ({ params }) => {
        const plugin = loadedPlugin(services, params.plugin_id!);
        const entries: [string, string][] = [['pg.info', 'info']];
        if (plugin.services.install) entries.push(['srv.install', 'install']);
        if (configureServiceOf(plugin)) entries.push(['srv.configure', 'configure']);
        return links(`/pg_mgr/plugins/${plugin.id}`, entries);
      },
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/info', acl: 'provd.pg_mgr.plugins.{plugin_id}.info.read', summary: 'A loaded plugin\'s plugin-info: {"plugin_info": {...}}',
      handle: async ({ params }) => {
        const plugin = loadedPlugin(services, params.plugin_id!);
        return { status: 200, body: { plugin_info: (await installed())[plugin.id] ?? {} } };
      },
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/install', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.read', summary: 'A plugin\'s package service: links to its resources',
      handle: async ({ params }) => {
        installServiceOf(services, params.plugin_id!);
        return links(`/pg_mgr/plugins/${params.plugin_id}/install`, [
          ['srv.install.install', 'install'], ['srv.install.uninstall', 'uninstall'], ['srv.install.installed', 'installed'], ['srv.install.installable', 'installable'],
        ]);
      },
    },
    {
      method: 'POST', path: '/pg_mgr/plugins/{plugin_id}/install/install', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.install.create', summary: 'Install a firmware package ({"id"}): an operation in progress',
      handle: async (ctx) => {
        const plugin = ctx.params.plugin_id!;
        const service = installServiceOf(services, plugin);
        const pkg = await pkgId(ctx);
        if (!(pkg in (await service.installable()))) throw badRequest(`plugin "${plugin}" declares no package "${pkg}"`);
        return startOperation(services, `/pg_mgr/plugins/${plugin}/install/install`, 'install', `install of package "${pkg}" of plugin "${plugin}"`, () => service.install(pkg));
      },
    },
    ...monitorRoutes(services, '/pg_mgr/plugins/{plugin_id}/install/install/{operation_id}', 'package install'),
    {
      method: 'POST', path: '/pg_mgr/plugins/{plugin_id}/install/upgrade', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.upgrade.create', summary: 'Upgrade an installed firmware package ({"id"}): an operation in progress',
      handle: async (ctx) => {
        const plugin = ctx.params.plugin_id!;
        const service = installServiceOf(services, plugin);
        const pkg = await pkgId(ctx);
        if (!(pkg in (await service.installed()))) throw badRequest(`package "${pkg}" of plugin "${plugin}" is not installed`);
        return startOperation(services, `/pg_mgr/plugins/${plugin}/install/upgrade`, 'upgrade', `upgrade of package "${pkg}" of plugin "${plugin}"`, () => service.upgrade(pkg));
      },
    },
    ...monitorRoutes(services, '/pg_mgr/plugins/{plugin_id}/install/upgrade/{operation_id}', 'package upgrade'),
    {
      method: 'POST', path: '/pg_mgr/plugins/{plugin_id}/install/uninstall', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.uninstall.create', summary: 'Uninstall a firmware package ({"id"})',
      handle: async (ctx) => {
        const plugin = ctx.params.plugin_id!;
        const service = installServiceOf(services, plugin);
        const pkg = await pkgId(ctx);
        if (!(pkg in (await service.installed()))) throw badRequest(`package "${pkg}" of plugin "${plugin}" is not installed`);
        await service.uninstall(pkg);
        return { status: 204 };
      },
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/install/installed', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.installed.read', summary: 'A plugin\'s installed firmware packages: {"pkgs"}',
      handle: async ({ params }) => ({ status: 200, body: { pkgs: await installServiceOf(services, params.plugin_id!).installed() } }),
    },
    {
      method: 'GET', path: '/pg_mgr/plugins/{plugin_id}/install/installable', acl: 'provd.pg_mgr.plugins.{plugin_id}.install.installable.read', summary: 'A plugin\'s declared firmware packages: {"pkgs"}',
      handle: async ({ params }) => ({ status: 200, body: { pkgs: await installServiceOf(services, params.plugin_id!).installable() } }),
    },
    ...pluginConfigureRoutes(services),
  ];
}

import type { IncomingMessage } from 'node:http';
import type { Caller } from './access';

/** What a handler answers. */
export interface Reply {
  /** The HTTP status. */
  status: number;
  /** The JSON body (none for 201/204 without content). */
  body?: unknown;
  /** Extra headers (`Location`). */
  headers?: Record<string, string>;
}

/** What a handler receives. */
export interface RouteContext {
  /** The request. */
  req: IncomingMessage;
  /** The path parameters, decoded (`{device_id}` → `params.device_id`). */
  params: Record<string, string>;
  /** The query parameters. */
  query: URLSearchParams;
  /** Who calls. */
  caller: Caller;
  /** The JSON body (checked to be JSON with a JSON content type); throws otherwise. */
  body(): Promise<unknown>;
}

/** One endpoint: a method, a path template of `api.yml` (without the `/0.2` prefix), its ACL and its handler. */
export interface Route {
  /** The HTTP method. */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The path template, e.g. `/dev_mgr/devices/{device_id}`. */
  path: string;
  /** The required ACL; `{name}` is replaced by the path parameter (or `{tenant_uuid}` by the caller's tenant). */
  acl: string;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The handler. */
  handle(ctx: RouteContext): Promise<Reply>;
}

/** The result of matching a path against the route table. */
export type RouteMatch =
  | { route: Route; params: Record<string, string> }
  | { allowed: string[] }
  | undefined;

/** The segments of each route's path template, split once (the table is matched on every request). */
const templates = new WeakMap<Route, readonly string[]>();
const templateOf = (route: Route): readonly string[] => {
  let template = templates.get(route);
  if (!template) templates.set(route, (template = route.path.split('/').filter((s) => s !== '')));
  return template;
};

/**
 * Finds the route of `method` on `path` (segments already percent-decoded). A literal segment wins over a parameter
 * (`/configure/NAT` over `/configure/{param_id}`). Returns the allowed methods when the path exists with others,
 * `undefined` when it does not exist.
 */
export function matchRoute(routes: readonly Route[], method: string, segments: readonly string[]): RouteMatch {
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  const allowed = new Set<string>();
  for (const route of routes) {
    const template = templateOf(route);
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    for (let i = 0; i < template.length && ok; i++) {
      const t = template[i]!;
      if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = segments[i]!;
      else if (t === segments[i]) literals++;
      else ok = false;
    }
    if (!ok) continue;
    if (route.method !== method) {
      allowed.add(route.method);
      continue;
    }
    if (!best || literals > best.literals) best = { route, params, literals };
  }
  if (best) return { route: best.route, params: best.params };
  return allowed.size > 0 ? { allowed: [...allowed].sort() } : undefined;
}

/** The ACL `route` requires for `params` and `tenant` (`provd.dev_mgr.devices.{device_id}.read` → `...abc.read`). */
export function requiredAcl(route: Route, params: Readonly<Record<string, string>>, tenant: string): string {
  return route.acl.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'tenant_uuid' ? tenant : (params[name] ?? `{${name}}`)));
}

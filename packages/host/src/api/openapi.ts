import type { Route } from './router';

/**
 * The OpenAPI 3.1 document of the host's REST API (served at `GET /0.2/openapi.json`), built from the route table:
 * every path of the established API 0.2 with its methods, the ACL each requires and the `X-Auth-Token` scheme.
 */
export function openApiDocument(version: string, routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const entry = (paths[route.path] ??= params.length > 0 ? { parameters: params } : {});
    entry[route.method.toLowerCase()] = {
      summary: route.summary,
      description: `**Required ACL:** \`${route.acl}\``,
      'x-required-acl': route.acl,
      responses: { default: { description: 'See docs/rest-api.md; errors are {"message", "error": {"code", "message"}}' } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'provd REST API',
      version,
      description: 'The established provd REST API 0.2 (wazo-provd api.yml), served under /0.2. Every request needs an X-Auth-Token; Wazo-Tenant selects a tenant the token owns.',
    },
    servers: [{ url: '/0.2' }],
    components: { securitySchemes: { wazo_auth_token: { type: 'apiKey', name: 'X-Auth-Token', in: 'header' } } },
    security: [{ wazo_auth_token: [] }],
    paths,
  };
}

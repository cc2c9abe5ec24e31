const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } });
const errors = { '400': error('Invalid request (bad JSON, invalid document)'), '404': error('Not found') };

/** The OpenAPI 3.1 document of the host's JSON API (served at `GET /openapi.json`), for host `version`. */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
  openapi: '3.1.0',
  info: {
    title: 'provd host API',
    version,
    description: 'Manages the devices, configs and plugins of a provd host, and receives DHCP information. Errors are `{"error": {"code", "message", ...}}` with a stable `PROVD_*` code (see docs/errors.md).',
  },
  paths: {
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'The OpenAPI document', ...json({ type: 'object' }) } } } },
    '/devices': {
      get: {
        summary: 'List devices',
        parameters: ['mac', 'ip', 'plugin', 'config'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
        responses: { '200': { description: 'The devices, sorted by id', ...json({ type: 'object', properties: { devices: { type: 'array', items: ref('Device') } } }) } },
      },
      post: {
        summary: 'Create a device (configured at once when it has a loaded plugin and an existing config)',
        requestBody: { required: true, ...json({ oneOf: [ref('Device'), { type: 'object', properties: { device: ref('Device') } }] }) },
        responses: { '201': { description: 'Created', ...json({ type: 'object', properties: { device: ref('Device') } }) }, '409': error('Id already used'), ...errors },
      },
    },
    '/devices/{id}': {
      parameters: [idParam('id')],
      get: { summary: 'One device', responses: { '200': { description: 'The device', ...json({ type: 'object', properties: { device: ref('Device') } }) }, ...errors } },
      put: {
        summary: 'Replace a device (reconfigured when plugin, config, mac, uuid, vendor, model, version or options change)',
        requestBody: { required: true, ...json({ oneOf: [ref('Device'), { type: 'object', properties: { device: ref('Device') } }] }) },
        responses: { '200': { description: 'The stored device', ...json({ type: 'object', properties: { device: ref('Device') } }) }, ...errors },
      },
      delete: { summary: 'Delete a device (its files are removed)', responses: { '204': { description: 'Deleted' }, ...errors } },
    },
    '/devices/{id}/reconfigure': {
      parameters: [idParam('id')],
      post: { summary: 'Configure a device again', responses: { '200': { description: 'The device', ...json({ type: 'object', properties: { device: ref('Device') } }) }, ...errors } },
    },
    '/devices/{id}/synchronize': {
      parameters: [idParam('id')],
      post: { summary: 'Ask the phone to fetch its configuration again (SIP NOTIFY check-sync)', responses: { '204': { description: 'Sent and acknowledged' }, ...errors } },
    },
    '/configs': {
      get: { summary: 'List configs', responses: { '200': { description: 'The configs', ...json({ type: 'object', properties: { configs: { type: 'array', items: ref('Config') } } }) } } },
      post: {
        summary: 'Create a config',
        requestBody: { required: true, ...json({ oneOf: [ref('Config'), { type: 'object', properties: { config: ref('Config') } }] }) },
        responses: { '201': { description: 'Created', ...json({ type: 'object', properties: { config: ref('Config') } }) }, '409': error('Id already used'), ...errors },
      },
    },
    '/configs/{id}': {
      parameters: [idParam('id')],
      get: { summary: 'One config', responses: { '200': { description: 'The config', ...json({ type: 'object', properties: { config: ref('Config') } }) }, ...errors } },
      put: {
        summary: 'Replace a config (devices using it or a descendant are reconfigured)',
        requestBody: { required: true, ...json({ oneOf: [ref('Config'), { type: 'object', properties: { config: ref('Config') } }] }) },
        responses: { '200': { description: 'The stored config', ...json({ type: 'object', properties: { config: ref('Config') } }) }, ...errors },
      },
      delete: { summary: 'Delete a config', responses: { '204': { description: 'Deleted' }, '409': error('Not deletable'), ...errors } },
    },
    '/configs/{id}/raw': {
      parameters: [idParam('id')],
      get: { summary: 'The flattened raw config (parents and base raw config merged)', responses: { '200': { description: 'The raw config', ...json({ type: 'object', properties: { raw_config: { type: 'object' } } }) }, ...errors } },
    },
    '/plugins': {
      get: { summary: 'Installed plugins', responses: { '200': { description: 'By id', ...json({ type: 'object', properties: { plugins: { type: 'object', additionalProperties: ref('InstalledPlugin') } } }) } } },
    },
    '/plugins/installable': {
      get: { summary: 'Plugins the repository offers', responses: { '200': { description: 'Sorted by id', ...json({ type: 'object', properties: { plugins: { type: 'array', items: { type: 'object' } } } }) }, '502': error('Repository unreachable') } },
    },
    '/plugins/{id}/install': {
      parameters: [idParam('id')],
      post: { summary: 'Install or upgrade a plugin from the repository; its devices are reconfigured', responses: { '200': { description: 'Installed and loaded', ...json({ type: 'object', properties: { plugin: ref('InstalledPlugin') } }) }, ...errors, '502': error('Repository unreachable') } },
    },
    '/plugins/{id}': {
      parameters: [idParam('id')],
      delete: { summary: 'Uninstall a plugin (devices keep their records, not configured)', responses: { '204': { description: 'Uninstalled' }, ...errors } },
    },
    '/dhcp': {
      post: {
        summary: 'DHCP lease information from the DHCP server (identifies, creates and associates devices)',
        requestBody: { required: true, ...json(ref('DhcpInfo')) },
        responses: { '204': { description: 'Processed' }, ...errors },
      },
    },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, key: { type: 'string' }, device: { type: 'string' }, plugin: { type: 'string' }, file: { type: 'string' } } } },
      },
      Device: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          mac: { type: 'string', examples: ['00:0f:d3:05:48:48'] },
          ip: { type: 'string' },
          sn: { type: 'string' },
          uuid: { type: 'string' },
          vendor: { type: 'string' },
          model: { type: 'string' },
          version: { type: 'string' },
          plugin: { type: 'string' },
          config: { type: 'string' },
          configured: { type: 'boolean', readOnly: true },
          added: { type: 'string' },
          options: { type: 'object' },
          tenant_uuid: { type: 'string' },
          is_new: { type: 'boolean' },
          description: { type: 'string' },
          remote_state_sip_username: { type: 'string' },
        },
      },
      Config: {
        type: 'object',
        required: ['parent_ids', 'raw_config'],
        properties: {
          id: { type: 'string' },
          parent_ids: { type: 'array', items: { type: 'string' } },
          raw_config: { type: 'object', description: 'Validated with the SDK raw-config schema' },
          role: { enum: ['default', 'autocreate'] },
          transient: { type: 'boolean' },
          deletable: { type: 'boolean' },
          X_type: { type: 'string' },
        },
      },
      InstalledPlugin: { type: 'object', properties: { version: { type: 'string' }, description: { type: 'string' }, loaded: { type: 'boolean' } } },
      DhcpInfo: {
        type: 'object',
        required: ['dhcp_info'],
        properties: {
          dhcp_info: {
            type: 'object',
            required: ['op'],
            properties: {
              op: { enum: ['commit', 'expiry', 'release'] },
              ip: { type: 'string' },
              mac: { type: 'string' },
              options: {
                oneOf: [
                  { type: 'array', items: { type: 'string', pattern: '^\\d{3}[0-9a-fA-F]{1,2}(\\.[0-9a-fA-F]{1,2})*$' }, description: 'e.g. "060" + dot-separated hex bytes' },
                  { type: 'object', additionalProperties: { type: 'string' }, description: 'option code to latin-1 string' },
                ],
              },
            },
          },
        },
      },
    },
  },
  };
}

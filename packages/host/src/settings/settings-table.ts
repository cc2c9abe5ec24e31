/** The kind of value a setting holds; it decides how an environment variable or a flag is read. */
export type SettingType = 'string' | 'path' | 'port' | 'count' | 'boolean' | 'url' | 'enum' | 'paths' | 'map';

/** One setting of `provd serve`: its key in the YAML files, its flag, its environment variable and its rules. */
export interface SettingDefinition {
  /** The key in `config.yml` and `conf.d/*.yml` (snake case, e.g. `http_port`). */
  key: string;
  /** The value type. */
  type: SettingType;
  /** What it does (flag help and docs). */
  description: string;
  /** The default, when the setting has one. */
  default?: string | number | boolean | readonly string[];
  /** The allowed values of an `enum` setting. */
  values?: readonly string[];
  /** The value is a secret: `--check-config` masks it. */
  secret?: boolean;
  /** The setting must be given. */
  required?: boolean;
  /** The flag of the setting, or `false` for none (environment or file only). @defaultValue `--<key with dashes>` */
  flag?: string | false;
  /** The flag's value placeholder in the help (e.g. `dir`). */
  placeholder?: string;
  /** How to fix a wrong value (shown in errors). */
  fix?: string;
}

/**
 * Every setting of `provd serve`, in the order `--check-config` prints them. Each one is the key `key` in the YAML
 * files, the environment variable `PROVD_<KEY>` and, unless it has none, the flag `--<key-with-dashes>`.
 */
export const SETTINGS: readonly SettingDefinition[] = [
  { key: 'plugins_dir', type: 'path', required: true, placeholder: 'dir', description: 'Folder of installed plugins', fix: 'give the folder plugins are installed in (it is created when missing)' },
  { key: 'data_dir', type: 'path', required: true, placeholder: 'dir', description: 'Folder of devices and configs', fix: 'give the folder the host keeps devices and configs in (it is created when missing)' },
  { key: 'host', type: 'string', default: '127.0.0.1', placeholder: 'addr', description: 'Address of the provisioning HTTP, HTTPS and TFTP servers', fix: 'give an IP address of this machine, or 0.0.0.0 / :: for all of them (then set advertised_url)' },
  { key: 'http_port', type: 'port', default: 8667, placeholder: 'n', description: 'Provisioning HTTP port', fix: 'give a port number 0-65535 (0: any free port)' },
  { key: 'tftp_port', type: 'port', default: 69, placeholder: 'n', description: 'TFTP port', fix: 'give a port number 0-65535 (0: any free port)' },
  { key: 'advertised_url', type: 'url', placeholder: 'url', description: 'URL phones reach the HTTP server at (default: http://<host>:<http_port>; required when host is a wildcard address)', fix: 'give the http:// or https:// URL phones reach this host at, e.g. http://10.0.0.1:8667' },
  { key: 'trusted_proxies', type: 'count', default: 0, placeholder: 'n', description: 'Reverse proxies in front of the HTTP server, for X-Forwarded-For', fix: 'give the number of reverse proxies, 0 when phones connect directly' },
  { key: 'http_fast_path', type: 'boolean', default: true, description: "Answer plain GET and HEAD requests with provd's own HTTP/1.1 reader, every other request with Node's HTTP server (--no-http-fast-path: Node's for every request)", fix: 'use true or false' },
  { key: 'https_port', type: 'port', placeholder: 'n', description: 'Provisioning HTTPS port (off when not set; needs tls_cert and tls_key)', fix: 'give a port number 0-65535, or leave it out to serve no HTTPS' },
  { key: 'tls_cert', type: 'path', placeholder: 'file', description: 'PEM certificate (chain) of the HTTPS listener; read again on SIGHUP', fix: 'give the PEM file of the certificate, leaf first' },
  { key: 'tls_key', type: 'path', placeholder: 'file', description: 'PEM private key of the HTTPS listener; read again on SIGHUP', fix: 'give the PEM file of the private key matching tls_cert' },
  { key: 'tls_client_ca', type: 'path', placeholder: 'file', description: 'PEM CA certificates that phone client certificates are verified against', fix: 'give the PEM file of the CA that signed the phones\' certificates' },
  { key: 'tls_client_cert', type: 'enum', values: ['off', 'request', 'require'], default: 'off', placeholder: 'mode', description: 'Client certificates: off, request (verified when presented) or require', fix: 'use "off", "request" or "require" (request and require need tls_client_ca)' },
  { key: 'api_host', type: 'string', default: '127.0.0.1', placeholder: 'addr', description: 'Address of the REST API', fix: 'give an IP address of this machine' },
  { key: 'api_port', type: 'port', default: 8666, placeholder: 'n', description: 'REST API port', fix: 'give a port number 0-65535 (0: any free port)' },
  { key: 'api_tokens', type: 'path', placeholder: 'file', description: 'JSON file of API tokens, their tenants and ACLs (docs/rest-api.md)', fix: 'give the tokens file docs/rest-api.md describes' },
  { key: 'api_token', type: 'string', secret: true, flag: false, description: 'One API token holding every ACL in the top tenant (file or PROVD_API_TOKEN only)', fix: 'give a token of letters and digits' },
  { key: 'api_insecure_loopback', type: 'boolean', default: false, description: 'API requests from loopback without a token act with every ACL (development only)', fix: 'use true or false' },
  { key: 'api_allowed_hosts', type: 'paths', default: [], placeholder: 'name', flag: '--api-allowed-host', description: 'A host name the API answers to, besides IP addresses and localhost (repeatable)', fix: 'give a list of host names' },
  { key: 'ops_host', type: 'string', default: '127.0.0.1', placeholder: 'addr', description: 'Address of the health and metrics listener (/health, /ready, /metrics)', fix: 'give an IP address of this machine' },
  { key: 'ops_port', type: 'port', default: 8668, placeholder: 'n', description: 'Port of the health and metrics listener', fix: 'give a port number 0-65535 (0: any free port)' },
  { key: 'store', type: 'enum', values: ['sqlite', 'postgres'], placeholder: 'engine', description: 'Where devices and configs live: sqlite (provd.db in the data folder) or postgres, shared by several hosts (default: sqlite, or postgres with store_url)', fix: 'use "sqlite" or "postgres"' },
  { key: 'store_url', type: 'url', secret: true, placeholder: 'url', description: 'PostgreSQL URL shared by several hosts, e.g. postgres://provd@db/provd (its password is masked by --check-config)', fix: 'give a postgres:// URL, e.g. postgres://provd:secret@db.example.org/provd' },
  { key: 'repo', type: 'string', placeholder: 'url-or-dir', description: 'Plugin repository to install from', fix: 'give an http(s):// URL or a folder holding plugins.db' },
  { key: 'trusted_keys', type: 'paths', default: [], placeholder: 'file', flag: '--trusted-key', description: 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)', fix: 'give a list of PEM public key files' },
  { key: 'base_raw_config', type: 'path', placeholder: 'file', description: 'JSON file of the base raw config every config inherits', fix: 'give a JSON file holding one raw config object' },
  { key: 'auto_create', type: 'boolean', default: true, description: 'Create a device for every unknown requester (--no-auto-create: do not)', fix: 'use true or false' },
  { key: 'sync', type: 'enum', values: ['sip-udp', 'asterisk-ami', 'none'], default: 'sip-udp', placeholder: 'type', description: 'How phones are synchronized: sip-udp, asterisk-ami or none', fix: 'use "sip-udp", "asterisk-ami" or "none"' },
  { key: 'sip_port', type: 'port', default: 5060, placeholder: 'n', description: 'SIP port of the phones', fix: 'give a port number 1-65535' },
  { key: 'ami_host', type: 'string', default: '127.0.0.1', placeholder: 'addr', description: 'Asterisk manager interface host, for sync asterisk-ami', fix: 'give the host name or address of Asterisk' },
  { key: 'ami_port', type: 'port', default: 5038, placeholder: 'n', description: 'Asterisk manager interface port', fix: 'give a port number 1-65535' },
  { key: 'ami_user', type: 'string', placeholder: 'user', description: 'Asterisk manager user, for sync asterisk-ami', fix: 'give the manager user of manager.conf' },
  { key: 'ami_secret', type: 'string', secret: true, flag: false, description: 'Asterisk manager secret (file or PROVD_AMI_SECRET only)', fix: 'give the secret of the manager user' },
  { key: 'url_keys', type: 'map', secret: true, placeholder: 'tenant=key', flag: '--url-key', description: 'URL-key mode: phones of TENANT fetch /KEY/... (repeatable)', fix: 'map each tenant to a key of 8-256 letters, digits, "-", "$", "~" or "."' },
  { key: 'url_key_mode', type: 'boolean', default: false, description: 'URL-key mode with the provisioning keys set through the API (provisioning_key)', fix: 'use true or false' },
  { key: 'sensitive_limit', type: 'count', default: 10, placeholder: 'n', description: 'Sensitive files unknown devices may request per client IP and minute (0: no limit)', fix: 'give a whole number of requests per minute, 0 for no limit' },
  { key: 'nat', type: 'boolean', default: false, description: 'Phones sit behind NAT: several devices may share an IP, none takes it from the others', fix: 'use true or false' },
  { key: 'trust_request_ip', type: 'boolean', default: false, description: 'Let unauthenticated HTTP/TFTP requests move a known device\'s IP (and read its sensitive files from anywhere): the established host\'s behaviour', fix: 'use true or false' },
  { key: 'sensitive_over_tftp', type: 'boolean', default: false, description: 'In URL-key mode, also serve sensitive files over TFTP (unauthenticated) to the device\'s own IP', fix: 'use true or false' },
  { key: 'download_deadline', type: 'count', default: 120, placeholder: 's', description: 'Seconds a plugin install may spend fetching from the repository', fix: 'give a whole number of seconds' },
  { key: 'log_level', type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', placeholder: 'level', description: 'Lowest level logged: fatal, error, warn, info, debug, trace or silent', fix: 'use fatal, error, warn, info, debug, trace or silent' },
  { key: 'log_file', type: 'path', placeholder: 'file', description: 'File the JSON log lines are appended to (default: stderr); reopened on SIGHUP', fix: 'give a file the host may append to' },
  { key: 'access_log', type: 'boolean', default: true, description: 'Log one line per phone request (--no-access-log: do not)', fix: 'use true or false' },
  { key: 'security_log', type: 'path', placeholder: 'file', description: 'File the fail2ban security lines are appended to (default: the JSON log); reopened on SIGHUP', fix: 'give a file the host may append to' },
  { key: 'shutdown_timeout', type: 'count', default: 10, placeholder: 's', description: 'Seconds SIGTERM/SIGINT wait for requests in flight before closing them', fix: 'give a whole number of seconds' },
];

/** The setting `key`, if there is one. */
export function settingDefinition(key: string): SettingDefinition | undefined {
  return SETTINGS.find((s) => s.key === key);
}

/** The environment variable of a setting: `PROVD_` and the key in capitals (`http_port` → `PROVD_HTTP_PORT`). */
export function settingEnvName(key: string): string {
  return `PROVD_${key.toUpperCase()}`;
}

/** The flag of a setting (`http_port` → `--http-port`), or `undefined` when it has none. */
export function settingFlagName(setting: SettingDefinition): string | undefined {
  if (setting.flag === false) return undefined;
  return setting.flag ?? `--${setting.key.replaceAll('_', '-')}`;
}

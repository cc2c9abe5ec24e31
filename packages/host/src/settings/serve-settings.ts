/** The effective settings of `provd serve`, after files, environment and flags are merged and checked. */
export interface ServeSettings {
  /** Folder of installed plugins. */
  plugins_dir: string;
  /** Folder of devices and configs. */
  data_dir: string;
  /** Address of the provisioning HTTP, HTTPS and TFTP servers. */
  host: string;
  /** Provisioning HTTP port. */
  http_port: number;
  /** TFTP port. */
  tftp_port: number;
  /** URL phones reach the HTTP server at. */
  advertised_url?: string;
  /** Reverse proxies in front of the HTTP server. */
  trusted_proxies: number;
  /** Provisioning HTTPS port; no HTTPS when absent. */
  https_port?: number;
  /** PEM certificate file of the HTTPS listener. */
  tls_cert?: string;
  /** PEM key file of the HTTPS listener. */
  tls_key?: string;
  /** PEM CA file phone certificates are verified against. */
  tls_client_ca?: string;
  /** Client certificate mode. */
  tls_client_cert: 'off' | 'request' | 'require';
  /** Address of the REST API. */
  api_host: string;
  /** REST API port. */
  api_port: number;
  /** The API tokens file. */
  api_tokens?: string;
  /** One API token with every ACL. */
  api_token?: string;
  /** Loopback API requests without a token get every ACL. */
  api_insecure_loopback: boolean;
  /** Host names the API answers to. */
  api_allowed_hosts: string[];
  /** URL-key mode with keys set through the API. */
  url_key_mode: boolean;
  /** Address of the health and metrics listener. */
  ops_host: string;
  /** Port of the health and metrics listener. */
  ops_port: number;
  /** The store engine (sqlite unless postgres, or store_url, is given). */
  store?: 'sqlite' | 'postgres';
  /** PostgreSQL URL of the shared store. */
  store_url?: string;
  /** Plugin repository. */
  repo?: string;
  /** Ed25519 public key files. */
  trusted_keys: string[];
  /** JSON file of the base raw config. */
  base_raw_config?: string;
  /** Create devices for unknown requesters. */
  auto_create: boolean;
  /** How phones are synchronized. */
  sync: 'sip-udp' | 'asterisk-ami' | 'none';
  /** SIP port of the phones. */
  sip_port: number;
  /** Asterisk manager host. */
  ami_host: string;
  /** Asterisk manager port. */
  ami_port: number;
  /** Asterisk manager user. */
  ami_user?: string;
  /** Asterisk manager secret. */
  ami_secret?: string;
  /** URL-key mode: tenant → key. */
  url_keys: Record<string, string>;
  /** Sensitive files per unknown client IP and minute. */
  sensitive_limit: number;
  /** Phones behind NAT share IPs. */
  nat: boolean;
  /** Unauthenticated requests may move a known device's IP. */
  trust_request_ip: boolean;
  /** URL-key mode also serves sensitive files over TFTP to the device's own IP. */
  sensitive_over_tftp: boolean;
  /** Seconds a plugin install may spend fetching from the repository. */
  download_deadline: number;
  /** Lowest level logged. */
  log_level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** File of the JSON log; stderr when absent. */
  log_file?: string;
  /** One log line per phone request. */
  access_log: boolean;
  /** Plain GET and HEAD requests answered by provd's own HTTP/1.1 reader. */
  http_fast_path: boolean;
  /** File of the security lines; the JSON log when absent. */
  security_log?: string;
  /** Seconds a stop waits for requests in flight. */
  shutdown_timeout: number;
}

/**
 * `provd serve --plugins-dir DIR --data-dir DIR [--http-port N] [--tftp-port N] [--host ADDR] [--repo URL_OR_DIR]`:
 * runs the provisioning host (specs/cli.md) until SIGINT or SIGTERM.
 */

import { startHost } from '../../app/serve-host';
import { VERSION } from '../../index';
import type { CliCommand } from '../command';
import { STORE_FLAG_HELP, storeLocation, type StoreFlags } from '../store-options';
import { writeJson } from '../command';
import { deadlineOption, repeatedOption } from '../read-json';
import { readTrustedKeys } from '../../repository/index';
import { hostError } from '../../errors';

interface ServeOptions extends StoreFlags {
  pluginsDir?: string;
  dataDir?: string;
  httpPort?: string | number;
  tftpPort?: string | number;
  apiPort?: string | number;
  host?: string;
  apiHost?: string;
  repo?: string;
  trustedKey?: unknown;
  advertisedUrl?: string;
  baseRawConfig?: string;
  trustedProxies?: string | number;
  autoCreate?: boolean;
  sync?: string;
  sipPort?: string | number;
  amiHost?: string;
  amiPort?: string | number;
  amiUser?: string;
  securityLog?: string;
  sensitiveLimit?: string | number;
  urlKey?: string | string[];
  urlKeyMode?: boolean;
  apiTokens?: string;
  apiInsecureLoopback?: boolean;
  apiAllowedHost?: string | string[];
  nat?: boolean;
  trustRequestIp?: boolean;
  sensitiveOverTftp?: boolean;
  downloadDeadline?: unknown;
  json?: boolean;
}

const KEY = /^[A-Za-z0-9\-$~.]{8,256}$/;

/** Reads the `--url-key TENANT=KEY` options into `tenant → key`. */
function urlKeys(values: string | string[] | undefined): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const value of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    const at = String(value).indexOf('=');
    const tenant = String(value).slice(0, at);
    const key = String(value).slice(at + 1);
    if (at <= 0 || !KEY.test(key)) {
      throw hostError('PROVD_CLI_USAGE', { problem: `--url-key must be TENANT=KEY with a key of 8-256 letters, digits, "-", "$", "~" or "." (received "${value}")` });
    }
    if (Object.values(keys).includes(key)) throw hostError('PROVD_CLI_USAGE', { problem: `--url-key: the key of "${tenant}" is already another tenant's` });
    keys[tenant] = key;
  }
  return keys;
}

/** Reads `--sensitive-limit N`: a whole number, 0 turning the limit off. */
function sensitiveLimit(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (String(value).trim() === '' || !Number.isSafeInteger(n) || n < 0) {
    throw hostError('PROVD_CLI_USAGE', { problem: `--sensitive-limit must be a whole number of requests per minute, 0 for no limit (received "${value}")` });
  }
  return n;
}

function port(value: string | number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw hostError('PROVD_CLI_USAGE', { problem: `${option} must be a port number 0-65535 (received "${value}")` });
  return n;
}

/** Waits for SIGINT or SIGTERM. */
function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** The `provd serve` command. */
export const serveCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('serve', 'Run the provisioning host: HTTP and TFTP for phones, device identification, JSON API')
      .option('--plugins-dir <dir>', 'Folder of installed plugins')
      .option('--data-dir <dir>', 'Folder of devices and configs')
      .option('--host <addr>', 'Address of the HTTP and TFTP servers (default: 127.0.0.1)')
      .option('--http-port <n>', 'Provisioning HTTP port (default: 8667)')
      .option('--tftp-port <n>', 'TFTP port (default: 69)')
      .option('--api-host <addr>', 'Address of the JSON API (default: 127.0.0.1)')
      .option('--api-port <n>', 'JSON API port (default: 8666)')
      .option('--repo <url-or-dir>', 'Plugin repository to install from')
      .option('--trusted-key <file>', 'An Ed25519 public key (PEM); plugins.db must be signed by one (repeatable)')
      .option('--advertised-url <url>', 'URL phones reach the HTTP server at (default: http://<host>:<http port>)')
      .option('--base-raw-config <file>', 'JSON file of the base raw config')
      .option('--trusted-proxies <n>', 'Reverse proxies in front of the HTTP server, for X-Forwarded-For (default: 0)')
      .option('--no-auto-create', 'Do not create devices for unknown requesters')
      .option('--sync <type>', 'How phones are synchronized: sip-udp, asterisk-ami or none (default: sip-udp)')
      .option('--sip-port <n>', 'SIP port of the phones (default: 5060)')
      .option('--ami-host <addr>', 'Asterisk manager interface host, for --sync asterisk-ami (default: 127.0.0.1)')
      .option('--ami-port <n>', 'Asterisk manager interface port (default: 5038)')
      .option('--ami-user <user>', 'Asterisk manager user; the secret comes from PROVD_AMI_SECRET')
      .option('--url-key <tenant=key>', 'URL-key mode: phones of TENANT fetch /KEY/... (repeatable)')
      .option('--url-key-mode', 'URL-key mode with the provisioning keys set through the API (provisioning_key)')
      .option('--api-tokens <file>', 'JSON file of API tokens, their tenants and ACLs (docs/rest-api.md); PROVD_API_TOKEN adds one with every ACL')
      .option('--api-insecure-loopback', 'Let API requests from loopback without a token act with every ACL (development only)')
      .option('--api-allowed-host <name>', 'A host name the API answers to, besides IP addresses and localhost (repeatable)')
      .option('--security-log <file>', 'File the security lines are appended to (for fail2ban)')
      .option('--sensitive-limit <n>', 'Sensitive-file requests (misses, and hits from elsewhere than the device\'s IP) per client IP and minute, 0: no limit (default: 10)')
      .option(STORE_FLAG_HELP[0]![0], STORE_FLAG_HELP[0]![1])
      .option(STORE_FLAG_HELP[1]![0], STORE_FLAG_HELP[1]![1])
      .option('--nat', 'Phones sit behind NAT: several devices may share an IP, none takes it from the others')
      .option('--trust-request-ip', 'Let unauthenticated HTTP/TFTP requests move a known device\'s IP (and read its sensitive files from anywhere)')
      .option('--sensitive-over-tftp', 'In URL-key mode, also serve sensitive files over TFTP (unauthenticated) to the device\'s own IP')
      .option('--download-deadline <seconds>', 'The most a plugin install may spend fetching from the repository (default: 120)')
      .option('--json', 'Print {"http","tftp","api"} ports as one JSON document once listening')
      .action(async (options: ServeOptions) => {
        if (!options.pluginsDir) throw hostError('PROVD_CLI_USAGE', { problem: 'missing --plugins-dir DIR' });
        if (!options.dataDir) throw hostError('PROVD_CLI_USAGE', { problem: 'missing --data-dir DIR' });
        if (options.sync !== undefined && !['sip-udp', 'asterisk-ami', 'none'].includes(options.sync)) {
          throw hostError('PROVD_CLI_USAGE', { problem: `--sync must be "sip-udp", "asterisk-ami" or "none" (received "${options.sync}")` });
        }
        if (options.sync === 'asterisk-ami' && (!options.amiUser || !process.env.PROVD_AMI_SECRET)) {
          throw hostError('PROVD_CLI_USAGE', { problem: '--sync asterisk-ami needs --ami-user USER and the secret in the PROVD_AMI_SECRET environment variable' });
        }
        const log = (line: string) => io.stderr.write(`provd: ${line}\n`);
        const running = await startHost({
          pluginsDir: options.pluginsDir,
          dataDir: options.dataDir,
          store: storeLocation(options, options.dataDir),
          repo: options.repo,
          trustedKeys: await readTrustedKeys(repeatedOption(options.trustedKey, '--trusted-key FILE')),
          host: options.host,
          httpPort: port(options.httpPort, '--http-port', 8667),
          tftpPort: port(options.tftpPort, '--tftp-port', 69),
          apiHost: options.apiHost,
          apiPort: port(options.apiPort, '--api-port', 8666),
          advertisedUrl: options.advertisedUrl,
          baseRawConfigFile: options.baseRawConfig,
          trustedProxies: port(options.trustedProxies, '--trusted-proxies', 0),
          autoCreate: options.autoCreate !== false,
          sync: options.sync as 'sip-udp' | 'asterisk-ami' | 'none' | undefined,
          sipPort: port(options.sipPort, '--sip-port', 5060),
          ami: {
            host: options.amiHost,
            port: port(options.amiPort, '--ami-port', 5038),
            username: options.amiUser ?? '',
            secret: process.env.PROVD_AMI_SECRET ?? '',
          },
          securityLog: options.securityLog,
          sensitiveLimit: sensitiveLimit(options.sensitiveLimit),
          urlKeys: urlKeys(options.urlKey),
          urlKeyMode: options.urlKeyMode === true,
          apiTokensFile: options.apiTokens,
          apiToken: process.env.PROVD_API_TOKEN || undefined,
          apiInsecureLoopback: options.apiInsecureLoopback === true,
          apiAllowedHosts: options.apiAllowedHost === undefined ? undefined : ([] as string[]).concat(options.apiAllowedHost).map(String),
          nat: options.nat === true,
          trustRequestIp: options.trustRequestIp === true,
          sensitiveOverTftp: options.sensitiveOverTftp === true,
          downloadDeadlineMs: deadlineOption(options.downloadDeadline),
          log,
          version: VERSION,
        });
        const { http, tftp, api } = running.ports;
        if (options.json) writeJson(io, { http, tftp, api });
        else log(`serving HTTP on port ${http}, TFTP on port ${tftp}, API on port ${api}`);
        const signal = await stopSignal();
        log(`${signal}: stopping`);
        await running.close();
      });
  },
};

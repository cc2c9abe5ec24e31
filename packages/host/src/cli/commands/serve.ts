/**
 * `provd serve [--config FILE] [--check-config] [--<setting> VALUE...]`: runs the provisioning host (specs/cli.md)
 * until SIGINT or SIGTERM. Settings come from the YAML file and its `conf.d/`, then `PROVD_<KEY>` variables, then
 * flags (see `src/settings/`).
 */
import type { CAC } from 'cac';
import { applyServeV8Flags } from '../../app/serve-v8-flags';
import { startHost } from '../../app/serve-host';
import { VERSION } from '../../index';
import { createHostLogger } from '../../log/index';
import { formatSettings, maskedSettings, prepareStartup, resolveSettings, SETTINGS, settingEnvName, settingFlagName, type ResolvedSettings } from '../../settings/index';
import type { CliCommand, CliIo } from '../command';
import { writeJson } from '../command';
import { runUntilStopped } from '../run-until-stopped';

/** Declares one flag per setting that has one; cac's own defaults stay unset so a flag not given does not override. */
function declareSettingFlags(command: ReturnType<CAC['command']>): void {
  for (const setting of SETTINGS) {
    const flag = settingFlagName(setting);
    if (!flag) continue;
    const env = settingEnvName(setting.key);
    const shown = setting.default === undefined || (Array.isArray(setting.default) && setting.default.length === 0) ? '' : ` (default: ${String(setting.default)})`;
    if (setting.type === 'boolean') {
      command.option(flag, `${setting.description}${shown}; ${env}`);
      command.option(flag.replace(/^--/, '--no-'), `Turn ${setting.key} off`);
      for (const option of command.options.slice(-2)) option.config.default = undefined;
    } else {
      command.option(`${flag} <${setting.placeholder ?? 'value'}>`, `${setting.description}${shown}; ${env}`);
    }
  }
}

/** Reads the settings of a `provd serve` run and the files they name; throws before anything binds. */
async function loadSettings(options: Record<string, unknown>): Promise<{ resolved: ResolvedSettings; files: Awaited<ReturnType<typeof prepareStartup>> }> {
  const configFile = typeof options.config === 'string' ? options.config : process.env.PROVD_CONFIG || undefined;
  const resolved = await resolveSettings({ configFile, env: process.env, flags: options });
  return { resolved, files: await prepareStartup(resolved) };
}

async function serve(options: Record<string, unknown>, io: CliIo): Promise<void> {
  const { resolved, files } = await loadSettings(options);
  const s = resolved.settings;
  if (options.checkConfig) {
    // the effective settings as one JSON document on stdout; where each came from, for a person, on stderr
    writeJson(io, maskedSettings(resolved));
    io.stderr.write(formatSettings(resolved).replace(/^/gm, 'provd: '));
    return;
  }
  const logs = createHostLogger({ level: s.log_level, file: s.log_file, securityFile: s.security_log, stream: io.stderr });
  applyServeV8Flags();
  await runUntilStopped({
    logs,
    shutdownTimeoutMs: s.shutdown_timeout * 1000,
    start: () =>
      startHost({
        pluginsDir: s.plugins_dir,
        dataDir: s.data_dir,
        store: s.store_url !== undefined && s.store !== 'sqlite' ? { engine: 'postgres', url: s.store_url } : { engine: 'sqlite', dataDir: s.data_dir },
        repo: s.repo,
        trustedKeys: files.trustedKeys,
        host: s.host,
        httpPort: s.http_port,
        tftpPort: s.tftp_port,
        apiHost: s.api_host,
        apiPort: s.api_port,
        advertisedUrl: s.advertised_url,
        baseRawConfig: files.baseRawConfig,
        trustedProxies: s.trusted_proxies,
        autoCreate: s.auto_create,
        sync: s.sync,
        sipPort: s.sip_port,
        ami: { host: s.ami_host, port: s.ami_port, username: s.ami_user ?? '', secret: s.ami_secret ?? '' },
        urlKeys: s.url_keys,
        urlKeyMode: s.url_key_mode,
        apiTokensFile: s.api_tokens,
        apiToken: s.api_token,
        apiInsecureLoopback: s.api_insecure_loopback,
        apiAllowedHosts: s.api_allowed_hosts,
        sensitiveLimit: s.sensitive_limit,
        nat: s.nat,
        trustRequestIp: s.trust_request_ip,
        sensitiveOverTftp: s.sensitive_over_tftp,
        downloadDeadlineMs: s.download_deadline * 1000,
        https: s.https_port === undefined || !files.tls ? undefined : { port: s.https_port, tls: files.tls, clientCert: s.tls_client_cert },
        ops: { host: s.ops_host, port: s.ops_port },
        accessLog: s.access_log,
        httpFastPath: s.http_fast_path,
        logger: logs,
        version: VERSION,
      }),
    onListening: (ports) => {
      if (options.json) writeJson(io, ports);
      else logs.log.info({ ports }, `serving HTTP on port ${ports.http}, TFTP on port ${ports.tftp}, API on port ${ports.api}, health and metrics on port ${ports.ops}${ports.https === undefined ? '' : `, HTTPS on port ${ports.https}`}${s.http_fast_path ? '' : ' (HTTP fast path off: http_fast_path is false)'}`);
    },
  });
}

/** The `provd serve` command. */
export const serveCommand: CliCommand = {
  register(cli, io) {
    const command = cli
      .command('serve', 'Run the provisioning host: HTTP, HTTPS and TFTP for phones, device identification, REST API, health and metrics')
      .option('--config <file>', 'YAML settings file; its conf.d/*.yml are read after it, in name order; PROVD_CONFIG')
      .option('--check-config', 'Print the effective settings as JSON (secrets masked; where each came from on stderr), and exit');
    declareSettingFlags(command);
    command
      .option('--json', 'Print {"http","tftp","api","ops","https"} ports as one JSON document once listening')
      .example('provd serve --config /etc/provd/config.yml')
      .example('provd serve --plugins-dir /var/lib/provd/plugins --data-dir /var/lib/provd/data --host 10.0.0.1')
      .action((options: Record<string, unknown>) => serve(options, io));
  },
};

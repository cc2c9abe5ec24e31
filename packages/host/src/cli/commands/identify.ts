import { normIp, normMac, type DevInfo } from '@provd/sdk';
import { identifyRequest, type IdentifyPlugin, type TypedRequest } from '../../identification/index';
import { openPlugin, type OpenedPlugin } from '../../plugins/index';
import { writeJson, type CliCommand, type CliIo } from '../command';
import { optionalOption, usageError } from '../read-json';

interface IdentifyFlags {
  dhcpVci?: unknown;
  httpPath?: unknown;
  tftpFile?: unknown;
  userAgent?: unknown;
  ip?: unknown;
  mac?: unknown;
  json?: boolean;
}

/** Builds the request a host would receive from the command's options; `extra` is what the host knows otherwise. */
function requestOf(flags: IdentifyFlags): { typed: TypedRequest; extra: DevInfo } {
  const vci = optionalOption(flags.dhcpVci, '--dhcp-vci STRING');
  const path = optionalOption(flags.httpPath, '--http-path PATH');
  const file = optionalOption(flags.tftpFile, '--tftp-file NAME');
  if ([vci, path, file].filter((v) => v !== undefined).length !== 1) usageError('give exactly one of --dhcp-vci STRING, --http-path PATH and --tftp-file NAME');
  const ipText = optionalOption(flags.ip, '--ip IP');
  const macText = optionalOption(flags.mac, '--mac MAC');
  const ip = ipText === undefined ? '' : normIp(ipText, { key: '--ip' });
  const mac = macText === undefined ? undefined : normMac(macText, { key: '--mac' });
  if (vci !== undefined) return { typed: { type: 'dhcp', request: { ip, mac: mac ?? '', options: { 60: vci } } }, extra: {} };
  const extra: DevInfo = mac === undefined ? {} : { mac };
  if (path !== undefined) {
    const userAgent = optionalOption(flags.userAgent, '--user-agent UA');
    const headers = userAgent === undefined ? {} : { 'user-agent': userAgent };
    return { typed: { type: 'http', request: { path, headers, clientIp: ip, method: 'GET' } }, extra };
  }
  return { typed: { type: 'tftp', request: { filename: file as string, mode: 'octet', options: {}, address: { ip, port: 69 } } }, extra };
}

async function openAll(paths: readonly string[]): Promise<OpenedPlugin[]> {
  const opened: OpenedPlugin[] = [];
  try {
    for (const path of paths) {
      const plugin = await openPlugin(path);
      opened.push(plugin);
      if (opened.some((p) => p !== plugin && p.id === plugin.id)) usageError(`plugin "${plugin.id}" is given twice`);
    }
    return opened;
  } catch (err) {
    await Promise.allSettled(opened.map((p) => p.dispose()));
    throw err;
  }
}

function printText(io: CliIo, result: Awaited<ReturnType<typeof identifyRequest>>): void {
  for (const [key, value] of Object.entries(result.devInfo)) io.stdout.write(`${key}: ${String(value)}\n`);
  for (const [id, score] of Object.entries(result.scores)) io.stdout.write(`score ${id}: ${score}\n`);
  io.stdout.write(`plugin: ${result.plugin ?? '(none)'}\n`);
}

/**
 * `provd identify <PLUGIN>... (--dhcp-vci STRING | --http-path PATH | --tftp-file NAME) [--user-agent UA] [--ip IP]
 * [--mac MAC] [--json]` (cli.md). `--mac` is the lease's MAC for DHCP; for HTTP and TFTP it is what the host knows
 * from elsewhere and is merged last.
 */
export const identifyCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('identify <...plugins>', 'Run the identification pipeline of plugins (tarballs or folders) on one request')
      .option('--dhcp-vci <string>', 'A DHCP request with this vendor class identifier (option 60)')
      .option('--http-path <path>', 'An HTTP request for this path')
      .option('--tftp-file <name>', 'A TFTP read request for this file')
      .option('--user-agent <ua>', 'The User-Agent header of the HTTP request')
      .option('--ip <ip>', 'The client IP address')
      .option('--mac <mac>', 'The client MAC address (the lease MAC for DHCP)')
      .option('--json', 'Print {"devInfo", "scores", "plugin"} as JSON')
      .example('provd identify dist/repo/digium-2.8.1-1.2.0.tar.gz --dhcp-vci digium_D40_1_4_0_0 --json')
      .action(async (plugins: string[], flags: IdentifyFlags) => {
        const { typed, extra } = requestOf(flags);
        const opened = await openAll(plugins.map(String));
        try {
          const candidates: IdentifyPlugin[] = opened.map(({ id, plugin }) => ({ id, plugin }));
          const result = await identifyRequest(candidates, typed, extra);
          for (const failure of result.failures) io.stderr.write(`provd: warning: ${failure.code}: ${failure.message}\n`);
          if (flags.json) writeJson(io, { devInfo: result.devInfo, scores: result.scores, plugin: result.plugin });
          else printText(io, result);
        } finally {
          await Promise.allSettled(opened.map((p) => p.dispose()));
        }
      });
  },
};

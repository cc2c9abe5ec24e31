import { createProvdError, type Device, type RawConfig } from '@provd/sdk';
import { renderPlugin } from '../../render/index';
import { toRenderDevice } from '../../render/render-device';
import { writeJson, type CliCommand } from '../command';
import { createProgress } from '../progress';
import { optionalOption, readJsonFile, requiredOption, usageError } from '../read-json';
import { hostError } from '../../errors';

interface RenderFlags {
  device?: unknown;
  devices?: unknown;
  config?: unknown;
  out?: unknown;
  json?: boolean;
  concurrency?: unknown;
}

async function readDevices(flags: RenderFlags): Promise<Device[]> {
  const one = optionalOption(flags.device, '--device FILE');
  const many = optionalOption(flags.devices, '--devices FILE');
  if ((one === undefined) === (many === undefined)) usageError('give exactly one of --device FILE and --devices FILE');
  if (one !== undefined) return [toRenderDevice(await readJsonFile(one), one, '$')];
  const file = many as string;
  const list = await readJsonFile(file);
  if (!Array.isArray(list)) {
    throw hostError('PROVD_CLI_INVALID_DEVICE', { file, key: '$', errors: ['--devices needs a JSON array of devices (use --device for one device)'] });
  }
  return list.map((value, index) => toRenderDevice(value, file, `$[${index}]`));
}

/** `provd render <PLUGIN> (--device FILE | --devices FILE) --config FILE --out DIR [--json]` (cli.md). */
export const renderCommand: CliCommand = {
  register(cli, io) {
    cli
      .command('render <plugin>', 'Configure devices with a plugin (tarball or folder) and write their files to a folder')
      .option('--device <file>', 'A JSON device: mac, vendor, model, optional version, ip')
      .option('--devices <file>', 'A JSON array of devices, for bulk generation')
      .option('--config <file>', 'The flattened raw config (JSON object) every device is configured with')
      .option('--out <dir>', 'Where the files go, at their path relative to the plugin tftpboot folder')
      .option('--concurrency <n>', 'How many devices are configured at once (default 64)')
      .option('--json', 'Print {"devices", "files", "seconds"} as JSON')
      .example('provd render dist/repo/digium-2.8.1-1.2.0.tar.gz --device d40.json --config config.json --out out')
      .action(async (plugin: string, flags: RenderFlags) => {
        const configFile = requiredOption(flags.config, '--config FILE');
        const outDir = requiredOption(flags.out, '--out DIR');
        const concurrency = flags.concurrency === undefined ? undefined : Number(requiredOption(flags.concurrency, '--concurrency N'));
        if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) usageError('--concurrency must be a positive integer');
        const devices = await readDevices(flags);
        const rawConfig = await readJsonFile(configFile);
        if (typeof rawConfig !== 'object' || rawConfig === null || Array.isArray(rawConfig)) {
          throw createProvdError('PROVD_INVALID_RAW_CONFIG', { errors: [`${configFile}: must hold a JSON object (a flattened raw config)`] });
        }
        const progress = createProgress(io, 'configuring');
        const result = await renderPlugin({
          plugin,
          devices,
          rawConfig: rawConfig as RawConfig,
          outDir,
          concurrency,
          onProgress: (done, total) => progress.update(done, total),
        }).finally(() => progress.done());
        if (flags.json) writeJson(io, { devices: result.devices, files: result.files, seconds: result.seconds });
        else io.stdout.write(`rendered ${result.devices} device(s): ${result.files.length} file(s) in ${outDir} (${result.seconds.toFixed(2)} s)\n`);
      });
  },
};

/**
 * What the family file derives for each Digium plugin from the model and firmware tables of `common/models.ts`, so
 * that no version keeps a copy of them by hand: the `plugin-info` (capabilities and descriptions) and the firmware
 * list template `templates/firmware.tpl`.
 */
import { capabilitiesOf } from '@provd/build';
import type { PluginInfo } from '@provd/sdk';
import { DIGIUM_LINES, DIGIUM_VENDOR, type DigiumFirmware } from './common/models';

/** `A, B and C` (English) or `A, B et C` (French). */
function listOf(items: readonly string[], and: string): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}

/** The source folder of a firmware version: `v` and the version with `_` (`v1_4_0_0`). */
export function versionDir(firmware: DigiumFirmware): string {
  return `v${firmware.version.replace(/\./g, '_')}`;
}

/** The `plugin-info` of the plugin of `firmware`: every model a desk phone with its lines and a backup proxy. */
export function digiumPluginInfo(firmware: DigiumFirmware): PluginInfo {
  const models = `${DIGIUM_VENDOR} ${listOf(firmware.models, 'and')}`;
  return {
    version: firmware.pluginVersion,
    description: `${models} SIP desk phones running firmware ${firmware.version}.`,
    description_fr: `Téléphones de bureau SIP ${DIGIUM_VENDOR} ${listOf(firmware.models, 'et')} avec le micrologiciel ${firmware.version}.`,
    sdk: '^0.1.0',
    capabilities: capabilitiesOf({
      vendor: DIGIUM_VENDOR,
      version: firmware.version,
      models: firmware.models,
      capabilities: (model) => ({
        lines: DIGIUM_LINES[model] as number,
        high_availability: true,
        function_keys: 0,
        expansion_modules: 0,
        switchboard: false,
        type: 'deskphone',
        protocol: 'sip',
      }),
    }),
  };
}

/**
 * `templates/firmware.tpl` of the plugin of `firmware`: one `<firmware>` element per model, included by `base.tpl`
 * inside `<firmwares>`. The phone compares `version` with what it runs and, when they differ, downloads `url`, where
 * the plugin's `firmware` package installs the files.
 */
export function digiumFirmwareList(firmware: DigiumFirmware): string {
  const version = firmware.reported.replace(/\./g, '_');
  const lines = firmware.models.map(
    (model) => `    <firmware model="${model}" version="${version}" url="{{ XX_server_url }}/Digium/firmware/${version}_${model}_firmware.eff"/>\n`,
  );
  return [
    "{#- The firmware of this plugin's version, one element per model. The phone compares `version` with what it runs and,\n",
    '    when they differ, downloads `url` (installed by the `firmware` package into tftpboot/Digium/firmware/). #}\n',
    ...lines,
  ].join('');
}

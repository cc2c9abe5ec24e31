import { defineFamily } from '@provd/build';
import { DIGIUM_FIRMWARES, DIGIUM_MODELS } from './common/models';
import { digiumFirmwareList, digiumPluginInfo, versionDir } from './plugin-tables';

/**
 * The Digium family: one plugin per firmware version of `DIGIUM_FIRMWARES`, each made of `common/` (code and
 * templates shared by every version) overlaid by its version folder (entry, firmware package). Every model renders
 * from `base.tpl`; an administrator's `var/templates/<model>.tpl` overrides one model.
 *
 * The tables are kept once, in `common/models.ts` (the models with their lines, the firmware versions with their
 * models), and derived here: each plugin's `plugin-info` and firmware list (`plugin-tables.ts`), and the DHCP
 * classes. Digium phones send option 60 `digium_<MODEL>_<firmware version with _>` (e.g. `digium_D65_2_8_1`) and
 * fetch their configuration from the URL given in option 66, to which `/Digium` is appended; every model the
 * plugins support (`DIGIUM_MODELS`, which the associator uses too) gets its own DHCP class.
 */
export default defineFamily({
  name: 'digium',
  dhcp: {
    vendorClassPrefixes: DIGIUM_MODELS.map((model) => `digium_${model}_`),
    urlPath: '/Digium',
  },
  targets: DIGIUM_FIRMWARES.map((firmware) => ({
    id: firmware.version,
    pluginId: `digium-${firmware.version}`,
    sources: ['common', versionDir(firmware)],
    pluginInfo: digiumPluginInfo(firmware),
    files: { 'templates/firmware.tpl': digiumFirmwareList(firmware) },
  })),
});

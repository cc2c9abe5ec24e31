import { defineFamily } from '@provd/build';
import { DIGIUM_MODELS } from './common/models';

/**
 * The Digium family: one plugin per firmware version, each made of `common/` (code and templates shared by every
 * version) overlaid by its version folder (entry, plugin-info, firmware package, firmware list). Every model renders
 * from `base.tpl`; an administrator's `var/templates/<model>.tpl` overrides one model.
 *
 * DHCP: Digium phones send option 60 `digium_<MODEL>_<firmware version with _>` (e.g. `digium_D65_2_8_1`) and
 * fetch their configuration from the URL given in option 66, to which `/Digium` is appended. The prefixes come from
 * the plugins' own model table (`DIGIUM_MODELS`, which the associator uses too), so that every model the plugins
 * support gets its own DHCP class and the list is kept in one place.
 */
export default defineFamily({
  name: 'digium',
  dhcp: {
    vendorClassPrefixes: DIGIUM_MODELS.map((model) => `digium_${model}_`),
    urlPath: '/Digium',
  },
  targets: [
    { id: '1.4.0.0', pluginId: 'digium-1.4.0.0', sources: ['common', 'v1_4_0_0'] },
    { id: '2.2.1.8', pluginId: 'digium-2.2.1.8', sources: ['common', 'v2_2_1_8'] },
    { id: '2.8.1', pluginId: 'digium-2.8.1', sources: ['common', 'v2_8_1'] },
  ],
});

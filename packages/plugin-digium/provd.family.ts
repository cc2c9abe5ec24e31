import { defineFamily } from '@provd/build';

/**
 * The Digium family: one plugin per firmware version, each made of `common/` (code and templates shared by every
 * version) overlaid by its version folder (entry, plugin-info, firmware package, firmware list). Every model renders
 * from `base.tpl`; an administrator's `var/templates/<model>.tpl` overrides one model.
 *
 * DHCP: Digium phones send option 60 `digium_<MODEL>_<firmware version with _>` (e.g. `digium_D65_2_8_1`) and
 * fetch their configuration from the URL given in option 66, to which `/Digium` is appended. The prefixes list
 * every model the plugins support, so that each gets its own DHCP class.
 */
export default defineFamily({
  name: 'digium',
  dhcp: {
    vendorClassPrefixes: [
      'digium_D40_',
      'digium_D45_',
      'digium_D50_',
      'digium_D60_',
      'digium_D62_',
      'digium_D65_',
      'digium_D70_',
    ],
    urlPath: '/Digium',
  },
  targets: [
    { id: '1.4.0.0', pluginId: 'digium-1.4.0.0', sources: ['common', 'v1_4_0_0'] },
    { id: '2.2.1.8', pluginId: 'digium-2.2.1.8', sources: ['common', 'v2_2_1_8'] },
    { id: '2.8.1', pluginId: 'digium-2.8.1', sources: ['common', 'v2_8_1'] },
  ],
});

import { capabilitiesOf, defineFamily } from '@provd/build';
import { MODELS } from './common/models';

// The Tinkertel family (a fictional vendor): `common/` holds the code and templates every firmware version shares,
// `v3_1/` what is particular to firmware 3.1 (entry, firmware package). Another firmware version would be one more
// folder and one more target. Tinkertel phones send DHCP option 60 `Tinkertel-<model>-<version>` and fetch their
// files under the URL of option 66, to which `/tinkertel` is appended. The plugin-info is derived from the model
// table the plugin uses (`common/models.ts`), so lines and keys are kept in one place.
const FIRMWARE = '3.1.0';
const models = Object.keys(MODELS);
const listed = (and: string): string => `${models.slice(0, -1).join(', ')} ${and} ${models[models.length - 1]}`;

export default defineFamily({
  name: 'tinkertel',
  dhcp: { vendorClassPrefixes: ['Tinkertel-'], urlPath: '/tinkertel' },
  targets: [
    {
      id: '3.1',
      pluginId: 'tinkertel-3.1',
      sources: ['common', 'v3_1'],
      pluginInfo: {
        version: '1.0.0',
        description: `Example plugin for the (fictional) Tinkertel ${listed('and')} SIP phones, firmware ${FIRMWARE}.`,
        description_fr: `Greffon d'exemple pour les téléphones SIP (fictifs) Tinkertel ${listed('et')}, micrologiciel ${FIRMWARE}.`,
        capabilities: capabilitiesOf({
          vendor: 'Tinkertel',
          version: FIRMWARE,
          models,
          capabilities: (model) => ({
            lines: MODELS[model]!.lines,
            function_keys: MODELS[model]!.keys,
            expansion_modules: MODELS[model]!.expansionModules,
            high_availability: false,
            switchboard: false,
            type: 'deskphone',
            protocol: 'sip',
          }),
        }),
      },
    },
  ],
});

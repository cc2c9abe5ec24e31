import { defineFamily } from '@provd/build';

// The Tinkertel family (a fictional vendor): `common/` holds the code and templates every firmware version shares,
// `v3_1/` what is particular to firmware 3.1 (entry, plugin-info, firmware package). Another firmware version would
// be one more folder and one more target. Tinkertel phones send DHCP option 60 `Tinkertel-<model>-<version>` and
// fetch their files under the URL of option 66, to which `/tinkertel` is appended.
export default defineFamily({
  name: 'tinkertel',
  dhcp: { vendorClassPrefixes: ['Tinkertel-'], urlPath: '/tinkertel' },
  targets: [{ id: '3.1', pluginId: 'tinkertel-3.1', sources: ['common', 'v3_1'] }],
});

import { defineFamily } from '@provd/build';

// The whole build declaration of the family: one target built from one source folder, and how DHCP servers send
// Acme phones to provd (`pnpm build-plugins minimal` writes the matching classes into dist/repo/dhcp/).
export default defineFamily({
  name: 'minimal',
  dhcp: { vendorClassPrefixes: ['AcmePhone-'], urlPath: '/Acme' },
  targets: [{ id: '1.0', pluginId: 'minimal-1.0', sources: ['plugin'] }],
});

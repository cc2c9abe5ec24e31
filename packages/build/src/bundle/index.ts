export { bundleEntry, EXTERNAL_PACKAGES } from './bundle-entry';
export type { BundleResult } from './bundle-entry';

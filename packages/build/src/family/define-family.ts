import type { FamilyDefinition } from './types';

/**
 * Declares a plugin family in its `provd.family.ts`; the build tool discovers the file and builds every target.
 * It returns its argument unchanged: the build validates it and reports every problem at once.
 *
 * @example
 * ```ts
 * import { defineFamily } from '@provd/build';
 *
 * export default defineFamily({
 *   name: 'digium',
 *   dhcp: { vendorClassPrefixes: ['digium_'], urlPath: '/Digium' },
 *   targets: [
 *     { id: '2.8.1', pluginId: 'digium-2.8.1', sources: ['common', 'v2_8_1'] },
 *     { id: '1.4.0.0', pluginId: 'digium-1.4.0.0', sources: ['common', { dir: 'v1_4_0_0', exclude: ['*.md'] }] },
 *   ],
 * });
 * ```
 */
export function defineFamily<const F extends FamilyDefinition>(family: F): F {
  return family;
}

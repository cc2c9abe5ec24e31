import type { Capabilities } from '@provd/sdk';

/** What {@link capabilitiesOf} turns into the `capabilities` of a `plugin-info`. */
export interface CapabilitiesDeclaration<M extends string = string> {
  /** The vendor, as the capability keys spell it (e.g. `Digium`). */
  vendor: string;
  /** The firmware version of the plugin, as the capability keys spell it (e.g. `2.8.1`). */
  version: string;
  /** The models the plugin supports, in the order their entries are written. */
  models: readonly M[];
  /** The capabilities of one model. */
  capabilities: (model: M) => Capabilities;
}

/**
 * The `capabilities` of a `plugin-info` (survey §3.2), one entry per model keyed `"<vendor>, <model>, <version>"`:
 * the table a family derives from its model declaration rather than keeps by hand in every version's `plugin-info`.
 *
 * @example
 * ```ts
 * const LINES = { A10: 1, A20: 2 } as const;
 * capabilitiesOf({
 *   vendor: 'Acme',
 *   version: '1.0',
 *   models: ['A10', 'A20'] as const,
 *   capabilities: (model) => ({ lines: LINES[model], function_keys: 0, expansion_modules: 0, high_availability: false, switchboard: false, type: 'deskphone', protocol: 'sip' }),
 * }); // { 'Acme, A10, 1.0': { lines: 1, ... }, 'Acme, A20, 1.0': { lines: 2, ... } }
 * ```
 */
export function capabilitiesOf<M extends string>(declaration: CapabilitiesDeclaration<M>): Record<string, Capabilities> {
  const out: Record<string, Capabilities> = {};
  for (const model of declaration.models) out[`${declaration.vendor}, ${model}, ${declaration.version}`] = declaration.capabilities(model);
  return out;
}

/** What one Tinkertel model has: SIP lines, programmable keys, and whether it takes key expansion modules. */
export interface ModelSpec {
  /** How many SIP accounts the phone registers. */
  lines: number;
  /** How many programmable function keys it has (without expansion modules). */
  keys: number;
  /** How many expansion modules (20 keys each) it takes. */
  expansionModules: number;
}

/** The models of the family; each has its own template, `templates/<model>.tpl`. */
export const MODELS: Readonly<Record<string, ModelSpec>> = {
  T20: { lines: 2, keys: 4, expansionModules: 0 },
  T40: { lines: 4, keys: 12, expansionModules: 0 },
  T60: { lines: 6, keys: 24, expansionModules: 2 },
};

/** The keys of one expansion module. */
export const KEYS_PER_MODULE = 20;

/** The spec of `model`, or `undefined` for a model this family does not know. */
export function modelSpec(model: string | null | undefined): ModelSpec | undefined {
  return model !== null && model !== undefined && Object.hasOwn(MODELS, model) ? MODELS[model] : undefined;
}

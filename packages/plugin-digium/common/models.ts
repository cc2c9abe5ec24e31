/** The vendor name every Digium extractor reports and the associator expects. */
export const DIGIUM_VENDOR = 'Digium';

/**
 * The Digium models the plugins know: the same seven in every version, as in the established plugins. Even
 * `digium-1.4.0.0`, whose firmware exists only for the D40, D50 and D70, configures the others; its firmware list
 * has no entry for them, so they keep the firmware they run.
 */
export const DIGIUM_MODELS: readonly string[] = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];

/**
 * @packageDocumentation
 * The provd reference host: installs, loads and serves plugins.
 */

/** The version of this package. */
export const VERSION: string = '0.1.0';

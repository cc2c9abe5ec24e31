/**
 * @packageDocumentation
 * The provd build tool: plugin families in, plugin tarballs, \`plugins.db\` and DHCP configuration out.
 */

/** The version of this package. */
export const VERSION: string = '0.1.0';

/** The version of this package, which is also the version of the `@provd/*` packages a standalone family uses. */
export const VERSION: string = '0.1.0';

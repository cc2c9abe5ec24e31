import semver from 'semver';

/**
 * Whether an `sdk` range of a `plugin-info` is a semver range that accepts `sdkVersion` (pre-releases included).
 *
 * @example
 * ```ts
 * sdkRangeAccepts('^0.1.0', '0.1.3'); // true
 * ```
 */
export function sdkRangeAccepts(range: string, sdkVersion: string): boolean {
  return range.trim() !== '' && semver.validRange(range) !== null && semver.satisfies(sdkVersion, range, { includePrerelease: true });
}

/** The `sdk` range written into a `plugin-info` that has none: `^<version>`. */
export function defaultSdkRange(sdkVersion: string): string {
  return `^${sdkVersion}`;
}

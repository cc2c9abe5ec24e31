/**
 * Firmware package versions in the established `[epoch:]version[-release]` form, compared as the reference installer
 * does (contract §8.12): dotted tokens, numbers numerically, a number above a word, more tokens above fewer.
 */

/** A parsed package version. */
export interface PackageVersion {
  /** The epoch (before `:`), 0 when absent. */
  epoch: number;
  /** The dotted tokens of the version proper. */
  tokens: string[];
  /** The release (after the last `-`), 0 when absent. */
  release: number;
}

/** Why a version does not parse. */
export interface VersionParseError {
  /** The reason, e.g. `the release "beta" (after the last "-") is not an integer`. */
  error: string;
}

const INTEGER = /^\d+$/;

/**
 * Parses `[epoch:]version[-release]`; returns a message instead when the version is empty or the epoch or release is
 * not an integer (as in `1.0-beta`).
 *
 * @example
 * ```ts
 * parsePackageVersion('1:2.8.1-3'); // { epoch: 1, tokens: ['2', '8', '1'], release: 3 }
 * ```
 */
export function parsePackageVersion(text: string): PackageVersion | VersionParseError {
  let rest = text.trim();
  if (rest === '') return { error: 'the version is empty' };
  let epoch = 0;
  let release = 0;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const e = rest.slice(0, colon);
    if (!INTEGER.test(e)) return { error: `the epoch ${JSON.stringify(e)} (before ":") is not an integer` };
    epoch = Number(e);
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash >= 0) {
    const r = rest.slice(dash + 1);
    if (!INTEGER.test(r)) return { error: `the release ${JSON.stringify(r)} (after the last "-") is not an integer` };
    release = Number(r);
    rest = rest.slice(0, dash);
  }
  if (rest === '') return { error: 'the version has no version part' };
  return { epoch, tokens: rest.split('.'), release };
}

function compareTokens(a: string, b: string): number {
  const an = INTEGER.test(a);
  const bn = INTEGER.test(b);
  if (an && bn) return Number(a) - Number(b);
  if (an) return 1;
  if (bn) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two package versions: negative when `a < b`, 0 when equal, positive when `a > b`. Throws a `TypeError`
 * naming the version when one does not parse (see {@link parsePackageVersion}).
 *
 * @example
 * ```ts
 * compareVersions('1.10', '1.2') > 0; // true
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const va = parsePackageVersion(a);
  const vb = parsePackageVersion(b);
  if ('error' in va) throw new TypeError(`version ${JSON.stringify(a)}: ${va.error}`);
  if ('error' in vb) throw new TypeError(`version ${JSON.stringify(b)}: ${vb.error}`);
  if (va.epoch !== vb.epoch) return va.epoch - vb.epoch;
  const n = Math.min(va.tokens.length, vb.tokens.length);
  for (let i = 0; i < n; i++) {
    const c = compareTokens(va.tokens[i] ?? '', vb.tokens[i] ?? '');
    if (c !== 0) return c;
  }
  if (va.tokens.length !== vb.tokens.length) return va.tokens.length - vb.tokens.length;
  return va.release - vb.release;
}

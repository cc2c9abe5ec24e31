import semver from 'semver';

const NUMERIC_BASE = /^\d+(?:\.\d+)*$/;

/**
 * Compares two plugin versions the way people read them: dotted numbers compared as numbers with missing parts as
 * 0 (`1.2.10` > `1.2.9`, `1.0` = `1.0.0`), a version with a `-suffix` older than the same version without one, and
 * suffixes compared by semver's pre-release rules (`1.0-10` > `1.0-2`, `1.0-rc1` > `1.0-dev1`). Versions that are
 * not dotted numbers are compared as text with numeric runs as numbers. Returns a negative number, 0 or a positive
 * number.
 *
 * @example
 * ```ts
 * comparePluginVersions('1.2.10', '1.2.9'); // > 0
 * ```
 */
export function comparePluginVersions(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  if (!pa || !pb) return a.localeCompare(b, 'en', { numeric: true });
  const length = Math.max(pa.base.length, pb.base.length);
  for (let i = 0; i < length; i++) {
    const d = (pa.base[i] ?? 0n) - (pb.base[i] ?? 0n);
    if (d !== 0n) return d > 0n ? 1 : -1;
  }
  if (pa.pre === undefined || pb.pre === undefined) return (pa.pre === undefined ? 1 : 0) - (pb.pre === undefined ? 1 : 0);
  const sa = semver.parse(`0.0.0-${pa.pre}`, { loose: true });
  const sb = semver.parse(`0.0.0-${pb.pre}`, { loose: true });
  if (sa && sb) return semver.compare(sa, sb);
  return pa.pre.localeCompare(pb.pre, 'en', { numeric: true });
}

function split(v: string): { base: bigint[]; pre?: string } | undefined {
  const plain = v.trim().replace(/^v/, '').replace(/\+.*$/, '');
  const dash = plain.indexOf('-');
  const base = dash < 0 ? plain : plain.slice(0, dash);
  if (!NUMERIC_BASE.test(base)) return undefined;
  return { base: base.split('.').map((n) => BigInt(n)), pre: dash < 0 ? undefined : plain.slice(dash + 1) };
}

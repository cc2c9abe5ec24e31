import { validRange } from 'semver';

/**
 * Tells whether `value` is a semver range that `semver` understands, such as `^0.1.0` or `>=0.1.0 <0.3.0`. An
 * empty string is not a range here (semver would read it as "any version", which a plugin never means).
 */
export function isSemverRange(value: string): boolean {
  return value.trim() !== '' && validRange(value) !== null;
}

/** IANA names start with a letter; this also keeps out offsets such as `+01:00` that newer ICU versions accept. */
const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * Tells whether `value` is an IANA time zone name that Node's ICU database knows (e.g. `Europe/Paris`,
 * `America/Montreal`, `UTC`). The empty string counts as valid: like the established host, the raw config treats it
 * as "no time zone". Names are looked up as ICU does, which ignores case.
 */
export function isTimeZoneName(value: string): boolean {
  if (value === '') return true;
  if (!TIME_ZONE_NAME.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

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

/** Time zone names already checked, and whether they are valid. */
const checkedZones = new Map<string, boolean>();

/**
 * Tells whether `value` is an IANA time zone name that Node's ICU database knows (e.g. `Europe/Paris`,
 * `America/Montreal`, `UTC`). The empty string counts as valid: like the established host, the raw config treats it
 * as "no time zone". Names are looked up as ICU does, which ignores case.
 */
export function isTimeZoneName(value: string): boolean {
  if (value === '') return true;
  if (!TIME_ZONE_NAME.test(value)) return false;
  const known = checkedZones.get(value);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  // every device of a config carries the same zone: creating an Intl formatter per validation was a tenth of a
  // bulk configure's CPU time
  if (checkedZones.size >= 1024) checkedZones.clear();
  checkedZones.set(value, valid);
  return valid;
}

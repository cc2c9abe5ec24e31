/**
 * ACLs as the established Wazo platform writes them: dot-separated segments, `*` matching exactly one segment, `#`
 * matching any number of segments (none included), and a leading `!` making an ACL a refusal that wins over every
 * grant. For example `provd.#` grants every provd ACL, `provd.dev_mgr.devices.*.read` reading any one device.
 */

const cache = new Map<string, RegExp>();

function patternOf(acl: string): RegExp {
  let re = cache.get(acl);
  if (!re) {
    const body = acl
      .split('.')
      .map((segment) => (segment === '*' ? '[^.]+' : segment === '#' ? '#' : segment.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')))
      .join('\\.')
      // "a.#" also matches "a", "#.b" also "b", "a.#.b" also "a.b"
      .replace(/\\\.#$/, '(?:\\..*)?')
      .replace(/^#\\\./, '(?:.*\\.)?')
      .replace(/\\\.#\\\./g, '\\.(?:.*\\.)?')
      .replace(/^#$/, '.*');
    re = new RegExp(`^${body}$`);
    if (cache.size > 1000) cache.clear();
    cache.set(acl, re);
  }
  return re;
}

/** Whether the granted ACL pattern `granted` covers the required ACL `required`. */
export function aclMatches(granted: string, required: string): boolean {
  return patternOf(granted).test(required);
}

/**
 * Whether a token holding `acls` may use an endpoint requiring `required`: some grant matches it and no refusal
 * (`!acl`) does.
 *
 * @example
 * ```ts
 * hasAcl(['provd.#', '!provd.configure.#'], 'provd.dev_mgr.devices.read'); // true
 * hasAcl(['provd.#', '!provd.configure.#'], 'provd.configure.read'); // false
 * ```
 */
export function hasAcl(acls: readonly string[], required: string): boolean {
  let granted = false;
  for (const acl of acls) {
    if (acl.startsWith('!')) {
      if (aclMatches(acl.slice(1), required)) return false;
    } else if (!granted && aclMatches(acl, required)) {
      granted = true;
    }
  }
  return granted;
}

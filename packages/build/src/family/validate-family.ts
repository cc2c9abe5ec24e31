import { isAbsolute, normalize } from 'node:path';
import type { DhcpDeclaration } from './types';

const FAMILY_NAME = /^[a-z0-9][a-z0-9-]*$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const PRINTABLE = /^[\x20-\x7e]+$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `p` is a relative path that stays inside its base folder. */
export function isInsidePath(p: string): boolean {
  if (p === '' || isAbsolute(p) || p.includes('\\') || p.includes('\0')) return false;
  const n = normalize(p);
  return n !== '..' && !n.startsWith('../') && n !== '.';
}

/**
 * Checks the shape of a family definition (what `defineFamily` received), as `path: message` strings; an empty list
 * means it can be built. The DHCP declaration is checked by {@link validateDhcp}.
 *
 * @example
 * ```ts
 * validateFamily({ name: 'x', targets: [] }); // ['targets: must list at least one target']
 * ```
 */
export function validateFamily(value: unknown): string[] {
  if (!isRecord(value)) return ['(root): the default export must be the object returned by defineFamily({...})'];
  const errors: string[] = [];
  if (typeof value.name !== 'string' || !FAMILY_NAME.test(value.name)) {
    errors.push(`name: must be lower-case letters, digits and "-" (got ${JSON.stringify(value.name)})`);
  }
  if (!Array.isArray(value.targets) || value.targets.length === 0) {
    errors.push('targets: must list at least one target');
    return errors;
  }
  const ids = new Set<string>();
  value.targets.forEach((target: unknown, i) => {
    const at = `targets.${i}`;
    if (!isRecord(target)) {
      errors.push(`${at}: must be an object with "id", "pluginId" and "sources"`);
      return;
    }
    if (typeof target.id !== 'string' || !SAFE_ID.test(target.id)) {
      errors.push(`${at}.id: must be letters, digits, ".", "_", "+" or "-" (got ${JSON.stringify(target.id)})`);
    } else if (ids.has(target.id)) {
      errors.push(`${at}.id: ${JSON.stringify(target.id)} is used by an earlier target`);
    } else ids.add(target.id);
    if (typeof target.pluginId !== 'string' || !SAFE_ID.test(target.pluginId) || target.pluginId.length > 100) {
      errors.push(`${at}.pluginId: must be letters, digits, ".", "_", "+" or "-", at most 100 (got ${JSON.stringify(target.pluginId)})`);
    }
    if (!Array.isArray(target.sources) || target.sources.length === 0) {
      errors.push(`${at}.sources: must list at least one source folder`);
    } else {
      target.sources.forEach((source: unknown, j) => errors.push(...validateSource(source, `${at}.sources.${j}`)));
    }
    if (target.files !== undefined) {
      if (!isRecord(target.files)) errors.push(`${at}.files: must be an object of path → contents`);
      else {
        for (const [path, contents] of Object.entries(target.files)) {
          if (!isInsidePath(path) || path.split('/').some((s) => s.startsWith('.'))) {
            errors.push(`${at}.files.${path}: must be a relative path inside the plugin folder without dot names`);
          }
          if (typeof contents !== 'string' && !(contents instanceof Uint8Array)) {
            errors.push(`${at}.files.${path}: contents must be a string or a Uint8Array`);
          }
        }
      }
    }
    if (target.pluginInfo !== undefined) {
      if (!isRecord(target.pluginInfo)) errors.push(`${at}.pluginInfo: must be the plugin-info object ({ version, description, capabilities, ... })`);
      if (isRecord(target.files) && Object.hasOwn(target.files, 'plugin-info')) {
        errors.push(`${at}.files.plugin-info: the target declares "pluginInfo" too; keep one of them`);
      }
    }
  });
  return errors;
}

function validateSource(source: unknown, at: string): string[] {
  if (typeof source === 'string') return isInsidePath(source) ? [] : [`${at}: ${JSON.stringify(source)} must be a folder inside the family folder`];
  if (!isRecord(source)) return [`${at}: must be a folder name or { dir, include?, exclude? }`];
  const errors: string[] = [];
  if (typeof source.dir !== 'string' || !isInsidePath(source.dir)) {
    errors.push(`${at}.dir: ${JSON.stringify(source.dir)} must be a folder inside the family folder`);
  }
  for (const key of ['include', 'exclude'] as const) {
    const list = source[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((p) => typeof p !== 'string' || p === '')) {
      errors.push(`${at}.${key}: must be a list of non-empty glob patterns`);
    }
  }
  return errors;
}

/**
 * Checks a family's DHCP declaration, as `path: message` strings (empty when it is usable).
 *
 * @example
 * ```ts
 * validateDhcp({ vendorClassPrefixes: ['digium_'], urlPath: '/Digium' }); // []
 * ```
 */
export function validateDhcp(dhcp: unknown): string[] {
  if (dhcp === undefined) return [];
  if (!isRecord(dhcp)) return ['dhcp: must be { vendorClassPrefixes: [...], urlPath: "/..." }'];
  const errors: string[] = [];
  const prefixes = dhcp.vendorClassPrefixes;
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    errors.push('dhcp.vendorClassPrefixes: must list at least one vendor-class-identifier prefix');
  } else {
    prefixes.forEach((p: unknown, i) => {
      if (typeof p !== 'string' || !PRINTABLE.test(p) || /["'\\]/.test(p)) {
        errors.push(`dhcp.vendorClassPrefixes.${i}: must be printable ASCII without quotes or backslashes (got ${JSON.stringify(p)})`);
      } else if (prefixes.indexOf(p) !== i) {
        errors.push(`dhcp.vendorClassPrefixes.${i}: ${JSON.stringify(p)} is listed twice`);
      }
    });
  }
  if (typeof dhcp.urlPath !== 'string' || !/^\/[\x21-\x7e]*$/.test(dhcp.urlPath) || /["'\\]/.test(dhcp.urlPath)) {
    errors.push(`dhcp.urlPath: must start with "/" and hold no spaces, quotes or backslashes (got ${JSON.stringify(dhcp.urlPath)})`);
  }
  return errors;
}

/** Two families whose DHCP prefixes overlap. */
export interface DhcpOverlap {
  /** The later family (the one the problem is reported on). */
  family: string;
  /** The earlier family it collides with. */
  other: string;
  /** The `path: message` line. */
  message: string;
}

/**
 * Finds prefixes of different families that overlap (one starts with the other), so that one phone would match
 * both; one entry per pair of prefixes, reported on the later family.
 *
 * @example
 * ```ts
 * findDhcpOverlaps([{ name: 'a', dhcp: { vendorClassPrefixes: ['x'], urlPath: '/A' } }, { name: 'b', dhcp: { vendorClassPrefixes: ['xy'], urlPath: '/B' } }]);
 * ```
 */
export function findDhcpOverlaps(families: readonly { name: string; dhcp?: DhcpDeclaration }[]): DhcpOverlap[] {
  const out: DhcpOverlap[] = [];
  const seen: { family: string; prefix: string }[] = [];
  for (const family of families) {
    for (const prefix of family.dhcp?.vendorClassPrefixes ?? []) {
      for (const other of seen) {
        if (other.family !== family.name && (prefix.startsWith(other.prefix) || other.prefix.startsWith(prefix))) {
          const message = `dhcp.vendorClassPrefixes: ${JSON.stringify(prefix)} overlaps ${JSON.stringify(other.prefix)} of family ${JSON.stringify(other.family)}`;
          out.push({ family: family.name, other: other.family, message });
        }
      }
    }
    for (const prefix of family.dhcp?.vendorClassPrefixes ?? []) seen.push({ family: family.name, prefix });
  }
  return out;
}

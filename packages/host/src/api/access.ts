import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostError } from '../errors';
import { hasAcl } from './acl';

/** One token of the tokens file. */
export interface TokenEntry {
  /** The secret, as sent in `X-Auth-Token` (or give `token_sha256`). */
  token?: string;
  /** The SHA-256 of the secret, in hex, so the file holds no secret. */
  token_sha256?: string;
  /** The tenant the token acts for (its `Wazo-Tenant` default). @defaultValue the top tenant */
  tenant?: string;
  /** The ACLs it holds, e.g. `["provd.#"]`. */
  acls: string[];
  /** A name for logs. */
  name?: string;
}

/** One tenant of the tokens file. */
export interface TenantEntry {
  /** The tenant's UUID. */
  uuid: string;
  /** Its parent tenant; absent: the top tenant (exactly one). */
  parent?: string;
  /** A name for people. */
  name?: string;
}

/** The tokens file: `{"tenants": [...], "tokens": [...]}` (see docs/rest-api.md, "Tokens"). */
export interface TokensFile {
  /** The tenant tree; absent: one top tenant (the host's own). */
  tenants?: TenantEntry[];
  /** The tokens. */
  tokens?: TokenEntry[];
}

/** Who a request acts as, once its token is checked. */
export interface Caller {
  /** The token's name (or `insecure-loopback`). */
  name: string;
  /** The token's own tenant. */
  tokenTenant: string;
  /** The tenant the request acts for (`Wazo-Tenant`, else the token's). */
  tenant: string;
  /** The ACLs the token holds. */
  acls: readonly string[];
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The tenant tree: the top tenant (the host's own, where phones that show up are put), and the declared sub-tenants.
 * A tenant nobody declared counts as a child of the top tenant (the way a PBX creates tenants without telling
 * provd), so a top-tenant token may act for it, and other tokens may not.
 */
export class TenantTree {
  private readonly parents = new Map<string, string | undefined>();

  /** Creates the tree from `entries` (already checked); `top` is used when `entries` name no top tenant. */
  constructor(readonly top: string, entries: readonly TenantEntry[] = []) {
    this.parents.set(top, undefined);
    for (const e of entries) if (e.uuid !== top) this.parents.set(e.uuid, e.parent ?? top);
  }

  /** Whether `tenant` is `ancestor` or one of its descendants. */
  isWithin(tenant: string, ancestor: string): boolean {
    if (ancestor === this.top) return true;
    const seen = new Set<string>();
    for (let t: string | undefined = tenant; t !== undefined && !seen.has(t); t = this.parents.get(t)) {
      if (t === ancestor) return true;
      seen.add(t);
    }
    return false;
  }

  /**
   * The tenants a find of `tenant` covers: itself, and with `recurse` its declared descendants. `undefined` means
   * every tenant (the top tenant with `recurse`).
   */
  scope(tenant: string, recurse: boolean): string[] | undefined {
    if (!recurse) return [tenant];
    if (tenant === this.top) return undefined;
    return [...this.parents.keys()].filter((t) => this.isWithin(t, tenant));
  }

  /** Every tenant from `tenant` up to the top tenant (whose configs a document of `tenant` may inherit). */
  lineage(tenant: string): string[] {
    const out: string[] = [];
    for (let t: string | undefined = tenant; t !== undefined && !out.includes(t); t = this.parents.has(t) ? this.parents.get(t) : this.top) out.push(t);
    if (!out.includes(this.top)) out.push(this.top);
    return out;
  }
}

/** Checks a parsed tokens file; returns `path: message` problems. */
export function checkTokensFile(value: unknown): string[] {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['(file): must be a JSON object with "tenants" and "tokens"'];
  const file = value as Record<string, unknown>;
  for (const key of Object.keys(file)) if (key !== 'tenants' && key !== 'tokens') errors.push(`${key}: unknown key (expected "tenants" and "tokens")`);
  const uuids = new Set<string>();
  if (file.tenants !== undefined) {
    if (!Array.isArray(file.tenants)) errors.push('tenants: must be a list');
    else {
      let tops = 0;
      file.tenants.forEach((t: unknown, i) => {
        const e = t as Record<string, unknown>;
        if (typeof t !== 'object' || t === null || typeof e.uuid !== 'string' || e.uuid === '') return void errors.push(`tenants.${i}.uuid: must be a non-empty string`);
        if (uuids.has(e.uuid)) errors.push(`tenants.${i}.uuid: ${JSON.stringify(e.uuid)} is listed twice`);
        uuids.add(e.uuid);
        if (e.parent === undefined) tops += 1;
        else if (typeof e.parent !== 'string') errors.push(`tenants.${i}.parent: must be a tenant uuid`);
      });
      file.tenants.forEach((t: unknown, i) => {
        const parent = (t as Record<string, unknown>)?.parent;
        if (typeof parent === 'string' && !uuids.has(parent)) errors.push(`tenants.${i}.parent: no tenant ${JSON.stringify(parent)} in "tenants"`);
      });
      if (file.tenants.length > 0 && tops !== 1) errors.push(`tenants: exactly one tenant must have no "parent" (the top tenant); found ${tops}`);
    }
  }
  if (file.tokens !== undefined) {
    if (!Array.isArray(file.tokens)) errors.push('tokens: must be a list');
    else {
      file.tokens.forEach((t: unknown, i) => {
        const e = t as Record<string, unknown>;
        if (typeof t !== 'object' || t === null) return void errors.push(`tokens.${i}: must be an object`);
        const plain = typeof e.token === 'string' && e.token.length >= 16;
        const hashed = typeof e.token_sha256 === 'string' && /^[0-9a-f]{64}$/i.test(e.token_sha256);
        if (plain === hashed) errors.push(`tokens.${i}: give either "token" (at least 16 characters) or "token_sha256" (64 hex digits)`);
        if (!Array.isArray(e.acls) || e.acls.some((a) => typeof a !== 'string' || a === '')) errors.push(`tokens.${i}.acls: must be a list of ACLs such as "provd.#"`);
        if (e.tenant !== undefined && (typeof e.tenant !== 'string' || (uuids.size > 0 && !uuids.has(e.tenant)))) {
          errors.push(`tokens.${i}.tenant: ${JSON.stringify(e.tenant)} is not a tenant of "tenants"`);
        }
        if (e.name !== undefined && typeof e.name !== 'string') errors.push(`tokens.${i}.name: must be a string`);
      });
    }
  }
  return errors;
}

/** Reads and checks a tokens file; throws `PROVD_API_INVALID_TOKENS` naming every problem. */
export async function readTokensFile(file: string): Promise<TokensFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw hostError('PROVD_API_INVALID_TOKENS', { file, errors: [(err as Error).message] });
  }
  const errors = checkTokensFile(parsed);
  if (errors.length > 0) throw hostError('PROVD_API_INVALID_TOKENS', { file, errors });
  return parsed as TokensFile;
}

/** Options of {@link AccessControl}. */
export interface AccessOptions {
  /** The tokens file's content (checked). */
  file?: TokensFile;
  /** A token holding every ACL (`provd.#`) in the top tenant (`PROVD_API_TOKEN`). */
  envToken?: string;
  /** The top tenant when the file declares none (the host keeps one in its parameters). */
  defaultTopTenant: string;
  /** Requests without a token from a loopback address act as the top tenant with every ACL. @defaultValue false */
  insecureLoopback?: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Authentication and authorisation of the REST API: tokens (each with its tenant and ACLs), the tenant tree, and the
 * insecure-loopback mode. Unknown or missing token: 401 `PROVD_API_UNAUTHORIZED`; missing ACL: 403
 * `PROVD_API_FORBIDDEN`; a `Wazo-Tenant` outside the token's tenant: 401 `PROVD_API_UNAUTHORIZED_TENANT`.
 */
export class AccessControl {
  /** The tenant tree. */
  readonly tenants: TenantTree;
  private readonly tokens: { digest: Buffer; caller: Omit<Caller, 'tenant'> }[] = [];
  private readonly insecureLoopback: boolean;

  /** Builds the token table. */
  constructor(options: AccessOptions) {
    const top = options.file?.tenants?.find((t) => t.parent === undefined)?.uuid ?? options.defaultTopTenant;
    this.tenants = new TenantTree(top, options.file?.tenants ?? []);
    for (const [i, t] of (options.file?.tokens ?? []).entries()) {
      const digest = t.token !== undefined ? sha256(t.token) : Buffer.from(t.token_sha256!, 'hex');
      this.tokens.push({ digest, caller: { name: t.name ?? `token ${i + 1}`, tokenTenant: t.tenant ?? top, acls: [...t.acls] } });
    }
    if (options.envToken) this.tokens.push({ digest: sha256(options.envToken), caller: { name: 'PROVD_API_TOKEN', tokenTenant: top, acls: ['provd.#'] } });
    this.insecureLoopback = options.insecureLoopback ?? false;
  }

  /** How many tokens are configured. */
  get tokenCount(): number {
    return this.tokens.length;
  }

  /** The line `provd serve` prints at start: which mode the API runs in. */
  describeMode(): string {
    const tokens = `${this.tokens.length} token${this.tokens.length === 1 ? '' : 's'}`;
    if (this.insecureLoopback) return `API mode: INSECURE LOOPBACK (--api-insecure-loopback): requests from 127.0.0.1/::1 without a token get every ACL in the top tenant; ${tokens} configured`;
    if (this.tokens.length === 0) return 'API mode: LOCKED: no token configured (--api-tokens FILE or PROVD_API_TOKEN), every API request is refused with 401';
    return `API mode: tokens: ${tokens} configured, top tenant ${this.tenants.top}`;
  }

  /**
   * Authenticates a request: its `X-Auth-Token` (or the loopback mode) and `Wazo-Tenant`. Throws a `ProvdError`
   * with status 401 when it cannot.
   */
  authenticate(token: string | undefined, tenantHeader: string | undefined, remoteAddress: string | undefined): Caller {
    let found: Omit<Caller, 'tenant'> | undefined;
    if (token) {
      const digest = sha256(token);
      for (const entry of this.tokens) if (timingSafeEqual(entry.digest, digest)) found = entry.caller;
      if (!found) throw hostError('PROVD_API_UNAUTHORIZED', { reason: 'the X-Auth-Token is not one of the host\'s tokens' });
    } else if (this.insecureLoopback && LOOPBACK.test(remoteAddress ?? '')) {
      found = { name: 'insecure-loopback', tokenTenant: this.tenants.top, acls: ['provd.#'] };
    } else {
      const reason = this.tokens.length === 0
        ? 'no API token is configured on this host, so the API refuses every request (start it with --api-tokens FILE or PROVD_API_TOKEN)'
        : 'the request has no X-Auth-Token header';
      throw hostError('PROVD_API_UNAUTHORIZED', { reason });
    }
    const tenant = tenantHeader?.trim() || found.tokenTenant;
    if (!this.tenants.isWithin(tenant, found.tokenTenant)) throw hostError('PROVD_API_UNAUTHORIZED_TENANT', { tenant });
    return { ...found, tenant };
  }

  /** Throws `PROVD_API_FORBIDDEN` (403) unless `caller` holds `acl`. */
  authorize(caller: Caller, acl: string): void {
    if (!hasAcl(caller.acls, acl)) throw hostError('PROVD_API_FORBIDDEN', { acl });
  }
}

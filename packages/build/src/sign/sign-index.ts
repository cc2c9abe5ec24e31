import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildError } from '../errors';


/** The name of the signature file written beside `plugins.db`. */
export const SIGNATURE_FILE = 'plugins.db.sig';

/**
 * Reads a PEM Ed25519 private key. Throws `PROVD_BUILD_SIGN_KEY_INVALID` when the file is unreadable or holds
 * another kind of key.
 *
 * @example
 * ```ts
 * const key = await readSigningKey('keys/provd-repo.pem');
 * ```
 */
export async function readSigningKey(file: string): Promise<KeyObject> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(file));
  } catch (err) {
    throw buildError('PROVD_BUILD_SIGN_KEY_INVALID', { file, reason: (err as Error).message }, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw buildError('PROVD_BUILD_SIGN_KEY_INVALID', { file, reason: `it is a ${String(key.asymmetricKeyType)} key, not ed25519` });
  }
  return key;
}

/**
 * Signs `plugins.db` with Ed25519, bound to a sequence; returns the contents of `plugins.db.sig` (format 2): the
 * base64 of the raw 64-byte signature, then the line `sequence <n>`. What is signed is the header
 * `provd plugins.db\nsequence <n>\n` followed by the exact bytes of `plugins.db`; a host that has accepted an index
 * with a higher sequence from the same repository refuses this one (an old index replayed).
 *
 * @example
 * ```ts
 * const sig = signIndex(await readFile('dist/repo/plugins.db'), await readSigningKey('key.pem'), Date.now());
 * ```
 */
export function signIndex(indexBytes: Uint8Array, key: KeyObject, sequence: number): string {
  const message = Buffer.concat([Buffer.from(`provd plugins.db\nsequence ${sequence}\n`), indexBytes]);
  return `${sign(null, message, key).toString('base64')}\nsequence ${sequence}\n`;
}

/**
 * The sequence of a new signature: the signing time in ms, and always above the sequence of the signature it
 * replaces (`previous`, the old `plugins.db.sig`, if any), even when the clock went back.
 */
export function nextSequence(previous: string | undefined, now = Date.now()): number {
  const last = Number(/^sequence (\d{1,15})$/m.exec(previous ?? '')?.[1] ?? 0);
  return Math.max(now, last + 1);
}

/**
 * Makes a new Ed25519 key pair as PEM text: the private key (PKCS#8) for `--sign`, the public key (SPKI) for hosts.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = generateSigningKeys();
 * ```
 */
export function generateSigningKeys(): { privateKey: string; publicKey: string } {
  const pair = generateKeyPairSync('ed25519');
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

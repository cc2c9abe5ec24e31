import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostError } from '../errors';


/** The signature file beside `plugins.db`: base64 of the raw Ed25519 signature, then a newline. */
export const INDEX_SIGNATURE_FILE = 'plugins.db.sig';

const SIGNATURE_BYTES = 64;

/**
 * Reads trusted repository keys: Ed25519 public keys in PEM (SPKI) form, one per file. Throws
 * `PROVD_TRUSTED_KEY_INVALID` naming the file that is unreadable or holds another kind of key.
 *
 * @example
 * ```ts
 * const keys = await readTrustedKeys(['/etc/provd/repo.pub']);
 * ```
 */
export async function readTrustedKeys(files: readonly string[]): Promise<KeyObject[]> {
  return Promise.all(
    files.map(async (file) => {
      let key: KeyObject;
      try {
        key = createPublicKey(await readFile(file));
      } catch (err) {
        throw hostError('PROVD_TRUSTED_KEY_INVALID', { file, reason: (err as Error).message }, { cause: err });
      }
      if (key.asymmetricKeyType !== 'ed25519') {
        throw hostError('PROVD_TRUSTED_KEY_INVALID', { file, reason: `it is a ${String(key.asymmetricKeyType)} key, not ed25519` });
      }
      return key;
    }),
  );
}

/**
 * Checks that `signatureText` (the contents of `plugins.db.sig`, or `undefined` when it is missing) is an Ed25519
 * signature of exactly `indexBytes` by one of `keys`. Throws `PROVD_REPO_UNSIGNED` or `PROVD_REPO_BAD_SIGNATURE`.
 *
 * @example
 * ```ts
 * verifyIndexSignature(indexBytes, sigBytes?.toString('utf8'), keys, 'https://repo.example/provd/');
 * ```
 */
export function verifyIndexSignature(indexBytes: Uint8Array, signatureText: string | undefined, keys: readonly KeyObject[], repo: string): void {
  if (signatureText === undefined) throw hostError('PROVD_REPO_UNSIGNED', { repo });
  const text = signatureText.trim();
  const signature = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || signature.length !== SIGNATURE_BYTES) {
    throw hostError('PROVD_REPO_BAD_SIGNATURE', { repo, reason: `${INDEX_SIGNATURE_FILE} is not the base64 of a ${SIGNATURE_BYTES}-byte Ed25519 signature` });
  }
  if (!keys.some((key) => verify(null, indexBytes, key, signature))) {
    throw hostError('PROVD_REPO_BAD_SIGNATURE', { repo, reason: `the signature does not match plugins.db for any of the ${keys.length} trusted key(s)` });
  }
}

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
 * The bytes a `plugins.db.sig` of format 2 signs: a header naming the index and its sequence, then the exact bytes
 * of `plugins.db`. Binding the sequence into the signature is what lets a host refuse an older index replayed.
 */
export function signedIndexMessage(indexBytes: Uint8Array, sequence: number): Buffer {
  return Buffer.concat([Buffer.from(`provd plugins.db\nsequence ${sequence}\n`), indexBytes]);
}

/**
 * Checks that `signatureText` (the contents of `plugins.db.sig`, or `undefined` when it is missing) is an Ed25519
 * signature of `indexBytes` by one of `keys`, and returns the index's sequence. Format 2 (what `provd-build` writes):
 * the base64 signature, then a line `sequence <n>` (the signing time in ms, growing with every signing), the
 * signature covering {@link signedIndexMessage}. Format 1 (the base64 signature of the bytes alone) has sequence 0.
 * Throws `PROVD_REPO_UNSIGNED` or `PROVD_REPO_BAD_SIGNATURE`.
 *
 * @example
 * ```ts
 * const { sequence } = verifyIndexSignature(indexBytes, sigBytes?.toString('utf8'), keys, 'https://repo.example/provd/');
 * ```
 */
export function verifyIndexSignature(indexBytes: Uint8Array, signatureText: string | undefined, keys: readonly KeyObject[], repo: string): { sequence: number } {
  if (signatureText === undefined) throw hostError('PROVD_REPO_UNSIGNED', { repo });
  const [text = '', sequenceLine, ...rest] = signatureText.trim().split(/\r?\n/);
  const signature = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || signature.length !== SIGNATURE_BYTES) {
    throw hostError('PROVD_REPO_BAD_SIGNATURE', { repo, reason: `${INDEX_SIGNATURE_FILE} is not the base64 of a ${SIGNATURE_BYTES}-byte Ed25519 signature` });
  }
  const sequenceMatch = sequenceLine === undefined ? undefined : /^sequence (\d{1,15})$/.exec(sequenceLine);
  if (rest.length > 0 || (sequenceLine !== undefined && !sequenceMatch)) {
    throw hostError('PROVD_REPO_BAD_SIGNATURE', { repo, reason: `${INDEX_SIGNATURE_FILE} must hold the signature and one line "sequence <n>"` });
  }
  const sequence = sequenceMatch ? Number(sequenceMatch[1]) : 0;
  const message = sequenceMatch ? signedIndexMessage(indexBytes, sequence) : indexBytes;
  if (!keys.some((key) => verify(null, message, key, signature))) {
    throw hostError('PROVD_REPO_BAD_SIGNATURE', { repo, reason: `the signature does not match plugins.db for any of the ${keys.length} trusted key(s)` });
  }
  return { sequence };
}

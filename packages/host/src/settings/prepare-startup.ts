import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { isProvdError, validateRawConfig, type RawConfig } from '@provd/sdk';
import { hostError } from '../errors';
import { LineCounter, parseDocument } from 'yaml';
import { readTokensFile } from '../api/access';
import { checkAppendable } from '../log/host-logger';
import { readTrustedKeys } from '../repository/index';
import type { ResolvedSettings } from './resolve-settings';

/** What the host needs from the files the settings name, read and checked before anything binds. */
export interface StartupFiles {
  /** The base raw config (`{}` without `base_raw_config`). */
  baseRawConfig: RawConfig;
  /** The trusted repository keys. */
  trustedKeys: KeyObject[];
  /** Reads the TLS material again (start-up and SIGHUP); absent without HTTPS. */
  tls?: () => Promise<SecureContextOptions>;
}

/** ` at line L column C` of the first syntax error in `text` (JSON is YAML: the YAML parser tells where), or `''`. */
function jsonPosition(text: string): string {
  const lines = new LineCounter();
  const error = parseDocument(text, { lineCounter: lines }).errors[0];
  if (!error) return '';
  const { line, col } = lines.linePos(error.pos[0]);
  return ` at line ${line} column ${col}`;
}

async function readNamed(setting: string, source: string, file: string, fix: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw hostError('PROVD_SERVE_FILE_INVALID', { setting, source, file, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, fix }, { cause: err });
  }
}

/** Reads and checks the base raw config file: JSON, one object, valid under the raw-config schema. */
async function readBaseRawConfig(file: string, source: string): Promise<RawConfig> {
  const fix = 'give a JSON file holding one raw config object, e.g. {"ntp_enabled": true, "ntp_ip": "10.0.0.1"}';
  const text = await readNamed('base_raw_config', source, file, fix);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw hostError('PROVD_SERVE_FILE_INVALID', { setting: 'base_raw_config', source, file, reason: `is not JSON${jsonPosition(text)}: ${(err as Error).message}`, fix });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw hostError('PROVD_SERVE_FILE_INVALID', { setting: 'base_raw_config', source, file, reason: 'must hold a JSON object', fix });
  }
  const { valid, errors } = validateRawConfig(value);
  if (!valid) throw hostError('PROVD_SERVE_FILE_INVALID', { setting: 'base_raw_config', source, file, reason: `is not a valid raw config: ${errors.join(', ')}`, fix: 'correct the keys named (see docs/raw-config.md)' });
  return value as RawConfig;
}

/**
 * Reads every file the settings name and checks it, so that `provd serve` fails before it binds anything: the base
 * raw config (JSON, schema), the trusted keys, the TLS certificate, key and client CA (they must load together), and
 * the log files (they must be appendable). Each error is a `PROVD_SERVE_FILE_INVALID` naming the setting, where it
 * was set, the file and the fix.
 */
export async function prepareStartup(resolved: ResolvedSettings): Promise<StartupFiles> {
  const { settings: s, where } = resolved;
  const at = (key: string) => where[key] ?? 'default';
  const baseRawConfig = s.base_raw_config ? await readBaseRawConfig(s.base_raw_config, at('base_raw_config')) : {};
  let trustedKeys: KeyObject[];
  try {
    trustedKeys = await readTrustedKeys(s.trusted_keys);
  } catch (err) {
    if (!isProvdError(err)) throw err;
    throw hostError('PROVD_SERVE_FILE_INVALID', { setting: 'trusted_keys', source: at('trusted_keys'), file: String(err.file ?? s.trusted_keys.join(', ')), reason: err.message, fix: 'give PEM Ed25519 public key files' });
  }
  if (s.api_tokens) await readTokensFile(s.api_tokens); // PROVD_API_INVALID_TOKENS names the file and each problem
  if (s.log_file) checkAppendable(s.log_file, 'log_file', at('log_file'));
  if (s.security_log) checkAppendable(s.security_log, 'security_log', at('security_log'));
  let tls: (() => Promise<SecureContextOptions>) | undefined;
  if (s.https_port !== undefined && s.tls_cert && s.tls_key) {
    const certFile = s.tls_cert;
    const keyFile = s.tls_key;
    const caFile = s.tls_client_ca;
    tls = async () => {
      const cert = await readNamed('tls_cert', at('tls_cert'), certFile, 'give a readable PEM certificate file');
      const key = await readNamed('tls_key', at('tls_key'), keyFile, 'give a readable PEM key file');
      const ca = caFile ? await readNamed('tls_client_ca', at('tls_client_ca'), caFile, 'give a readable PEM CA file') : undefined;
      const options: SecureContextOptions = { cert, key, ...(ca ? { ca } : {}) };
      try {
        createSecureContext(options);
      } catch (err) {
        const reason = (err as Error).message;
        const culprit = /key/i.test(reason) ? { setting: 'tls_key', file: keyFile } : /ca|issuer/i.test(reason) && caFile ? { setting: 'tls_client_ca', file: caFile } : { setting: 'tls_cert', file: certFile };
        throw hostError('PROVD_SERVE_FILE_INVALID', { ...culprit, source: at(culprit.setting), reason: `does not load as TLS material (${reason})`, fix: 'give a PEM certificate and the private key that matches it (openssl x509 -noout -pubkey -in CERT and openssl pkey -pubout -in KEY print the same key)' }, { cause: err });
      }
      return options;
    };
    await tls();
  }
  return { baseRawConfig, trustedKeys, ...(tls ? { tls } : {}) };
}

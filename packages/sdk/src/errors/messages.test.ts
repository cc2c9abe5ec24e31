import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { createProvdError, isProvdError, PROVD_ERROR_CODES, ProvdError } from './index';

describe('error messages', () => {
  it('documents every code in docs/errors.md with what it means and how to fix it', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
    const missing = PROVD_ERROR_CODES.filter((code) => {
      const at = doc.indexOf(`### ${code}\n`);
      if (at < 0) return true;
      const section = doc.slice(at).split('\n### ')[0] ?? '';
      return !section.includes('**Means:**') || !section.includes('**Fix:**');
    });
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^### (PROVD_[A-Z0-9_]+)$/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !PROVD_ERROR_CODES.includes(c as never))).toEqual([]);
  });

  it('builds an error with its code, location and cause', () => {
    const cause = new Error('root');
    const err = createProvdError('PROVD_INVALID_MAC', { value: 'zz', key: 'mac' }, { cause });
    expect(err).toBeInstanceOf(ProvdError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ProvdError');
    expect(err.code).toBe('PROVD_INVALID_MAC');
    expect(err.key).toBe('mac');
    expect(err.cause).toBe(cause);
    expect(err.message).toContain('"zz"');
    expect(err.toJSON()).toEqual({ code: 'PROVD_INVALID_MAC', message: err.message, key: 'mac' });
    expect(isProvdError(err, 'PROVD_INVALID_MAC')).toBe(true);
    expect(isProvdError(err, 'PROVD_INVALID_IP')).toBe(false);
    expect(isProvdError(new Error('x'))).toBe(false);
  });

  it('leaves out location fields that were not given', () => {
    const err = createProvdError('PROVD_INVALID_RAW_CONFIG', { errors: ['sip_lines.1.proxy_port: must be integer'] });
    expect(Object.keys(err.toJSON()).sort()).toEqual(['code', 'message']);
    expect(err.message).toContain('sip_lines.1.proxy_port: must be integer');
  });
});

import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { createProvdError, defineErrors, isProvdError, ProvdError, sdkErrors } from './index';

describe('SDK error catalog', () => {
  it('documents every SDK code in docs/errors.md under @provd/sdk, and no other code there', () => {
    expect(errorDocsProblems(sdkErrors)).toEqual({ undocumented: [], unknown: [] });
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

  it('gives an error the HTTP status of its definition, and none when the definition has none', () => {
    expect(createProvdError('PROVD_INTERNAL', { what: 'x' }).status).toBe(500);
    expect(createProvdError('PROVD_INVALID_MAC', { value: 'zz' }).status).toBeUndefined();
    const catalog = defineErrors('@acme/tool', {
      PROVD_ACME_NOT_FOUND: { status: 404, message: (a: { name: string }) => ({ message: `no widget "${a.name}"`, file: a.name }) },
    });
    const err = catalog.create('PROVD_ACME_NOT_FOUND', { name: 'w' });
    expect([err.code, err.status, err.file, err.message]).toEqual(['PROVD_ACME_NOT_FOUND', 404, 'w', 'no widget "w"']);
    expect(catalog.codes).toEqual(['PROVD_ACME_NOT_FOUND']);
    expect(catalog.owner).toBe('@acme/tool');
  });
});

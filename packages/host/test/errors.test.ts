import { isProvdError, sdkErrors } from '@provd/sdk';
import { errorDocsProblems } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { errorStatus, hostErrors, hostError } from '../src/index';

// That no code is defined by two packages, and that docs/errors.md documents no code no package defines, is checked
// over every package's catalog in scripts/release/test/errors.test.ts.

describe('error catalogs', () => {
  it('documents every host code in docs/errors.md under @provd/host, and no other code there', () => {
    expect(errorDocsProblems(hostErrors)).toEqual({ undocumented: [], unknown: [] });
  });

  it('answers an API error with the status of its code definition, 400 for other user errors, 500 for bugs', () => {
    expect(errorStatus(hostError('PROVD_HOST_DEVICE_NOT_FOUND', { device: 'd' }))).toBe(404);
    // the established host answers a duplicate with 400 and a non-deletable config with 403 (api.yml)
    expect(errorStatus(hostError('PROVD_HOST_DUPLICATE_ID', { kind: 'device', id: 'd' }))).toBe(400);
    expect(errorStatus(hostError('PROVD_HOST_CONFIG_NOT_DELETABLE', { config: 'c' }))).toBe(403);
    expect(errorStatus(hostError('PROVD_API_FORBIDDEN', { acl: 'provd.read' }))).toBe(403);
    expect(errorStatus(hostError('PROVD_API_UNAUTHORIZED', { reason: 'x' }))).toBe(401);
    expect(errorStatus(hostError('PROVD_REPO_UNREACHABLE', { repo: 'r', file: 'f', reason: 'x' }))).toBe(502);
    expect(errorStatus(sdkErrors.create('PROVD_INTERNAL', { what: 'x' }))).toBe(500);
    const user = hostError('PROVD_HOST_INVALID_DEVICE', { errors: ['mac: bad'] });
    expect(isProvdError(user) && user.status).toBeUndefined();
    expect(errorStatus(user)).toBe(400);
    expect(errorStatus(new Error('boom'))).toBe(500);
  });
});

import { describe, expect, it } from 'vitest';
import { Operation, OperationMonitors } from '../src/api/index';
import { hostError } from '../src/errors';

describe('operations in progress', () => {
  it('formats the established status strings', async () => {
    const op = new Operation('install_pkg');
    expect(op.format()).toBe('install_pkg|waiting');
    op.state = 'progress';
    Object.assign(op.sub('download'), { state: 'success', current: 10, end: 100 });
    Object.assign(op.sub('install'), { current: 0, end: 0 });
    expect(op.format()).toBe('install_pkg|progress(download|success;10/100)(install|waiting;0)');
    expect(new Operation().format()).toBe('waiting');
    const failing = new Operation('update');
    await failing.run(async () => {
      throw new Error('repository unreachable');
    });
    expect([failing.format(), failing.error?.message]).toEqual(['update|fail', 'repository unreachable']);
  });

  it('tells why a failed operation failed: the error\'s own code, else PROVD_API_OPERATION_FAILED naming the operation', async () => {
    const coded = new Operation('update', 'update of the installable plugins');
    expect(coded.failure()).toBeUndefined();
    await coded.run(async () => {
      throw hostError('PROVD_REPO_UNREACHABLE', { repo: 'http://r/', file: 'plugins.db', reason: 'ECONNREFUSED' });
    });
    expect(coded.failure()).toMatchObject({ code: 'PROVD_REPO_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED') });
    const plain = new Operation('install', 'install of package "fw" of plugin "acme-1"');
    await plain.run(async () => {
      throw new Error('package not found');
    });
    expect(plain.failure()).toEqual({ code: 'PROVD_API_OPERATION_FAILED', message: 'install of package "fw" of plugin "acme-1" failed: package not found' });
    const fine = new Operation('install');
    await fine.run(async () => undefined);
    expect(fine.failure()).toBeUndefined();
  });

  it('numbers monitors per resource from 1, deletes them, and forgets the oldest finished past its limit', async () => {
    const monitors = new OperationMonitors(3);
    const done = new Operation('a');
    await done.run(async () => undefined);
    const running = new Operation('b');
    running.state = 'progress';
    expect(monitors.add('/0.2/x', done)).toBe('/0.2/x/1');
    expect(monitors.add('/0.2/x', running)).toBe('/0.2/x/2');
    expect(monitors.add('/0.2/y', new Operation())).toBe('/0.2/y/1');
    expect(monitors.add('/0.2/x', new Operation())).toBe('/0.2/x/3');
    expect(() => monitors.get('/0.2/x', '1')).toThrow(expect.objectContaining({ code: 'PROVD_API_OPERATION_NOT_FOUND' }));
    expect(monitors.get('/0.2/x', '2')).toBe(running);
    monitors.delete('/0.2/x', '2');
    expect(() => monitors.delete('/0.2/x', '2')).toThrow(expect.objectContaining({ code: 'PROVD_API_OPERATION_NOT_FOUND' }));
    expect(monitors.size).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { Operation, OperationMonitors } from '../src/api/index';

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

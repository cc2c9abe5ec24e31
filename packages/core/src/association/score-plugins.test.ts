import { describe, expect, it } from 'vitest';
import type { DevInfo } from '@provd/sdk';
import { choosePlugin } from './choose-plugin';
import type { PgAssociator } from '@provd/sdk';
import { scorePlugins } from './score-plugins';

const fixed = (score: unknown): PgAssociator => ({ associate: () => score as number });
const throwing: PgAssociator = {
  associate: () => {
    throw new TypeError('boom');
  },
};
const devInfo: DevInfo = { vendor: 'Acme', model: 'A1' };

describe('scorePlugins', () => {
  it('scores every plugin with an associator, skipping those without (contract §11.3)', () => {
    const { scores, failures } = scorePlugins(
      [
        { plugin: 'a', associator: fixed(600) },
        { plugin: 'b', associator: fixed(500) },
        { plugin: 'c', associator: undefined },
        { plugin: 'd' },
      ],
      devInfo,
    );
    expect([...scores]).toEqual([
      ['a', 600],
      ['b', 500],
    ]);
    expect(failures).toEqual([]);
    expect(choosePlugin(scores)).toBe('a');
  });

  it('leaves out and reports an associator that throws; the others are still chosen from (contract §11.3)', () => {
    const { scores, failures } = scorePlugins(
      [
        { plugin: 'a', associator: throwing },
        { plugin: 'b', associator: fixed(300) },
      ],
      devInfo,
    );
    expect(choosePlugin(scores)).toBe('b');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'PROVD_ASSOCIATOR_FAILED', plugin: 'a' });
    expect(failures[0]?.message).toContain('TypeError: boom');
    expect(failures[0]?.cause).toBeInstanceOf(TypeError);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', '600'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a promise', Promise.resolve(600)],
  ])('leaves out and reports an associator returning %s', (_what, score) => {
    const { scores, failures } = scorePlugins(
      [
        { plugin: 'bad', associator: fixed(score) },
        { plugin: 'good', associator: fixed(300) },
      ],
      devInfo,
    );
    expect([...scores.keys()]).toEqual(['good']);
    expect(failures.map((f) => [f.code, f.plugin])).toEqual([['PROVD_ASSOCIATOR_BAD_SCORE', 'bad']]);
    expect(failures[0]?.message).toContain('instead of a score');
  });

  it('reports a thrown non-error value', () => {
    const { failures } = scorePlugins(
      [
        {
          plugin: 'a',
          associator: {
            associate: () => {
              throw 'nope';
            },
          },
        },
      ],
      devInfo,
    );
    expect(failures[0]?.message).toContain('non-error value "nope"');
  });

  it('gives each associator its own copy of the device information', () => {
    const seen: DevInfo[] = [];
    const mutating: PgAssociator = {
      associate(info) {
        seen.push({ ...info });
        info.vendor = 'Changed';
        return 300;
      },
    };
    scorePlugins(
      [
        { plugin: 'a', associator: mutating },
        { plugin: 'b', associator: mutating },
      ],
      devInfo,
    );
    expect(seen).toEqual([devInfo, devInfo]);
    expect(devInfo.vendor).toBe('Acme');
  });
});

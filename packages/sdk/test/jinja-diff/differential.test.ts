import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXTS } from './contexts';
import { HAND_CASES, type Case } from './corpus';
import { runDifferential, type Outcome } from './differential';
import { generateCases } from './generate';

function describeOutcome(o: Outcome): string {
  const show = (r: Outcome['jinja']): string => ('out' in r ? JSON.stringify(r.out) : `ERROR(${r.phase}) ${r.error}`);
  return `context #${o.context} ${JSON.stringify(o.case.src)}${o.case.files ? ` files ${JSON.stringify(o.case.files)}` : ''}\n  jinja2: ${show(o.jinja)}\n  provd:  ${show(o.provd)}`;
}

function check(label: string, cases: readonly Case[]): void {
    const { version, outcomes } = runDifferential(cases, CONTEXTS);
    const count = (k: Outcome['kind']): number => outcomes.filter((o) => o.kind === k).length;
    console.log(`${label}, Jinja2 ${version}: ${cases.length} templates x ${CONTEXTS.length} contexts = ${outcomes.length} renders: ${count('same')} identical, ${count('both-error')} errors in both, ${count('refused')} refused at compile time, ${count('refused-render')} refused at render, ${count('differs')} different`);
    const bad = outcomes.filter((o) => o.kind === 'differs');
    // PROVD_JINJA_DIFF_REPORT=<file> writes every outcome that is not identical output, for debugging.
    const report = process.env.PROVD_JINJA_DIFF_REPORT;
    if (report) writeFileSync(`${report}.${label}`, outcomes.filter((o) => o.kind !== 'same').map((o) => `${o.kind}: ${describeOutcome(o)}`).join('\n'));
    // Something must render: a corpus where everything errors proves nothing.
    expect(count('same')).toBeGreaterThan(outcomes.length / 3);
    expect(bad.map(describeOutcome).slice(0, 40).join('\n')).toBe('');
}

describe('differential test against real Jinja2', () => {
  it('renders the hand-written corpus byte for byte as Jinja2 does', () => {
    check('hand-written', HAND_CASES);
  }, 120_000);
  it('renders generated combinations of constructs byte for byte as Jinja2 does', () => {
    check('generated', generateCases(Number(process.env.PROVD_JINJA_GENERATED ?? 600), Number(process.env.PROVD_JINJA_SEED ?? 1)));
  }, 120_000);
});

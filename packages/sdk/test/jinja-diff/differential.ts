/**
 * The differential harness: renders cases with real Jinja2 (Debian's python3-jinja2, one Python process for the
 * whole batch) and with provd's engine, and classifies each (case, context) pair.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compileTemplate, JinjaEnvironment } from '../../src/templates/jinja/environment';
import { TemplateNotFound, htmlEscape, type CompiledTemplate } from '../../src/templates/jinja/runtime';
import type { Case } from './corpus';

/** The Python that runs Jinja2: Debian's, which has python3-jinja2. */
export const PYTHON = process.env.PROVD_JINJA_PYTHON ?? '/usr/bin/python3';

type PyResult = { out: string } | { error: string; phase: 'compile' | 'render' };

/** The outcome of one case under one context. */
export interface Outcome {
  /** `same`: identical output; `both-error`: both refuse it; `refused`: provd refuses at compile time what Jinja2 renders; `differs`: a failure. */
  kind: 'same' | 'both-error' | 'refused' | 'refused-render' | 'differs';
  case: Case;
  context: number;
  jinja: PyResult;
  provd: { out: string } | { error: string; phase: 'compile' | 'render' };
}

/** Renders `cases` with Jinja2 in one Python process. */
export function renderWithJinja(cases: readonly Case[], contexts: readonly object[]): { version: string; results: PyResult[][] } {
  const input = JSON.stringify({
    cases: cases.map((c) => ({ files: { ...(c.files ?? {}), '__main__': c.src }, template: '__main__', contexts, autoescape: c.autoescape ?? false })),
  });
  const run = spawnSync(PYTHON, [join(import.meta.dirname, 'render.py')], { input, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${PYTHON} render.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { version: string; results: PyResult[][] };
}

function provdRender(c: Case, contexts: readonly object[]): Outcome['provd'][] {
  const files: Record<string, string> = { ...(c.files ?? {}), '__main__': c.src };
  const cache = new Map<string, CompiledTemplate>();
  const env = new JinjaEnvironment((name) => {
    const hit = cache.get(name);
    if (hit) return hit;
    if (!Object.hasOwn(files, name)) throw new TemplateNotFound(name);
    const t = compileTemplate(files[name] as string, name);
    cache.set(name, t);
    return t;
  });
  let main: CompiledTemplate;
  try {
    main = env.load('__main__');
  } catch (e) {
    return contexts.map(() => ({ error: (e as Error).message, phase: 'compile' as const }));
  }
  return contexts.map((ctx) => {
    try {
      return { out: env.render(main, structuredClone(ctx), c.autoescape ? htmlEscape : undefined) };
    } catch (e) {
      return { error: (e as Error).message, phase: (e as Error).name === 'TemplateSyntaxError' ? 'compile' : 'render' };
    }
  });
}

/** Renders every case with both engines and classifies the results. */
export function runDifferential(cases: readonly Case[], contexts: readonly object[]): { version: string; outcomes: Outcome[] } {
  const { version, results } = renderWithJinja(cases, contexts);
  const outcomes: Outcome[] = [];
  cases.forEach((c, i) => {
    const ours = provdRender(c, contexts);
    const theirs = results[i] as PyResult[];
    contexts.forEach((_ctx, j) => {
      const jinja = theirs[j] as PyResult;
      const provd = ours[j] as Outcome['provd'];
      let kind: Outcome['kind'];
      if ('out' in jinja) {
        if ('out' in provd) kind = provd.out === jinja.out ? 'same' : 'differs';
        else if (provd.phase === 'compile' && /unsupported/.test(provd.error)) kind = 'refused';
        else if (/unsupported|refuses/.test(provd.error)) kind = 'refused-render';
        else kind = 'differs';
      } else kind = 'out' in provd ? 'differs' : 'both-error';
      outcomes.push({ kind, case: c, context: j, jinja, provd });
    });
  });
  return { version, outcomes };
}

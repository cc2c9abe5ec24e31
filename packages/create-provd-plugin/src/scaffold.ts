import { relative } from 'node:path';
import {
  ANSWER_DEFAULTS,
  defaultFamily,
  familyProblem,
  firmwareProblem,
  modelProblems,
  parseLayout,
  splitModels,
  validateAnswers,
  vendorProblem,
  type Answers,
  type FileLayout,
} from './answers';
import { createError } from './errors';
import { generateFamily } from './generate/generate-family';
import type { Placement } from './generate/package-files';
import { existingFamilies, placeFamily } from './placement';
import { guessRepository } from './repository-guess';
import type { Asker } from './prompt';
import { writeFamily } from './write-family';

/** What to scaffold. */
export interface ScaffoldOptions {
  /** The folder relative paths start from. @defaultValue `process.cwd()` */
  cwd?: string;
  /** The folder to create (see {@link placeFamily} for the default). */
  dir?: string;
  /** The answers known up front (from flags); the others are asked, or defaulted. */
  answers?: Partial<Answers>;
  /** Make a folder of its own even inside the provd repository. */
  standalone?: boolean;
  /** Asks the missing answers; without one, missing answers take their defaults, and vendor and models are required. */
  asker?: Asker;
}

/** What {@link scaffold} wrote. */
export interface ScaffoldResult {
  /** The absolute folder of the new family. */
  dir: string;
  /** Whether it is a package of the provd repository or a folder of its own. */
  placement: Placement['kind'];
  /** The answers used. */
  answers: Answers;
  /** The files written, relative to `dir`, sorted. */
  files: string[];
  /** The plugin id of the first target. */
  pluginId: string;
}

/** Gathers every answer: the given ones, then asked (or defaulted) in order. */
async function gather(given: Partial<Answers>, asker: Asker | undefined): Promise<Answers> {
  const missing = (['vendor', 'models'] as const).filter((key) => given[key] === undefined || (key === 'models' && given.models?.length === 0));
  if (!asker && missing.length > 0) throw createError('PROVD_CREATE_MISSING_ANSWERS', { flags: missing.map((k) => `--${k}`) });
  const vendor =
    given.vendor ?? (await (asker as Asker).ask({ label: 'Vendor', hint: '(as phones and people write it, e.g. Acme)', check: vendorProblem }));
  const family =
    given.family ??
    (asker ? await asker.ask({ label: 'Family name', hint: '(lower-case, used in plugin ids)', default: defaultFamily(vendor) || undefined, check: familyProblem }) : defaultFamily(vendor));
  const models =
    given.models ??
    splitModels(await (asker as Asker).ask({ label: 'Models', hint: '(comma-separated, e.g. A10, A20)', check: (a) => modelProblems(splitModels(a))[0] }));
  const firmware =
    given.firmware ?? (asker ? await asker.ask({ label: 'Firmware version of the first plugin', default: ANSWER_DEFAULTS.firmware, check: firmwareProblem }) : ANSWER_DEFAULTS.firmware);
  const layout: FileLayout =
    given.layout ??
    (asker
      ? (parseLayout(
          await asker.ask({
            label: 'File layout, one file per MAC',
            hint: '(xml, or kv for key = value lines)',
            default: ANSWER_DEFAULTS.layout,
            check: (a) => (parseLayout(a) ? undefined : 'answer "xml" or "kv"'),
          }),
        ) as FileLayout)
      : ANSWER_DEFAULTS.layout);
  return { vendor, family, models, firmware, layout };
}

/**
 * Writes a new plugin family: gathers the answers (given, asked or defaulted), checks them, picks the folder and
 * how it is wired ({@link placeFamily}), and writes every file at once ({@link writeFamily}). The family builds,
 * passes its tests and renders a sample phone's file as written. Throws `PROVD_CREATE_*` errors, having written
 * nothing.
 *
 * @example
 * ```ts
 * const result = await scaffold({ dir: 'provd-plugin-acme', answers: { vendor: 'Acme', models: ['A10', 'A20'], layout: 'kv' } });
 * result.files; // ['.gitignore', 'README.md', 'common/acme-plugin.ts', ...]
 * ```
 */
export async function scaffold(options: ScaffoldOptions = {}): Promise<ScaffoldResult> {
  const cwd = options.cwd ?? process.cwd();
  const answers = await gather(options.answers ?? {}, options.asker);
  const problems = validateAnswers(answers);
  if (problems.length > 0) throw createError('PROVD_CREATE_INVALID_ANSWERS', { problems });
  const { dir, placement } = await placeFamily(cwd, answers.family, options.dir, options.standalone === true);
  if (placement.kind === 'workspace') {
    const file = (await existingFamilies(placement.root)).get(answers.family);
    if (file !== undefined) throw createError('PROVD_CREATE_FAMILY_EXISTS', { family: answers.family, file });
  }
  placement.repository = await guessRepository(dir, placement.kind === 'workspace' ? placement.root : undefined);
  const files = generateFamily(answers, placement);
  await writeFamily(dir, files);
  return {
    dir,
    placement: placement.kind,
    answers,
    files: Object.keys(files).sort(),
    pluginId: `${answers.family}-${answers.firmware}`,
  };
}

/** The lines telling what to run next, for a family written at `dir` (shown relative to `cwd`). */
export function nextSteps(result: ScaffoldResult, cwd: string): string[] {
  const rel = relative(cwd, result.dir) || '.';
  const shown = rel.startsWith('..') ? result.dir : rel;
  if (result.placement === 'workspace') {
    return ['pnpm install', `pnpm build-plugins ${result.answers.family}`, `pnpm vitest run --project plugin-${result.answers.family}`];
  }
  return [`cd ${shown}`, 'pnpm install', 'pnpm build && pnpm test && pnpm render'];
}

/**
 * Runs a package's install graph in a staging folder: node `a` holds the package's verified files, every node with
 * dependents gets its own folder, and every terminal node writes into the shared `result/` folder, breadth first from
 * `a` (contract §8.5).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveLimits } from './archive/index';
import { runFilter } from './filters';
import { placeFile } from './fs-ops';
import type { ResolvedStep } from './manifest-validate';

/** A verified file of the package, as node `a` shows it. */
export interface GraphInput {
  /** Its path in the cache. */
  path: string;
  /** Its name in node `a` (the cache name, `$FILEn`). */
  name: string;
}

/** Options of {@link runInstallGraph}. */
export interface RunGraphOptions {
  /** The package id (for messages). */
  pkg: string;
  /** The resolved steps. */
  steps: readonly ResolvedStep[];
  /** The verified files of the package: cache path and the name node `a` shows them under. */
  inputs: readonly GraphInput[];
  /** An empty staging folder, on the same file system as the install root. */
  staging: string;
  /** Bounds on archives. */
  limits?: Partial<ArchiveLimits>;
  /** Called before each step. */
  onStep?: (step: ResolvedStep, index: number, count: number) => void;
}

/**
 * Runs the graph and returns the `result/` folder holding what the package installs.
 *
 * @example
 * ```ts
 * const result = await runInstallGraph({ pkg: 'firmware', steps, inputs, staging });
 * ```
 */
export async function runInstallGraph(options: RunGraphOptions): Promise<string> {
  const { staging, steps } = options;
  const source = join(staging, 'a');
  const result = join(staging, 'result');
  await mkdir(source);
  await mkdir(result);
  for (const input of options.inputs) await placeFile(input.path, join(source, input.name), 'link');
  const dirs = new Map<string, string>([['a', source]]);
  const hasDependents = new Set(steps.map((s) => s.from));
  let scratchCount = 0;
  const scratch = async (): Promise<string> => mkdtemp(join(staging, `tmp${scratchCount++}-`));
  const queue = ['a'];
  let index = 0;
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const step of steps.filter((s) => s.from === node)) {
      let output = result;
      if (hasDependents.has(step.to)) {
        output = join(staging, `node${dirs.size}`);
        await mkdir(output);
      }
      dirs.set(step.to, output);
      options.onStep?.(step, index++, steps.length);
      await runFilter({
        pkg: options.pkg,
        step,
        input: dirs.get(node) as string,
        output,
        // Node "a" shares its files with the cache: copy out of it, link anywhere else inside the staging area.
        placeMode: node === 'a' ? 'copy' : 'link',
        scratch,
        limits: options.limits,
      });
      queue.push(step.to);
    }
  }
  return result;
}

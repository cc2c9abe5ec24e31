import { AssertionError } from 'node:assert';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The environment variable that makes {@link expectGolden} write the golden files instead of comparing. */
export const UPDATE_GOLDEN_ENV = 'PROVD_UPDATE_GOLDEN';

/** Options of {@link expectGolden}. */
export interface GoldenOptions {
  /**
   * Write `actual` as the golden file instead of comparing. @defaultValue whether the environment variable
   * `PROVD_UPDATE_GOLDEN` is `1`.
   */
  update?: boolean;
}

/** The first line where two texts differ, 1-based, with both lines. */
function firstDifference(expected: string, actual: string): { line: number; expected?: string; actual?: string } {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return { line: i + 1, expected: a[i], actual: b[i] };
  return { line: 0 };
}

/**
 * Compares `actual` with the golden file `file`, byte for byte; throws an `AssertionError` (with both texts, so a
 * test runner shows the diff) naming the first line that differs, or that the golden file is missing. With
 * `PROVD_UPDATE_GOLDEN=1` (or `update`), writes `actual` as the golden file instead (atomically), so a deliberate
 * change is reviewed as a diff of the golden files. A missing golden file is never written silently.
 *
 * @example
 * ```ts
 * await expectGolden(file.text, join(here, 'golden', '00005e005301.xml'));
 * ```
 */
export async function expectGolden(actual: string | Uint8Array, file: string, options: GoldenOptions = {}): Promise<void> {
  const text = typeof actual === 'string' ? actual : Buffer.from(actual).toString('utf8');
  if (options.update ?? process.env[UPDATE_GOLDEN_ENV] === '1') {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tmp-${process.pid}`;
    await writeFile(temp, text);
    await rename(temp, file);
    return;
  }
  let expected: string;
  try {
    expected = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new AssertionError({ message: `the golden file ${file} does not exist: run the tests once with ${UPDATE_GOLDEN_ENV}=1 to write it, then review it` });
  }
  if (expected === text) return;
  const at = firstDifference(expected, text);
  throw new AssertionError({
    message: `differs from the golden file ${file} at line ${at.line}: expected ${JSON.stringify(at.expected ?? '(end of file)')}, got ${JSON.stringify(at.actual ?? '(end of file)')} (${UPDATE_GOLDEN_ENV}=1 rewrites it)`,
    expected,
    actual: text,
    operator: 'strictEqual',
  });
}

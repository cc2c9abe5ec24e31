import { readFile } from 'node:fs/promises';
import { hostError } from '../errors';


/**
 * Reads and parses a JSON file named on the command line; throws `PROVD_CLI_READ_FAILED` or
 * `PROVD_CLI_INVALID_JSON` naming it.
 *
 * @example
 * ```ts
 * const config = await readJsonFile(options.config);
 * ```
 */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw hostError('PROVD_CLI_READ_FAILED', { file, reason: (err as Error).message }, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw hostError('PROVD_CLI_INVALID_JSON', { file, reason: (err as Error).message }, { cause: err });
  }
}

/**
 * Throws the `PROVD_CLI_USAGE` error (exit status 2) for a command line that is wrong.
 *
 * @example
 * ```ts
 * if (!options.out) usageError('missing --out DIR');
 * ```
 */
export function usageError(problem: string): never {
  throw hostError('PROVD_CLI_USAGE', { problem });
}

/**
 * The value of a string option that must be given once: throws `PROVD_CLI_USAGE` when it is missing, empty or
 * repeated.
 *
 * @example
 * ```ts
 * const pluginsDir = requiredOption(options.pluginsDir, '--plugins-dir DIR');
 * ```
 */
export function requiredOption(value: unknown, flag: string): string {
  if (Array.isArray(value)) usageError(`${flag} is given more than once`);
  if (value === undefined || value === true || value === '') usageError(`missing ${flag}`);
  return String(value);
}

/**
 * The value of an optional string option given at most once.
 *
 * @example
 * ```ts
 * const repo = optionalOption(options.repo, '--repo URL_OR_DIR');
 * ```
 */
export function optionalOption(value: unknown, flag: string): string | undefined {
  return value === undefined ? undefined : requiredOption(value, flag);
}

/** The values of an option that may be repeated (none when absent). */
export function repeatedOption(value: unknown, flag: string): string[] {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values.map((v) => requiredOption(v, flag));
}

/**
 * Reads `--download-deadline SECONDS` (a positive number of seconds) into milliseconds; `undefined` when absent.
 * Throws `PROVD_CLI_USAGE` otherwise.
 */
export function deadlineOption(value: unknown, flag = '--download-deadline SECONDS'): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(seconds) || seconds <= 0) usageError(`${flag} must be a positive number of seconds (received "${String(value)}")`);
  return Math.round(seconds * 1000);
}

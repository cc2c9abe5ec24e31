import { validatePluginInfo, type ProvdError } from '@provd/sdk';
import { defaultSdkRange, sdkRangeAccepts } from './check-sdk-range';
import { buildError } from '../errors';

/** Where a check runs: the family and target, for messages. */
export interface CheckSubject {
  /** The family name. */
  family: string;
  /** The target id. */
  target: string;
}

/** What checking a `plugin-info` gives: the object to ship (with `sdk` filled in) or the problems. */
export interface PluginInfoCheck {
  /** The `plugin-info` object to write, when usable. */
  info?: Record<string, unknown>;
  /** The bytes to write: the original text, or the re-serialised object when `sdk` was added. */
  bytes?: Uint8Array;
  /** The problems found. */
  errors: ProvdError[];
}

/**
 * The text the build writes for a `plugin-info` it produces itself (one declared by a target's `pluginInfo`, or a
 * file to which it added `sdk`): JSON indented by two spaces, keys in their order, a final newline.
 *
 * @example
 * ```ts
 * formatPluginInfo({ version: '1.0.0', description: 'x', capabilities: {} }); // '{\n  "version": "1.0.0",\n  ...}\n'
 * ```
 */
export function formatPluginInfo(info: Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

const FILE_NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

/**
 * Parses and checks a `plugin-info`: JSON object, the SDK's plugin-info schema, a version usable in a file name, and
 * an `sdk` range that accepts the current SDK (added as `^<sdk version>` when missing).
 *
 * @example
 * ```ts
 * const { info, errors } = checkPluginInfo(bytes, 'v2_8_1/plugin-info', { family: 'digium', target: '2.8.1' }, '0.1.0');
 * ```
 */
export function checkPluginInfo(raw: Uint8Array, file: string, subject: CheckSubject, sdkVersion: string): PluginInfoCheck {
  const invalid = (errors: string[]): PluginInfoCheck => ({
    errors: [buildError('PROVD_BUILD_PLUGIN_INFO_INVALID', { ...subject, file, errors })],
  });
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    return invalid([`(root): not JSON: ${(err as Error).message}`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid(['(root): must be a JSON object']);
  const info = value as Record<string, unknown>;
  const problems = [...validatePluginInfo(info).errors];
  if (typeof info.version === 'string' && !FILE_NAME_SAFE.test(info.version)) {
    problems.push(`version: ${JSON.stringify(info.version)} cannot be part of a file name; use letters, digits, ".", "-", "+", "_" or "~"`);
  }
  const errors: ProvdError[] = problems.length > 0 ? invalid([...new Set(problems)]).errors : [];
  let bytes: Uint8Array = raw;
  if (info.sdk === undefined) {
    info.sdk = defaultSdkRange(sdkVersion);
    bytes = Buffer.from(formatPluginInfo(info));
  } else if (typeof info.sdk === 'string' && !sdkRangeAccepts(info.sdk, sdkVersion)) {
    errors.push(buildError('PROVD_BUILD_SDK_RANGE', { ...subject, file, range: info.sdk, sdkVersion }));
  }
  return errors.length > 0 ? { errors } : { info, bytes, errors };
}

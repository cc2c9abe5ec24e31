/** How a generated plugin writes a phone's configuration: one file per MAC address, XML or `key = value` lines. */
export type FileLayout = 'xml' | 'kv';

/** Every answer the scaffold needs: what `pnpm create provd-plugin` asks, or reads from its flags. */
export interface Answers {
  /** The vendor as phones and people write it, e.g. `Acme` (devInfo `vendor`, messages, templates). */
  vendor: string;
  /** The family name: lower-case letters, digits and `-`, e.g. `acme` (`pnpm build-plugins acme`, plugin ids). */
  family: string;
  /** The models the family supports, e.g. `['A10', 'A20']`. */
  models: string[];
  /** The firmware version of the first target, e.g. `1.0.0` (plugin id `acme-1.0.0`). */
  firmware: string;
  /** The file layout of a phone's configuration. */
  layout: FileLayout;
}

/** The answers that have a default. */
export const ANSWER_DEFAULTS: Readonly<Pick<Answers, 'firmware' | 'layout'>> = { firmware: '1.0.0', layout: 'xml' };

const VENDOR = /^[A-Za-z][A-Za-z0-9]*(?:[ ._-][A-Za-z0-9]+)*$/;
const FAMILY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MODEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const FIRMWARE = /^\d{1,6}(?:\.\d{1,6}){0,5}$/;

/** The family name a vendor gives by default: `Acme Phones` → `acme-phones`. */
export function defaultFamily(vendor: string): string {
  return vendor
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^[0-9-]+/, '');
}

/** Splits a model list as typed (`A10, A20 A30`): commas or spaces, empty items dropped. */
export function splitModels(text: string): string[] {
  return text.split(/[\s,]+/).filter((m) => m !== '');
}

/** Reads a layout as typed: `xml`, or `kv` (also `key=value`, `keyvalue`, `ini`). */
export function parseLayout(text: string): FileLayout | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'xml') return 'xml';
  if (['kv', 'key=value', 'key-value', 'keyvalue', 'ini'].includes(t)) return 'kv';
  return undefined;
}

/** Checks one vendor name; returns the problem or `undefined`. */
export function vendorProblem(vendor: string): string | undefined {
  if (!VENDOR.test(vendor) || vendor.length > 40) {
    return `${JSON.stringify(vendor)} is not a usable vendor name: use 1-40 letters and digits starting with a letter, words separated by one space, ".", "_" or "-" (e.g. "Acme")`;
  }
  return undefined;
}

/** Checks one family name; returns the problem or `undefined`. */
export function familyProblem(family: string): string | undefined {
  if (!FAMILY.test(family) || family.length > 40) {
    return `${JSON.stringify(family)} is not a usable family name: use 1-40 lower-case letters, digits and single "-", starting with a letter (e.g. "acme")`;
  }
  return undefined;
}

/** Checks a model list; returns the problems (`models[i]: ...`). */
export function modelProblems(models: readonly string[]): string[] {
  if (models.length === 0) return ['at least one model is needed (e.g. "A10, A20")'];
  const problems: string[] = [];
  const seen = new Set<string>();
  models.forEach((model, i) => {
    if (!MODEL.test(model)) problems.push(`[${i}]: ${JSON.stringify(model)} is not a usable model name: use 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    else if (seen.has(model.toLowerCase())) problems.push(`[${i}]: ${JSON.stringify(model)} is given twice`);
    seen.add(model.toLowerCase());
  });
  return problems;
}

/** Checks a firmware version; returns the problem or `undefined`. */
export function firmwareProblem(firmware: string): string | undefined {
  if (!FIRMWARE.test(firmware)) return `${JSON.stringify(firmware)} is not a usable firmware version: use numbers separated by "." (e.g. "1.0.0")`;
  return undefined;
}

/**
 * Checks a whole set of answers; returns every problem as `key: message` (empty when all is well).
 *
 * @example
 * ```ts
 * validateAnswers({ vendor: 'Acme', family: 'acme', models: ['A10'], firmware: '1.0.0', layout: 'xml' }); // []
 * ```
 */
export function validateAnswers(answers: Answers): string[] {
  const problems: string[] = [];
  const vendor = vendorProblem(answers.vendor);
  if (vendor) problems.push(`vendor: ${vendor}`);
  const family = familyProblem(answers.family);
  if (family) problems.push(`family: ${family}`);
  for (const p of modelProblems(answers.models)) problems.push(`models${p.startsWith('[') ? '' : ': '}${p}`);
  const firmware = firmwareProblem(answers.firmware);
  if (firmware) problems.push(`firmware: ${firmware}`);
  if (answers.layout !== 'xml' && answers.layout !== 'kv') problems.push(`layout: ${JSON.stringify(answers.layout)} is not a layout: use "xml" or "kv" (key = value)`);
  return problems;
}

import { stringify } from 'yaml';
import type { ResolvedSettings } from './resolve-settings';
import { SETTINGS } from './settings-table';

/** What replaces a secret value in printed settings. */
export const MASK = '********';

/** A URL with its password masked (`postgres://provd:********@db/provd`); the whole of it when it does not parse. */
function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = MASK;
    return url.toString().replace(encodeURIComponent(MASK), MASK);
  } catch {
    return MASK;
  }
}

/**
 * The settings with every secret masked (`url_keys` keeps its tenants, their keys are masked; a URL keeps all but its
 * password).
 */
export function maskedSettings(resolved: ResolvedSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const values = resolved.settings as unknown as Record<string, unknown>;
  for (const setting of SETTINGS) {
    const value = values[setting.key];
    if (value === undefined) continue;
    if (!setting.secret) out[setting.key] = value;
    else if (setting.type === 'url' && typeof value === 'string') out[setting.key] = maskUrl(value);
    else if (typeof value === 'object' && value !== null) out[setting.key] = Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
    else out[setting.key] = MASK;
  }
  return out;
}

/**
 * The effective settings as YAML that `config.yml` accepts (secrets masked), each line followed by where its value
 * came from, for `provd serve --check-config`.
 *
 * @example
 * ```ts
 * io.stdout.write(formatSettings(await resolveSettings({ configFile, env: process.env, flags })));
 * ```
 */
export function formatSettings(resolved: ResolvedSettings): string {
  const masked = maskedSettings(resolved);
  const lines = [
    '# provd serve: effective settings (secrets masked)',
    `# files read: ${resolved.files.length > 0 ? resolved.files.join(', ') : 'none (no --config FILE or PROVD_CONFIG)'}`,
  ];
  for (const [key, value] of Object.entries(masked)) {
    const text = stringify({ [key]: value }, { lineWidth: 0 }).trimEnd();
    const [first, ...rest] = text.split('\n');
    lines.push(`${first}  # ${resolved.where[key] ?? 'default'}`, ...rest);
  }
  return `${lines.join('\n')}\n`;
}

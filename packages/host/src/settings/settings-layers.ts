import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostError } from '../errors';
import { isMap, LineCounter, parseDocument, type Scalar } from 'yaml';
import { SETTINGS, settingEnvName, settingFlagName, type SettingDefinition } from './settings-table';

/** One source of settings: a file, the environment or the command line, with where each key was found. */
export interface SettingsLayer {
  /** The file the layer was read from, for files. */
  file?: string;
  /** The values it sets, by key (strings from the environment and flags already converted to their type). */
  values: Record<string, unknown>;
  /** Where each key was set, as errors name it (`/etc/provd/config.yml line 4`, `PROVD_HTTP_PORT`, `--http-port`). */
  where: Record<string, string>;
}

/** Reads one YAML settings file into a layer; an empty file sets nothing. */
export async function readSettingsFile(file: string): Promise<SettingsLayer> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw hostError('PROVD_SERVE_SETTINGS_UNREADABLE', { file, reason: (err as Error).message }, { cause: err });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const pos = lines.linePos(error.pos[0]);
    throw hostError('PROVD_SERVE_SETTINGS_SYNTAX', { file, line: pos.line, column: pos.col, reason: error.message.split('\n')[0] ?? error.code });
  }
  const layer: SettingsLayer = { file, values: {}, where: {} };
  if (doc.contents === null || (doc.contents as Scalar).value === null) return layer;
  if (!isMap(doc.contents)) {
    const pos = lines.linePos(doc.contents.range?.[0] ?? 0);
    throw hostError('PROVD_SERVE_SETTINGS_SYNTAX', { file, line: pos.line, column: pos.col, reason: 'the file must be a mapping of setting: value' });
  }
  layer.values = doc.toJS() as Record<string, unknown>;
  for (const pair of doc.contents.items) {
    const key = String((pair.key as Scalar | null)?.value ?? pair.key);
    const range = (pair.key as Scalar | null)?.range;
    layer.where[key] = `${file} line ${range ? lines.linePos(range[0]).line : '?'}`;
  }
  return layer;
}

/**
 * Reads the main settings file and then every `*.yml` / `*.yaml` of the `conf.d/` folder beside it, in the order of
 * their names (later files override earlier ones), as established provd hosts do.
 */
export async function readSettingsFiles(file: string): Promise<SettingsLayer[]> {
  const layers = [await readSettingsFile(file)];
  const folder = join(dirname(file), 'conf.d');
  let names: string[] = [];
  try {
    names = (await readdir(folder)).filter((n) => /\.ya?ml$/.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw hostError('PROVD_SERVE_SETTINGS_UNREADABLE', { file: folder, reason: (err as Error).message }, { cause: err });
    }
  }
  for (const name of names) layers.push(await readSettingsFile(join(folder, name)));
  return layers;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** Converts the text of an environment variable or a flag to the setting's type; text that does not convert is kept. */
export function settingFromText(setting: SettingDefinition, text: string | readonly string[]): unknown {
  const items = (Array.isArray(text) ? text : [text]) as string[];
  const last = items[items.length - 1] ?? '';
  switch (setting.type) {
    case 'port':
    case 'count':
      return /^\s*\d+\s*$/.test(last) ? Number(last) : last;
    case 'boolean': {
      const lower = last.trim().toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : last;
    }
    case 'paths':
      return items.flatMap((item) => item.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    case 'map': {
      const map: Record<string, unknown> = {};
      for (const entry of items.flatMap((item) => item.split(',')).map((s) => s.trim()).filter((s) => s !== '')) {
        const at = entry.indexOf('=');
        map[at < 0 ? entry : entry.slice(0, at)] = at < 0 ? null : entry.slice(at + 1);
      }
      return map;
    }
    default:
      return last;
  }
}

/** The layer of the `PROVD_<KEY>` environment variables that are set and not empty. */
export function environmentLayer(env: Readonly<Record<string, string | undefined>>): SettingsLayer {
  const layer: SettingsLayer = { values: {}, where: {} };
  for (const setting of SETTINGS) {
    const name = settingEnvName(setting.key);
    const text = env[name];
    if (text === undefined || text === '') continue;
    layer.values[setting.key] = settingFromText(setting, text);
    layer.where[setting.key] = `environment variable ${name}`;
  }
  return layer;
}

const camel = (name: string): string => name.replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The layer of the flags given on the command line (cac's parsed options, by camel-case name). */
export function flagLayer(options: Readonly<Record<string, unknown>>): SettingsLayer {
  const layer: SettingsLayer = { values: {}, where: {} };
  for (const setting of SETTINGS) {
    const flag = settingFlagName(setting);
    if (!flag) continue;
    const value = options[camel(flag)];
    if (value === undefined) continue;
    if (setting.type === 'boolean' && typeof value === 'boolean') layer.values[setting.key] = value;
    else if (typeof value === 'boolean') layer.values[setting.key] = value ? '' : value;
    else layer.values[setting.key] = settingFromText(setting, Array.isArray(value) ? value.map(String) : String(value));
    layer.where[setting.key] = `flag ${setting.type === 'boolean' && value === false ? flag.replace(/^--/, '--no-') : flag}`;
  }
  return layer;
}

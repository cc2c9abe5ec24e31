import { numericEntries, type FuncKey, type RawConfig } from '@provd/sdk';
import { KEYS_PER_MODULE, type ModelSpec } from './models';

/** One SIP account as the templates print it. */
export interface TemplateLine {
  number: number;
  display_name: string;
  username: string;
  auth_username: string;
  password: string;
  server: string;
  voicemail: string;
}

/** One programmable key as the templates print it. */
export interface TemplateKey {
  /** The key position, 1 to the model's keys plus its expansion modules' keys. */
  index: number;
  /** `speed_dial`, `blf` or `park`. */
  type: string;
  value: string;
  label: string;
  /** The account the key uses. */
  account: number;
}

/** The Tinkertel name of each function key type of the raw config. */
const KEY_TYPES: Readonly<Record<FuncKey['type'], string>> = { speeddial: 'speed_dial', blf: 'blf', park: 'park' };

/** The SIP lines of `rawConfig` the model has room for, in line order; the others are left out. */
export function templateLines(rawConfig: RawConfig, spec: ModelSpec): TemplateLine[] {
  return numericEntries(rawConfig.sip_lines)
    .filter(([number]) => number >= 1 && number <= spec.lines)
    .map(([number, line]) => ({
      number,
      display_name: line.display_name ?? line.username ?? '',
      username: line.username ?? '',
      auth_username: line.auth_username ?? line.username ?? '',
      password: line.password ?? '',
      server: `${line.proxy_ip ?? rawConfig.sip_proxy_ip ?? ''}:${line.proxy_port ?? rawConfig.sip_proxy_port ?? 5060}`,
      voicemail: line.voicemail ?? rawConfig.exten_voicemail ?? '',
    }));
}

/** How many programmable keys the model has, expansion modules included. */
export function keyCount(spec: ModelSpec): number {
  return spec.keys + spec.expansionModules * KEYS_PER_MODULE;
}

/** The function keys of `rawConfig` the model has, in key order, and the numbers of those it has no room for. */
export function templateKeys(rawConfig: RawConfig, spec: ModelSpec): { keys: TemplateKey[]; dropped: number[] } {
  const entries = numericEntries(rawConfig.funckeys);
  const fits = (index: number): boolean => index >= 1 && index <= keyCount(spec);
  const keys = entries
    .filter(([index]) => fits(index))
    .map(([index, key]) => {
      const value = key.value ?? (key.type === 'park' ? (rawConfig.exten_park ?? '') : '');
      return { index, type: KEY_TYPES[key.type], value, label: key.label ?? value, account: Number(key.line ?? 1) };
    });
  return { keys, dropped: entries.filter(([index]) => !fits(index)).map(([index]) => index) };
}

/** Raw configs to render: hand-written edge cases plus seeded random ones with hostile text. */
import type { FuncKey, RawConfig, SipLine } from '@provd/sdk';

/** Text that breaks naive XML output: markup characters, both quotes, entities, non-ASCII, emoji. */
export const HOSTILE_TEXT = [
  'a&b',
  '<tag attr="x">',
  '"double"',
  "it's",
  'Zoë Ñúñez',
  '电话 ☎ 😀',
  ']]>',
  '&amp; &lt;',
  '&#x41;',
  "' OR 1=1 --",
  'None',
  'x" injected="1',
  '  spaced  ',
  'tab\tnew\nline',
  'bell\u0007 and \ufffe gone',
];

/** The smallest valid config: one line, nothing optional. */
export const MINIMAL: RawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  sip_lines: { '1': { username: '1001', proxy_ip: '10.0.0.1' } },
};

/** Every option the templates read, set. */
export const FULL: RawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  http_base_url: 'http://provd.example.com:8667',
  admin_password: 'S3cret',
  timezone: 'Europe/Paris',
  locale: 'fr_FR',
  ntp_enabled: true,
  ntp_ip: '10.0.0.2',
  vlan_enabled: true,
  vlan_id: 42,
  vlan_priority: 5,
  exten_voicemail: '*98',
  sip_lines: {
    '1': {
      username: 'alice',
      auth_username: 'alice-auth',
      password: 'pw1',
      display_name: 'Alice',
      number: '1001',
      proxy_ip: '10.0.0.10',
      proxy_port: 5070,
      backup_proxy_ip: '10.0.0.11',
      backup_proxy_port: 5071,
    },
    '2': { username: 'bob', auth_username: 'bob', password: 'pw2', display_name: 'Bob', proxy_ip: '10.0.0.20' },
  },
  funckeys: {
    '1': { type: 'blf', value: '1002', label: 'Bob' },
    '2': { type: 'speeddial', value: '1003' },
    '3': { type: 'park', value: '700', label: 'Park' },
  },
};

/** Lines and keys keyed out of order, with numbers where text order and numeric order differ (2 before 10). */
export const NUMERIC_ORDER: RawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  sip_lines: {
    '10': { username: 'ten', proxy_ip: '10.0.0.110' },
    '2': { username: 'two', proxy_ip: '10.0.0.102' },
    '1': { username: 'one', proxy_ip: '10.0.0.101' },
  },
  funckeys: {
    '12': { type: 'blf', value: '12', label: 'twelve' },
    '3': { type: 'blf', value: '3', label: 'three' },
    '1': { type: 'speeddial', value: '1', label: 'one' },
    '21': { type: 'speeddial', value: '21' },
  },
};

/** Optional values present but null: nothing may print as `null`, `None` or `undefined`. */
export const NULLS: RawConfig = {
  ip: '10.0.0.1',
  http_port: 8667,
  http_base_url: null,
  admin_password: null,
  timezone: null,
  locale: null,
  ntp_enabled: null,
  ntp_ip: null,
  vlan_enabled: true,
  vlan_id: 3,
  vlan_priority: null,
  exten_voicemail: null,
  sip_lines: {
    '1': {
      username: 'u',
      auth_username: null,
      password: null,
      display_name: null,
      proxy_ip: '10.0.0.1',
      proxy_port: null,
      backup_proxy_ip: null,
      backup_proxy_port: null,
    },
  },
  funckeys: { '1': { type: 'blf', value: '1001', label: null } },
};

/** A tiny deterministic PRNG (mulberry32), so that failures are reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` random raw configs with up to `maxLines` lines, hostile text in every free-text field. */
export function randomConfigs(seed: number, count: number, maxLines: number): RawConfig[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maybe = <T>(value: T): T | undefined | null => pick([value, value, undefined, null]);
  const text = () => pick(HOSTILE_TEXT) + (random() < 0.5 ? String(Math.floor(random() * 100)) : '');
  const numbers = (max: number, count: number) => {
    const all = Array.from({ length: max }, (_, i) => i + 1).sort(() => random() - 0.5);
    return all.slice(0, Math.max(1, count));
  };
  return Array.from({ length: count }, () => {
    const lines: Record<string, SipLine> = {};
    for (const n of numbers(12, 1 + Math.floor(random() * maxLines))) {
      lines[String(n)] = {
        username: text(),
        auth_username: maybe(text()),
        password: maybe(text()),
        display_name: maybe(text()),
        proxy_ip: `10.0.${n}.1`,
        proxy_port: maybe(5060 + n),
        backup_proxy_ip: maybe(`10.1.${n}.1`),
        backup_proxy_port: maybe(6060 + n),
      };
    }
    const funckeys: Record<string, FuncKey> = {};
    for (const n of numbers(30, Math.floor(random() * 12))) {
      funckeys[String(n)] = { type: pick(['speeddial', 'blf', 'park'] as const), value: text(), label: maybe(text()) };
    }
    const raw: RawConfig = {
      ip: '192.0.2.1',
      http_port: 8667,
      http_base_url: maybe(`https://p.example.com/key&${text()}`),
      admin_password: maybe(text()),
      timezone: maybe('America/Montreal'),
      locale: maybe(pick(['fr_FR', 'en_US', 'de_DE'])),
      ntp_enabled: maybe(random() < 0.5),
      ntp_ip: maybe('192.0.2.123'),
      vlan_enabled: maybe(random() < 0.5),
      vlan_id: maybe(Math.floor(random() * 4094)),
      vlan_priority: maybe(Math.floor(random() * 8)),
      exten_voicemail: maybe(pick(['*98', '8500', '&<vm>'])),
      sip_lines: lines,
      funckeys,
    };
    return raw;
  });
}

/**
 * The contexts every corpus template is rendered with, by both engines. They are built here and sent to Python as
 * JSON, so both engines see the same dict key order (JavaScript's: integer-like keys first).
 */

/** A provisioning-like context: nested dicts with numeric-string keys, lists, None, unicode, numbers. */
export const FULL = {
  sip_lines: {
    '1': { username: '1001', password: 's3cr&t', display_name: 'Alice <A>', proxy_ip: '10.0.0.1', proxy_port: 5060, number: '1001' },
    '2': { username: '1002', password: '', display_name: 'Bob', proxy_ip: '10.0.0.1', proxy_port: null, number: '1002' },
    '10': { username: '1010', display_name: 'Zoë', proxy_ip: '10.0.0.2', number: '1010' },
  },
  funckeys: { '2': { type: 'blf', value: '1002', label: 'Bob' }, '1': { type: 'speeddial', value: '*98', label: null } },
  keys: ['a', 'b', 'c'],
  nums: [3, 1, 2, 10, -4],
  floats: [1.5, 2.25, -0.5],
  words: ['banana', 'Apple', 'cherry', 'apple'],
  users: [
    { name: 'bob', age: 30, city: 'Paris', admin: true },
    { name: 'alice', age: 25, city: 'Lyon', admin: false },
    { name: 'Carol', age: 30, city: 'Paris' },
  ],
  nested: { a: { b: { c: 1, d: [1, 2, { e: 'deep' }] } }, list: [[1, 2], [3, 4]] },
  n: 5,
  zero: 0,
  neg: -7,
  f: 2.5,
  big: 123456789,
  s: 'Hello World',
  padded: '  pad me  ',
  csv: 'a,b,,c',
  html: '<b>bold</b> & "quotes" \'single\'',
  u: 'é€😀 ünïcödé',
  multiline: 'line one\nline two\n\nline four',
  none: null,
  empty: '',
  el: [],
  ed: {},
  flag: true,
  off: false,
  num_str: '42',
  float_str: '3.75',
  hex_str: '0x1F',
  mixed: [1, 'a', null, true, 2.5, [1], { k: 'v' }],
  pairs: [['a', 1], ['b', 2]],
  timezone: 'Europe/Paris',
  XX_server_url: 'http://10.0.0.1:8667',
};

/** The same keys, all empty or zero. */
export const EMPTY = {
  sip_lines: {},
  funckeys: {},
  keys: [],
  nums: [],
  floats: [],
  words: [],
  users: [],
  nested: { a: { b: {} } },
  n: 0,
  zero: 0,
  neg: 0,
  f: 0.5,
  big: 0,
  s: '',
  padded: '',
  csv: '',
  html: '',
  u: '',
  multiline: '',
  none: null,
  empty: '',
  el: [],
  ed: {},
  flag: false,
  off: false,
  num_str: '',
  float_str: '',
  hex_str: '',
  mixed: [],
  pairs: [],
};

/** Every value `None`. */
export const NONES = Object.fromEntries(Object.keys(FULL).map((k) => [k, null]));

/** Unicode everywhere. */
export const UNICODE = {
  ...FULL,
  sip_lines: { '1': { username: 'ñandú', display_name: '日本語 😀', proxy_ip: '::1', number: '٣' } },
  keys: ['ä', 'B', 'ç', 'Ä'],
  words: ['ÉCOLE', 'école', 'zèbre', 'Ωmega'],
  s: 'Straße 𝔘nïcode ΣΑΣ',
  u: '\u00e9\u0301 \ud83d\ude00 \u2028x',
};

/** Nothing defined at all. */
export const MISSING = {};

/** The contexts every template is rendered with. */
export const CONTEXTS: readonly object[] = [FULL, EMPTY, NONES, UNICODE, MISSING];

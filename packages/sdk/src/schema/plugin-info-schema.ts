import { deepFreeze } from './deep-freeze';
import type { JsonSchema } from './json-schema';

/** The device types a capability entry may declare (the `type` values of the plugins README). */
export const CAPABILITY_TYPES = [
  'deskphone',
  'dect',
  'wifidect',
  'conference',
  'gateway',
  'ata',
  'doorphone',
  'softphone',
  'pager',
  'generic',
] as const;

/** The signalling protocols a capability entry may declare. */
export const CAPABILITY_PROTOCOLS = ['sip', 'sccp'] as const;

/**
 * The capability keys every entry must declare. The established host requires none of them, but every current
 * plugin except a handful declares all of them and the management UI relies on them; see `docs/decisions.md`.
 */
export const REQUIRED_CAPABILITY_KEYS = [
  'lines',
  'function_keys',
  'expansion_modules',
  'high_availability',
  'switchboard',
  'type',
  'protocol',
] as const;

/** Old capability key names, rejected with the name that replaced each (survey §3.2). */
export const LEGACY_CAPABILITY_KEYS: Readonly<Record<string, string>> = Object.freeze({
  'sip.lines': 'lines',
  ha: 'high_availability',
  expansions: 'expansion_modules',
  proto: 'protocol',
});

/** A capability key: `"<Vendor>, <Model>, <firmware version>"`, three non-empty parts without commas. */
const CAPABILITY_KEY_PART = '[^,\\s](?:[^,]*[^,\\s])?';

/**
 * The JSON Schema (draft-07) of a `plugin-info` file. Besides the structure it uses the `semver-range` format for
 * the `sdk` key; a validator other than the SDK's needs that format added (any check of a semver range will do).
 *
 * Rules, in short: `version` (dotted numbers, optional `-suffix`), `description` and a non-empty `capabilities`
 * object are required; `description_<locale>` values are strings; each capability entry declares
 * {@link REQUIRED_CAPABILITY_KEYS}, optionally `multicell`, and custom keys only as `X_*`; other top-level keys
 * (such as `filename`, `dsize` and `sha1sum` added in `plugins.db`) are allowed.
 */
export const pluginInfoSchema: JsonSchema = deepFreeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://provd.dev/schemas/plugin-info.json',
  title: 'plugin-info',
  type: 'object',
  required: ['version', 'description', 'capabilities'],
  properties: {
    version: { type: 'string', pattern: '^[0-9]+(?:\\.[0-9]+)+(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$' },
    description: { type: 'string', minLength: 1 },
    sdk: { type: 'string', format: 'semver-range' },
    capabilities: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: `^${CAPABILITY_KEY_PART}, ${CAPABILITY_KEY_PART}, ${CAPABILITY_KEY_PART}$` },
      additionalProperties: { $ref: '#/definitions/capabilities' },
    },
    vendor: { type: 'string' },
    'vendor.url': { type: 'string' },
    'vendor.description': { type: 'string' },
    'vendor.official': { type: ['integer', 'boolean'], enum: [0, 1, true, false] },
    plugin_iface_version_min: { type: 'number' },
    plugin_iface_version_max: { type: 'number' },
  },
  patternProperties: {
    '^description_': { type: 'string', minLength: 1 },
  },
  propertyNames: {
    not: { pattern: '^description_(?![a-z]{2,3}(?:_[A-Z]{2,3})?$)' },
  },
  definitions: {
    capabilities: {
      type: 'object',
      required: [...REQUIRED_CAPABILITY_KEYS],
      properties: {
        lines: { type: 'integer', minimum: 0 },
        function_keys: { type: 'integer', minimum: 0 },
        expansion_modules: { type: 'integer', minimum: 0 },
        high_availability: { type: 'boolean' },
        switchboard: { type: 'boolean' },
        multicell: { type: 'boolean' },
        type: { type: 'string', enum: [...CAPABILITY_TYPES] },
        protocol: { type: 'string', enum: [...CAPABILITY_PROTOCOLS] },
      },
      patternProperties: { '^X_': {} },
      additionalProperties: false,
    },
  },
});

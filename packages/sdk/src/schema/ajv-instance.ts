import Ajv, { type ValidateFunction } from 'ajv';
import { isSemverRange, isTimeZoneName } from './formats';

let shared: Ajv | undefined;

/**
 * The SDK's one Ajv instance, created on first use: every error is collected, values are never coerced or changed
 * (no defaults, no type coercion), and the `semver-range` and `iana-time-zone` formats are known.
 */
function ajv(): Ajv {
  shared ??= new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, useDefaults: false })
    .addFormat('semver-range', { type: 'string', validate: isSemverRange })
    .addFormat('iana-time-zone', { type: 'string', validate: isTimeZoneName });
  return shared;
}

/** Returns a function that compiles `schema` on its first call and then reuses the compiled validator. */
export function lazyValidator(schema: object): () => ValidateFunction {
  let compiled: ValidateFunction | undefined;
  return () => (compiled ??= ajv().compile(schema));
}

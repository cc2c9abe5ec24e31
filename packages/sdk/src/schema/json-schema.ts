/** A JSON Schema document (draft-07) as a plain, read-only object, ready for Ajv or any other validator. */
export type JsonSchema = { readonly [keyword: string]: unknown };

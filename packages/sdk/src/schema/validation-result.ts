/**
 * The outcome of a validation: `valid` is true exactly when `errors` is empty. Each error reads `path: message`,
 * e.g. `sip_lines.1.proxy_port: must be an integer (received the string "5060")`.
 */
export interface ValidationResult {
  /** Whether the value matches the schema. */
  valid: boolean;
  /** One `path: message` line per problem, in schema order; empty when `valid`. */
  errors: string[];
}

/** A one-line description of a thrown value, for error messages (internal). */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : `non-error value ${JSON.stringify(String(err))}`;
}

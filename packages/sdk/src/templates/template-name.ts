import { createProvdError } from '../errors/sdk-errors';

/**
 * Checks a template name and returns it in normal form (segments joined by `/`, empty and `.` segments dropped).
 * Names are relative to the template folders: an absolute name, a `..` segment, a backslash or a NUL character
 * is refused with `PROVD_TEMPLATE_INVALID_NAME`, so a name can never leave the folders.
 */
export function normalizeTemplateName(name: string): string {
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0') || segments.includes('..') || segments.length === 0) {
    throw createProvdError('PROVD_TEMPLATE_INVALID_NAME', { name });
  }
  return segments.join('/');
}

/** Whether {@link normalizeTemplateName} accepts `name`. */
export function isValidTemplateName(name: string): boolean {
  try {
    normalizeTemplateName(name);
    return true;
  } catch {
    return false;
  }
}

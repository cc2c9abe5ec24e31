import { isPlainObject } from './jinja/values';

/**
 * The context as provd renders it: keys of plain objects whose value is `null` removed, at every depth (inside
 * lists too), so that a `null` config value is "not set" for templates (it prints as nothing, `|d` replaces it, `is
 * defined` is false). Objects without a `null` key are returned as they are (no copy); `null` items of a list stay
 * (they are `None`). The result renders exactly as Jinja2 renders the same context without those keys.
 */
export function withoutNulls<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== 'object') continue;
      const stripped = strip(item);
      if (stripped !== item) (copy ??= value.slice())[i] = stripped;
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item === null) {
      copy ??= { ...value };
      delete copy[key];
    } else if (typeof item === 'object') {
      const stripped = strip(item);
      if (stripped !== item) (copy ??= { ...value })[key] = stripped;
    }
  }
  return copy ?? value;
}

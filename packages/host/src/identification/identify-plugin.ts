import type { ProvdPlugin } from '@provd/sdk';

/** A loaded plugin as identification sees it. */
export interface IdentifyPlugin {
  /** The plugin id. */
  id: string;
  /** The plugin instance. */
  plugin: ProvdPlugin;
}

/** `plugins` sorted by id: the stable order extraction and association use. */
export function sortedById<T extends { id: string }>(plugins: Iterable<T>): T[] {
  return [...plugins].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

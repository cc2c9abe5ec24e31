import { readFileSync } from 'node:fs';

/**
 * The version of this package (read from its `package.json`, one folder up from both `src/` and `dist/`), which is
 * also the version of the `@provd/*` packages a standalone family depends on: they are released together.
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let cached: string | undefined;

/**
 * The version of the `@provd/sdk` package the build tool sees, which plugins are built against (and which the
 * default `sdk` range of a `plugin-info` accepts).
 */
export function currentSdkVersion(): string {
  if (cached === undefined) {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('@provd/sdk/package.json'), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compileTemplates, type ProvdError } from '@provd/sdk';
import type { LayeredFile } from '../layer/layer-sources';
import type { CheckSubject } from './check-plugin-info';
import { buildError } from '../errors';

/**
 * Compiles every template of a plugin folder once (`templates/`, the layered result), to report syntax errors,
 * unknown filters and missing `extends`/`include` targets at build time: one `PROVD_BUILD_TEMPLATE_INVALID` per
 * problem, naming the source file the template came from.
 *
 * @example
 * ```ts
 * const errors = await checkTemplates('/tmp/stage/digium-2.8.1', tree.files, { family: 'digium', target: '2.8.1' });
 * ```
 */
export async function checkTemplates(pluginDir: string, files: ReadonlyMap<string, LayeredFile>, subject: CheckSubject): Promise<ProvdError[]> {
  const dir = join(pluginDir, 'templates');
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return [];
  const problems = await compileTemplates(dir);
  const names = [...files.keys()].filter((p) => p.startsWith('templates/')).map((p) => p.slice('templates/'.length));
  return problems.map((problem) => {
    const rel = names.filter((n) => problem.startsWith(`${n}: `)).sort((a, b) => b.length - a.length)[0];
    const file = rel !== undefined ? (files.get(`templates/${rel}`)?.origin ?? `templates/${rel}`) : 'templates/';
    const rest = rel !== undefined ? problem.slice(rel.length + 2) : problem;
    const at = /^line (\d+)(?:, column \d+)?: /.exec(rest);
    return buildError('PROVD_BUILD_TEMPLATE_INVALID', {
      ...subject,
      file,
      line: at ? Number(at[1]) : undefined,
      reason: at ? rest.slice(at[0].length) : rest,
    });
  });
}

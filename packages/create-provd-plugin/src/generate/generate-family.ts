import type { Answers } from '../answers';
import { familyNames, SAMPLE_MAC_BARE } from './names';
import { gitignore, packageJson, readme, tsconfigJson, vitestConfig, type Placement } from './package-files';
import { associatorFile, baseTemplate, entryFile, extractorsFile, familyFile, modelsFile, pluginFile } from './plugin-sources';
import { sampleConfig, sampleDevice, sampleOutput } from './sample';
import { pluginTestFile } from './test-files';

/**
 * Every file of a new plugin family, by path relative to its folder: the family file (which declares each plugin's
 * plugin-info), the plugin sources of `common/` and of the first firmware's folder, a sample device and config, tests
 * with the golden file of the sample phone, and the package files for where it lives.
 *
 * @example
 * ```ts
 * const files = generateFamily({ vendor: 'Acme', family: 'acme', models: ['A10'], firmware: '1.0.0', layout: 'xml' }, { kind: 'standalone' });
 * Object.keys(files); // ['provd.family.ts', 'common/models.ts', ...]
 * ```
 */
export function generateFamily(answers: Answers, placement: Placement): Record<string, string> {
  const n = familyNames(answers);
  const files: Record<string, string> = {
    'provd.family.ts': familyFile(n),
    'common/models.ts': modelsFile(n),
    'common/extractors.ts': extractorsFile(n),
    'common/associator.ts': associatorFile(n),
    [`common/${n.pluginModule}.ts`]: pluginFile(n, answers.layout),
    'common/templates/base.tpl': baseTemplate(n, answers.layout),
    [`${n.targetDir}/entry.ts`]: entryFile(n),
    'sample/config.json': `${JSON.stringify(sampleConfig(), null, 2)}\n`,
    'sample/device.json': `${JSON.stringify(sampleDevice(n), null, 2)}\n`,
    'test/plugin.test.ts': pluginTestFile(n, answers.layout),
    [`test/golden/${SAMPLE_MAC_BARE}.${n.ext}`]: sampleOutput(n, answers.layout),
    'package.json': packageJson(n, placement),
    'tsconfig.json': tsconfigJson(placement),
    'vitest.config.ts': vitestConfig(n, placement),
    'README.md': readme(n, placement),
  };
  if (placement.kind === 'standalone') files['.gitignore'] = gitignore();
  return files;
}

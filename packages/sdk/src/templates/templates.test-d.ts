import { describe, expectTypeOf, it } from 'vitest';
import type { RawConfig } from '../types/raw-config';
import { compileTemplates } from './compile-templates';
import { AtomicWriter, writeFileAtomic, writeFilesAtomic, type AtomicWriterOptions, type FileContent, type WriteDurability } from '../files/atomic-write';
import { TemplateHelper, type DumpItem, type TemplateEscape, type TemplateRef } from './template-helper';

describe('the templates API', () => {
  it('pins the helper signatures', () => {
    expectTypeOf(TemplateHelper).constructorParameters.toEqualTypeOf<[pluginDir: string, options?: { escape?: TemplateEscape; writer?: AtomicWriter }]>();
    expectTypeOf<TemplateHelper['render']>().returns.toEqualTypeOf<string>();
    expectTypeOf<TemplateHelper['dump']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<TemplateHelper['dumpAll']>().parameter(0).toEqualTypeOf<readonly DumpItem[]>();
    expectTypeOf<TemplateHelper['getTemplate']>().returns.toEqualTypeOf<TemplateRef>();
    expectTypeOf<TemplateHelper['findTemplate']>().returns.toEqualTypeOf<TemplateRef | undefined>();
    expectTypeOf<TemplateHelper['getDeviceTemplate']>().returns.toEqualTypeOf<TemplateRef>();
    expectTypeOf<TemplateEscape>().toEqualTypeOf<'none' | 'xml'>();
  });

  it('takes a raw config with XX_ keys as context', () => {
    const context: RawConfig = { sip_lines: {}, XX_mac: '000fd3054848' };
    expectTypeOf(context).toExtend<DumpItem['context']>();
  });

  it('pins compileTemplates and the atomic writers', () => {
    expectTypeOf(compileTemplates).returns.toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(writeFileAtomic).parameters.toEqualTypeOf<[path: string, data: string | Uint8Array]>();
    expectTypeOf(writeFilesAtomic).parameter(0).toEqualTypeOf<readonly FileContent[]>();
    expectTypeOf(AtomicWriter).constructorParameters.toEqualTypeOf<[options?: AtomicWriterOptions]>();
    expectTypeOf<AtomicWriterOptions['durability']>().toEqualTypeOf<WriteDurability | undefined>();
    expectTypeOf<AtomicWriter['writeFiles']>().parameter(0).toEqualTypeOf<readonly FileContent[]>();
    expectTypeOf<WriteDurability>().toEqualTypeOf<'fsync' | 'none'>();
  });
});

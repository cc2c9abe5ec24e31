import { describe, expectTypeOf, it } from 'vitest';
import type { DevInfo, Device } from '../types/device';
import type { PluginInfo } from '../types/plugin-info';
import type { RawConfig } from '../types/raw-config';
import type { TemplateHelper, TemplateRef } from '../templates/template-helper';
import { BasePlugin } from './base-plugin';
import type { PluginContext } from './plugin-context';
import type { InstallService } from './install-service';
import type { PluginConstructor, ProvdPlugin } from './provd-plugin';

class MinimalPlugin extends BasePlugin {
  async configure(_device: Device, _rawConfig: RawConfig): Promise<void> {}
}

describe('the plugin author API', () => {
  it('makes a subclass with configure a PluginConstructor and a ProvdPlugin', () => {
    expectTypeOf(MinimalPlugin).toExtend<PluginConstructor>();
    expectTypeOf<MinimalPlugin>().toExtend<ProvdPlugin>();
    const Ctor: PluginConstructor = MinimalPlugin;
    expectTypeOf(new Ctor({} as PluginContext)).toEqualTypeOf<ProvdPlugin>();
  });

  it('does not make BasePlugin itself a PluginConstructor (configure is abstract)', () => {
    expectTypeOf<typeof BasePlugin>().not.toExtend<PluginConstructor>();
    // @ts-expect-error -- a concrete subclass must implement configure
    class Missing extends BasePlugin {}
    void Missing;
  });

  it('does not accept a constructor that needs more than the context', () => {
    class NeedsMore extends BasePlugin {
      constructor(context: PluginContext, _extra: string) {
        super(context);
      }
      async configure(): Promise<void> {}
    }
    expectTypeOf<typeof NeedsMore>().not.toExtend<PluginConstructor>();
  });

  it('pins the signatures of the members', () => {
    expectTypeOf<MinimalPlugin['configure']>().parameters.toEqualTypeOf<[Device, RawConfig]>();
    expectTypeOf<MinimalPlugin['configure']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<MinimalPlugin['synchronize']>().parameters.toEqualTypeOf<[Device, RawConfig]>();
    expectTypeOf<MinimalPlugin['deconfigure']>().parameters.toEqualTypeOf<[Device]>();
    expectTypeOf<MinimalPlugin['configureCommon']>().parameters.toEqualTypeOf<[RawConfig]>();
    expectTypeOf<MinimalPlugin['getRemoteStateTriggerFilename']>().returns.toEqualTypeOf<string | undefined>();
    expectTypeOf<MinimalPlugin['isSensitiveFilename']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<MinimalPlugin['info']>().returns.toEqualTypeOf<PluginInfo>();
    expectTypeOf<MinimalPlugin['templates']>().toEqualTypeOf<TemplateHelper>();
    expectTypeOf<MinimalPlugin['tftpbootDir']>().toEqualTypeOf<string>();
    expectTypeOf<MinimalPlugin['tftpbootPath']>().toEqualTypeOf<(...segments: string[]) => string>();
    expectTypeOf<MinimalPlugin['writeFiles']>().returns.toEqualTypeOf<Promise<void>>();
  });

  it('lets a subclass narrow extractors, associator and services', () => {
    const narrowInstall = {} as InstallService & { readonly kind: 'x' };
    class Narrow extends MinimalPlugin {
      override readonly pgAssociator = { associate: (_d: DevInfo) => 600 };
      override services = { install: narrowInstall };
    }
    expectTypeOf<Narrow['services']['install']>().toEqualTypeOf<InstallService & { readonly kind: 'x' }>();
    expectTypeOf<Narrow>().toExtend<ProvdPlugin>();
  });

  it('accepts a raw config as template context and a TemplateRef or a name as template', () => {
    expectTypeOf<TemplateHelper['render']>().parameter(0).toEqualTypeOf<TemplateRef | string>();
    expectTypeOf<RawConfig>().toExtend<Parameters<TemplateHelper['render']>[1]>();
  });
});

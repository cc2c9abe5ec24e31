import type { PluginConstructor, ProvdPlugin } from '@provd/sdk';
import { expectTypeOf, test } from 'vitest';
import type { BaseDigiumPlugin } from '../common/digium-plugin';
import Digium1400 from '../v1_4_0_0/entry';
import Digium2218 from '../v2_2_1_8/entry';
import Digium281 from '../v2_8_1/entry';

test('each entry default-exports a plugin class the host can construct', () => {
  expectTypeOf(Digium1400).toExtend<PluginConstructor>();
  expectTypeOf(Digium2218).toExtend<PluginConstructor>();
  expectTypeOf(Digium281).toExtend<PluginConstructor>();
  expectTypeOf<InstanceType<typeof Digium281>>().toExtend<BaseDigiumPlugin>();
});

test('the plugin has both extractors and an associator, not optional', () => {
  expectTypeOf<BaseDigiumPlugin['dhcpDevInfoExtractor']>().toExtend<NonNullable<ProvdPlugin['dhcpDevInfoExtractor']>>();
  expectTypeOf<BaseDigiumPlugin['httpDevInfoExtractor']>().toExtend<NonNullable<ProvdPlugin['httpDevInfoExtractor']>>();
  expectTypeOf<BaseDigiumPlugin['pgAssociator']>().toExtend<NonNullable<ProvdPlugin['pgAssociator']>>();
});

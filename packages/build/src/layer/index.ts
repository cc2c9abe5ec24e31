export { globMatcher } from './glob';
export { layerSources, sourceSpec } from './layer-sources';
export type { LayeredFile, LayeredTree, ResolvedSource } from './layer-sources';

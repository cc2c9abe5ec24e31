/**
 * The provd identification and configuration core, shared by hosts and tools: the host's extractor composition
 * (every plugin votes, then the standard extractor), plugin scoring and choice, config flattening and ancestry,
 * raw-config defaults and the keys whose change needs a reconfigure. Plugins do not import it: they write
 * extractors and associators with `@provd/sdk`, and this package runs them.
 *
 * @packageDocumentation
 */

// identification: extraction and association
export { composeExtractors } from './extraction/compose';
export type { ComposeOptions } from './extraction/compose';
export { createHostExtractor } from './extraction/host-extractor';
export { mergeByVote, mergeLastSeen } from './extraction/merge';
export type { DevInfoMerger } from './extraction/merge';
export { standardExtractor } from './extraction/standard-extractor';
export { scorePlugins } from './association/score-plugins';
export type { AssociationCandidate, PluginScores } from './association/score-plugins';
export { choosePlugin } from './association/choose-plugin';
export type { ChoosePluginOptions, PluginScoreTable } from './association/choose-plugin';

// configs and raw configs
export { applyRawConfigDefaults } from './config/raw-config-defaults';
export type { RawConfigWithDefaults } from './config/raw-config-defaults';
export { configAncestors, configDescendants, flattenConfig, mergeRawConfigInto } from './config/flatten-config';
export type { ConfigDocument, ConfigLookup } from './config/config-document';
export { needsReconfigure, RECONFIGURE_KEYS } from './config/reconfigure';
export type { ReconfigureKey } from './config/reconfigure';
export { baseRawConfig, DEFAULT_HTTP_PORT, DEFAULT_TFTP_PORT } from './config/base-raw-config';
export type { BaseRawConfigOptions } from './config/base-raw-config';

// errors
export { coreError, coreErrors } from './errors';
export type { CoreErrorCode } from './errors';

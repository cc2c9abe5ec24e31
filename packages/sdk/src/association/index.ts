export { DeviceSupport } from './device-support';
export type { PgAssociator } from './pg-associator';
export { BasePgAssociator } from './base-pg-associator';
export { choosePlugin } from './choose-plugin';
export type { ChoosePluginOptions, PluginScoreTable } from './choose-plugin';
export { scorePlugins } from './score-plugins';
export type { AssociationCandidate, PluginScores } from './score-plugins';

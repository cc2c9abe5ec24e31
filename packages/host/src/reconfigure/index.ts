export { BackgroundReconfigurer } from './background-reconfigurer';
export type { BackgroundReconfigurerOptions, JobStatus, ReconfigureTarget } from './background-reconfigurer';
export type { RenderPluginSpec } from './render-protocol';

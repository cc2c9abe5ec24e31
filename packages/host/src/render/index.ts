export { renderPlugin, renderWriteEnvironment, renderWriteMode } from './render-plugin';
export type { RenderPluginOptions, RenderPluginResult, RenderTimings, RenderWriteEnvironment } from './render-plugin';
export { toRenderDevice } from './render-device';
export { prepareRawConfig } from './prepare-raw-config';

export { renderPlugin, renderWriteMode } from './render-plugin';
export type { RenderPluginOptions, RenderPluginResult, RenderTimings } from './render-plugin';
export { toRenderDevice } from './render-device';
export { prepareRawConfig } from './prepare-raw-config';

export { isSourceChange, startDevLoop } from './dev-loop';
export type { DevLoop, DevLoopOptions, DevRound } from './dev-loop';
export { reloadPlugin } from './reload-client';
export type { ReloadTarget } from './reload-client';
export { RUNTIME_DIRS, syncPluginFolder } from './sync-plugin-folder';
export type { SyncResult } from './sync-plugin-folder';

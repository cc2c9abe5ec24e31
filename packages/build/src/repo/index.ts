export { comparePluginVersions } from './compare-versions';
export { scanTarballs, TARBALL_SUFFIX } from './index-folder';
export type { FolderScan } from './index-folder';
export { renderPluginsDb, selectLatest, sortKeysDeep } from './plugins-db';
export type { IndexCandidate, IndexSelection } from './plugins-db';
export { writeIndex } from './write-index';

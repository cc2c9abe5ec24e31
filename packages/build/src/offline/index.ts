export { bundledRepoFiles, CHECKSUM_FILE, writeOfflineBundle } from './offline-bundle';

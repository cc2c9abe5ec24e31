export { compareTarPaths, DigestTap, FIXED_MTIME, writeDeterministicTarGz } from './deterministic-tar';
export type { FileDigest, TarEntry } from './deterministic-tar';
export { readPluginTarball } from './read-plugin-tarball';
export type { PluginTarball } from './read-plugin-tarball';

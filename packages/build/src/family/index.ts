export { capabilitiesOf } from './capabilities-of';
export type { CapabilitiesDeclaration } from './capabilities-of';
export { defineFamily } from './define-family';
export { discoverFamilyFiles, FAMILY_FILE, FAMILY_ROOTS, FAMILY_SEARCH } from './discover-families';
export { esbuildReason, loadFamilyFile } from './load-family';
export { findDhcpOverlaps, isInsidePath, validateDhcp, validateFamily } from './validate-family';
export type { DhcpOverlap } from './validate-family';
export type { DhcpDeclaration, FamilyDefinition, SourceSpec, TargetDefinition } from './types';

export { findCycles, importGraph, rel, resolveRelative, sourceFiles, specifiersOf } from './import-graph';
export type { ModuleImports } from './import-graph';
export { HOST_MACHINERY, layeringProblems, workspacePackages } from './workspace-layering';
export type { LayeringProblem, WorkspacePackage } from './workspace-layering';

export { codeBlocks, parseMark } from './markdown-blocks';
export type { BlockMark, CodeBlock } from './markdown-blocks';
export { runShell, shellPrelude, startBackgroundShell } from './shell';
export type { BackgroundShell, ShellResult } from './shell';
export { runPage, SCRATCH, typecheckPages } from './run-page';
export type { RunPageOptions } from './run-page';

/**
 * @packageDocumentation
 * `create-provd-plugin`: what `pnpm create provd-plugin` runs. Writes a provd plugin family (extractors, associator,
 * plugin class, Jinja2 template, tests with a golden file, a sample device and config) that builds, passes its
 * tests and renders on the first run, as a package of the provd repository or in a folder of its own.
 */

export { ANSWER_DEFAULTS, defaultFamily, parseLayout, splitModels, validateAnswers } from './answers';
export type { Answers, FileLayout } from './answers';
export { createError, createErrors } from './errors';
export type { CreateErrorCode } from './errors';
export { generateFamily } from './generate/generate-family';
export type { Placement } from './generate/package-files';
export { findProvdRoot, placeFamily } from './placement';
export { guessRepository, npmRepositoryUrl } from './repository-guess';
export type { RepositoryField } from './repository-guess';
export { terminalAsker } from './prompt';
export type { Asker, Question } from './prompt';
export { runCli } from './run-cli';
export { nextSteps, scaffold } from './scaffold';
export type { ScaffoldOptions, ScaffoldResult } from './scaffold';
export { writeFamily } from './write-family';
export { VERSION } from './version';

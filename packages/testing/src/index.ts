/**
 * @packageDocumentation
 * The provd plugin test kit: what a plugin author needs to test a plugin family outside the provd repository.
 * Build the family ({@link buildFamily}), load a built plugin as a host does ({@link loadPlugin}), render its files
 * ({@link renderFiles}), run phones' DHCP, HTTP and TFTP requests through a host in the test process
 * ({@link startTestHost}) and check what is served ({@link assertWellFormedXml}, {@link assertKeyValue},
 * {@link expectGolden}).
 */

export { buildFamily } from './build-family';
export type { BuildFamilyOptions, BuiltFamily } from './build-family';
export { loadPlugin, renderFiles } from './load-plugin';
export type { RenderFilesOptions, TestPlugin } from './load-plugin';
export { startTestHost } from './test-host';
export type { ServedFile, Simulated, SimulatedDhcp, SimulatedHttp, SimulatedTftp, TestHost, TestHostOptions } from './test-host';
export { assertWellFormedXml, parseXml, parseXmlTree, strayXmlText, xmlElement, xmlProblems } from './xml';
export type { XmlCheckOptions, XmlElement } from './xml';
export { assertKeyValue, parseKeyValue } from './key-value';
export type { KeyValueFormat } from './key-value';
export { expectGolden, UPDATE_GOLDEN_ENV } from './golden';
export type { GoldenOptions } from './golden';
export { installForTest } from './install-for-test';
export { testingError, testingErrors } from './errors';
export type { TestingErrorCode } from './errors';

export { serverUrl } from './server-url';
export { numericEntries } from './numeric-entries';
export { requireSipLines } from './require-sip-lines';

export { generateSigningKeys, nextSequence, readSigningKey, SIGNATURE_FILE, signIndex } from './sign-index';

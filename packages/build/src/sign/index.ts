export { generateSigningKeys, readSigningKey, SIGNATURE_FILE, signIndex } from './sign-index';

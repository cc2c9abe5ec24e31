export { tempNameIn, writeFileAtomic } from './write-atomic';

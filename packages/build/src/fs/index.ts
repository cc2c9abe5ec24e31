export { tempNameIn } from './temp-name';

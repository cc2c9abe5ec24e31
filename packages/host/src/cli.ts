import { cac } from 'cac';
import { VERSION } from './index';

const cli = cac('provd');
cli.help();
cli.version(VERSION);
cli.parse();

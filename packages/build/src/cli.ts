import { cac } from 'cac';
import { VERSION } from './index';

const cli = cac('provd-build');

cli
  .command('build [...families]', 'Build plugin families into a plugin repository')
  .option('--out <dir>', 'Output folder', { default: 'dist/repo' })
  .option('--pretty', 'Pretty-print plugins.db')
  .action(() => {
    process.stderr.write('provd-build: no plugin family yet\n');
  });

cli.help();
cli.version(VERSION);
cli.parse();

// Builds the native TFTP data loop (binding.gyp: native/tftp_sender.c) at install, with node-gyp against the
// headers of the Node.js that runs this script (never a download: without them, or without a C compiler, nothing is
// built and the host sends every TFTP transfer with its JavaScript loop; it logs that once). Never fails the install.
// PROVD_TFTP_NATIVE=0 skips the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`@provd/host: ${line}\n`);

function main() {
  if (process.env.PROVD_TFTP_NATIVE === '0') return say('PROVD_TFTP_NATIVE=0: the native TFTP data loop is not built');
  const nodedir = dirname(dirname(process.execPath));
  if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
    return say(`no Node.js headers under ${nodedir}/include/node: the native TFTP data loop is not built (the JavaScript loop sends)`);
  }
  const gyp = process.env.npm_config_node_gyp;
  const [cmd, args] = gyp ? [process.execPath, [gyp]] : ['node-gyp', []];
  const run = spawnSync(cmd, [...args, 'rebuild', '--release', `--nodedir=${nodedir}`], { cwd: here, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status === 0) return;
  const why = run.error ? run.error.message : (run.stderr ?? '').split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join('\n  ');
  say(`the native TFTP data loop was not built (the JavaScript loop sends):\n  ${why}`);
}

main();

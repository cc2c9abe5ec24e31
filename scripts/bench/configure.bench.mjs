// Bulk configure of 10,000 Digium phones: the provd configure path (lib/configure-node.mjs: the plugin as the host
// loads it; per device the raw config copy with defaults, validation, template look-up, render, atomic write; 64 in
// flight) against the established Python provd's configure path (lib/configure_python.py, Debian python3 and
// python3-jinja2: deep copy, defaults, template look-up with its mtime snapshot check, render, write .tmp and rename),
// same devices, same templates, same raw config, in interleaved rounds, without fsync and with fsync on each side.
// With fsync every file's content is on the disk before its rename makes it visible, on each side: Python fsyncs each
// file (as the established host does); provd, as a render with fsync does (renderWriteEnvironment), writes the
// temporary files of the devices in flight (512), flushes the filesystem once for all of them (`sync -f`, i.e.
// syncfs, through one helper shell: its CPU time is counted on provd's side), renames them, and flushes once more for
// the renames (where Python's renames are not made durable). The block layer's writeback of a flush runs partly in
// the kernel's flusher threads, whose CPU time is counted on neither side.
// Goals: provd >= 2x faster in both modes, CPU time no higher than Python's. The outputs of both sides are compared
// byte for byte. BENCH_PROFILE=1 also prints the top entries of a CPU profile of provd's loop (no fsync).
//
// Nothing is removed until the end (every round's files on both sides, provd's working copies under TMPDIR=<dir>/work,
// the compared round's files too), then everything at once: on ext4 without a journal (this machine's `/`) the inode
// allocator skips every inode freed in the last ~30 s (recently_deleted() in find_inode_bit), so a round that
// follows the removal of a previous round's 20,000 files creates its files 10-25x slower, at random on either side.
// The rounds write into new folders only (no rename over an existing file, which would free an inode too).
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebian } from './lib/anchors.mjs';
import { topEntries } from './lib/cpu-profile.mjs';
import { digiumPhones, fleetRawConfig } from './lib/digium-fleet.mjs';
import { exec } from './lib/exec.mjs';
import { ratioLine, spread } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const ROUNDS = { none: Number(process.env.BENCH_ROUNDS ?? 5), fsync: Number(process.env.BENCH_FSYNC_ROUNDS ?? 3) };
const PYTHON = '/usr/bin/python3';

const devices = digiumPhones(DEVICES).map((d) => ({ id: d.mac.replaceAll(':', ''), ...d }));
/** The flattened raw config (base raw config + the config), as the host hands it over before defaults. */
const rawConfig = { ...fleetRawConfig, http_base_url: 'http://10.0.0.1:8667' };

function runJson(cmd, args, { env, stdinOpen = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (stdinOpen && out.includes('\n')) resolve({ result: JSON.parse(out.slice(0, out.indexOf('\n'))), release: () => child.stdin.end('done\n') });
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      if (!stdinOpen) resolve({ result: JSON.parse(out.trim().split('\n').pop()) });
    });
    if (!stdinOpen) child.stdin.end();
  });
}

async function sameFiles(a, b) {
  const names = (await readdir(a)).sort();
  const other = (await readdir(b)).filter((n) => !n.endsWith('.tmp')).sort();
  if (names.join('\n') !== other.join('\n')) return `different file lists (${names.length} and ${other.length} files)`;
  for (const name of names) {
    const [x, y] = await Promise.all([readFile(join(a, name)), readFile(join(b, name))]);
    if (!x.equals(y)) return `${name} differs`;
  }
  return '';
}

export default async function bench() {
  ensureDebian(PYTHON, 'python3');
  if (spawnSync(PYTHON, ['-c', 'import jinja2']).status !== 0) ensureDebian('/usr/lib/python3/dist-packages/jinja2/__init__.py', 'python3-jinja2');
  const jinja = spawnSync(PYTHON, ['-c', 'import jinja2; print(jinja2.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const dir = await mkdtemp(join(tmpdir(), 'provd-bench-configure-'));
  try {
    console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared); Python ${PYTHON}, Jinja2 ${jinja}`);
    await exec(process.execPath, [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(dir, 'repo')], { cwd: root });
    const db = JSON.parse(await readFile(join(dir, 'repo', 'plugins.db'), 'utf8'));
    const tarball = join(dir, 'repo', db['digium-2.8.1'].filename);
    await mkdir(join(dir, 'unpacked'));
    await exec('tar', ['-xzf', tarball, '-C', join(dir, 'unpacked')]);
    const [top] = await readdir(join(dir, 'unpacked'));
    const pyPlugin = join(dir, 'unpacked', top);
    await writeFile(join(dir, 'devices.json'), JSON.stringify(devices));
    await writeFile(join(dir, 'config.json'), JSON.stringify(rawConfig));
    // provd's working copies (openPlugin's mkdtemp in os.tmpdir()) go here, left until the end (`leave`)
    await mkdir(join(dir, 'work'));

    const node = async (durability, extra = {}) => {
      const options = join(dir, `node-${durability}.json`);
      await writeFile(options, JSON.stringify({ root, plugin: tarball, devices: join(dir, 'devices.json'), config: join(dir, 'config.json'), durability, leave: true, ...extra }));
      const env = { ...process.env, TMPDIR: join(dir, 'work'), ...extra.env };
      return runJson(process.execPath, [join(here, 'lib/configure-node.mjs'), options], { stdinOpen: extra.keep === true, env });
    };
    let copies = 0;
    const python = async (durability) => {
      const copy = join(dir, `py-${copies++}`);
      await cp(pyPlugin, copy, { recursive: true });
      const args = [join(here, 'lib/configure_python.py'), copy, join(dir, 'devices.json'), join(dir, 'config.json'), ...(durability === 'fsync' ? ['--fsync'] : [])];
      const { result } = await runJson(PYTHON, args);
      return { ...result, tftpboot: join(copy, 'var', 'tftpboot') };
    };

    // the same bytes on both sides (checked once, on the first round without fsync)
    const kept = await node('none', { keep: true });
    const first = await python('none');
    const difference = await sameFiles(join(kept.result.tftpboot, 'Digium'), join(first.tftpboot, 'Digium'));
    kept.release();
    console.log(`outputs: ${difference === '' ? `identical (${2 * DEVICES} files)` : `DIFFERENT: ${difference}`}`);

    let ok = difference === '';
    for (const durability of ['none', 'fsync']) {
      if (ROUNDS[durability] === 0) continue; // BENCH_FSYNC_ROUNDS=0: a quick run without the durable pair
      const r = { node: [], python: [] };
      for (let i = 0; i < ROUNDS[durability]; i++) {
        const n = (await node(durability)).result;
        r.node.push(n);
        const py = await python(durability);
        r.python.push(py);
        const cpuOf = (x) => `${x.cpu.toFixed(2)} s CPU${x.system === undefined ? '' : ` (${x.system.toFixed(2)} system)`}`;
        console.error(`  round ${i + 1}: provd ${n.seconds.toFixed(2)} s, ${cpuOf(n)}; Python ${py.seconds.toFixed(2)} s, ${cpuOf(py)}; load ${loadavg()[0].toFixed(2)}`);
      }
      const secs = (list) => list.map((x) => x.seconds);
      const cpus = (list) => list.map((x) => x.cpu);
      const s = (v) => `${v.toFixed(2)} s`;
      const speed = ratioLine(secs(r.python), secs(r.node), (x) => `${x.toFixed(2)}x`);
      const cpu = ratioLine(cpus(r.node), cpus(r.python), (x) => `${x.toFixed(2)}`);
      const how = 'with fsync (each file on the disk before its rename, each side: Python an fsync per file, provd a filesystem flush per group of writes in flight)';
      console.log(`${durability === 'fsync' ? how : 'without fsync'}, ${DEVICES} devices, ${ROUNDS[durability]} interleaved rounds:`);
      console.log(`  provd:  ${spread(secs(r.node), s)} wall, ${spread(cpus(r.node), s)} CPU; ${Math.round(DEVICES / Math.min(...secs(r.node)))} devices/s best`);
      console.log(`  Python: ${spread(secs(r.python), s)} wall, ${spread(cpus(r.python), s)} CPU`);
      console.log(`  speed provd / Python: ${speed.text} (goal >= 2x); CPU provd / Python: ${cpu.text} (goal <= 1)`);
      ok &&= speed.median >= 2 && cpu.median <= 1;
    }
    if (process.env.BENCH_PROFILE) {
      await mkdir(join(dir, 'profile'));
      await node('none', { env: { BENCH_CPU_PROFILE: join(dir, 'profile', 'configure.cpuprofile') } });
      console.log(`provd configure loop CPU profile (no fsync), top entries (self time):`);
      for (const e of await topEntries(join(dir, 'profile'), 25)) console.log(`  ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.ms.toFixed(0).padStart(6)} ms  ${e.name}`);
    }
    console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    return ok;
  } finally {
    if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  }
}

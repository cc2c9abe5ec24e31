// Benchmark: install a generated 256 MB Digium-shaped firmware archive (a .tar.gz of one folder of *.eff files) from a
// loopback HTTP server with the SDK's FirmwareService, against `curl` + `sha1sum` + `tar -xzf` of the same file in the
// same run. Prints MB/s of both, their ratio and provd's peak RSS. Goals: ratio <= 1.5, peak RSS < 150 MB.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sdkEntry = pathToFileURL(join(root, 'packages', 'sdk', 'dist', 'index.js')).href;
const TOTAL = 256 * 1024 * 1024;
const FILES = 8;

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString();
}

async function sha1Of(path) {
  const h = createHash('sha1');
  for await (const c of createReadStream(path)) h.update(c);
  return h.digest('hex');
}

function makeArchive(work) {
  const src = join(work, 'src', 'firmware_bench_package');
  mkdirSync(src, { recursive: true });
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < FILES; i++) {
    const fd = openSync(join(src, `bench_D${40 + i}_firmware.eff`), 'w');
    for (let n = 0; n < TOTAL / FILES / chunk.length; n++) writeSync(fd, randomFillSync(chunk));
    closeSync(fd);
  }
  const archive = join(work, 'firmware_bench_package.tar.gz');
  run('sh', ['-c', `tar -cf - -C "${join(work, 'src')}" firmware_bench_package | gzip -1 > "${archive}"`]);
  rmSync(join(work, 'src'), { recursive: true, force: true });
  return archive;
}

/** Serves `file` on loopback from a child process, so the server's memory is not counted. */
function startServer(file) {
  const code = `
    const http = require('node:http'); const fs = require('node:fs');
    const size = fs.statSync(${JSON.stringify(file)}).size;
    const s = http.createServer((req, res) => { res.writeHead(200, { 'content-length': size }); fs.createReadStream(${JSON.stringify(file)}).pipe(res); });
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}/firmware_bench_package.tar.gz`, stop: () => child.kill() })));
}

function baseline(url, work) {
  const dir = join(work, 'baseline');
  mkdirSync(join(dir, 'out'), { recursive: true });
  const t0 = process.hrtime.bigint();
  run('sh', ['-c', `curl -s -o "${dir}/fw.tar.gz" "${url}" && sha1sum "${dir}/fw.tar.gz" >/dev/null && tar -xzf "${dir}/fw.tar.gz" -C "${dir}/out"`]);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

function provd(url, size, sha1, work) {
  const plugin = join(work, 'plugin');
  mkdirSync(join(plugin, 'pkgs'), { recursive: true });
  writeFileSync(
    join(plugin, 'pkgs', 'pkgs.db'),
    `[pkg_firmware]\ndescription: Bench firmware\nversion: 1.0\nfiles: fw\ninstall: digium-fw\n\n[install_digium-fw]\na-b: untar $FILE1\nb-c: cp */*.eff Digium/firmware/\n\n[file_fw]\nurl: ${url}\nsize: ${size}\nsha1sum: ${sha1}\n`,
  );
  const code = `
    const { FirmwareService } = await import(${JSON.stringify(sdkEntry)});
    const t0 = process.hrtime.bigint();
    const record = await new FirmwareService({ pluginDir: ${JSON.stringify(plugin)} }).install('firmware');
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(JSON.stringify({ seconds, files: record.files.length, maxRssKb: process.resourceUsage().maxRSS }));`;
  const out = run(process.execPath, ['--input-type=module', '-e', code]);
  rmSync(plugin, { recursive: true, force: true });
  return JSON.parse(out);
}

export default async function firmwareBench() {
  const work = mkdtempSync(join(tmpdir(), 'provd-bench-fw-'));
  try {
    const archive = makeArchive(work);
    const size = statSync(archive).size;
    const sha1 = await sha1Of(archive);
    const server = await startServer(archive);
    try {
      const base = baseline(server.url, work);
      const ours = provd(server.url, size, sha1, work);
      if (ours.files !== FILES + 2) throw new Error(`provd installed ${ours.files} entries, expected ${FILES} files and 2 folders`);
      const mbps = (s) => (size / 1e6 / s).toFixed(1);
      const ratio = ours.seconds / base;
      const rssMb = ours.maxRssKb / 1024;
      console.log(`archive: ${(size / 1e6).toFixed(1)} MB tar.gz, ${FILES} files`);
      console.log(`provd install (download + SHA-1 + untar + cp + commit): ${ours.seconds.toFixed(2)} s, ${mbps(ours.seconds)} MB/s`);
      console.log(`baseline curl + sha1sum + tar -xzf:                      ${base.toFixed(2)} s, ${mbps(base)} MB/s`);
      console.log(`ratio provd/baseline: ${ratio.toFixed(2)}x (goal <= 1.5x) ${ratio <= 1.5 ? 'ok' : 'MISSED'}`);
      console.log(`provd peak RSS: ${rssMb.toFixed(0)} MB (goal < 150 MB) ${rssMb < 150 ? 'ok' : 'MISSED'}`);
    } finally {
      server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// The host at scale: 1k, 10k and 100k generated Digium devices in the store (SQLite, and PostgreSQL when
// PROVD_BENCH_PG_URL or PROVD_TEST_PG_URL names a server), each figure printed beside its anchor measured in the
// same run. Goals at 100k (issue 11): start-up to serving <= 2 s (anchor: reading every device as one JSON file,
// what start-up did before); a MAC search <= 10 ms (anchor: an API round trip that reads nothing); a config change
// used by every device reconfigured in the background at >= 80% of `provd render`'s devices/s (of the same n devices),
// with known phones' median fetch latency during it (a paced probe, PROVD_BENCH_PROBE_RATE req/s) within 2x of idle and no event-loop stall over 50 ms; devices created through the
// API >= 2,000/s with 8 requests in flight (wrk; anchor: one atomic JSON file write per device, as before); a new
// phone served at >= 50% of a known phone's rate (both with wrk); RSS <= 200 MB. Last, not a goal of its own: a second
// config change, which replaces every device's files, beside provd render replacing its earlier output.
// The host runs in a process of its own (lib/scale-host-child.mjs), with the NODE_OPTIONS of its systemd unit: RSS,
// event-loop stalls and CPU are the host's; the clients and the anchors run here.
// Sizes: PROVD_BENCH_SCALE_SIZES=1000,10000 (default 1000,10000,100000); engines: PROVD_BENCH_SCALE_ENGINES=sqlite;
// PROVD_BENCH_SCALE_REPLACE=0: without the second change (it replaces every file: minutes at 100k on this machine);
// PROVD_BENCH_HOST_PROF=<dir>: CPU profiles of the host process; PROVD_BENCH_LOG=1: the host's log on stderr.
// The devices' files (the host's plugins folder, provd render's output): on a fresh ext4 of their own per run, on a
// loop device, when run as root (lib/fresh-fs.mjs: on a reused file system, earlier deletes slow file creation for
// minutes); the store stays in the temporary folder. PROVD_BENCH_SCALE_FRESH_FS=0: all in the temporary folder.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exec } from './lib/exec.mjs';
import { freshFilesystem } from './lib/fresh-fs.mjs';
import { procStatusMb } from './lib/proc-status.mjs';
import { unitEnvironment } from './lib/unit-environment.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIZES = (process.env.PROVD_BENCH_SCALE_SIZES ?? '1000,10000,100000').split(',').map(Number);
const PG_URL = process.env.PROVD_BENCH_PG_URL ?? process.env.PROVD_TEST_PG_URL;
const ENGINES = (process.env.PROVD_BENCH_SCALE_ENGINES ?? (PG_URL ? 'sqlite,postgres' : 'sqlite')).split(',');
const SAMPLE = 1000;
const PLUGIN = 'digium-2.8.1';
const MODELS = ['D40', 'D45', 'D50', 'D60', 'D62', 'D65', 'D70'];
const hex = (n) => n.toString(16).padStart(2, '0');
const mac = (i) => `00:0f:d3:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
const ipOf = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const line = (password) => ({ sip_lines: { 1: { username: 'alice', password, display_name: 'Alice', number: '1001', proxy_ip: '10.0.0.2', proxy_port: 5060 } }, ntp_enabled: true, ntp_ip: '10.0.0.1', timezone: 'Europe/Paris' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Progress on stderr (long steps). */
// with PROVD_BENCH_HOST_PROF, each step line starts with the time on the clock of the host's CPU profiles (µs): a
// profile can be cut to one phase
const step = (what) => process.stderr.write(`scale: ${process.env.PROVD_BENCH_HOST_PROF ? `${process.hrtime.bigint() / 1000n} µs ` : ''}${what}\n`);
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

/**
 * CPU seconds (user + system) of process `pid` (all its threads) and of its main thread, from /proc; per thread id
 * too (`threads`), with its system (kernel) seconds (`system`) and its nice value (`nice`).
 */
async function cpuOf(pid) {
  // the fields after the command name (which may hold spaces): utime and stime are the 12th and 13th of them, nice the 17th
  const fieldsOf = async (file) => (await readFile(file, 'utf8')).split(') ')[1].split(' ');
  const seconds = async (file) => {
    const fields = await fieldsOf(file);
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  };
  const threads = {};
  const system = {};
  const nice = {};
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const fields = await fieldsOf(`/proc/${pid}/task/${tid}/stat`).catch(() => undefined);
    if (!fields) continue;
    threads[tid] = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    system[tid] = Number(fields[12]) / CLOCK_TICKS;
    nice[tid] = Number(fields[16]);
  }
  return { process: await seconds(`/proc/${pid}/stat`), main: await seconds(`/proc/${pid}/task/${pid}/stat`), threads, system, nice };
}
/**
 * The machine's CPU time so far, from /proc/stat: `[total, idle, iowait, steal]` in clock ticks (every CPU; steal:
 * the time a virtual machine's CPUs were runnable while the hypervisor ran something else).
 */
async function machineTicks() {
  const t = (await readFile('/proc/stat', 'utf8')).split('\n')[0].split(/\s+/).slice(1).map(Number);
  return [t.reduce((a, b) => a + b, 0), t[3], t[4], t[7] ?? 0];
}
/** The shares of the machine's CPU time between two {@link machineTicks}: idle, waiting for the disk, stolen by the hypervisor. */
function machineShares(before, after) {
  const total = after[0] - before[0] || 1;
  return { idle: (after[1] - before[1]) / total, iowait: (after[2] - before[2]) / total, steal: (after[3] - before[3]) / total };
}
/** A phase's {@link machineShares}, as printed. */
const sharesText = (m) => `${(100 * m.idle).toFixed(0)}% idle, ${(100 * m.steal).toFixed(0)}% stolen by the hypervisor`;
/**
 * The host's CPU per unit of work between two {@link cpuOf} readings of it, `per` units done: its process's, its
 * main thread's, and its `top` busiest threads' (`[tid, seconds, kernel seconds, nice]`).
 */
function cpuPer(before, after, per, top = 6) {
  const threads = Object.keys(after.threads)
    .map((tid) => [tid, (after.threads[tid] - (before.threads[tid] ?? 0)) / per, (after.system[tid] - (before.system[tid] ?? 0)) / per, after.nice[tid]])
    .sort((x, y) => y[1] - x[1])
    .slice(0, top);
  return { process: (after.process - before.process) / per, main: (after.main - before.main) / per, threads };
}
/** A {@link cpuPer} as printed, in µs: the host's, its main thread's, its busiest threads' with kernel time and nice beside. */
function cpuText(c, hostPid) {
  const us = (sec) => (sec * 1e6).toFixed(0);
  const threads = c.threads.map(([tid, sec, sys, nice]) => `${tid === String(hostPid) ? 'main' : tid} ${us(sec)} (kernel ${us(sys)}${nice ? `, nice ${nice}` : ''})`).join(', ');
  return `the host ${us(c.process)} µs (its main thread ${us(c.main)} µs; the busiest threads, kernel time and nice beside: ${threads})`;
}
/**
 * Runs `run` (which resolves to a wrk result, with its `requests`) and answers its result with the CPU of process
 * `pid` per request meanwhile ({@link cpuPer}) and the machine's shares ({@link machineShares}).
 */
async function measuredRun(pid, run) {
  const cpuBefore = await cpuOf(pid);
  const ticksBefore = await machineTicks();
  const result = await run();
  const ticksAfter = await machineTicks();
  return { result, cpu: { ...cpuPer(cpuBefore, await cpuOf(pid), result.requests || 1), ...machineShares(ticksBefore, ticksAfter) } };
}
/** The kernel's clock ticks per second (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

/**
 * When this benchmark last deleted many files (a run's folder), `Date.now()`. On an ext4 without a journal (this
 * machine's `/`), the inode allocator skips every free inode deleted in the last 60 s (300 s while the inode table
 * block holding it is dirty), one buffer look-up per candidate: creating files right after many deletes is 10-25x
 * slower meanwhile (28% of the host's time, in `find_inode_bit` → `recently_deleted`, in a run started a few minutes
 * after another one's clean-up). The benchmark's own deletes are not the host's work, so they are kept out of the
 * timed phases that write files: a run's files (the anchors' included) are deleted at its end and written back at
 * once (`sync`: the 60 s window, not the 300 s one), and the reconfigure waits until that long after the last delete,
 * this process's or an earlier `pnpm bench` run's (the time is kept in {@link DELETED_STAMP}).
 */
let deletedManyFiles = -Infinity;
/** How long the inode allocator remembers deletes once they are written back (ext4's `RECENTCY_MIN`: 60 s, and a margin). */
const RECENTLY_DELETED_MS = 65_000;
/** Where the time of the last bulk delete is kept for the benchmark runs after this one. */
const DELETED_STAMP = join(tmpdir(), 'provd-bench-scale-deleted-at');

/** Deletes the folder `dir` of a run and writes the deletes back, recording when (here and in {@link DELETED_STAMP}). */
async function deleteRunFiles(dir) {
  await rm(dir, { recursive: true, force: true });
  await exec('sync', []);
  deletedManyFiles = Date.now();
  await writeFile(DELETED_STAMP, `${deletedManyFiles}\n`).catch(() => {});
}

/** Waits until {@link RECENTLY_DELETED_MS} have passed since the last bulk delete of any benchmark run; answers the wait in ms. */
async function settleAfterDeletes() {
  const stamp = Number((await readFile(DELETED_STAMP, 'utf8').catch(() => '')).trim());
  // a stamp from the future (a clock set back) is not waited for
  const last = Math.max(deletedManyFiles, Number.isFinite(stamp) && stamp <= Date.now() ? stamp : -Infinity);
  const wait = Math.max(0, last + RECENTLY_DELETED_MS - Date.now());
  if (wait > 0) {
    step(`waiting ${(wait / 1000).toFixed(1)} s: the file system still remembers the files a previous run deleted`);
    await new Promise((r) => setTimeout(r, wait));
  }
  return wait;
}

async function freshPg() {
  const { default: pg } = await import(pathToFileURL(join(root, 'packages/host/node_modules/pg/lib/index.js')).href);
  const name = `provd_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function wrk(port, script, seconds = 4) {
  const out = await exec('wrk', [`-t${WRK_THREADS}`, '-c16', `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/`]);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), requests: Number(/(\d+) requests in/.exec(out)?.[1]), non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) };
}

/** How long the API-creation phase's goal window lasts, in s (after a first window of 2 s: see the phase). */
const CREATE_SECONDS = 6;

/**
 * Creates devices through the REST API for `seconds`, 8 requests in flight (wrk, one thread: one new device per
 * request, MACs and IPs from device number `first` on); answers the rate, the requests answered and how many were
 * not 2xx or failed at the socket.
 */
async function wrkCreate(port, file, first, seconds) {
  const hexByte = (v) => `string.format("%02x", math.floor(n / ${v}) % 256)`;
  await writeFile(
    file,
    `local i = 0\nrequest = function()\n  local n = ${first} + i\n  i = i + 1\n` +
      `  local mac = "00:0f:d3:" .. ${hexByte(65536)} .. ":" .. ${hexByte(256)} .. ":" .. ${hexByte(1)}\n` +
      `  local ip = "10." .. (math.floor(n / 65536) % 256) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)\n` +
      `  local body = '{"device": {"mac": "' .. mac .. '", "ip": "' .. ip .. '", "vendor": "Digium", "model": "D65", "version": "2.8.1", "plugin": "${PLUGIN}", "config": "phones"}}'\n` +
      '  return wrk.format("POST", "/0.2/dev_mgr/devices", { ["Content-Type"] = "application/json" }, body)\nend\n',
  );
  const out = await exec('wrk', ['-t1', '-c8', `-d${seconds}s`, '-s', file, `http://127.0.0.1:${port}/`]);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0;
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]), requests: Number(/(\d+) requests in/.exec(out)?.[1]), failed: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + socketErrors };
}

async function wrkScript(file, phones) {
  await writeFile(
    file,
    `local phones = {\n${phones.map(([p, ip]) => `  {"${p}", "${ip}"},`).join('\n')}\n}\nlocal i = 0\n` +
      'request = function()\n  i = i + 1\n  local p = phones[(i % #phones) + 1]\n' +
      '  return wrk.format("GET", p[1], { ["X-Forwarded-For"] = p[2], ["User-Agent"] = "Digium D65 2.8.1" })\nend\n',
  );
  return file;
}

/**
 * Fetches each phone's file once, 16 in flight, with the headers of {@link wrkScript}; answers the rate, how many
 * fetches there were and how many were not answered 200.
 */
async function firstFetches(port, phones) {
  let next = 0;
  let failed = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < phones.length) {
        const [path, ip] = phones[next++];
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { 'X-Forwarded-For': ip, 'User-Agent': 'Digium D65 2.8.1' } });
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      }
    }),
  );
  return { rate: phones.length / ((performance.now() - t) / 1000), count: phones.length, failed };
}

/** wrk's threads for the phone fetches (each its own Lua state: see {@link wrkNewScript}). */
const WRK_THREADS = 2;

/**
 * A wrk script fetching as new phones: every request a MAC never seen, from device number `first` on, computed in
 * the script (no table to walk). wrk runs the script once per thread, each with its own counter: without an offset
 * per thread, the threads would send the same MACs, and every second request would find the device the other
 * thread had just created (a known phone, not a new one). `setup` numbers the threads; thread `t` takes the numbers
 * `first + t`, `first + t + WRK_THREADS`, ...
 */
async function wrkNewScript(file, first) {
  const hexByte = (v) => `string.format("%02x", math.floor(n / ${v}) % 256)`;
  await writeFile(
    file,
    `local threads = 0\nsetup = function(thread)\n  thread:set("tid", threads)\n  threads = threads + 1\nend\nlocal i = 0\n` +
      `request = function()\n  local n = ${first} + i * ${WRK_THREADS} + tid\n  i = i + 1\n` +
      `  local path = "/Digium/000fd3" .. ${hexByte(65536)} .. ${hexByte(256)} .. ${hexByte(1)} .. ".cfg"\n` +
      `  local ip = "10." .. (math.floor(n / 65536) % 256) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)\n` +
      '  return wrk.format("GET", path, { ["X-Forwarded-For"] = ip, ["User-Agent"] = "Digium D65 2.8.1" })\nend\n',
  );
  return file;
}

/** Requests per second of the paced latency probe (PROVD_BENCH_PROBE_RATE; see lib/latency-client.mjs). */
const PROBE_RATE = Number(process.env.PROVD_BENCH_PROBE_RATE ?? 200);

/**
 * Starts the paced latency probe (its own process, {@link PROBE_RATE} requests per second, open loop) for `seconds`,
 * or, with 0, until `stop()`; `result` resolves to its figures once it has ended.
 */
function latencyProbe(port, seconds, pathsFile) {
  const child = spawn(process.execPath, [join(root, 'scripts/bench/lib/latency-client.mjs'), String(port), String(seconds), pathsFile, String(PROBE_RATE)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const result = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`latency probe exited ${code}`))));
  });
  return { result, stop: () => child.stdin.end() };
}

async function api(port, method, path, body) {
  const res = await fetch(`http://127.0.0.1:${port}/0.2${path}`, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Starts the host process (modules loaded, host not started yet); `call(cmd)` sends one command and resolves to its answer. */
async function hostChild(options, dir) {
  const file = join(dir, 'host-options.json');
  await writeFile(file, JSON.stringify({ hostModule: join(root, 'packages/host/dist/index.js'), options }));
  // PROVD_BENCH_HOST_PROF=<dir>: the host process writes a V8 CPU profile there (node --cpu-prof)
  const prof = process.env.PROVD_BENCH_HOST_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROVD_BENCH_HOST_PROF}`] : [];
  // PROVD_BENCH_HOST_ARGS: more node options for the host process (e.g. --trace-gc; its lines are shown on stderr)
  const extra = (process.env.PROVD_BENCH_HOST_ARGS ?? '').split(' ').filter(Boolean);
  // the unit's environment (its NODE_OPTIONS, which node refuses some options in, and MALLOC_ARENA_MAX), as systemd
  // gives it
  const env = { ...process.env, ...(await unitEnvironment(root)) };
  // this process's anonymous resident memory at the fork (what the fork copies; file pages are not copied): where the
  // child's getrusage maxRSS starts (see the memory command of lib/scale-host-child.mjs)
  const benchRss = procStatusMb('RssAnon') ?? process.memoryUsage.rss() / 2 ** 20;
  const child = spawn(process.execPath, [...prof, ...extra, join(root, 'scripts/bench/lib/scale-host-child.mjs'), file], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const waiting = new Map();
  let nextId = 0;
  let ready;
  const started = new Promise((resolve, reject) => {
    ready = resolve;
    child.on('exit', (code) => reject(new Error(`the host process exited (${code})`)));
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    // what node itself prints (--trace-gc) is not an answer
    if (!line.startsWith('{"')) return void process.stderr.write(`host: ${line}\n`);
    const msg = JSON.parse(line);
    if (msg.ready) return ready();
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (msg.error) w?.reject(new Error(msg.error));
    else w?.resolve(msg);
  });
  child.on('exit', () => {
    for (const w of waiting.values()) w.reject(new Error('the host process exited'));
    waiting.clear();
  });
  await started;
  return {
    call: (cmd) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ id, cmd })}\n`);
      }),
    kill: () => child.kill('SIGKILL'),
    benchRss,
    pid: child.pid,
  };
}

/** Waits as {@link waitIdle} does; answers the most devices a job covered meanwhile (its `total`). */
async function waitIdleCounting(child, timeoutMs = 1_800_000) {
  const end = Date.now() + timeoutMs;
  let most = 0;
  for (;;) {
    const { status } = await child.call('status');
    for (const job of status) most = Math.max(most, job.total);
    if (status.length === 0 || Date.now() >= end) return most;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitIdle(child, timeoutMs = 1_800_000) {
  const end = Date.now() + timeoutMs;
  while ((await child.call('status')).status.length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

/**
 * The folders of a run: `dir` in the temporary folder (the store, the JSON anchors, the scripts), and `files`, where
 * the host's plugins and provd render write the devices' files: by default a fresh file system of its own (see
 * lib/fresh-fs.mjs; room for 6 files per device: the host's and the render anchors'), so that file creation does not
 * depend on the runs before; the store stays on the temporary folder's disk, whose fsyncs the creation figures
 * measure. With PROVD_BENCH_SCALE_FRESH_FS=0, or where one cannot be made, `files` is a folder beside the others
 * and the reconfigure waits out the earlier runs' deletes.
 */
async function runFolders(engine, n) {
  const dir = await mkdtemp(join(tmpdir(), `provd-bench-scale-${engine}-${n}-`));
  const fresh = process.env.PROVD_BENCH_SCALE_FRESH_FS === '0' ? { reason: 'PROVD_BENCH_SCALE_FRESH_FS=0' } : await freshFilesystem(n * 6);
  if (fresh.dir) {
    const remove = async () => {
      await fresh.remove();
      await deleteRunFiles(dir);
    };
    return { dir, files: fresh.dir, describe: fresh.describe, fresh: true, remove };
  }
  const describe = `${tmpdir()}, not a fresh file system (${fresh.reason}): the earlier runs' deletes are waited out`;
  await mkdir(join(dir, 'files'));
  return { dir, files: join(dir, 'files'), describe, fresh: false, remove: () => deleteRunFiles(dir) };
}

async function oneRun(host, sdk, engine, n, work) {
  const folder = await runFolders(engine, n);
  const { dir, files } = folder;
  // (the run's file system unmounted if the database cannot be had: no mount left behind)
  const pg = engine === 'postgres' ? await freshPg().catch(async (err) => (await folder.remove(), Promise.reject(err))) : undefined;
  const store = pg ? { engine: 'postgres', url: pg.url } : undefined;
  const hostOptions = { pluginsDir: join(files, 'plugins'), dataDir: join(dir, 'data'), store, repo: join(work, 'repo'), httpPort: 0, tftpPort: 0, apiPort: 0, trustedProxies: 1, sync: 'none', apiInsecureLoopback: true };
  const figures = { files: folder.describe };
  const phases = [];
  figures.phases = phases;
  let child;
  try {
    // Install the plugin, then generate the devices straight into the store (not measured).
    step(`${engine} ${n}: installing the plugin`);
    const installing = await host.startHost({ ...hostOptions, log: () => {} });
    await installing.app.installPlugin(PLUGIN);
    // the install's job (the plugin's devices: none yet) must not stay recorded: its selector would match every
    // device generated below, and the measured host would reconfigure them all at start
    await installing.app.reconfigurer.idle();
    await installing.close();
    step(`${engine} ${n}: generating the devices`);
    const seeding = await host.openStore(store ?? { engine: 'sqlite', dataDir: hostOptions.dataDir }, { dataDir: hostOptions.dataDir });
    // the host parameters live in the store's settings
    const top = await seeding.setting('top_tenant');
    if (typeof top !== 'string') throw new Error('the host recorded no top tenant in the store');
    await seeding.commit({ writes: [{ op: 'put', kind: 'configs', doc: { id: 'phones', parent_ids: [], raw_config: line('pw-0'), tenant_uuid: top } }] });
    for (let i = 0; i < n; i += 5000) {
      const writes = [];
      for (let j = i; j < Math.min(n, i + 5000); j++) {
        writes.push({ op: 'put', kind: 'devices', doc: { id: `dev${String(j).padStart(6, '0')}`, mac: mac(j), ip: ipOf(j), vendor: 'Digium', model: MODELS[j % MODELS.length], version: '2.8.1', plugin: PLUGIN, config: 'phones', tenant_uuid: top, configured: false } });
      }
      await seeding.commit({ writes });
    }
    const sampleIds = Array.from({ length: Math.min(SAMPLE, n) }, (_, k) => `dev${String(Math.floor((k * n) / Math.min(SAMPLE, n))).padStart(6, '0')}`);
    await seeding.commit({ jobs: [{ reason: 'bench: configure the sample phones', selector: { id: { $in: sampleIds } } }] });
    await seeding.close();
    const sample = sampleIds.map((id) => Number(id.slice(3)));
    const phones = sample.map((i) => [`/Digium/${mac(i).replaceAll(':', '')}.cfg`, ipOf(i)]);
    const pathsFile = join(dir, 'phones.json');
    await writeFile(pathsFile, JSON.stringify(phones));

    // Start-up to serving (the first known phone answered), against reading every device as a JSON file.
    step(`${engine} ${n}: start-up`);
    const jsonDir = join(dir, 'json-devices');
    await mkdir(jsonDir);
    for (let i = 0; i < n; i += 1000) {
      await Promise.all(Array.from({ length: Math.min(1000, n - i) }, (_, k) => writeFile(join(jsonDir, `dev${i + k}.json`), JSON.stringify({ id: `dev${i + k}`, mac: mac(i + k), ip: ipOf(i + k), vendor: 'Digium', model: 'D65', plugin: PLUGIN, config: 'phones' }))));
    }
    // the files just written (the seeded store's, the anchor's: ~100,000 at 100k) are written back first, as they are
    // on disk when a host starts: neither the anchor's reads nor the host's start-up (its first phone's files are
    // written durably, and an fsync then shares the disk with the write-back of everything else) pay for them
    await exec('sync', []);
    let t = performance.now();
    const names = await readdir(jsonDir);
    const loaded = new Map();
    for (const name of names) {
      const doc = JSON.parse(await readFile(join(jsonDir, name), 'utf8'));
      loaded.set(doc.id, doc);
    }
    figures.startAnchor = performance.now() - t;
    loaded.clear(); // the anchor's documents are not the host's: they would weigh on its heap (GC pauses, RSS)
    // (the anchor's files stay until the run's end: see deletedManyFiles)
    child = await hostChild(hostOptions, dir);
    t = performance.now();
    const { ports, ms: hostStart } = await child.call('start');
    figures.hostStart = hostStart;
    const first = await fetch(`http://127.0.0.1:${ports.http}${phones[0][0]}`, { headers: { 'X-Forwarded-For': phones[0][1], 'User-Agent': 'Digium D65 2.8.1' } });
    await first.arrayBuffer();
    figures.start = performance.now() - t;
    figures.startStatus = first.status;
    step(`${engine} ${n}: configuring the sample phones`);
    await waitIdle(child);
    phases.push(['start+sample configure', (await child.call('memory')).phaseMax]);

    // MAC search through the API, against an API round trip that reads nothing.
    const searches = [];
    const anchors = [];
    for (let k = 0; k < 200; k++) {
      const i = Math.floor(Math.random() * n);
      let s = performance.now();
      const found = await api(ports.api, 'GET', `/dev_mgr/devices?q=${encodeURIComponent(JSON.stringify({ mac: mac(i) }))}`);
      searches.push(performance.now() - s);
      if (found.devices.length !== 1) throw new Error(`mac search found ${found.devices.length}`);
      s = performance.now();
      await api(ports.api, 'GET', '/status');
      anchors.push(performance.now() - s);
    }
    figures.search = median(searches);
    figures.searchAnchor = median(anchors);
    phases.push(['MAC searches', (await child.call('memory')).phaseMax]);

    // Idle latency, then a config change used by every device, in the background, with phones fetching. The phones
    // are a paced probe (lib/latency-client.mjs: PROBE_RATE requests per second, open loop), the same for idle and
    // during, and it covers the whole reconfigure: it used to fetch back to back on one connection for the first
    // max(3, min(20, n / 2000)) s only, a load generator competing with the host for the cores (and sharing them with
    // the render thread), not the wait of phones fetching now and then.
    figures.settleWait = folder.fresh ? 0 : await settleAfterDeletes();
    // the dirty pages of the files written before (the start-up anchor's) are not the reconfigure's work: written
    // back first, as they are before the render anchor
    await exec('sync', []);
    step(`${engine} ${n}: MAC searches done; idle latency`);
    // the host's event loop while phones fetch and nothing else runs: the stall figure's anchor
    await child.call('loop-start');
    figures.idle = await latencyProbe(ports.http, 5, pathsFile).result;
    figures.idleStall = await child.call('loop-stop');
    await child.call('loop-start');
    const probe = latencyProbe(ports.http, 0, pathsFile);
    const cpuBefore = await cpuOf(child.pid);
    const reconfigureTicks = await machineTicks();
    figures.hostPid = child.pid;
    t = performance.now();
    await api(ports.api, 'PUT', '/cfg_mgr/configs/phones', { config: { id: 'phones', parent_ids: [], raw_config: line('pw-1') } });
    figures.ack = performance.now() - t;
    await waitIdle(child);
    figures.reconfigureSeconds = (performance.now() - t) / 1000;
    const cpuAfter = await cpuOf(child.pid);
    // how busy the machine was meanwhile: a virtual machine's runs differ by what the hypervisor takes
    figures.reconfigureMachine = machineShares(reconfigureTicks, await machineTicks());
    // the host's CPU per device (every thread, and its main thread's share; the probe's requests included): a figure
    // the load of the machine moves less than the rate
    figures.reconfigureCpu = cpuPer(cpuBefore, cpuAfter, n, 8);
    probe.stop();
    figures.during = await probe.result;
    figures.stall = await child.call('loop-stop');
    phases.push(['reconfigure', (await child.call('memory')).phaseMax]);
    figures.reconfigureRate = n / figures.reconfigureSeconds;
    const check = await fetch(`http://127.0.0.1:${ports.http}${phones.at(-1)[0]}`, { headers: { 'X-Forwarded-For': phones.at(-1)[1], 'User-Agent': 'Digium D65 2.8.1' } });
    figures.newPasswordServed = (await check.text()).includes('pw-1');

    // Anchor: provd render of the same n devices in the same run, into a fresh folder (as the host's folder held only
    // the sample's files: both mostly create files), after the host's dirty pages are written back (the reconfigure
    // did not inherit any either). It rendered min(n, 10,000) devices before: at 100k that compared the host filling
    // a folder with ~200,000 files against a render filling one with 20,000, not the same work; that figure is still
    // printed beside (rendered after, into a folder of its own).
    step(`${engine} ${n}: reconfigured; provd render anchor`);
    await exec('sync', []);
    const renderDevices = Array.from({ length: n }, (_, i) => ({ id: `r${i}`, mac: mac(i), vendor: 'Digium', model: MODELS[i % MODELS.length], version: '2.8.1', ip: ipOf(i) }));
    const tarball = join(work, 'repo', (await readdir(join(work, 'repo'))).find((f) => f.startsWith(PLUGIN) && f.endsWith('.tar.gz')));
    const renderCpu = process.cpuUsage();
    const renderTicks = await machineTicks();
    const rendered = await host.renderPlugin({ plugin: tarball, devices: renderDevices, rawConfig: { ...line('pw-1'), ip: '10.0.0.1', http_port: 8667, tftp_port: 69 }, outDir: join(files, 'render-out') });
    figures.renderRate = renderDevices.length / rendered.seconds;
    const { user, system } = process.cpuUsage(renderCpu);
    figures.renderCpu = (user + system) / 1e6 / n;
    figures.renderMachine = machineShares(renderTicks, await machineTicks());
    if (n > 10_000) {
      const few = renderDevices.slice(0, 10_000);
      const renderedFew = await host.renderPlugin({ plugin: tarball, devices: few, rawConfig: { ...line('pw-1'), ip: '10.0.0.1', http_port: 8667, tftp_port: 69 }, outDir: join(files, 'render-out-10k') });
      figures.renderRate10k = few.length / renderedFew.seconds;
    }
    // (its files stay until the run's end: see deletedManyFiles)

    // Devices created through the API, 8 in flight (wrk: the client's own cost stays out of the host's figure),
    // against one atomic JSON file write per device. Two windows, one right after the other: the first 2 s (what this
    // phase measured until now: it starts on a request path no request has run yet, and ends about when the
    // background configure of its first devices begins), then CREATE_SECONDS more, the goal's figure: the rate a
    // provisioning run keeps (100,000 devices take a minute at the goal's rate), with the background configure of
    // the devices created before and during it competing for the same cores, which the first window mostly escaped.
    // The created devices are configured in the background afterwards: waited for (timed; they must not weigh on
    // the phases after this one), and one of them is fetched.
    step(`${engine} ${n}: API creation`);
    const createdFirst = await wrkCreate(ports.api, join(dir, 'create.lua'), n, 2);
    // the host's CPU per creation in the goal's window, thread by thread (the background configure's included), and
    // how idle the machine was meanwhile: whether the rate is bound by the cores or by requests waiting
    const { result: created, cpu: createCpu } = await measuredRun(child.pid, () => wrkCreate(ports.api, join(dir, 'create-more.lua'), n + 100_000, CREATE_SECONDS));
    figures.createCpu = createCpu;
    figures.createFirstRate = createdFirst.rps;
    figures.createRate = created.rps;
    figures.createFailed = createdFirst.failed + created.failed;
    phases.push(['API creation', (await child.call('memory')).phaseMax]);
    t = performance.now();
    await waitIdle(child);
    figures.createdConfiguredSeconds = (performance.now() - t) / 1000;
    // (wrk may build a request it never sends before the first one: the first created number is looked up)
    let firstCreated = n;
    while (firstCreated < n + 8 && (await api(ports.api, 'GET', `/dev_mgr/devices?q=${encodeURIComponent(JSON.stringify({ mac: mac(firstCreated) }))}`)).devices.length === 0) firstCreated++;
    const createdFile = await fetch(`http://127.0.0.1:${ports.http}/Digium/${mac(firstCreated).replaceAll(':', '')}.cfg`, { headers: { 'X-Forwarded-For': ipOf(firstCreated), 'User-Agent': 'Digium D65 2.8.1' } });
    figures.createdServed = createdFile.status === 200 && (await createdFile.text()).includes('pw-1');
    const CREATE = 2000;
    let next = 0;
    const fileDir = join(dir, 'json-writes');
    await mkdir(fileDir);
    t = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < CREATE) {
          const i = next++;
          await sdk.writeFileAtomic(join(fileDir, `d${i}.json`), JSON.stringify({ id: `d${i}`, mac: mac(i), plugin: PLUGIN, config: 'phones' }));
        }
      }),
    );
    figures.createAnchor = CREATE / ((performance.now() - t) / 1000);

    // Known phones against new phones (each request a MAC never seen), with wrk. A new phone's request creates its
    // device (durably, before the answer) and is answered 404: it has no config, so its plugin wrote no file for it.
    // Checked: no new-phone request was answered 2xx or 3xx (wrk counts the others), each created one device (the
    // devices created automatically, counted afterwards; a few more than wrk counted: requests in flight when it
    // stopped), and one of them is found by its MAC with the plugin associated.
    // The anchor is known phones whose request changes nothing (the usual request). A sample phone's first fetch of
    // its file once it is configured is not one: its plugin's trigger file records the device's remote-state SIP user
    // (contract §3.8), one device write per phone, and each write makes every known phone's next request read the
    // store again (the recent-device cache forgets every device on a device write; on PostgreSQL each write also
    // comes back through the change feed). Which of them the earlier phases' latency probes had fetched varies from
    // run to run: the anchor then measured up to 1,000 such writes (a focused run on PostgreSQL, 1,000 of them in the
    // first 4 s: 191-845 req/s at ~1 ms of the host's main thread per request, against 12,000-18,000 at ~40 us once
    // written: last session's collapse; in this bench at 10k on PostgreSQL, 860 of the 1,000 were still to record, at
    // 175 req/s, in a run at load 7-12). Even with none left, the first pass after the API creation finds every
    // cache cold (the recent devices forgotten by the creations, the served files due for their check). So every
    // sample phone fetches its file once first (16 in flight, the wrk script's headers), timed and printed as a
    // figure of its own ("first fetches"), and the anchor is measured after: a known phone's steady rate, every run.
    step(`${engine} ${n}: known and new phones`);
    const remoteUsers = async () => (await api(ports.api, 'GET', `/dev_mgr/devices?fields=id&q=${encodeURIComponent(JSON.stringify({ remote_state_sip_username: 'alice' }))}`)).devices.length;
    const recordedBefore = await remoteUsers();
    figures.firstFetches = await firstFetches(ports.http, phones);
    await waitIdle(child);
    figures.firstFetches.recorded = (await remoteUsers()) - recordedBefore;
    // the host's CPU per request in each, thread by thread, and how idle the machine was meanwhile: whether a rate is
    // bound by one thread or by the cores (wrk's own threads share them)
    const known = await measuredRun(child.pid, async () => wrk(ports.http, await wrkScript(join(dir, 'known.lua'), phones)));
    const NEW_FIRST = n + 200_000;
    step(`${engine} ${n}: new phones`);
    const unknown = await measuredRun(child.pid, async () => wrk(ports.http, await wrkNewScript(join(dir, 'new.lua'), NEW_FIRST)));
    step(`${engine} ${n}: new phones done`);
    figures.knownCpu = known.cpu;
    figures.newCpu = unknown.cpu;
    figures.knownRate = known.result.rps;
    figures.newRate = unknown.result.rps;
    figures.knownNon2xx = known.result.non2xx;
    figures.newRequests = unknown.result.requests;
    figures.newAnswered2xx = unknown.result.requests - unknown.result.non2xx;
    // (a new phone that gets no file is answered before its device's commit, which lands milliseconds later: counted
    // once the count stops growing)
    const autoCreated = async () => (await api(ports.api, 'GET', `/dev_mgr/devices?fields=id&q=${encodeURIComponent(JSON.stringify({ added: 'auto' }))}`)).devices.length;
    figures.newCreated = await autoCreated();
    for (let again = -1; again !== figures.newCreated; ) {
      again = figures.newCreated;
      await new Promise((r) => setTimeout(r, 100));
      figures.newCreated = await autoCreated();
    }
    const probeNew = await fetch(`http://127.0.0.1:${ports.http}/Digium/${mac(NEW_FIRST + 1).replaceAll(':', '')}.cfg`, { headers: { 'X-Forwarded-For': ipOf(NEW_FIRST + 1), 'User-Agent': 'Digium D65 2.8.1' } });
    await probeNew.arrayBuffer();
    const createdNew = (await api(ports.api, 'GET', `/dev_mgr/devices?q=${encodeURIComponent(JSON.stringify({ mac: mac(NEW_FIRST + 1) }))}`)).devices;
    figures.newChecked = probeNew.status === 404 && createdNew.length === 1 && createdNew[0].plugin === PLUGIN && createdNew[0].added === 'auto';
    phases.push(['known and new phones', (await child.call('memory')).phaseMax]);

    // A second change of the config, now that every device has its files: each of them is replaced, as an operator's
    // change replaces them (the first change above mostly created them: the devices were generated unconfigured).
    // Anchor: provd render of the same devices as before, with the new config, into the folder holding its earlier
    // output (its files rendered into a fresh copy of the plugin, then moved over the earlier ones). The host's writer
    // leaves a file whose bytes are unchanged as it is (a device's contacts file, on this password change): provd
    // render, rendering into a fresh copy, still moves every file over its earlier one. Last: the inodes the replaces
    // free would slow the file creations of any phase after it (see deletedManyFiles).
    if (process.env.PROVD_BENCH_SCALE_REPLACE !== '0') {
      step(`${engine} ${n}: a second change, replacing every device's files`);
      t = performance.now();
      await api(ports.api, 'PUT', '/cfg_mgr/configs/phones', { config: { id: 'phones', parent_ids: [], raw_config: line('pw-2') } });
      figures.replaced = await waitIdleCounting(child);
      figures.replaceSeconds = (performance.now() - t) / 1000;
      phases.push(['second change', (await child.call('memory')).phaseMax]);
      const rerendered = await host.renderPlugin({ plugin: tarball, devices: renderDevices, rawConfig: { ...line('pw-2'), ip: '10.0.0.1', http_port: 8667, tftp_port: 69 }, outDir: join(files, 'render-out') });
      figures.rerenderRate = renderDevices.length / rerendered.seconds;
    }
    const memory = await child.call('memory');
    figures.rss = memory.rss;
    // The host's peak is the kernel's high-water mark of the host process's own memory (VmHWM): every page resident
    // at once, its threads' included, between the 50 ms samples too (so no easier than the sampler). Until stop 13
    // the figure was getrusage's maxRSS, which on Linux starts at the memory the fork copied of this benchmark's
    // process (kept over the exec): the PostgreSQL "spike" (309 MB at stop 12; 290 MB against a VmHWM of 171 MB in a
    // sqlite,postgres run at stop 13, with a 10 ms outside sampler of VmRSS never above 170 MB) was this process's
    // memory at the spawn, larger after the SQLite run before it. Both are printed. Each phase's peak is VmHWM too
    // (reset between phases), no longer only the highest 50 ms sample, which is printed beside it.
    figures.peak = memory.hwm ?? memory.maxRss;
    figures.maxRss = memory.maxRss;
    figures.benchRss = child.benchRss;
    figures.phasesSampled = memory.sampled;
    await child.call('close');
    child = undefined;
    return figures;
  } finally {
    child?.kill();
    await folder.remove();
    await pg?.drop();
  }
}

export default async function bench() {
  const host = await import(join(root, 'packages/host/dist/index.js'));
  const sdk = await import(join(root, 'packages/sdk/dist/index.js'));
  const work = await mkdtemp(join(tmpdir(), 'provd-bench-scale-'));
  let ok = true;
  try {
    await exec('node', [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(work, 'repo')], { cwd: root });
    for (const engine of ENGINES) {
      for (const n of SIZES) {
        const f = await oneRun(host, sdk, engine, n, work);
        const pass = (cond) => (cond ? 'ok' : 'MISSED');
        const goals = n >= 100_000;
        console.log(`\n-- ${engine}, ${n} devices (the devices' files on ${f.files})`);
        console.log(`start-up to serving:        ${ms(f.start)} (HTTP ${f.startStatus}; startHost ${ms(f.hostStart)}, then the first phone)   anchor, reading every device as a JSON file: ${ms(f.startAnchor)}${goals ? `   goal <= 2 s: ${pass(f.start <= 2000)}` : ''}`);
        console.log(`MAC search (API):           ${ms(f.search)}   anchor, GET /0.2/status (reads no device): ${ms(f.searchAnchor)}${goals ? `   goal <= 10 ms: ${pass(f.search <= 10)}` : ''}`);
        console.log(`config change acknowledged: ${ms(f.ack)}; all ${n} devices reconfigured in ${f.reconfigureSeconds.toFixed(1)} s: ${f.reconfigureRate.toFixed(0)} devices/s   anchor, provd render of the same ${n}: ${f.renderRate.toFixed(0)} devices/s   ratio ${((100 * f.reconfigureRate) / f.renderRate).toFixed(0)}% (goal >= 80%: ${pass(f.reconfigureRate >= 0.8 * f.renderRate)})${f.settleWait > 0 ? `; started ${(f.settleWait / 1000).toFixed(1)} s later than it could, after the previous run's delete` : ''}`);
        console.log(`  CPU per device: ${cpuText(f.reconfigureCpu, f.hostPid)}   provd render ${(f.renderCpu * 1e6).toFixed(0)} µs`);
        console.log(`  the machine meanwhile: during the reconfigure ${sharesText(f.reconfigureMachine)}; during provd render ${sharesText(f.renderMachine)}`);
        if (f.renderRate10k !== undefined) console.log(`  (the anchor as measured before, provd render of 10,000 of them into a fresh folder: ${f.renderRate10k.toFixed(0)} devices/s, ratio ${((100 * f.reconfigureRate) / f.renderRate10k).toFixed(0)}%)`);
        console.log(`known phones' fetch latency, paced probe at ${PROBE_RATE} req/s (sent ${f.during.rate.toFixed(0)}/s, ${f.during.late} late): median ${ms(f.during.median)} during the whole reconfigure (p95 ${ms(f.during.p95)}, ${f.during.count} fetches, ${f.during.errors} not 200)   anchor, idle 5 s: median ${ms(f.idle.median)} (p95 ${ms(f.idle.p95)}, sent ${f.idle.rate.toFixed(0)}/s)   ratio ${(f.during.median / f.idle.median).toFixed(2)}x (goal <= 2x: ${pass(f.during.median <= 2 * f.idle.median)})`);
        if (f.replaced !== undefined) console.log(`second change, every device's files replaced: ${f.replaced} devices in ${f.replaceSeconds.toFixed(1)} s: ${(f.replaced / f.replaceSeconds).toFixed(0)} devices/s   anchor, provd render over its earlier output: ${f.rerenderRate.toFixed(0)} devices/s   ratio ${((100 * f.replaced) / f.replaceSeconds / f.rerenderRate).toFixed(0)}%`);
        // under load, a stall is mostly the host's main thread waiting for a CPU: what remains is the host's own
        const own = (x) => (x.ownMs === undefined ? '' : ` (${ms(x.waitMs)} of it waiting for a CPU; the longest without that wait: ${ms(x.ownMs)})`);
        console.log(`longest event-loop stall during the reconfigure: ${ms(f.stall.maxMs)}${own(f.stall)}   anchor, idle (phones fetching, nothing else): ${ms(f.idleStall.maxMs)}${own(f.idleStall)}   (goal <= 50 ms: ${pass(f.stall.maxMs <= 50)}); new password served at the end: ${f.newPasswordServed}`);
        console.log(`devices created through the API, 8 in flight: ${f.createRate.toFixed(0)}/s over ${CREATE_SECONDS} s (the first 2 s before them: ${f.createFirstRate.toFixed(0)}/s; ${f.createFailed} not 201; the background configure done ${f.createdConfiguredSeconds.toFixed(1)} s after; a created device served its file: ${f.createdServed})   anchor, one atomic JSON file write each: ${f.createAnchor.toFixed(0)}/s${goals ? `   goal >= 2,000/s: ${pass(f.createRate >= 2000)}` : ''}`);
        const cc = f.createCpu;
        console.log(`  CPU per creation: ${cpuText(cc, f.hostPid)}   the machine meanwhile: ${(100 * cc.idle).toFixed(0)}% idle, ${(100 * cc.iowait).toFixed(0)}% waiting for the disk, ${(100 * cc.steal).toFixed(0)}% stolen by the hypervisor`);
        const ff = f.firstFetches;
        console.log(`known phones' first fetches once configured: ${ff.rate.toFixed(0)} req/s (${ff.count} fetches, ${ff.failed} not 200; ${ff.recorded} recorded their remote-state SIP user: one device write each), before the known-phones anchor below`);
        console.log(`new phones: ${f.newRate.toFixed(0)} req/s (${f.newRequests} requests, ${f.newAnswered2xx} answered 2xx or 3xx, ${f.newCreated} devices created; checked: ${f.newChecked})   anchor, known phones: ${f.knownRate.toFixed(0)} req/s   ratio ${((100 * f.newRate) / f.knownRate).toFixed(0)}% (goal >= 50%: ${pass(f.newRate >= 0.5 * f.knownRate)})`);
        console.log(`  CPU per request, new phones: ${cpuText(f.newCpu, f.hostPid)}   the machine meanwhile: ${sharesText(f.newCpu)}`);
        console.log(`  CPU per request, known phones: ${cpuText(f.knownCpu, f.hostPid)}   the machine meanwhile: ${sharesText(f.knownCpu)}`);
        console.log(`RSS at the end: ${f.rss.toFixed(0)} MB (peak ${f.peak.toFixed(0)} MB, the host's process (VmHWM), with the environment of its systemd unit: ${Object.entries(await unitEnvironment(root)).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}, and provd serve's ${host.SERVE_V8_FLAGS.join(' ')})${goals ? `   goal <= 200 MB: ${pass(f.peak <= 200)}` : ''}`);
        console.log(`  getrusage's maxRSS of the host's process: ${f.maxRss.toFixed(0)} MB (not the host's: on Linux it starts at the memory the fork copied of the benchmark's process, whose anonymous RSS was ${f.benchRss.toFixed(0)} MB)`);
        // each phase's peak: VmHWM since the phase before (reset between phases), with the highest 50 ms sample beside
        console.log(`  peak RSS per phase (sampled every 50 ms): ${f.phases.map(([phase, mb], i) => `${phase} ${mb.toFixed(0)} MB${f.phasesSampled[i] === undefined ? '' : ` (${f.phasesSampled[i].toFixed(0)})`}`).join(', ')}`);
        if (!f.newPasswordServed || f.startStatus !== 200 || f.during.errors > 0 || f.createFailed > 0 || !f.createdServed || f.newAnswered2xx > 0 || f.newCreated < f.newRequests || !f.newChecked || ff.failed > 0) ok = false;
      }
    }
  } finally {
    await deleteRunFiles(work);
  }
  return ok;
}

// Serving, against real anchors in the same run, in interleaved rounds (the machine is shared: alternating spreads
// the noise over both sides; the figures quoted are per-round ratios).
//
// HTTP: config fetches by 1,000 distinct phones (identification on every request: extraction by every plugin,
// retrieval by MAC, update, association, routing), wrk at 64 connections, against Debian nginx (one worker) serving
// the same tftpboot folder. Goals: provd >= 50% of nginx's requests per second; median latency on one connection
// <= 2x nginx's. Also the revalidation of those files (If-None-Match with each server's own ETag: 304s).
// TFTP: a 50 MB file with blksize 1468 fetched by curl from provd and from tftpd-hpa (`in.tftpd -L`) serving the same
// folder, in rounds of their own after the HTTP ones (BENCH_TFTP_ROUNDS, default 7). Goal: provd's time <= tftpd-hpa's.
// BENCH_ROUNDS=0 skips the HTTP part (nginx is not started): the TFTP rounds alone, in a fraction of the time.
// provd sends the big file with its native data loop when it was built at install (PROVD_TFTP_NATIVE=0 in the
// bench's environment reaches the host and measures the JavaScript loop instead); the output says which.
//
// The HTTP rounds at 64 connections also print each side's CPU time per request (from /proc: the host process with
// its threads, nginx's master and worker): on a loaded machine each side's share of the cores varies by round, and
// the ratio of CPU per request is what a quiet machine's rate ratio comes close to.
//
// BENCH_PROFILE=1 profiles the host (V8 CPU profiler) during its HTTP rounds at 64 connections and prints the top
// entries; the figures of such a run are lower for provd (an attached inspector session slows the host), so quote
// the figures of a run without it. Every run checks, from the host's own metrics, that each HTTP request it answered
// in the rounds was identified (a known device found), so the comparison is with identification on every request.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startNginx, startTftpdHpa } from './lib/anchors.mjs';
import { printTop } from './lib/cpu-profile.mjs';
import { exec } from './lib/exec.mjs';
import { ratioLine, spread } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PHONES = 1000;
const DURATION = process.env.BENCH_DURATION ?? '4s';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 64;
const BIG = 'Digium/firmware/bench-50m.eff';
const TFTP_ROUNDS = Number(process.env.BENCH_TFTP_ROUNDS ?? 7);

const hex = (n) => n.toString(16).padStart(2, '0');
const mac = (i) => `00:0f:d3:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`;
const ipOf = (i) => `10.1.${i >> 8}.${i & 255}`;
const phones = Array.from({ length: PHONES }, (_, i) => ({ path: `/Digium/${mac(i).replaceAll(':', '')}.cfg`, ip: ipOf(i) }));

/** A wrk script cycling through the phones, each with its X-Forwarded-For (and its If-None-Match when given). */
function luaScript(etags) {
  const rows = phones.map((p, i) => `  {"${p.path}", "${p.ip}"${etags ? `, ${JSON.stringify(etags[i])}` : ''}},`);
  return (
    `local phones = {\n${rows.join('\n')}\n}\nlocal i = 0\n` +
    'request = function()\n  i = i + 1\n  local p = phones[(i % #phones) + 1]\n' +
    '  local h = { ["X-Forwarded-For"] = p[2], ["User-Agent"] = "Digium D65 2.8.1" }\n' +
    (etags ? '  h["If-None-Match"] = p[3]\n' : '') +
    '  return wrk.format("GET", p[1], h)\nend\n'
  );
}

const toMs = (value, unit) => Number(value) * { us: 0.001, ms: 1, s: 1000 }[unit];

async function wrk(port, script, { connections = CONNECTIONS, threads = 2 } = {}) {
  const out = await exec('wrk', [`-t${threads}`, `-c${connections}`, `-d${DURATION}`, '--latency', '-s', script, `http://127.0.0.1:${port}/`]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = /\n\s+50%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors:.*/.exec(out)?.[0];
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  return { rps, p50: p50 ? toMs(p50[1], p50[2]) : NaN, non2xx, errors, requests };
}

/** The unit of /proc's CPU times (Linux's USER_HZ: 100 on every architecture provd runs on). */
const CLOCK_TICKS = 100;

/**
 * The CPU time (user + system, ms) process `pid` and its children processes have used so far, from /proc (the host's
 * threads are in its figure; nginx's worker is a child of its master).
 */
async function cpuMsOf(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  for (const child of children.split(' ').filter(Boolean)) ms += await cpuMsOf(Number(child));
  return ms;
}
/** `task` (a wrk round) with the CPU time per completed request the server `pid` spent in it, in µs. */
async function withCpu(pid, task) {
  const before = await cpuMsOf(pid);
  const result = await task();
  const cpuUs = ((await cpuMsOf(pid)) - before) * 1000 / Math.max(1, result.requests);
  return { ...result, cpuUs };
}

/** Each phone's ETag at a server (a first plain fetch), for the revalidation rounds. */
async function etagsAt(port) {
  const tags = [];
  for (const p of phones) {
    const r = await fetch(`http://127.0.0.1:${port}${p.path}`, { headers: { 'X-Forwarded-For': p.ip, 'User-Agent': 'Digium D65 2.8.1' } });
    await r.arrayBuffer();
    tags.push(r.headers.get('etag') ?? '');
  }
  return tags;
}

async function startProvd(dir, profileDir) {
  const optionsFile = join(dir, 'host-options.json');
  await writeFile(optionsFile, JSON.stringify({ hostModule: join(root, 'packages/host/dist/index.js'), dir, phones: PHONES, bigFile: { name: BIG, from: join(dir, 'big.bin') } }));
  const child = spawn(process.execPath, [join(here, 'lib/host-child.mjs'), optionsFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  let waiting;
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    for (let at = out.indexOf('\n'); at >= 0; at = out.indexOf('\n')) {
      lines.push(out.slice(0, at));
      out = out.slice(at + 1);
    }
    if (lines.length > 0) waiting?.();
  });
  const nextLine = () => new Promise((resolve, reject) => {
    if (lines.length > 0) return resolve(lines.shift());
    waiting = () => ((waiting = undefined), resolve(lines.shift()));
    child.once('exit', (code) => reject(new Error(`the provd host exited (${code})`)));
  });
  const info = JSON.parse(await nextLine());
  let profiles = 0;
  const profiled = async (task) => {
    if (!profileDir) return task();
    child.stdin.write('profile-start\n');
    try {
      return await task();
    } finally {
      child.stdin.write(`profile-stop ${join(profileDir, `http-${profiles++}.cpuprofile`)}\n`);
      await nextLine();
    }
  };
  const stop = () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
  const stats = async () => {
    child.stdin.write('stats\n');
    return JSON.parse(await nextLine());
  };
  return { ...info, pid: child.pid, stop, profiled, stats };
}

/** Seconds curl takes to fetch the big file over TFTP with blksize 1468; checks the size it got. */
async function tftpFetch(port, size) {
  const started = performance.now();
  const out = await exec('curl', ['-sS', '--tftp-blksize', '1468', '-o', '/dev/null', '-w', '%{size_download}', `tftp://127.0.0.1:${port}/${BIG}`]);
  const seconds = (performance.now() - started) / 1000;
  if (Number(out) !== size) throw new Error(`TFTP fetch from port ${port} got ${out} bytes, not ${size}`);
  return seconds;
}

/**
 * The TFTP rounds, after the HTTP ones: one warm-up fetch from each server, then `TFTP_ROUNDS` rounds, each fetching
 * from both, the first server alternating (a load change meanwhile weighs on both sides alike). A lock-step client
 * waits a round trip per block, so the ratio moves with the machine's load: quote it with the load average printed.
 * Returns the load averages before and after.
 */
async function tftpRounds(provdPort, hpaPort, size, r) {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  const before = load();
  await tftpFetch(provdPort, size);
  await tftpFetch(hpaPort, size);
  for (let i = 0; i < TFTP_ROUNDS; i++) {
    if (i % 2 === 0) {
      r.provdTftp.push(await tftpFetch(provdPort, size));
      r.hpaTftp.push(await tftpFetch(hpaPort, size));
    } else {
      r.hpaTftp.push(await tftpFetch(hpaPort, size));
      r.provdTftp.push(await tftpFetch(provdPort, size));
    }
  }
  return `${before} -> ${load()}`;
}

const ms = (v) => `${v.toFixed(3)} ms`;
const pct = (r) => `${(r * 100).toFixed(1)}%`;

/** Prints the TFTP rounds' figures (`load`: the load averages before and after them). */
async function printTftp(r, load) {
  const { nativeSenderStatus } = await import(join(root, 'packages/host/dist/index.js'));
  const native = nativeSenderStatus();
  console.log(`TFTP, 50 MiB, blksize 1468, curl (lock-step), ${TFTP_ROUNDS} interleaved rounds after one warm-up fetch each, load average ${load}:`);
  console.log(`  provd sends it with ${native.available ? 'its native data loop' : `its JavaScript loop (native loop: ${native.reason})`}`);
  console.log(`  provd:     ${spread(r.provdTftp, (s) => `${s.toFixed(2)} s`)}`);
  console.log(`  tftpd-hpa: ${spread(r.hpaTftp, (s) => `${s.toFixed(2)} s`)}`);
  const tftpRatio = ratioLine(r.hpaTftp, r.provdTftp, pct);
  console.log(`  throughput provd / tftpd-hpa: ${tftpRatio.text} (goal >= 100%)`);
}

export default async function bench() {
  const dir = await mkdtemp(join(tmpdir(), 'provd-bench-serve-'));
  const profileDir = process.env.BENCH_PROFILE ? join(dir, 'profile') : undefined;
  if (profileDir) await mkdir(profileDir);
  let provd, nginx, tftpd;
  try {
    console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared)`);
    await exec(process.execPath, [join(root, 'packages/build/dist/cli.js'), 'build', 'digium', '--out', join(dir, 'repo')], { cwd: root });
    const bigSize = 50 * 1024 * 1024;
    await writeFile(join(dir, 'big.bin'), randomBytes(bigSize));
    provd = await startProvd(dir, profileDir);
    console.log(`provd host: ${PHONES} phones configured in ${provd.configureSeconds.toFixed(1)} s`);
    tftpd = await startTftpdHpa(provd.tftpboot);
    if ((await stat(join(provd.tftpboot, BIG))).size !== bigSize) throw new Error('the big file is not in place');
    const r = { provd: [], nginx: [], provd1: [], nginx1: [], provdCond: [], nginxCond: [], provdTftp: [], hpaTftp: [] };
    if (ROUNDS === 0) {
      console.log('BENCH_ROUNDS=0: no HTTP rounds');
      const tftpLoad = await tftpRounds(provd.tftp, tftpd.port, bigSize, r);
      await printTftp(r, tftpLoad);
      return true;
    }
    nginx = await startNginx(provd.tftpboot, join(dir, 'nginx'));

    const script = join(dir, 'phones.lua');
    await writeFile(script, luaScript());
    const condProvd = join(dir, 'cond-provd.lua');
    const condNginx = join(dir, 'cond-nginx.lua');
    const provdTags = await etagsAt(provd.http);
    const nginxTags = await etagsAt(nginx.port);
    const conditional = provdTags.every((t) => t !== '');
    await writeFile(condProvd, luaScript(conditional ? provdTags : undefined));
    await writeFile(condNginx, luaScript(nginxTags));

    // warm-up, then interleaved rounds
    await wrk(provd.http, script);
    await wrk(nginx.port, script);
    const before = await provd.stats();
    for (let i = 0; i < ROUNDS; i++) {
      r.provd.push(await provd.profiled(() => withCpu(provd.pid, () => wrk(provd.http, script))));
      r.nginx.push(await withCpu(nginx.pid, () => wrk(nginx.port, script)));
      r.provd1.push(await wrk(provd.http, script, { connections: 1, threads: 1 }));
      r.nginx1.push(await wrk(nginx.port, script, { connections: 1, threads: 1 }));
      r.provdCond.push(await wrk(provd.http, condProvd));
      r.nginxCond.push(await wrk(nginx.port, condNginx));
    }
    const tftpLoad = await tftpRounds(provd.tftp, tftpd.port, bigSize, r);
    const rps = (list) => list.map((x) => x.rps);
    const p50 = (list) => list.map((x) => x.p50);
    console.log(`HTTP, ${CONNECTIONS} connections, ${DURATION} per round, ${ROUNDS} interleaved rounds:`);
    console.log(`  provd (identification on every request): ${spread(rps(r.provd))} req/s`);
    console.log(`  nginx (one worker, same tftpboot):        ${spread(rps(r.nginx))} req/s`);
    const tput = ratioLine(rps(r.provd), rps(r.nginx), pct);
    console.log(`  ratio provd / nginx: ${tput.text} (goal >= 50%)`);
    // CPU time per request tells the same on a loaded machine, where each side's share of the cores varies by round
    const cpu = (list) => list.map((x) => x.cpuUs);
    const us = (v) => `${v.toFixed(1)} us`;
    console.log(`  CPU per request: provd ${spread(cpu(r.provd), us)}; nginx ${spread(cpu(r.nginx), us)}`);
    console.log(`  nginx's CPU per request / provd's (the rate ratio at equal CPU): ${ratioLine(cpu(r.nginx), cpu(r.provd), pct).text}`);
    console.log(`HTTP, one connection, median latency:`);
    console.log(`  provd: ${spread(p50(r.provd1), ms)}`);
    console.log(`  nginx: ${spread(p50(r.nginx1), ms)}`);
    const lat = ratioLine(p50(r.provd1), p50(r.nginx1), (x) => `${x.toFixed(2)}x`);
    console.log(`  ratio provd / nginx: ${lat.text} (goal <= 2x)`);
    console.log(`HTTP revalidation (If-None-Match, each server's own ETag), ${CONNECTIONS} connections:`);
    if (!conditional) console.log('  provd sends no ETag: its rounds are plain fetches');
    console.log(`  provd: ${spread(rps(r.provdCond))} req/s; nginx: ${spread(rps(r.nginxCond))} req/s; ratio ${ratioLine(rps(r.provdCond), rps(r.nginxCond), pct).text}`);
    await printTftp(r, tftpLoad);
    // fairness: the host's own metrics count an identification (a known device) for every HTTP request it answered
    const after = await provd.stats();
    const sent = [...r.provd, ...r.provd1, ...r.provdCond].reduce((n, x) => n + x.requests, 0);
    const answered = after.http - before.http;
    const identified = after.known - before.known;
    const everyOne = identified >= answered && answered >= sent;
    console.log(`identification: ${identified} known-device identifications for ${answered} HTTP requests answered by provd in the rounds (wrk counted ${sent} completed)${everyOne ? '' : ' — NOT every request was identified'}`);
    const non2xx = [...r.provd, ...r.nginx, ...r.provd1, ...r.nginx1].reduce((n, x) => n + x.non2xx, 0);
    const errors = [...r.provd, ...r.provd1, ...r.provdCond].map((x) => x.errors).filter(Boolean);
    console.log(`non-2xx responses to plain fetches: ${non2xx}${errors.length ? `; socket errors: ${errors.join(' | ')}` : ''}`);
    console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    return non2xx === 0 && everyOne;
  } finally {
    await Promise.allSettled([provd?.stop(), nginx?.stop(), tftpd?.stop()]);
    if (profileDir) await printTop('provd host CPU profile of its HTTP rounds at 64 connections, top entries', profileDir, 25).catch((e) => console.log(`no profile: ${e.message}`));
    if (!process.env.BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  }
}

// The real anchors the benchmarks compare provd with, run on free loopback ports: Debian nginx (one worker) and
// tftpd-hpa (`in.tftpd` in the foreground). A missing one is installed with apt-get first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freeTcpPort, freeUdpPort } from './free-port.mjs';

/** Installs the Debian package `pkg` unless `binary` exists. */
export function ensureDebian(binary, pkg) {
  if (existsSync(binary)) return;
  console.error(`bench: ${binary} is missing, installing Debian ${pkg}`);
  let r = spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit' });
  }
  if (r.status !== 0 || !existsSync(binary)) throw new Error(`bench: could not install ${pkg} (apt-get install -y ${pkg})`);
}

function waitForTcp(port, ms = 10_000) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/**
 * Starts Debian nginx in the foreground, one worker process, serving `root` on a free loopback port (access log
 * off, sendfile on, otherwise nginx's defaults). Resolves to `{ port, stop }`.
 */
export async function startNginx(root, workDir) {
  ensureDebian('/usr/sbin/nginx', 'nginx');
  await mkdir(workDir, { recursive: true });
  const port = await freeTcpPort();
  const conf = join(workDir, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;\nworker_processes 1;\nuser root;\npid ${workDir}/nginx.pid;\nerror_log ${workDir}/error.log;\n` +
      `events { worker_connections 1024; }\n` +
      `http {\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n` +
      `  client_body_temp_path ${workDir}/body; proxy_temp_path ${workDir}/proxy; fastcgi_temp_path ${workDir}/fcgi;\n` +
      `  uwsgi_temp_path ${workDir}/uwsgi; scgi_temp_path ${workDir}/scgi;\n` +
      `  types { text/plain cfg; application/xml xml; }\n  default_type application/octet-stream;\n` +
      `  server { listen 127.0.0.1:${port}; root ${root}; }\n}\n`,
  );
  const child = spawn('/usr/sbin/nginx', ['-c', conf, '-p', workDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  try {
    await waitForTcp(port);
  } catch (e) {
    child.kill();
    throw new Error(`nginx did not start: ${err || e.message}`);
  }
  return { port, pid: child.pid, stop: stopper(child) };
}

/**
 * Starts tftpd-hpa (`in.tftpd -L`, foreground) serving `root` (chrooted, as root so a private temp folder is
 * readable) on a free loopback UDP port. Resolves to `{ port, stop }`.
 */
export async function startTftpdHpa(root) {
  ensureDebian('/usr/sbin/in.tftpd', 'tftpd-hpa');
  const port = await freeUdpPort();
  const child = spawn('/usr/sbin/in.tftpd', ['-L', '-a', `127.0.0.1:${port}`, '-u', 'root', '-s', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error(`in.tftpd exited: ${err}`);
  return { port, pid: child.pid, stop: stopper(child) };
}

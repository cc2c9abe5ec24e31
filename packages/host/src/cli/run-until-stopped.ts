import type { HostLogger } from '../log/index';

/** What {@link runUntilStopped} needs of a started host. */
export interface StoppableHost<P> {
  /** The ports listened on. */
  ports: P;
  /** Reads the TLS certificate and key again (SIGHUP). */
  reload?(): Promise<void>;
  /** Stops accepting, lets requests in flight finish for up to `drainMs`, then closes everything. */
  close(options?: { drainMs?: number }): Promise<void>;
}

/** Options of {@link runUntilStopped}. */
export interface RunUntilStoppedOptions<P> {
  /** The logs (SIGHUP reopens their files). */
  logs: HostLogger;
  /** How long a stop waits for requests in flight. */
  shutdownTimeoutMs: number;
  /** Starts the host. */
  start: () => Promise<StoppableHost<P>>;
  /** Called once every server listens. */
  onListening: (ports: P) => void;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs a host as a supervised process: starts it, then on SIGHUP reopens the log files and reloads the TLS material,
 * and on SIGINT or SIGTERM (also one arriving during start-up) stops accepting, drains the requests in flight and
 * resolves, so the process exits 0. A second stop signal during the drain closes at once.
 */
export async function runUntilStopped<P>(options: RunUntilStoppedOptions<P>): Promise<void> {
  const { logs } = options;
  let stopRequested: (signal: string) => void = () => {};
  let pending: string | undefined;
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  let host: StoppableHost<P> | undefined;
  let draining = false;
  const onStop = (signal: string) => {
    if (draining) {
      logs.log.warn({ signal }, `${signal} again: closing without waiting for requests in flight`);
      void host?.close({ drainMs: 0 });
      return;
    }
    pending = signal;
    stopRequested(signal);
  };
  const onHup = () => {
    logs.reopen();
    logs.log.info({ signal: 'SIGHUP' }, 'SIGHUP: log files reopened');
    host?.reload?.().then(
      () => logs.log.info('SIGHUP: TLS certificate and key reloaded'),
      (err: Error) => logs.log.error({ err: err.message }, `SIGHUP: TLS material not reloaded, the previous one stays in use: ${err.message}`),
    );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onStop);
  process.on('SIGHUP', onHup);
  try {
    host = await options.start();
    options.onListening(host.ports);
    const signal = pending ?? (await stopped);
    draining = true;
    logs.log.info({ signal }, `${signal}: stopping (waiting up to ${Math.round(options.shutdownTimeoutMs / 1000)} s for requests in flight)`);
    await host.close({ drainMs: options.shutdownTimeoutMs });
    logs.log.info('stopped');
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onStop);
    process.off('SIGHUP', onHup);
    logs.flush();
  }
}

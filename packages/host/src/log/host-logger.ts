import { closeSync, openSync } from 'node:fs';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { hostError } from '../errors';

/** Options of {@link createHostLogger}. */
export interface HostLoggerOptions {
  /** The lowest level written. @defaultValue "info" */
  level?: LevelWithSilent;
  /** The file JSON lines are appended to; `stream` (or stderr) when absent. */
  file?: string;
  /** Where JSON lines go without `file`. @defaultValue stderr (fd 2) */
  stream?: { write(text: string): unknown };
  /** The file fail2ban security lines are appended to (plain text); the JSON log (level warn) when absent. */
  securityFile?: string;
  /** Writes on the calling tick (tests, short commands). @defaultValue false for files, true for stderr */
  sync?: boolean;
}

/** The host's logs: the structured JSON log, the security lines, and what SIGHUP and a stop need. */
export interface HostLogger {
  /** The structured logger (pino): one JSON object per line, with `level`, `time` and `msg`. */
  log: Logger;
  /** Writes one security line (fail2ban format) to the security file, or to the log with `security: true`. */
  security(line: string): void;
  /** Reopens the log files (after logrotate moved them): SIGHUP. */
  reopen(): void;
  /** Writes out what is buffered (before the process exits). */
  flush(): void;
}

/** Checks that `file` can be appended to (created when missing); throws `PROVD_SERVE_FILE_INVALID` naming `setting`. */
export function checkAppendable(file: string, setting: string, source: string): void {
  try {
    closeSync(openSync(file, 'a'));
  } catch (err) {
    throw hostError('PROVD_SERVE_FILE_INVALID', {
      setting,
      source,
      file,
      reason: `cannot be opened for appending (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      fix: 'give a file in a folder the host may write to, or create it with the host user as owner',
    });
  }
}

/**
 * Creates the host's logs. The JSON log goes to `file` or stderr through pino (asynchronous writes for files, so the
 * request path never waits on the disk); security lines stay plain fail2ban lines in their own file when
 * `securityFile` is set. {@link HostLogger.reopen} reopens both files (SIGHUP after logrotate).
 *
 * @example
 * ```ts
 * const logs = createHostLogger({ level: 'info', file: '/var/log/provd/provd.log' });
 * logs.log.info({ plugins: 3 }, 'plugins loaded');
 * process.on('SIGHUP', () => logs.reopen());
 * ```
 */
export function createHostLogger(options: HostLoggerOptions = {}): HostLogger {
  const destination = !options.file && options.stream ? undefined : pino.destination({ dest: options.file ?? 2, append: true, sync: options.sync ?? options.file === undefined, mkdir: false });
  const stream = destination ?? { write: (text: string) => void options.stream!.write(text) };
  const log = pino({ level: options.level ?? 'info', base: { name: 'provd' }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  const securityDest = options.securityFile
    ? pino.destination({ dest: options.securityFile, append: true, sync: options.sync ?? false, mkdir: false })
    : undefined;
  return {
    log,
    security(line) {
      if (securityDest) securityDest.write(`${line}\n`);
      else log.warn({ security: true }, line);
    },
    reopen() {
      if (options.file) destination?.reopen();
      securityDest?.reopen();
    },
    flush() {
      try {
        destination?.flushSync();
        securityDest?.flushSync();
      } catch {
        // nothing buffered yet, or the stream is not ready: nothing to flush
      }
    },
  };
}

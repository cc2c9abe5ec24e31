/** Options of {@link SecurityGuard}. */
export interface SecurityGuardOptions {
  /** Receives each security line (a fail2ban jail can watch the file these go to); absent, none is made. */
  log?: (line: string) => void;
  /**
   * How many sensitive requests (hits and misses) one client IP may make per window; `0` turns the limit off (the
   * requests are still logged). @defaultValue 10
   */
  limit?: number;
  /** The window, in ms. @defaultValue 60000 */
  windowMs?: number;
  /** The clock (for tests). @defaultValue Date.now */
  now?: () => number;
}

/**
 * Security log and per-IP rate limit for sensitive files (those holding credentials), whether the device they name is
 * known (a hit) or not (a miss). Lines have the form `<ISO time> provd-security: <what> from <ip>: <detail>`, e.g.
 * `2026-01-01T00:00:00.000Z provd-security: Sensitive file requested by unknown device from 10.0.0.9: 000fd3054848.cfg`,
 * so a fail2ban `failregex` of `provd-security: .* from <HOST>:` bans the client.
 */
export class SecurityGuard {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  /** Creates the guard. */
  constructor(private readonly options: SecurityGuardOptions) {
    this.limit = options.limit ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Writes one security line. */
  line(what: string, ip: string, detail: string): void {
    this.options.log?.(`${new Date(this.now()).toISOString()} provd-security: ${what} from ${ip}: ${detail}`);
  }

  /** Whether `ip` is over its limit now (its requests for sensitive files are refused). */
  isLimited(ip: string): boolean {
    return this.limit > 0 && this.recent(ip).length >= this.limit;
  }

  /**
   * Records a request for a sensitive file and writes its line: a hit (`device` is the known device it names) or a
   * miss (no such device). Misses and hits from elsewhere than the device's own recorded address (`counted`) count
   * towards the client's limit, so guessing device names is bounded whether the guesses hit or not. Resolves to
   * `false` when the client is over its limit (the request must be refused).
   */
  recordSensitive(ip: string, filename: string, device?: string, counted = true): boolean {
    if (counted && this.limit > 0) {
      // the client's requests in the window, read once (each new phone's first request comes through here)
      const recent = this.recent(ip);
      if (recent.length >= this.limit) {
        this.line('Rate limit exceeded for sensitive files', ip, filename);
        return false;
      }
      recent.push(this.now());
      this.hits.set(ip, recent);
    }
    if (device === undefined) this.line('Sensitive file requested by unknown device', ip, filename);
    else this.line(`Sensitive file requested for device ${device}`, ip, filename);
    return true;
  }

  private recent(ip: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.hits.get(ip) ?? []).filter((t) => t > since);
    if (list.length === 0) this.hits.delete(ip);
    else this.hits.set(ip, list);
    if (this.hits.size > 100_000) this.hits.clear(); // bounded memory under a flood of addresses
    return list;
  }
}

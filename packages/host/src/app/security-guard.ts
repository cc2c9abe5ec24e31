/** Options of {@link SecurityGuard}. */
export interface SecurityGuardOptions {
  /** Receives each security line (a fail2ban jail can watch the file these go to). */
  log: (line: string) => void;
  /**
   * How many sensitive requests from unknown devices one client IP may make per window; `0` turns the limit off (the
   * requests are still logged). @defaultValue 10
   */
  limit?: number;
  /** The window, in ms. @defaultValue 60000 */
  windowMs?: number;
  /** The clock (for tests). @defaultValue Date.now */
  now?: () => number;
}

/**
 * Security log and per-IP rate limit for sensitive files (those holding credentials) requested by devices the host
 * does not know. Lines have the form `<ISO time> provd-security: <what> from <ip>: <detail>`, e.g.
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
    this.options.log(`${new Date(this.now()).toISOString()} provd-security: ${what} from ${ip}: ${detail}`);
  }

  /** Whether `ip` is over its limit now (its requests for sensitive files are refused). */
  isLimited(ip: string): boolean {
    return this.limit > 0 && this.recent(ip).length >= this.limit;
  }

  /**
   * Records a sensitive file requested by an unknown device and writes its line; resolves to `false` when the client
   * is over its limit (the request must be refused).
   */
  recordSensitive(ip: string, filename: string): boolean {
    if (this.isLimited(ip)) {
      this.line('Rate limit exceeded for sensitive files', ip, filename);
      return false;
    }
    if (this.limit > 0) this.hits.set(ip, [...this.recent(ip), this.now()]);
    this.line('Sensitive file requested by unknown device', ip, filename);
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

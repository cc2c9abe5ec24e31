import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read when Prometheus scrapes them. */
export interface HostMetricsSources {
  /** The number of devices and configs in the store. */
  storeSize?: () => Promise<{ devices: number; configs: number }>;
  /** The number of background jobs (reconfigurations) waiting or running. */
  backgroundQueue?: () => number;
}

/** How identification ended for one phone request. */
export type IdentificationOutcome = 'known' | 'created' | 'ignored' | 'refused';

/** Counts kept per label set on the request path until a scrape hands them to their counter. */
type LabelCounts<L extends string> = Map<string, { labels: Record<L, string>; n: number }>;

/** Hands `counts` to `counter` (from its `collect`, at a scrape) and sets them back to zero. */
function foldInto<L extends string>(counter: Counter<L>, counts: LabelCounts<L>): void {
  for (const count of counts.values()) {
    if (count.n > 0) counter.inc(count.labels, count.n);
    count.n = 0;
  }
}

/**
 * The host's Prometheus metrics (prom-client), in their own registry: requests by protocol and status,
 * identification outcomes, plugin associations, configure durations and failures, store size, background work queue,
 * and the Node.js process metrics.
 *
 * @example
 * ```ts
 * const metrics = new HostMetrics({ storeSize: () => ({ devices: 1, configs: 2 }) });
 * metrics.request('http', 200);
 * const text = await metrics.registry.metrics();
 * ```
 */
export class HostMetrics {
  /** The registry `/metrics` serves. */
  readonly registry = new Registry();
  private readonly requests: Counter<'protocol' | 'status'>;
  private readonly identifications: Counter<'outcome'>;
  private readonly associations: Counter<'plugin' | 'reason'>;
  private readonly configureSeconds: Histogram<'plugin'>;
  private readonly configureFailures: Counter<'plugin'>;
  /**
   * Requests, identifications and plugin associations counted per label set on the request path (a map increment),
   * handed to their counters when the metrics are read (prom-client's own `inc` hashes and validates the labels on
   * every call).
   */
  private readonly requestCounts: LabelCounts<'protocol' | 'status'> = new Map();
  private readonly identificationCounts = new Map<IdentificationOutcome, number>();
  private readonly associationCounts: LabelCounts<'plugin' | 'reason'> = new Map();

  /** Creates the metrics, reading the store size and the queue from `sources` at each scrape. */
  constructor(sources: HostMetricsSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'provd_' });
    const requestCounts = this.requestCounts;
    const identificationCounts = this.identificationCounts;
    this.requests = new Counter({
      name: 'provd_requests_total',
      help: 'Phone requests answered, by protocol (http, https, tftp) and status (HTTP status, TFTP "ok" or error code)',
      labelNames: ['protocol', 'status'],
      registers,
      collect() {
        foldInto(this, requestCounts);
      },
    });
    this.identifications = new Counter({
      name: 'provd_identifications_total',
      help: 'Identification outcomes of phone requests: known device, created device, unknown device ignored, refused by the rate limit',
      labelNames: ['outcome'],
      registers,
      collect() {
        for (const [outcome, n] of identificationCounts) if (n > 0) this.inc({ outcome }, n);
        identificationCounts.clear();
      },
    });
    const associationCounts = this.associationCounts;
    this.associations = new Counter({
      name: 'provd_plugin_associations_total',
      help: 'Plugins associated with devices, by plugin and reason (new: the device had none; better: a higher score replaced the plugin)',
      labelNames: ['plugin', 'reason'],
      registers,
      collect() {
        foldInto(this, associationCounts);
      },
    });
    this.configureSeconds = new Histogram({ name: 'provd_configure_duration_seconds', help: 'Time a plugin took to configure one device', labelNames: ['plugin'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers });
    this.configureFailures = new Counter({ name: 'provd_configure_failures_total', help: 'Device configurations that failed (invalid raw config or plugin error), by plugin', labelNames: ['plugin'], registers });
    new Gauge({
      name: 'provd_store_documents',
      help: 'Documents in the store, by kind (device, config)',
      labelNames: ['kind'],
      registers,
      async collect() {
        const size = await sources.storeSize?.();
        if (!size) return;
        this.set({ kind: 'device' }, size.devices);
        this.set({ kind: 'config' }, size.configs);
      },
    });
    new Gauge({
      name: 'provd_background_queue',
      help: 'Background jobs (device reconfigurations) waiting or running',
      registers,
      collect() {
        this.set(sources.backgroundQueue?.() ?? 0);
      },
    });
    for (const protocol of ['http', 'tftp']) this.requests.inc({ protocol, status: protocol === 'http' ? '200' : 'ok' }, 0);
  }

  /** Counts one answered phone request. */
  request(protocol: 'http' | 'https' | 'tftp', status: number | string): void {
    const key = `${protocol} ${status}`;
    const count = this.requestCounts.get(key);
    if (count) count.n++;
    else this.requestCounts.set(key, { labels: { protocol, status: String(status) }, n: 1 });
  }

  /** Counts one identification outcome. */
  identification(outcome: IdentificationOutcome): void {
    this.identificationCounts.set(outcome, (this.identificationCounts.get(outcome) ?? 0) + 1);
  }

  /** Counts one plugin association. */
  association(plugin: string, reason: 'new' | 'better'): void {
    const key = `${reason} ${plugin}`;
    const count = this.associationCounts.get(key);
    if (count) count.n++;
    else this.associationCounts.set(key, { labels: { plugin, reason }, n: 1 });
  }

  /** Records one configure call of `plugin` that took `seconds`, and whether it failed. */
  configure(plugin: string, seconds: number, ok: boolean): void {
    this.configureSeconds.observe({ plugin }, seconds);
    if (!ok) this.configureFailures.inc({ plugin });
  }
}

import { isProvdError, type ProvdErrorJson } from '@provd/sdk';
import { hostError } from '../errors';
/** The state of an operation in progress. */
export type OperationState = 'waiting' | 'progress' | 'success' | 'fail';

/**
 * An operation in progress (the established host's OIP): a label, a state, an optional `current/end` progress and
 * sub-operations, shown as `label|state;current/end(sub)(sub)`.
 */
export class Operation {
  /** The state. */
  state: OperationState = 'waiting';
  /** Progress so far (absent: none shown). */
  current?: number;
  /** The progress at the end (0 or absent: not shown). */
  end?: number;
  /** Sub-operations. */
  readonly subs: Operation[] = [];
  /** The error that failed the operation, if it failed. */
  error?: Error;

  /**
   * Creates an operation in the `waiting` state; `what` names it in the message of a failure that carries no code
   * of its own (`install of plugin "x"`).
   */
  constructor(
    readonly label?: string,
    readonly what: string = label ?? 'the operation',
  ) {}

  /**
   * Why the operation failed, as the monitor shows it next to the status (`{"code", "message", ...}`): the error's
   * own code when it is a `ProvdError`, `PROVD_API_OPERATION_FAILED` otherwise. `undefined` unless it failed.
   */
  failure(): ProvdErrorJson | undefined {
    if (this.state !== 'fail' || !this.error) return undefined;
    if (isProvdError(this.error)) return this.error.toJSON();
    return hostError('PROVD_API_OPERATION_FAILED', { operation: this.what, reason: this.error.message }).toJSON();
  }

  /** Adds a sub-operation and returns it. */
  sub(label: string): Operation {
    const op = new Operation(label);
    this.subs.push(op);
    return op;
  }

  /** Runs `task` as this operation: `progress`, then `success` or `fail` (the error is kept, not thrown). */
  async run(task: (op: Operation) => Promise<unknown>): Promise<void> {
    this.state = 'progress';
    try {
      await task(this);
      this.state = 'success';
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
      this.state = 'fail';
    }
  }

  /**
   * The status string, `[label|]state[;current[/end]](sub)*`.
   *
   * @example
   * ```ts
   * const op = new Operation('install_pkg');
   * op.state = 'progress';
   * Object.assign(op.sub('download'), { state: 'success', current: 10, end: 100 });
   * op.sub('install');
   * op.format(); // 'install_pkg|progress(download|success;10/100)(install|waiting)'
   * ```
   */
  format(): string {
    let s = this.label ? `${this.label}|${this.state}` : this.state;
    if (this.current !== undefined) s += `;${this.current}${this.end ? `/${this.end}` : ''}`;
    for (const sub of this.subs) s += `(${sub.format()})`;
    return s;
  }
}

/**
 * The monitors of one operation resource (`/0.2/pg_mgr/install/install`, `/0.2/dev_mgr/synchronize`, ...): numbered
 * from 1 per resource as the established host numbers them, kept until the client deletes them.
 */
export class OperationMonitors {
  private readonly monitors = new Map<string, Map<string, Operation>>();
  private next = new Map<string, number>();

  /** Keeps at most `limit` monitors: past it, the oldest finished ones are forgotten (clients that never delete). */
  constructor(private readonly limit = 10_000) {}

  /** Registers `op` under `resource` and returns its location (`<resource>/<n>`). */
  add(resource: string, op: Operation): string {
    if (this.size >= this.limit) this.dropFinished();
    const n = this.next.get(resource) ?? 1;
    this.next.set(resource, n + 1);
    let ops = this.monitors.get(resource);
    if (!ops) this.monitors.set(resource, (ops = new Map()));
    ops.set(String(n), op);
    return `${resource}/${n}`;
  }

  /** The operation `id` of `resource`; throws `PROVD_API_OPERATION_NOT_FOUND` (404). */
  get(resource: string, id: string): Operation {
    const op = this.monitors.get(resource)?.get(id);
    if (!op) throw hostError('PROVD_API_OPERATION_NOT_FOUND', { operation: `${resource}/${id}` });
    return op;
  }

  /** Deletes the monitor `id` of `resource` (the operation itself goes on); throws like {@link OperationMonitors.get}. */
  delete(resource: string, id: string): void {
    this.get(resource, id);
    this.monitors.get(resource)!.delete(id);
  }

  private dropFinished(): void {
    let excess = this.size - this.limit + 1;
    for (const ops of this.monitors.values()) {
      for (const [id, op] of ops) {
        if (excess <= 0) return;
        if (op.state === 'success' || op.state === 'fail') {
          ops.delete(id);
          excess--;
        }
      }
    }
  }

  /** How many monitors are kept (for the status). */
  get size(): number {
    let n = 0;
    for (const ops of this.monitors.values()) n += ops.size;
    return n;
  }
}

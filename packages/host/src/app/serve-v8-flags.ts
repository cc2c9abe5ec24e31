import { setFlagsFromString } from 'node:v8';

/**
 * The V8 setting `provd serve` runs with that node refuses in `NODE_OPTIONS` (where the systemd unit puts the others):
 * young-generation collections done by the thread that runs out of room alone, not in parallel with V8's helper
 * threads. On a busy machine, the serving thread waited for helpers that got no CPU (measured scavenge pauses of
 * 40-160 ms in parallel, 8 ms at most alone, for a young generation of 8 MB). V8 reads it at every collection, so it
 * applies from the next one on; it is process-wide (every thread of the process).
 */
export const SERVE_V8_FLAGS: readonly string[] = ['--no-parallel-scavenge'];

/**
 * Applies {@link SERVE_V8_FLAGS} to this process: what `provd serve` does before it starts the host, for a program
 * that runs the host itself and wants it to behave as deployed.
 *
 * @example
 * ```ts
 * applyServeV8Flags();
 * const host = await startHost(options);
 * ```
 */
export function applyServeV8Flags(): void {
  for (const flag of SERVE_V8_FLAGS) setFlagsFromString(flag);
}

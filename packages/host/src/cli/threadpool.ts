/**
 * Sizes libuv's thread pool; call it before any file operation queues work on the pool (the pool starts on first
 * use). Bulk rendering keeps many file writes and fsyncs in flight, and the default of 4 threads leaves them
 * waiting. A size set by the user (`UV_THREADPOOL_SIZE`) is kept.
 */
export function sizeThreadPool(size = 64): void {
  process.env.UV_THREADPOOL_SIZE ??= String(size);
}

/** Stop consuming a stream as soon as a signal aborts, even while the stream waits (a poll, a download). */

export class SyncAbortedError extends Error {
  constructor(reason?: unknown) {
    super(reason instanceof Error ? `sync cancelled: ${reason.message}` : typeof reason === 'string' ? `sync cancelled: ${reason}` : 'sync cancelled');
    this.name = 'SyncAbortedError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SyncAbortedError(signal.reason);
}

/**
 * Yields what `source` yields until `signal` aborts; then runs `onAbort` (e.g. cancel the export on
 * Tenable) and throws SyncAbortedError without waiting for the pending read.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined, onAbort: () => Promise<void>): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let detach = () => {};
  const aborted = new Promise<never>((_, reject) => {
    const fire = () => reject(new SyncAbortedError(signal.reason));
    if (signal.aborted) fire();
    else {
      signal.addEventListener('abort', fire, { once: true });
      detach = () => signal.removeEventListener('abort', fire);
    }
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } catch (err) {
    if (err instanceof SyncAbortedError) {
      await onAbort().catch(() => undefined);
      // Let the abandoned read settle quietly.
      void iterator.return?.(undefined).catch(() => undefined);
    }
    throw err;
  } finally {
    detach();
  }
}

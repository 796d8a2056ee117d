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
 * Reads `iterator` one value at a time; a read still pending when `signal` aborts rejects at once
 * with `abortError()`. Each read gets a promise of its own. Racing every read against one
 * long-lived abort promise (Promise.race) leaves a reaction on that promise per read, each holding
 * the value read, so every record of a sync stayed in memory until the sync ended (818 MB for
 * 250,000 findings where the same sync without a signal needed 246 MB).
 */
export function abortableReader<T>(iterator: AsyncIterator<T>, signal: AbortSignal, abortError: () => unknown): { next(): Promise<IteratorResult<T>>; detach(): void } {
  let rejectPending: ((error: unknown) => void) | undefined;
  const fire = () => rejectPending?.(abortError());
  signal.addEventListener('abort', fire, { once: true });
  return {
    async next() {
      if (signal.aborted) throw abortError();
      try {
        return await new Promise<IteratorResult<T>>((resolve, reject) => {
          rejectPending = reject;
          iterator.next().then(resolve, reject);
        });
      } finally {
        rejectPending = undefined;
      }
    },
    detach: () => signal.removeEventListener('abort', fire),
  };
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
  const reader = abortableReader(iterator, signal, () => new SyncAbortedError(signal.reason));
  try {
    for (;;) {
      const next = await reader.next();
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
    reader.detach();
  }
}

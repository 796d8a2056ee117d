import { describe, expect, it } from 'vitest';
import { abortable, SyncAbortedError } from './abortable.ts';
import { collectGarbage as gc } from './heap.ts';

/** Records the size of a sync's (a few kilobytes each), from an endless source. */
async function* records(made: WeakRef<object>[]): AsyncGenerator<{ text: string }> {
  for (let i = 0; ; i++) {
    const record = { text: `record ${i} `.repeat(200) };
    if (i < 10) made.push(new WeakRef(record));
    await Promise.resolve();
    yield record;
  }
}

describe('abortable', () => {
  it('holds no record it has handed out while the signal stays unfired', async () => {
    const made: WeakRef<object>[] = [];
    const controller = new AbortController();
    let read = 0;
    let kept = -1;
    for await (const _ of abortable(records(made), controller.signal, async () => undefined)) {
      if (++read < 2000) continue;
      // Still reading (the sync goes on): the first records are long consumed and must be free.
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      kept = made.filter((ref) => ref.deref() !== undefined).length;
      break;
    }
    // Racing each read against one long-lived abort promise kept all ten.
    expect(kept).toBe(0);
  });

  it('stops a pending read at once when the signal fires, and runs onAbort', async () => {
    const controller = new AbortController();
    let cancelled = false;
    async function* stalls(): AsyncGenerator<number> {
      yield 1;
      await new Promise(() => undefined);
    }
    const seen: number[] = [];
    const run = (async () => {
      for await (const value of abortable(stalls(), controller.signal, async () => void (cancelled = true))) {
        seen.push(value);
        setTimeout(() => controller.abort('interrupted'), 10);
      }
    })();
    await expect(run).rejects.toThrow(new SyncAbortedError('interrupted'));
    expect(seen).toEqual([1]);
    expect(cancelled).toBe(true);
  });
});

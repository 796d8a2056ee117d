import { setTimeout as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './heap.ts';

// A WeakRef's target stays alive until the job that made it ends, hence the tick before each collection.
describe('collectGarbage', () => {
  it('frees unreachable objects at once, every time it is called', async () => {
    const made: WeakRef<object>[] = [];
    for (let i = 0; i < 1000; i++) made.push(new WeakRef({ payload: new Array(100).fill(i) }));
    await tick(0);
    collectGarbage();
    expect(made.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);

    const kept = { payload: [1, 2, 3] };
    const again = [new WeakRef({ payload: [4, 5, 6] }), new WeakRef(kept)];
    await tick(0);
    collectGarbage();
    expect(again.map((ref) => ref.deref())).toEqual([undefined, kept]);
  });
});

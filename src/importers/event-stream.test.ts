import { describe, expect, it } from 'vitest';
import { flattenEvents } from './event-stream.ts';
import type { ParseEvent } from './importer.ts';

const rejected = (line: number): ParseEvent => ({ kind: 'rejected', issue: { line, reason: 'r' } });

describe('flattenEvents', () => {
  it('hands out the events of each batch in order, skipping empty batches', async () => {
    async function* batches(): AsyncGenerator<ParseEvent[]> {
      yield [rejected(1), rejected(2)];
      yield [];
      yield [rejected(3)];
    }
    const lines: number[] = [];
    for await (const e of flattenEvents(batches())) if (e.kind === 'rejected') lines.push(e.issue.line);
    expect(lines).toEqual([1, 2, 3]);
  });

  it('pulls the next batch only when the current one is used up, and closes the source on early exit', async () => {
    let pulled = 0;
    let closed = false;
    async function* batches(): AsyncGenerator<ParseEvent[]> {
      try {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield [rejected(i * 2), rejected(i * 2 + 1)];
        }
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const _ of flattenEvents(batches())) if (++seen === 3) break;
    expect(pulled).toBe(2);
    expect(closed).toBe(true);
  });

  it('propagates a source error', async () => {
    async function* batches(): AsyncGenerator<ParseEvent[]> {
      yield [rejected(1)];
      throw new Error('unreadable');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const e of flattenEvents(batches())) if (e.kind === 'rejected') seen.push(e.issue.line);
      })(),
    ).rejects.toThrow('unreadable');
    expect(seen).toEqual([1]);
  });
});

/**
 * Flattens batches of parse events into the one-event-at-a-time AsyncIterable of the
 * ImportFormat contract. An async generator pays a generator resumption and an extra await
 * per yielded event; this iterator hands out events of the current batch with an already
 * resolved promise and only goes back to the source between batches. Backpressure is kept:
 * the source is asked for its next batch only when the consumer has taken the current one.
 */
import type { ParseEvent } from './importer.ts';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

class FlattenedEvents implements AsyncIterableIterator<ParseEvent> {
  private batch: readonly ParseEvent[] = [];
  private index = 0;
  private finished = false;

  constructor(private readonly source: AsyncIterator<readonly ParseEvent[]>) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<ParseEvent> {
    return this;
  }

  next(): Promise<IteratorResult<ParseEvent>> {
    if (this.index < this.batch.length) return Promise.resolve({ done: false, value: this.batch[this.index++]! });
    return this.pull();
  }

  private async pull(): Promise<IteratorResult<ParseEvent>> {
    while (!this.finished) {
      const result = await this.source.next();
      if (result.done) {
        this.finished = true;
        break;
      }
      this.batch = result.value;
      this.index = 0;
      if (this.batch.length > 0) return { done: false, value: this.batch[this.index++]! };
    }
    this.batch = [];
    return DONE;
  }

  async return(): Promise<IteratorResult<ParseEvent>> {
    this.batch = [];
    if (!this.finished) {
      this.finished = true;
      await this.source.return?.();
    }
    return DONE;
  }
}

/** One event at a time from a source of event batches (e.g. an async generator yielding arrays). */
export function flattenEvents(source: AsyncIterable<readonly ParseEvent[]>): AsyncIterable<ParseEvent> {
  return { [Symbol.asyncIterator]: () => new FlattenedEvents(source[Symbol.asyncIterator]()) };
}

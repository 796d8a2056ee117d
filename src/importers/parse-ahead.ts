/**
 * Parses a file in a thread of its own, so parsing (a core's worth of work on a large file)
 * runs beside the import that stages its rows instead of taking turns with it. The events
 * arrive in order, in batches, and the parser never runs more than a few batches ahead, so
 * memory stays flat; an error of the parser is raised on this side as the same error.
 */
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../shared/thread-entry.ts';
import { flattenEvents } from './event-stream.ts';
import { ImportFormatError, type ParseEvent } from './importer.ts';
import type { ParseThreadError, ParseThreadMessage, ParseThreadRequest } from './parse-thread-protocol.ts';

/** Files at least this large are parsed ahead in a thread; a smaller one is not worth a thread's start. */
export const PARSE_AHEAD_MIN_BYTES = 8 * 1024 * 1024;

export interface ParsedAhead {
  /**
   * The file's events. A plugin's descriptive text (family, synopsis, solution, see-also, and the
   * description where the finding has CVEs) comes with the plugin's first finding only.
   */
  events: AsyncIterable<ParseEvent>;
  bytesRead(): number;
}

function revive(error: ParseThreadError): Error {
  if (error.name === 'ImportFormatError' && error.fileName !== undefined) return new ImportFormatError(error.message, error.fileName, error.line);
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

type Arrival = ParseThreadMessage | { type: 'failed'; error: Error } | { type: 'exit'; code: number };

export function parseAhead(request: ParseThreadRequest): ParsedAhead {
  let bytesRead = 0;
  async function* batches(): AsyncGenerator<readonly ParseEvent[]> {
    const worker = new Worker(threadEntry(import.meta.url, 'parse-thread'), { workerData: request });
    const arrived: Arrival[] = [];
    let wake: (() => void) | undefined;
    const arrive = (arrival: Arrival) => {
      arrived.push(arrival);
      wake?.();
    };
    worker.on('message', (message: ParseThreadMessage) => arrive(message));
    worker.on('error', (error) => arrive({ type: 'failed', error }));
    worker.on('exit', (code) => arrive({ type: 'exit', code }));
    try {
      for (;;) {
        const next = arrived.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        switch (next.type) {
          case 'batch':
            bytesRead = next.bytesRead;
            // The acknowledgement lets the parser go on while this batch is being staged.
            worker.postMessage('taken');
            yield next.events;
            break;
          case 'end':
            bytesRead = next.bytesRead;
            return;
          case 'error':
            throw revive(next.error);
          case 'failed':
            throw next.error;
          case 'exit':
            throw new Error(`the thread parsing ${request.fileName} stopped before the end of the file (exit code ${next.code})`);
        }
      }
    } finally {
      // Also when the import stops early (an error while staging, a cancel): the parser must not go on.
      await worker.terminate();
    }
  }
  return { events: flattenEvents(batches()), bytesRead: () => bytesRead };
}

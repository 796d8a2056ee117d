/** Messages between an import and the thread that parses its file ahead of it (see parse-ahead.ts). */
import type { FormatId, ParseEvent } from './importer.ts';

export interface ParseThreadRequest {
  filePath: string;
  formatId: FormatId;
  fileName: string;
}

/** An error crossing the thread boundary: enough to raise the same error on the other side. */
export interface ParseThreadError {
  name: string;
  message: string;
  /** Set for an ImportFormatError. */
  fileName?: string;
  line?: number;
}

export type ParseThreadMessage =
  | { type: 'batch'; events: ParseEvent[]; bytesRead: number }
  | { type: 'end'; bytesRead: number }
  | { type: 'error'; error: ParseThreadError };

/** Events per message: big enough to amortise a message, small enough to keep the threads in step. */
export const PARSE_BATCH_EVENTS = 1000;
/** Batches the parser may run ahead of the import before it waits (bounds the memory between them). */
export const PARSE_BATCHES_AHEAD = 4;

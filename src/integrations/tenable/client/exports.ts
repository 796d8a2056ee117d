/**
 * Bulk exports (vulnerabilities, assets): request (adopting a running duplicate), poll with
 * backoff, download chunks as soon as they are listed (also while PROCESSING) with bounded
 * parallelism, and stream the records. Chunks are parsed as their bytes arrive: memory holds a
 * batch of records per chunk being read, not whole chunks (Tenable's reach 100 MB and more).
 */
import type {
  AssetExportRequest,
  AssetExportStatusBody,
  AssetV1,
  ExportCreated,
  ExportStatus,
  VulnExportRequest,
  VulnExportStatusBody,
  VulnFinding,
} from '../tenable.api-types.ts';
import { ImportFormatError } from '../../../importers/importer.ts';
// The file importer's splitter: it cuts each array element out and JSON.parses it alone, which
// keeps a chunk's memory to one record and runs ~3x faster than token-level streaming parsers.
import { splitJson } from '../../../importers/tenable-export-json/json-splitter.ts';
import { TenableApiError, TenableChunkExpiredError, TenableExportError, TenableNetworkError } from './errors.ts';
import type { TenableHttp } from './http.ts';
import { networkErrorCode, retryDelayMs } from './retry.ts';

export type ExportKind = 'vulns' | 'assets';

export interface ExportOptions {
  /** Chunks downloaded at once (default 3). */
  parallelChunks?: number;
  /** First wait between status polls that bring nothing new (default 1 s), growing ×1.5 up to maxPollIntervalMs (default 30 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up (cancel the export and throw) after this long without finishing (default: none). */
  timeoutMs?: number;
  /**
   * Stops polling and the chunk downloads in progress at once when it aborts. The export goes on
   * at Tenable: `cancel()` ends it there.
   */
  signal?: AbortSignal | undefined;
}

export interface ExportStarted {
  exportUuid: string;
  /** True when the request collided with a running identical export and we took that one. */
  adopted: boolean;
}

/** A running export: iterate it for records (once), or cancel it. */
export interface ExportHandle<T> extends AsyncIterable<T> {
  /** The export's uuid, once it has been requested. */
  readonly started: Promise<ExportStarted>;
  cancel(): Promise<void>;
}

type StatusBody = Pick<VulnExportStatusBody, 'status' | 'chunks_available'> & Partial<Pick<VulnExportStatusBody, 'chunks_failed' | 'reason'>>;

const TERMINAL: ReadonlySet<ExportStatus | string> = new Set(['FINISHED', 'CANCELLED', 'ERROR']);

const PATHS: Record<ExportKind, { create: string; job: (uuid: string) => string }> = {
  vulns: { create: '/vulns/export', job: (uuid) => `/vulns/export/${encodeURIComponent(uuid)}` },
  assets: { create: '/assets/export', job: (uuid) => `/assets/export/${encodeURIComponent(uuid)}` },
};

/** POST an export; on a duplicate (409 `active_job_id` for vulns, 429 `job_uuid=` for assets) adopt the running one. */
export async function createExport(http: TenableHttp, kind: ExportKind, body: unknown, createPath = PATHS[kind].create): Promise<ExportStarted> {
  try {
    const created = await http.request<ExportCreated>('POST', createPath, { body, idempotent: true });
    if (!created || typeof created.export_uuid !== 'string') {
      throw new TenableApiError({ status: 200, code: 'http_error', message: 'export request answered without export_uuid', bodyKind: 'json', body: created });
    }
    return { exportUuid: created.export_uuid, adopted: false };
  } catch (error) {
    if (error instanceof TenableApiError && error.code === 'duplicate_export' && error.activeJobId) return { exportUuid: error.activeJobId, adopted: true };
    throw error;
  }
}

export async function exportStatus(http: TenableHttp, kind: ExportKind, exportUuid: string): Promise<StatusBody> {
  return http.request<StatusBody>('GET', `${PATHS[kind].job(exportUuid)}/status`);
}

export async function cancelExport(http: TenableHttp, kind: ExportKind, exportUuid: string): Promise<void> {
  await http.request<unknown>('POST', `${PATHS[kind].job(exportUuid)}/cancel`, { idempotent: true });
}

/** A finding carries at most 1 MB of plugin output (tenable-api.md §2.5); anything far larger is not a record. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** Waits `ms` with the client's sleep, or less if `signal` aborts (then throws its reason). */
async function pause(http: TenableHttp, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return http.sleep(ms);
  signal.throwIfAborted();
  let stop = () => {};
  const aborted = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
  });
  try {
    await Promise.race([http.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/**
 * The records of one chunk as they arrive, a batch per network read, so a chunk is never held
 * whole whatever its size. A download that breaks midway (connection reset, stalled body) is
 * asked for again within the retry policy, and the records already handed out are skipped
 * rather than delivered twice: a chunk is a finished file on Tenable's side (§2.3), so it comes
 * back the same. The last record handed out is compared to make sure; if it differs, or the
 * chunk comes back shorter, the chunk fails instead of guessing.
 */
export async function* streamChunk<T>(http: TenableHttp, kind: ExportKind, exportUuid: string, chunkId: number, signal?: AbortSignal): AsyncGenerator<T[]> {
  const path = `${PATHS[kind].job(exportUuid)}/chunks/${chunkId}`;
  const name = `chunk ${chunkId} of ${kind} export ${exportUuid}`;
  const unreadable = (message: string) => new TenableApiError({ status: 200, code: 'http_error', message: `${name}: ${message}`, bodyKind: 'json', method: 'GET', path });
  let delivered = 0;
  let lastDelivered = '';
  for (let retry = 0; ; retry++) {
    let body: AsyncIterable<Buffer>;
    try {
      ({ body } = await http.requestStream('GET', path, { signal }));
    } catch (error) {
      if (error instanceof TenableApiError && error.status === 404) throw new TenableChunkExpiredError(exportUuid, kind, chunkId, { cause: error });
      throw error;
    }
    let seen = 0;
    try {
      for await (const batch of splitJson(body, name, { arrayOnly: true, maxElementChars: MAX_RECORD_CHARS })) {
        let from = 0;
        if (seen < delivered) {
          from = Math.min(batch.length, delivered - seen);
          if (seen + from === delivered && batch[from - 1]!.text !== lastDelivered) {
            throw unreadable(`record ${delivered} differs from the first download's; start a new export`);
          }
        }
        seen += batch.length;
        if (from === batch.length) continue;
        const records = new Array<T>(batch.length - from);
        for (let i = from; i < batch.length; i++) records[i - from] = batch[i]!.value as T;
        delivered = seen;
        lastDelivered = batch[batch.length - 1]!.text;
        yield records;
      }
    } catch (error) {
      if (error instanceof ImportFormatError) throw unreadable(`not a JSON array of records (${error.message})`);
      const code = networkErrorCode(error);
      if (code === undefined || signal?.aborted) throw error;
      if (retry >= http.retryPolicy.maxRetries) {
        throw new TenableNetworkError(http.redact(`Tenable GET ${path}: network error ${code} after ${delivered} record(s) (${error instanceof Error ? error.message : String(error)})`), code, { cause: error });
      }
      const delayMs = retryDelayMs(http.retryPolicy, retry);
      http.onRetry?.({ method: 'GET', path, retry: retry + 1, delayMs, code });
      await pause(http, delayMs, signal);
      continue;
    }
    if (seen < delivered) throw unreadable(`came back with ${seen} record(s) after ${delivered} had been read; start a new export`);
    return;
  }
}

/** A whole chunk in memory: for small chunks only (the export loop streams them). */
export async function downloadChunk<T>(http: TenableHttp, kind: ExportKind, exportUuid: string, chunkId: number): Promise<T[]> {
  const records: T[] = [];
  for await (const batch of streamChunk<T>(http, kind, exportUuid, chunkId)) for (const record of batch) records.push(record);
  return records;
}

type Step<T> = { chunkId: number; result: IteratorResult<T[]> } | { chunkId: number; error: unknown };

/**
 * The streaming loop shared by every export kind. Up to `parallelChunks` chunks stream at once;
 * each holds at most one parsed batch ahead of the consumer (the socket's flow control stops the
 * server beyond that), and batches are handed out from whichever chunk has one ready.
 */
async function* drain<T>(http: TenableHttp, kind: ExportKind, exportUuid: string, options: ExportOptions, cancelled: () => boolean): AsyncGenerator<T> {
  const parallel = options.parallelChunks ?? 3;
  if (!(Number.isInteger(parallel) && parallel >= 1)) throw new RangeError('parallelChunks must be a positive integer');
  options.signal?.throwIfAborted();
  const basePoll = options.pollIntervalMs ?? 1000;
  const maxPoll = options.maxPollIntervalMs ?? 30_000;
  const started = http.now();
  const scheduled = new Set<number>();
  const pending: number[] = [];
  const streams = new Map<number, AsyncGenerator<T[]>>();
  const ready: Step<T>[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  // Our own signal, so leaving the loop (an error, the consumer stopping) also stops the downloads.
  const downloads = new AbortController();
  const stopDownloads = () => downloads.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stopDownloads, { once: true });
  let status: StatusBody | undefined;
  let wait = 0;

  const pull = (chunkId: number, stream: AsyncGenerator<T[]>) => {
    stream.next().then(
      (result) => {
        if (closed) void stream.return(undefined).catch(() => undefined);
        else ready.push({ chunkId, result });
        wake?.();
      },
      (error: unknown) => {
        if (!closed) ready.push({ chunkId, error });
        wake?.();
      },
    );
  };

  try {
    for (;;) {
      const terminal = status !== undefined && TERMINAL.has(status.status);
      // While chunks download, only poll again when the last poll was fruitful (no idle sleeps then).
      if (!terminal && pending.length < parallel && !(wait > 0 && streams.size > 0)) {
        if (wait > 0) await pause(http, wait, options.signal);
        status = await exportStatus(http, kind, exportUuid);
        let fresh = 0;
        for (const id of status.chunks_available ?? []) {
          if (!scheduled.has(id)) {
            scheduled.add(id);
            pending.push(id);
            fresh++;
          }
        }
        wait = fresh > 0 || TERMINAL.has(status.status) ? 0 : Math.min(maxPoll, wait === 0 ? basePoll : wait * 1.5);
        if (options.timeoutMs !== undefined && !TERMINAL.has(status.status) && http.now() - started > options.timeoutMs) {
          await cancelExport(http, kind, exportUuid).catch(() => undefined);
          throw new TenableExportError(`${kind} export ${exportUuid} did not finish within ${options.timeoutMs} ms (last status ${status.status}); cancelled`, exportUuid, kind, status.status);
        }
      }
      while (streams.size < parallel && pending.length > 0) {
        const chunkId = pending.shift()!;
        const stream = streamChunk<T>(http, kind, exportUuid, chunkId, downloads.signal);
        streams.set(chunkId, stream);
        pull(chunkId, stream);
      }
      if (streams.size > 0) {
        while (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const step = ready.shift()!;
        if ('error' in step) {
          streams.delete(step.chunkId);
          throw step.error;
        }
        if (step.result.done) {
          streams.delete(step.chunkId);
          continue;
        }
        // Read the chunk's next batch from the network while this one is consumed.
        pull(step.chunkId, streams.get(step.chunkId)!);
        yield* step.result.value;
        continue;
      }
      if (status !== undefined && TERMINAL.has(status.status) && pending.length === 0) break;
    }
  } finally {
    closed = true;
    options.signal?.removeEventListener('abort', stopDownloads);
    downloads.abort(new Error('export iteration ended'));
    // Chunks paused at a batch close now; those waiting on the network fail on the abort and close themselves.
    for (const step of ready) if (!('error' in step) && !step.result.done) void streams.get(step.chunkId)?.return(undefined).catch(() => undefined);
  }

  const final = status!;
  if (final.status === 'ERROR' || (final.status === 'CANCELLED' && !cancelled())) {
    const reason = final.reason;
    throw new TenableExportError(
      `${kind} export ${exportUuid} ended ${final.status}${reason ? `: ${reason}` : ''} after ${scheduled.size} downloadable chunk(s)`,
      exportUuid,
      kind,
      final.status,
      reason,
      final.chunks_failed ?? [],
    );
  }
}

/** Start an export lazily: the request goes out when iteration begins (or when `started` is awaited). */
export function runExport<T>(http: TenableHttp, kind: ExportKind, body: unknown, options: ExportOptions = {}, createPath?: string): ExportHandle<T> {
  let startPromise: Promise<ExportStarted> | undefined;
  let cancelRequested = false;
  let iterated = false;
  const start = () => (startPromise ??= createExport(http, kind, body, createPath));
  return {
    get started() {
      return start();
    },
    async cancel() {
      cancelRequested = true;
      const { exportUuid } = await start();
      await cancelExport(http, kind, exportUuid);
    },
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error('an export handle can be iterated once');
      iterated = true;
      return (async function* () {
        const { exportUuid } = await start();
        yield* drain<T>(http, kind, exportUuid, options, () => cancelRequested);
      })();
    },
  };
}

export type VulnExportHandle = ExportHandle<VulnFinding>;
export type AssetExportHandle = ExportHandle<AssetV1>;
export type { AssetExportRequest, AssetExportStatusBody, VulnExportRequest };

/**
 * Bulk exports (vulnerabilities, assets): request (adopting a running duplicate), poll with
 * backoff, download chunks as soon as they are listed (also while PROCESSING) with bounded
 * parallelism, and stream the records. At most `parallelChunks` chunks are held at a time.
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
import { TenableApiError, TenableChunkExpiredError, TenableExportError } from './errors.ts';
import type { TenableHttp } from './http.ts';

export type ExportKind = 'vulns' | 'assets';

export interface ExportOptions {
  /** Chunks downloaded at once (default 3). */
  parallelChunks?: number;
  /** First wait between status polls that bring nothing new (default 1 s), growing ×1.5 up to maxPollIntervalMs (default 30 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up (cancel the export and throw) after this long without finishing (default: none). */
  timeoutMs?: number;
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

export async function downloadChunk<T>(http: TenableHttp, kind: ExportKind, exportUuid: string, chunkId: number): Promise<T[]> {
  try {
    const records = await http.request<T[] | undefined>('GET', `${PATHS[kind].job(exportUuid)}/chunks/${chunkId}`);
    if (records === undefined) return [];
    if (!Array.isArray(records)) throw new TenableApiError({ status: 200, code: 'http_error', message: `chunk ${chunkId} is not a JSON array`, bodyKind: 'json' });
    return records;
  } catch (error) {
    if (error instanceof TenableApiError && error.status === 404) throw new TenableChunkExpiredError(exportUuid, kind, chunkId, { cause: error });
    throw error;
  }
}

type Download<T> = { chunkId: number; records: T[] } | { chunkId: number; error: unknown };

/** The streaming loop shared by every export kind. */
async function* drain<T>(http: TenableHttp, kind: ExportKind, exportUuid: string, options: ExportOptions, cancelled: () => boolean): AsyncGenerator<T> {
  const parallel = options.parallelChunks ?? 3;
  if (!(Number.isInteger(parallel) && parallel >= 1)) throw new RangeError('parallelChunks must be a positive integer');
  const basePoll = options.pollIntervalMs ?? 1000;
  const maxPoll = options.maxPollIntervalMs ?? 30_000;
  const started = http.now();
  const scheduled = new Set<number>();
  const pending: number[] = [];
  const inFlight = new Map<number, Promise<Download<T>>>();
  let status: StatusBody | undefined;
  let wait = 0;

  for (;;) {
    const terminal = status !== undefined && TERMINAL.has(status.status);
    // While chunks download, only poll again when the last poll was fruitful (no idle sleeps then).
    if (!terminal && pending.length < parallel && !(wait > 0 && inFlight.size > 0)) {
      if (wait > 0) await http.sleep(wait);
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
    while (inFlight.size < parallel && pending.length > 0) {
      const chunkId = pending.shift()!;
      inFlight.set(
        chunkId,
        downloadChunk<T>(http, kind, exportUuid, chunkId).then(
          (records): Download<T> => ({ chunkId, records }),
          (error: unknown): Download<T> => ({ chunkId, error }),
        ),
      );
    }
    if (inFlight.size > 0) {
      const done = await Promise.race(inFlight.values());
      inFlight.delete(done.chunkId);
      if ('error' in done) throw done.error;
      yield* done.records;
      continue;
    }
    if (status !== undefined && TERMINAL.has(status.status) && pending.length === 0) break;
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

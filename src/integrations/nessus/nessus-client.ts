/**
 * Nessus scanner client: the scan export (tenable-api.md §7). `POST /scans/{id}/export` with
 * format `nessus` answers `{file, token}`; `GET /tokens/{token}/status` says `loading` until the
 * file is built, then `ready`; `GET /tokens/{token}/download` streams it. Without a token (Tenable
 * VM answers `temp_token`) the per-scan routes `/scans/{id}/export/{file}/status|download` are used.
 * The downloaded .nessus is parsed as it arrives by the streaming .nessus importer: a scan file is
 * never held in memory, whatever its size.
 */
import { nessusXml } from '../../importers/nessus-xml/index.ts';
import type { ParseEvent } from '../../importers/importer.ts';
import { ScannerHttp, type ScannerHttpOptions } from '../scanner-http.ts';
import type { ScanDetails, ScanExportResponse, ScanExportStatus, ScanListBody } from './nessus.api-types.ts';

export interface NessusExportOptions {
  /** First wait between `loading` polls (default 1 s), growing ×1.5 up to maxPollIntervalMs (default 15 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up when the file is not ready after this long (default 30 min). */
  timeoutMs?: number;
}

export type NessusClientOptions = Omit<ScannerHttpOptions, 'authHeaders' | 'secrets'> & {
  /** `https://nessus.example.com:8834`. */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  exports?: NessusExportOptions;
};

/** An export that did not become ready: an unknown status, or the wait ran out. */
export class NessusExportError extends Error {
  constructor(
    message: string,
    readonly scanId: string,
    readonly file: string,
    readonly status: string,
  ) {
    super(message);
    this.name = 'NessusExportError';
  }
}

export interface ScanExportJob {
  scanId: string;
  file: string;
  token: string | undefined;
}

export interface ScanFindingsRequest {
  /** A past run of the scan (default: the latest). */
  historyId?: number | undefined;
}

function scanPath(scanId: string): string {
  return `/scans/${encodeURIComponent(scanId)}`;
}

export class NessusClient {
  readonly http: ScannerHttp;
  private readonly exportOptions: Required<NessusExportOptions>;

  constructor(options: NessusClientOptions) {
    if (!options.accessKey || !options.secretKey) throw new RangeError('Nessus accessKey and secretKey are required');
    this.http = new ScannerHttp({
      ...options,
      authHeaders: { 'X-ApiKeys': `accessKey=${options.accessKey}; secretKey=${options.secretKey}` },
      secrets: [options.accessKey, options.secretKey],
    });
    this.exportOptions = { pollIntervalMs: 1000, maxPollIntervalMs: 15_000, timeoutMs: 30 * 60_000, ...options.exports };
  }

  private async json<T>(method: string, path: string, options: Parameters<ScannerHttp['requestText']>[2] = {}): Promise<T> {
    const text = await this.http.requestText(method, path, options);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new NessusExportError(`Nessus ${method} ${path}: the answer is not JSON (${text.trim().slice(0, 80) || 'empty body'})`, '', '', 'invalid');
    }
  }

  listScans(): Promise<ScanListBody> {
    return this.json<ScanListBody>('GET', '/scans');
  }

  scanDetails(scanId: number | string, historyId?: number): Promise<ScanDetails> {
    return this.json<ScanDetails>('GET', scanPath(String(scanId)), { query: { history_id: historyId } });
  }

  /** Ask for a .nessus (or CSV) file of a scan run. Creating an export changes nothing on the scanner: retried like a read. */
  async requestExport(scanId: number | string, format: 'nessus' | 'csv' = 'nessus', historyId?: number): Promise<ScanExportJob> {
    const id = String(scanId);
    const body = await this.json<ScanExportResponse>('POST', `${scanPath(id)}/export`, { body: { format }, query: { history_id: historyId }, idempotent: true });
    if (body === null || typeof body !== 'object' || (typeof body.file !== 'string' && typeof body.file !== 'number')) {
      throw new NessusExportError(`Nessus export of scan ${id} answered without a file id`, id, '', 'invalid');
    }
    return { scanId: id, file: String(body.file), token: typeof body.token === 'string' && body.token !== '' ? body.token : undefined };
  }

  private statusPath(job: ScanExportJob): string {
    return job.token ? `/tokens/${encodeURIComponent(job.token)}/status` : `${scanPath(job.scanId)}/export/${encodeURIComponent(job.file)}/status`;
  }

  private downloadPath(job: ScanExportJob): string {
    return job.token ? `/tokens/${encodeURIComponent(job.token)}/download` : `${scanPath(job.scanId)}/export/${encodeURIComponent(job.file)}/download`;
  }

  async exportStatus(job: ScanExportJob): Promise<string> {
    const body = await this.json<ScanExportStatus>('GET', this.statusPath(job));
    return String(body?.status ?? '');
  }

  /** Poll until `ready`, backing off while `loading`; any other status fails. */
  async waitForExport(job: ScanExportJob): Promise<void> {
    const { pollIntervalMs, maxPollIntervalMs, timeoutMs } = this.exportOptions;
    const started = this.http.now();
    for (let wait = pollIntervalMs; ; wait = Math.min(maxPollIntervalMs, wait * 1.5)) {
      const status = await this.exportStatus(job);
      if (status === 'ready') return;
      if (status !== 'loading') {
        throw new NessusExportError(`Nessus export ${job.file} of scan ${job.scanId} reported status "${status}" (expected loading or ready)`, job.scanId, job.file, status);
      }
      if (this.http.now() - started > timeoutMs) {
        throw new NessusExportError(`Nessus export ${job.file} of scan ${job.scanId} was still loading after ${Math.round(timeoutMs / 1000)} s`, job.scanId, job.file, status);
      }
      await this.http.sleep(wait);
    }
  }

  /** The export file as a byte stream (call after waitForExport). */
  downloadExport(job: ScanExportJob): ReturnType<ScannerHttp['requestStream']> {
    return this.http.requestStream('GET', this.downloadPath(job));
  }

  /**
   * Every ReportItem of a scan run as ParseEvents: export as .nessus, wait until ready, then parse
   * the download while it streams. Breaking off the iteration closes the download.
   */
  async *scanFindings(scanId: number | string, request: ScanFindingsRequest = {}): AsyncGenerator<ParseEvent> {
    const job = await this.requestExport(scanId, 'nessus', request.historyId);
    await this.waitForExport(job);
    const { stream, fileName } = await this.downloadExport(job);
    try {
      yield* nessusXml.parse(stream, fileName ?? `nessus-scan-${job.scanId}-${job.file}.nessus`);
    } finally {
      stream.destroy();
    }
  }
}

/**
 * Tenable Security Center client: API-key authentication (`x-apikey: accesskey=…; secretkey=…;`,
 * SC 5.13+) and `POST /rest/analysis` (type vuln, tool vulndetails) paged by startOffset
 * (inclusive) / endOffset (exclusive), every answer unwrapped from SC's
 * `{type, response, error_code, error_msg, warnings, timestamp}` (tenable-api.md §6).
 *
 *   const sc = new TenableScClient({ baseUrl: 'https://sc.example.com', accessKey, secretKey });
 *   for await (const row of sc.vulnDetails({ sourceType: 'cumulative' })) …
 */
import { ScannerHttp, type ScannerHttpOptions } from '../scanner-http.ts';
import { TenableApiError } from '../tenable/client/errors.ts';
import { ScApiError, ScResponseError } from './errors.ts';
import type { ScAnalysisFilter, ScAnalysisRequest, ScAnalysisResponse, ScVulnDetail } from './sc.api-types.ts';

export type TenableScClientOptions = Omit<ScannerHttpOptions, 'authHeaders' | 'secrets'> & {
  /** `https://sc.example.com` (the `/rest` prefix is added when missing). */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
};

export interface VulnDetailsQuery {
  /** `cumulative` (active findings, default) or `patched` (mitigated ones). */
  sourceType?: 'cumulative' | 'patched';
  filters?: ScAnalysisFilter[];
  /** Records per request (default 1000, as pyTenable; at most MAX_SC_PAGE_SIZE). */
  pageSize?: number;
}

export const DEFAULT_SC_PAGE_SIZE = 1000;
/** A page is held in memory while it is mapped: this bounds it (SC itself sets no documented cap). */
export const MAX_SC_PAGE_SIZE = 10_000;

/**
 * Security Center is on premises and publishes no rate limit (pyTenable does not pace it); the
 * Tenable cloud default (100/min) would make pacing, not SC, the bottleneck of a large pull
 * (1,000 records a request). Still bounded, still configurable.
 */
export const SC_RATE_LIMIT = Object.freeze({ requestsPerMinute: 300, burst: 20 });

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The `response` of an SC wrapper, or the error it carries. `status` is the HTTP status the body
 * came with: SC answers most errors with 403 but a 200 with a non-zero error_code is an error too.
 */
export function unwrapScResponse<T>(status: number, body: unknown, method: string, path: string): T {
  if (!isObject(body) || !('error_code' in body)) {
    throw new ScResponseError(`Tenable.sc ${method} ${path}: HTTP ${status} answer is not the Security Center response wrapper (no error_code)`);
  }
  const code = Number(body.error_code);
  if (!Number.isFinite(code)) throw new ScResponseError(`Tenable.sc ${method} ${path}: error_code is not a number: ${JSON.stringify(body.error_code)}`);
  if (code !== 0) throw new ScApiError(code, typeof body.error_msg === 'string' ? body.error_msg.trim() : '', status, method, path);
  return body.response as T;
}

/** SC sends counts as strings (`"1629"`); `returnedRecords` as a number. NaN when unreadable. */
export function scNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return NaN;
}

export class TenableScClient {
  readonly http: ScannerHttp;

  constructor(options: TenableScClientOptions) {
    if (!options.accessKey || !options.secretKey) throw new RangeError('Tenable.sc accessKey and secretKey are required');
    const root = options.baseUrl.replace(/\/+$/, '');
    this.http = new ScannerHttp({
      ...options,
      rateLimit: { ...SC_RATE_LIMIT, ...options.rateLimit },
      baseUrl: /\/rest$/i.test(root) ? root : `${root}/rest`,
      authHeaders: { 'x-apikey': `accesskey=${options.accessKey}; secretkey=${options.secretKey};` },
      secrets: [options.accessKey, options.secretKey],
    });
  }

  /** One SC call, unwrapped. HTTP errors carrying the wrapper become ScApiError too. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let text: string;
    try {
      // Analysis queries only read: repeating one after a 5xx or a reset is safe.
      text = await this.http.requestText(method, path, { ...(body === undefined ? {} : { body }), idempotent: true });
    } catch (error) {
      if (error instanceof TenableApiError && isObject(error.body) && 'error_code' in error.body) {
        unwrapScResponse(error.status, error.body, method, path);
      }
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      throw new ScResponseError(`Tenable.sc ${method} ${path}: the answer is not JSON (${text.trim().slice(0, 80) || 'empty body'})`);
    }
    return unwrapScResponse<T>(200, parsed, method, path);
  }

  analysis<T>(request: ScAnalysisRequest): Promise<ScAnalysisResponse<T>> {
    return this.call<ScAnalysisResponse<T>>('POST', '/analysis', request);
  }

  /** Checks the keys with the smallest real query (one record); resolves with the record count. */
  async testConnection(): Promise<{ totalRecords: number }> {
    const page = await this.analysis<ScVulnDetail>(vulnDetailsRequest('cumulative', [], 0, 1));
    return { totalRecords: scNumber(page.totalRecords) };
  }

  /**
   * Every vulndetails record of the query, one page in memory at a time. Stops at `totalRecords`
   * (as re-read on every page), at an empty page, or, when SC's counts are unreadable, at a short
   * page — the fallbacks pyTenable uses when totalRecords and returnedRecords disagree.
   */
  async *vulnDetails(query: VulnDetailsQuery = {}): AsyncGenerator<ScVulnDetail[]> {
    const size = query.pageSize ?? DEFAULT_SC_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_SC_PAGE_SIZE) throw new RangeError(`Tenable.sc page size must be an integer from 1 to ${MAX_SC_PAGE_SIZE}, got ${size}`);
    const sourceType = query.sourceType ?? 'cumulative';
    for (let start = 0; ; ) {
      const page = await this.analysis<ScVulnDetail>(vulnDetailsRequest(sourceType, query.filters ?? [], start, start + size));
      const results = Array.isArray(page?.results) ? page.results : undefined;
      if (!results) throw new ScResponseError(`Tenable.sc POST /analysis: the page at offset ${start} has no results array`);
      if (results.length > 0) yield results;
      start += results.length;
      const total = scNumber(page.totalRecords);
      if (results.length === 0) return;
      if (Number.isFinite(total) ? start >= total : results.length < size) return;
    }
  }
}

export function vulnDetailsRequest(sourceType: 'cumulative' | 'patched', filters: ScAnalysisFilter[], startOffset: number, endOffset: number): ScAnalysisRequest {
  return { type: 'vuln', sourceType, query: { type: 'vuln', tool: 'vulndetails', startOffset, endOffset, filters }};
}

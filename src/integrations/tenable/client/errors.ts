/**
 * Typed errors of the Tenable client. Error bodies are parsed by content type first: Tenable sends
 * an nginx HTML page on rate limits, and several JSON shapes elsewhere (tenable-api.md §1.2).
 * Messages come from the server body or from us; API keys are never part of them.
 */

export type ErrorBodyKind = 'html' | 'json' | 'text';

export type TenableErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'duplicate_export'
  | 'rate_limited'
  | 'server_error'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'gateway_timeout'
  | 'http_error';

const CODES: Record<number, TenableErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  500: 'server_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export interface TenableApiErrorInit {
  status: number;
  code?: TenableErrorCode;
  message: string;
  retryAfterMs?: number;
  bodyKind: ErrorBodyKind;
  /** Parsed JSON body when there was one. */
  body?: unknown;
  /** The running export a duplicate request collided with (409 `active_job_id`, asset 429 `job_uuid=`). */
  activeJobId?: string;
  method?: string;
  path?: string;
}

/** An HTTP error answer from Tenable. */
export class TenableApiError extends Error {
  readonly status: number;
  readonly code: TenableErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly bodyKind: ErrorBodyKind;
  readonly body: unknown;
  readonly activeJobId: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** The server's own message (or the HTML page title), without the method/path prefix. */
  readonly detail: string;

  constructor(init: TenableApiErrorInit) {
    super(init.method && init.path ? `Tenable ${init.method} ${init.path}: ${init.status} ${init.message}` : `Tenable ${init.status}: ${init.message}`);
    this.name = 'TenableApiError';
    this.status = init.status;
    this.code = init.code ?? CODES[init.status] ?? 'http_error';
    this.retryAfterMs = init.retryAfterMs;
    this.bodyKind = init.bodyKind;
    this.body = init.body;
    this.activeJobId = init.activeJobId;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.message;
  }

}

/** The request never got an HTTP answer (connection refused/reset, timeout) after all retries. */
export class TenableNetworkError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenableNetworkError';
    this.code = code;
  }
}

/** An export ended in ERROR or CANCELLED (or took too long); the chunks that could be read were yielded first. */
export class TenableExportError extends Error {
  constructor(
    message: string,
    readonly exportUuid: string,
    readonly kind: 'vulns' | 'assets',
    readonly status: string,
    readonly reason?: string,
    readonly failedChunks: readonly number[] = [],
  ) {
    super(message);
    this.name = 'TenableExportError';
  }
}

/** A chunk answered 404: chunks expire 24 h after they were produced (3 days after a cancel). */
export class TenableChunkExpiredError extends Error {
  readonly code = 'chunk_expired';
  constructor(
    readonly exportUuid: string,
    readonly kind: 'vulns' | 'assets',
    readonly chunkId: number,
    options?: { cause?: unknown },
  ) {
    super(`Chunk ${chunkId} of ${kind} export ${exportUuid} is gone (expired or unknown); start a new export`, options);
    this.name = 'TenableChunkExpiredError';
  }
}

/** `Retry-After`: integer/decimal seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const JOB_UUID = /job_uuid=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

function htmlTitle(html: string): string | undefined {
  const m = /<title>([^<]*)<\/title>/i.exec(html) ?? /<h1>([^<]*)<\/h1>/i.exec(html);
  return m?.[1]?.trim() || undefined;
}

function shorten(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface ErrorResponse {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  bodyText: string;
}

/** Turn an error answer (any shape of tenable-api.md §1.2) into a TenableApiError. */
export function parseErrorResponse(res: ErrorResponse, nowMs: number, request?: { method: string; path: string }): TenableApiError {
  const contentType = (res.contentType ?? '').toLowerCase();
  const retryAfterMs = parseRetryAfter(res.retryAfter, nowMs);
  const text = res.bodyText;
  const base = { status: res.status, retryAfterMs, ...(request ? { method: request.method, path: request.path } : {}) };
  const trimmed = text.trim();

  if (contentType.includes('html') || /^<(!doctype|html)/i.test(trimmed)) {
    return new TenableApiError({ ...base, bodyKind: 'html', message: htmlTitle(text) ?? (shorten(text) || `HTTP ${res.status}`) });
  }
  let parsed: unknown;
  let isJson = false;
  if (trimmed !== '' && (contentType.includes('json') || /^[{[]/.test(trimmed))) {
    try {
      parsed = JSON.parse(trimmed) as unknown;
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  if (!isJson) {
    return new TenableApiError({ ...base, bodyKind: 'text', message: shorten(text) || `HTTP ${res.status}` });
  }
  const body = obj(parsed);
  const info = obj(body?.info);
  const activeJob = stringField(body, 'active_job_id');
  // Gateway {statusCode,error,message}; asset service {status,message}; scan service {error} or {info:{error}};
  // 409 {active_job_id,failure_reason}; Security Center style {error_msg}.
  const message =
    stringField(body, 'message') ??
    stringField(body, 'failure_reason') ??
    stringField(body, 'error') ??
    stringField(info, 'error') ??
    stringField(body, 'error_msg') ??
    (body ? shorten(JSON.stringify(body)) : shorten(trimmed));
  if (activeJob) {
    return new TenableApiError({ ...base, bodyKind: 'json', body: parsed, message, code: 'duplicate_export', activeJobId: activeJob });
  }
  if (/duplicate export/i.test(message)) {
    const jobUuid = JOB_UUID.exec(message)?.[1];
    return new TenableApiError({ ...base, bodyKind: 'json', body: parsed, message, code: 'duplicate_export', ...(jobUuid ? { activeJobId: jobUuid } : {}) });
  }
  return new TenableApiError({ ...base, bodyKind: 'json', body: parsed, message });
}

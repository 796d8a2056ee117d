/**
 * The one HTTP layer of the Tenable client: global fetch, X-ApiKeys, integration User-Agent, JSON
 * in and out, client-side rate limiting and a bound on requests in flight, retries with
 * Retry-After, typed errors. Keys never appear in errors.
 */
import { TenableApiError, parseErrorResponse } from './errors.ts';
import { DEFAULT_RATE_LIMIT, type Now, type RateLimitOptions, Semaphore, type Sleep, TokenBucket, realSleep } from './rate-limiter.ts';
import { DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy, withRetries } from './retry.ts';

export type { RetryEvent };

/** Pacing, retries and timeouts shared by every scanner HTTP layer (Tenable VM, Security Center, Nessus). */
export interface PacedHttpOptions {
  /** Build put in the User-Agent (default 0.0.0). */
  version?: string;
  rateLimit?: Partial<RateLimitOptions>;
  /** Requests in flight at once (default 5). */
  maxConcurrentRequests?: number;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout in ms (default 300 s, pyTenable's). */
  timeoutMs?: number;
  sleep?: Sleep;
  now?: Now;
  /** Called before each retry (for metrics and tests; the client itself never logs). */
  onRetry?: (event: RetryEvent) => void;
}

export interface TenableHttpOptions extends PacedHttpOptions {
  /** e.g. https://cloud.tenable.com (no trailing path needed). */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Safe to repeat: GETs always are; defaults to true for GET only. */
  idempotent?: boolean;
}

export interface StreamRequestOptions extends RequestOptions {
  /** Aborts the request, a retry's wait, and a body being read. */
  signal?: AbortSignal | undefined;
}

/** A successful answer whose body is read as it arrives. */
export interface StreamedResponse {
  body: AsyncIterable<Buffer>;
  contentType: string | null;
}

export function userAgent(version: string): string {
  return `Integration/1.0 (HexTrackr; HexTrackr; Build/${version})`;
}

export class TenableHttp {
  readonly retryPolicy: RetryPolicy;
  readonly sleep: Sleep;
  readonly now: Now;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly bucket: TokenBucket;
  private readonly inFlight: Semaphore;
  private readonly timeoutMs: number;
  /** Also told of the retries callers make themselves (a chunk download that broke midway). */
  readonly onRetry: ((event: RetryEvent) => void) | undefined;

  constructor(options: TenableHttpOptions) {
    if (!options.accessKey || !options.secretKey) throw new RangeError('accessKey and secretKey are required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.bucket = new TokenBucket({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, this.now, this.sleep);
    this.inFlight = new Semaphore(options.maxConcurrentRequests ?? 5);
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.onRetry = options.onRetry;
    this.secrets = [options.accessKey, options.secretKey];
    this.headers = {
      'X-ApiKeys': `accessKey=${options.accessKey}; secretKey=${options.secretKey}`,
      'User-Agent': userAgent(options.version ?? '0.0.0'),
      Accept: 'application/json',
    };
  }

  /** Remove any key from a text that may echo the request (defence in depth). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[REDACTED]');
    return out;
  }

  private url(path: string, query?: RequestOptions['query']): string {
    const url = new URL(`${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  /** One request with rate limiting and retries; resolves with the parsed JSON body (undefined when empty). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const text = await this.requestText(method, path, options);
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new TenableApiError({ status: 200, code: 'http_error', message: 'response body is not valid JSON', bodyKind: 'text', method, path });
    }
  }

  /** Same as request, but the raw body text. */
  async requestText(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    const url = this.url(path, options.query);
    return this.retried(method, path, options, (attempt) => this.attempt(method, path, url, options.body, attempt));
  }

  /**
   * A successful answer's body as a byte stream, so a large download is never held whole.
   * Retries happen only until the body starts: a body that breaks midway fails the stream, and
   * the caller (who knows what it already consumed) decides whether to ask again. The timeout
   * covers the wait for the answer and then each wait for more of the body.
   */
  async requestStream(method: string, path: string, options: StreamRequestOptions = {}): Promise<StreamedResponse> {
    const url = this.url(path, options.query);
    return this.retried(method, path, options, (attempt) => this.attemptStream(method, path, url, options, attempt));
  }

  /** The retry policy around one request's attempts (GET is idempotent unless told otherwise). */
  private retried<T>(method: string, path: string, options: RequestOptions, attempt: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries(
      {
        method,
        path,
        idempotent: options.idempotent ?? method === 'GET',
        policy: this.retryPolicy,
        sleep: this.sleep,
        onRetry: this.onRetry,
        networkMessage: (code, detail) => this.redact(`Tenable ${method} ${path}: network error ${code} (${detail})`),
      },
      attempt,
    );
  }

  private headersFor(body: unknown, attempt: number): Record<string, string> {
    const headers: Record<string, string> = { ...this.headers };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (attempt > 0) headers['X-Tio-Retry-Count'] = String(attempt);
    return headers;
  }

  private async errorOf(res: Response, method: string, path: string): Promise<TenableApiError> {
    const text = await res.text();
    return parseErrorResponse(
      { status: res.status, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), bodyText: this.redact(text) },
      this.now(),
      { method, path },
    );
  }

  private async attemptStream(method: string, path: string, url: string, options: StreamRequestOptions, attempt: number): Promise<StreamedResponse> {
    options.signal?.throwIfAborted();
    await this.bucket.take();
    const release = await this.inFlight.acquire();
    const controller = new AbortController();
    const timeout = () => controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'));
    const stop = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    const detach = () => options.signal?.removeEventListener('abort', stop);
    const timer = setTimeout(timeout, this.timeoutMs);
    let handedOver = false;
    try {
      const res = await fetch(url, {
        method,
        headers: this.headersFor(options.body, attempt),
        body: options.body === undefined ? null : JSON.stringify(options.body),
        signal: controller.signal,
      });
      if (!res.ok) throw await this.errorOf(res, method, path);
      clearTimeout(timer);
      handedOver = true;
      const contentType = res.headers.get('content-type');
      if (!res.body) {
        detach();
        return { body: (async function* () {})(), contentType };
      }
      return { body: idleGuarded(res.body, this.timeoutMs, timeout, detach), contentType };
    } finally {
      clearTimeout(timer);
      // The in-flight bound is for requests waiting on Tenable; a body being read is the caller's to bound.
      release();
      if (!handedOver) detach();
    }
  }

  private async attempt(method: string, path: string, url: string, body: unknown, attempt: number): Promise<string> {
    await this.bucket.take();
    const release = await this.inFlight.acquire();
    try {
      const res = await fetch(url, {
        method,
        headers: this.headersFor(body, attempt),
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw await this.errorOf(res, method, path);
      return await res.text();
    } finally {
      release();
    }
  }
}

/**
 * The body's chunks, aborting the request when the server sends nothing for `idleMs` while a
 * chunk is awaited. Only waits on the server count: a slow consumer (the rollover busy with the
 * database) simply stops pulling, which is backpressure, not idleness. Leaving the loop early
 * cancels the body, so the connection is not held by a download nobody reads.
 */
export async function* idleGuarded(body: AsyncIterable<Uint8Array>, idleMs: number, abort: () => void, onEnd: () => void = () => {}): AsyncGenerator<Buffer> {
  const chunks = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const timer = setTimeout(abort, idleMs);
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } finally {
        clearTimeout(timer);
      }
      if (next.done) {
        finished = true;
        return;
      }
      const bytes = next.value;
      yield Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  } finally {
    if (!finished) await chunks.return?.().catch(() => undefined);
    onEnd();
  }
}

/**
 * The HTTP layer of the Security Center and Nessus clients. It reuses the Tenable VM client's
 * pieces (token bucket, in-flight bound, RetryPolicy with Retry-After, content-type-aware error
 * parsing, the integration User-Agent) and differs in two ways: the authentication header is the
 * caller's (SC `x-apikey`, Nessus `X-ApiKeys`), and a response body can be handed over as a
 * stream (a scan export file) instead of text, so a download is never held in memory.
 */
import { Readable } from 'node:stream';
import { parseErrorResponse } from './tenable/client/errors.ts';
import type { PacedHttpOptions, RequestOptions, RetryEvent } from './tenable/client/http.ts';
import { idleGuarded, userAgent } from './tenable/client/http.ts';
import { DEFAULT_RATE_LIMIT, type Now, Semaphore, type Sleep, TokenBucket, realSleep } from './tenable/client/rate-limiter.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetries } from './tenable/client/retry.ts';

export interface ScannerHttpOptions extends PacedHttpOptions {
  /** Scheme, host and port, plus any path prefix every request shares (e.g. `/rest`). */
  baseUrl: string;
  /** The authentication header(s), e.g. `{ 'x-apikey': 'accesskey=…; secretkey=…;' }`. */
  authHeaders: Record<string, string>;
  /** Values that must never appear in an error message (the keys). */
  secrets: readonly string[];
}

export class ScannerHttp {
  readonly retryPolicy: RetryPolicy;
  readonly sleep: Sleep;
  readonly now: Now;
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly secrets: readonly string[];
  private readonly bucket: TokenBucket;
  private readonly inFlight: Semaphore;
  private readonly timeoutMs: number;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  constructor(options: ScannerHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.bucket = new TokenBucket({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, this.now, this.sleep);
    this.inFlight = new Semaphore(options.maxConcurrentRequests ?? 5);
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.onRetry = options.onRetry;
    this.secrets = options.secrets.filter((s) => s.length > 0);
    this.headers = { ...options.authHeaders, 'User-Agent': userAgent(options.version ?? '0.0.0'), Accept: 'application/json' };
  }

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

  /** The raw body text of a successful answer (any 2xx), with rate limiting and retries. */
  async requestText(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    return this.withRetries(method, path, options, async (res) => res.text(), true);
  }

  /**
   * A successful answer's body as a byte stream. Retries happen only before the body starts:
   * once bytes have been handed out, a broken connection fails the stream (the caller's parse
   * has already consumed part of it).
   */
  async requestStream(method: string, path: string, options: RequestOptions = {}): Promise<{ stream: Readable; contentType: string | null; fileName: string | undefined }> {
    return this.withRetries(
      method,
      path,
      options,
      async (res, abort) => {
        const fileName = attachmentName(res.headers.get('content-disposition'));
        const contentType = res.headers.get('content-type');
        if (!res.body) return { stream: Readable.from([]), contentType, fileName };
        return { stream: Readable.from(idleGuarded(res.body, this.timeoutMs, abort), { objectMode: false }), contentType, fileName };
      },
      false,
    );
  }

  private async withRetries<T>(
    method: string,
    path: string,
    options: RequestOptions,
    read: (res: Response, abort: () => void) => Promise<T>,
    timeoutCoversBody: boolean,
  ): Promise<T> {
    const url = this.url(path, options.query);
    return withRetries(
      {
        method,
        path,
        idempotent: options.idempotent ?? method === 'GET',
        policy: this.retryPolicy,
        sleep: this.sleep,
        onRetry: this.onRetry,
        networkMessage: (code, detail) => this.redact(`${method} ${this.baseUrl}${path}: network error ${code} (${detail})`),
      },
      () => this.attempt(method, path, url, options.body, read, timeoutCoversBody),
    );
  }

  private async attempt<T>(
    method: string,
    path: string,
    url: string,
    body: unknown,
    read: (res: Response, abort: () => void) => Promise<T>,
    timeoutCoversBody: boolean,
  ): Promise<T> {
    await this.bucket.take();
    const release = await this.inFlight.acquire();
    const controller = new AbortController();
    const abort = () => controller.abort(new DOMException(`no answer within ${this.timeoutMs} ms`, 'TimeoutError'));
    const timer = setTimeout(abort, this.timeoutMs);
    try {
      const headers: Record<string, string> = { ...this.headers };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(url, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: controller.signal });
      if (!res.ok) {
        const text = await res.text();
        throw parseErrorResponse(
          { status: res.status, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), bodyText: this.redact(text) },
          this.now(),
          { method, path },
        );
      }
      if (!timeoutCoversBody) clearTimeout(timer);
      return await read(res, abort);
    } finally {
      clearTimeout(timer);
      release();
    }
  }
}

/** `attachment; filename="scan_42.nessus"` → `scan_42.nessus`. */
function attachmentName(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  return match?.[1]?.trim() || undefined;
}

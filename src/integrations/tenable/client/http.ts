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
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

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
      (attempt) => this.attempt(method, path, url, options.body, attempt),
    );
  }

  private async attempt(method: string, path: string, url: string, body: unknown, attempt: number): Promise<string> {
    await this.bucket.take();
    const release = await this.inFlight.acquire();
    try {
      const headers: Record<string, string> = { ...this.headers };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (attempt > 0) headers['X-Tio-Retry-Count'] = String(attempt);
      const res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await res.text();
      if (res.ok) return text;
      const error = parseErrorResponse(
        { status: res.status, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), bodyText: this.redact(text) },
        this.now(),
        { method, path },
      );
      throw error;
    } finally {
      release();
    }
  }
}

/**
 * When and how long to retry (tenable-api.md §1.5): 429/502/503/504 and network errors, Retry-After
 * first (seconds or HTTP date), else exponential backoff capped at maxDelayMs. Other 4xx never.
 */
import { TenableApiError, TenableNetworkError } from './errors.ts';

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  exponentialBase: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 60_000, exponentialBase: 2 });

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The network error code of a fetch failure (`TypeError: fetch failed` with a cause), or undefined if it is not one. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { name?: unknown; code?: unknown; cause?: unknown };
    if (e.name === 'TimeoutError') return 'ETIMEDOUT';
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    current = e.cause;
  }
  if (error instanceof TypeError && /fetch failed|terminated/i.test(error.message)) return 'EFETCH';
  return undefined;
}

/**
 * Whether an HTTP error is worth another attempt. `idempotent` requests (GETs, export creation
 * thanks to 409 adoption, cancels) also retry 500; the others only retry what the server refused
 * before doing anything (429, 503).
 */
export function isRetryableError(error: TenableApiError, idempotent: boolean): boolean {
  if (error.code === 'duplicate_export') return false;
  if (idempotent) return RETRYABLE_STATUSES.has(error.status) || error.status === 500;
  return error.status === 429 || error.status === 503;
}

/** Delay before retry number `attempt` (0-based): Retry-After when the server gave one, else backoff. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(policy.exponentialBase, attempt));
}

/** What one retry reports (for logs and tests). */
export interface RetryEvent {
  method: string;
  path: string;
  /** 1-based number of the retry about to happen. */
  retry: number;
  delayMs: number;
  code: string;
  status?: number;
  retryAfterMs?: number;
}

export interface RetryLoop {
  method: string;
  path: string;
  idempotent: boolean;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** The message of a network failure (callers name their product and redact secrets). */
  networkMessage: (code: string, detail: string) => string;
}

/**
 * Runs `attempt` until it succeeds, a failure is not worth retrying, or the policy's retries are
 * spent: HTTP errors retry per isRetryableError, network errors only when the request is idempotent.
 */
export async function withRetries<T>(loop: RetryLoop, attempt: (attemptIndex: number) => Promise<T>): Promise<T> {
  for (let index = 0; ; index++) {
    let failure: TenableApiError | TenableNetworkError;
    let retryable: boolean;
    try {
      return await attempt(index);
    } catch (error) {
      if (error instanceof TenableApiError) {
        failure = error;
        retryable = isRetryableError(error, loop.idempotent);
      } else {
        const code = networkErrorCode(error);
        if (code === undefined) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        failure = new TenableNetworkError(loop.networkMessage(code, detail), code);
        retryable = loop.idempotent;
      }
    }
    if (!retryable || index >= loop.policy.maxRetries) throw failure;
    const retryAfterMs = failure instanceof TenableApiError ? failure.retryAfterMs : undefined;
    const delayMs = retryDelayMs(loop.policy, index, retryAfterMs);
    loop.onRetry?.({
      method: loop.method,
      path: loop.path,
      retry: index + 1,
      delayMs,
      code: failure.code,
      ...(failure instanceof TenableApiError ? { status: failure.status } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    await loop.sleep(delayMs);
  }
}

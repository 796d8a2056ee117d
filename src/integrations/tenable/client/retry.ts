/**
 * When and how long to retry (tenable-api.md §1.5): 429/502/503/504 and network errors, Retry-After
 * first (seconds or HTTP date), else exponential backoff capped at maxDelayMs. Other 4xx never.
 */
import type { TenableApiError } from './errors.ts';

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

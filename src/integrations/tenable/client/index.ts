export { TenableClient, type TenableClientOptions, type VulnExportQuery } from './tenable-client.ts';
export { TenableHttp, userAgent, type RequestOptions, type RetryEvent, type TenableHttpOptions } from './http.ts';
export {
  TenableApiError,
  TenableChunkExpiredError,
  TenableExportError,
  TenableNetworkError,
  parseErrorResponse,
  parseRetryAfter,
  type ErrorBodyKind,
  type ErrorResponse,
  type TenableErrorCode,
} from './errors.ts';
export { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, type RetryPolicy, isRetryableError, networkErrorCode, retryDelayMs } from './retry.ts';
export { DEFAULT_RATE_LIMIT, Semaphore, TokenBucket, realSleep, type Now, type RateLimitOptions, type Sleep } from './rate-limiter.ts';
export { cancelExport, createExport, downloadChunk, exportStatus, runExport, type ExportHandle, type ExportKind, type ExportOptions, type ExportStarted } from './exports.ts';

/**
 * Errors the domain and services raise, each with a stable code. Transports map codes to
 * their own vocabulary (HTTP status, CLI exit code); the domain never picks an HTTP status.
 */
export type DomainErrorCode =
  | 'invalid_scan_date'
  | 'file_not_found'
  | 'import_format_error'
  | 'not_found'
  | 'validation_error'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'account_locked'
  | 'forbidden'
  /** The request contradicts the current state (a concurrent change, an already resolved conflict). */
  | 'conflict'
  /** The database stayed locked by another writer for too long; the request may be retried. */
  | 'busy';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

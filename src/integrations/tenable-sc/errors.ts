/**
 * Security Center answers errors inside its wrapper: `{"error_code": 146, "error_msg": "…"}`,
 * usually with HTTP 403 (bad query, bad token), 400 (bad API keys), and sometimes with HTTP 200
 * (tenable-api.md §6.2). Any non-zero error_code is an error, whatever the status.
 */
export class ScApiError extends Error {
  constructor(
    /** SC's own code (74 authentication, 142/146 invalid analysis parameters, …). */
    readonly errorCode: number,
    /** SC's message, as sent. */
    readonly errorMsg: string,
    /** The HTTP status the wrapper came with. */
    readonly status: number,
    readonly method: string,
    readonly path: string,
  ) {
    super(`Tenable.sc ${method} ${path}: error_code ${errorCode} (HTTP ${status}): ${errorMsg || 'no message'}`);
    this.name = 'ScApiError';
  }

  /** SC reports bad credentials and expired sessions with code 74. */
  get isAuthentication(): boolean {
    return this.errorCode === 74;
  }
}

/** A 2xx answer that is not the SC wrapper at all (a proxy page, a truncated body). */
export class ScResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScResponseError';
  }
}

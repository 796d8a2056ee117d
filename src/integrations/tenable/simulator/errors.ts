/** The error bodies Tenable really sends (tenable-api.md §1.2): several shapes, on purpose. */
import type { TvmGatewayError, TvmScanServiceError, TvmServiceError, VulnExportConflict } from '../tenable.api-types.ts';

/** nginx page of a 429 (rate limit or concurrency limit), served as text/html. */
export const NGINX_429_HTML =
  '<html>\n\n<head>\n    <title>429 Too Many Requests</title>\n</head>\n\n<body bgcolor="white">\n    <center>\n        <h1>429 Too Many Requests</h1>\n    </center>\n    <hr>\n    <center>nginx</center>\n</body>\n\n</html>';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function gatewayError(statusCode: number, message: string): TvmGatewayError {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message };
}

export const UNAUTHORIZED = gatewayError(401, 'Invalid credentials.');

/** The 5xx bodies of the gateway (500 recorded; 502/504 from user reports; 503 by analogy). */
export function serverError(status: 500 | 502 | 503 | 504): TvmGatewayError {
  return status === 500
    ? gatewayError(500, 'An internal server error occurred. Please wait a moment and try your request again.')
    : gatewayError(status, 'Please wait a moment and try your request again.');
}

export function serviceError(status: number, message: string): TvmServiceError {
  return { status, message };
}

export function scanServiceError(error: string): TvmScanServiceError {
  return { error };
}

export function vulnExportConflict(activeJobId: string): VulnExportConflict {
  return { active_job_id: activeJobId, failure_reason: 'The request could not be completed due to a conflict with the ongoing export' };
}

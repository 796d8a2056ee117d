/**
 * Talks to the HexTrackr API: JSON in and out, the CSRF header on every change, and errors turned
 * into sentences a user can act on.
 */

export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The server has no such route: that part of the API is not installed on this server. */
  get missingRoute(): boolean {
    return this.status === 404 && this.message.startsWith('no route for');
  }
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401, so the app can show the sign-in page. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

function isChange(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

export function headersFor(method: string): Record<string, string> {
  return isChange(method) && csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

/** Plain words for an error, with the field-level details a validation error carries. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.missingRoute) return 'This feature is not available on this server yet.';
    if (error.status === 0) return error.message;
    if (error.status === 401) return 'Your session has ended. Please sign in again.';
    if (error.status === 403) return 'Your role does not allow this. Ask an administrator for access.';
    if (error.status === 413) return error.message || 'The file is larger than the server accepts.';
    if (error.status >= 500) return `The server had a problem (${error.status}): ${error.message}`;
    const details = Array.isArray(error.details)
      ? (error.details as { field?: string; message?: string }[])
          .map((d) => [d.field, d.message].filter(Boolean).join(': '))
          .filter(Boolean)
      : [];
    const base = error.message ? error.message.charAt(0).toUpperCase() + error.message.slice(1) : `Request failed (${error.status})`;
    return details.length > 0 ? `${base} — ${details.join('; ')}` : base;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: ApiErrorBody | undefined;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    body = undefined;
  }
  return new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? response.statusText, body?.error?.details);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...headersFor(method), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The HexTrackr server cannot be reached. Check that it is running, then try again.');
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !path.startsWith('/api/auth/')) for (const listener of unauthenticatedListeners) listener();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

/** Multipart upload with upload progress (fetch cannot report it). */
export function upload<T>(path: string, form: FormData, onProgress: (sent: number, total: number) => void): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(headersFor('POST'))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload was interrupted: the server cannot be reached.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        const error = (body as ApiErrorBody | undefined)?.error;
        reject(new ApiError(xhr.status, error?.code ?? 'http_error', error?.message ?? xhr.statusText, error?.details));
      }
    };
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Builds a query string from the non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

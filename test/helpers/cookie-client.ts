/**
 * What a browser does with HexTrackr's session: keeps the cookie from sign-in and sends the CSRF
 * token it was given on every request (unless told otherwise), over real HTTP.
 */
export class CookieClient {
  cookie: string | undefined;
  csrf: string | undefined;
  setCookies: string[] = [];
  constructor(private readonly base: string) {}

  /** `body` goes as JSON, `form` as multipart; a JSON answer is parsed, any other comes back as text. */
  async request<T = unknown>(method: string, path: string, options: { body?: unknown; form?: FormData; csrf?: string | false } = {}) {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const payload = options.form ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
    const response = await fetch(`${this.base}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    this.setCookies = response.headers.getSetCookie();
    for (const line of this.setCookies) {
      const [pair] = line.split(';');
      if (pair?.startsWith('hextrackr_session=')) this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    const body = (text ? (json ? JSON.parse(text) : text) : undefined) as T;
    if (body && typeof body === 'object' && 'csrfToken' in body && typeof body.csrfToken === 'string') this.csrf = body.csrfToken;
    return { status: response.status, body };
  }
}

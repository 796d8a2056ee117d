import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../../test/helpers/corpus.ts';
import { TenableApiError, parseErrorResponse, parseRetryAfter } from './errors.ts';
import { Semaphore, TokenBucket } from './rate-limiter.ts';
import { isRetryableError, retryDelayMs } from './retry.ts';

const NOW = Date.parse('2026-01-05T12:00:00Z');
const corpus = corpusDir();

interface ErrorSample {
  source: string;
  status: number;
  contentType: string;
  retryAfter: string | null;
  body: unknown;
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Every error answer recorded in the corpus: cassette interactions and OpenAPI examples. */
function corpusErrors(dir: string): ErrorSample[] {
  const out: ErrorSample[] = [];
  const cassettes = path.join(dir, 'tenable-recorded', 'cassettes');
  for (const file of readdirSync(cassettes).filter((f) => f.startsWith('tests__io__') && f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(path.join(cassettes, file), 'utf8')) as { interactions: { status: number; response_headers?: Record<string, string>; response_body: unknown }[] };
    for (const i of doc.interactions) {
      if (i.status < 400) continue;
      const headers = Object.fromEntries(Object.entries(i.response_headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      out.push({ source: file, status: i.status, contentType: headers['content-type'] ?? '', retryAfter: headers['retry-after'] ?? null, body: i.response_body });
    }
  }
  const examples = path.join(dir, 'tenable-recorded', 'openapi-examples');
  for (const file of readdirSync(examples).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as { responses: Record<string, Record<string, { response: unknown }> | null> };
    for (const [status, byType] of Object.entries(doc.responses)) {
      if (Number(status) < 400 || !byType) continue;
      for (const [contentType, example] of Object.entries(byType)) {
        out.push({ source: `${file} ${status}`, status: Number(status), contentType, retryAfter: Number(status) === 429 ? '30' : null, body: example.response });
      }
    }
  }
  return out;
}

/** What a reader of the body would call its message. */
function expectedMessage(body: unknown): string {
  if (typeof body === 'string') return /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? body;
  const b = body as Record<string, unknown>;
  const info = b.info as Record<string, unknown> | undefined;
  return String(b.message ?? b.failure_reason ?? b.error ?? info?.error);
}

describe('parseErrorResponse over the corpus', () => {
  it.skipIf(!corpus)('reads every recorded error shape', () => {
    if (!corpus) throw new Error(CORPUS_MISSING);
    const samples = corpusErrors(corpus);
    expect(samples.length).toBeGreaterThan(50);
    const sources = new Set(samples.map((s) => s.source));
    for (const name of ['tests__io__cassettes__test_get_scans_notfounderror.json', 'tests__io__cassettes__test_scan_results_scan_notfounderror.json', 'tests__io__exports__cassettes__test_base_export.json']) {
      expect(sources).toContain(name);
    }
    for (const sample of samples) {
      const error = parseErrorResponse({ status: sample.status, contentType: sample.contentType, retryAfter: sample.retryAfter, bodyText: bodyText(sample.body) }, NOW);
      expect(error, sample.source).toBeInstanceOf(TenableApiError);
      expect(error.status, sample.source).toBe(sample.status);
      expect(error.bodyKind, sample.source).toBe(sample.contentType.includes('html') ? 'html' : 'json');
      expect(error.detail, sample.source).toBe(expectedMessage(sample.body));
      if (sample.retryAfter) expect(error.retryAfterMs, sample.source).toBe(Number(sample.retryAfter) * 1000);
      const duplicate = sample.status === 409 || /Duplicate export/.test(error.detail);
      expect(error.code === 'duplicate_export', sample.source).toBe(duplicate);
      if (duplicate) expect(error.activeJobId, sample.source).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.skipIf(!corpus)('names the running job of a recorded duplicate asset export (429 JSON, Retry-After 40)', () => {
    const sample = corpusErrors(corpus!).find((s) => s.source === 'tests__io__exports__cassettes__test_base_export.json')!;
    const error = parseErrorResponse({ status: sample.status, contentType: sample.contentType, retryAfter: sample.retryAfter, bodyText: bodyText(sample.body) }, NOW);
    expect(error.activeJobId).toBe('43084fd0-1b74-423b-8f14-309ec62e1c1e');
    expect(error.retryAfterMs).toBe(40_000);
    expect(isRetryableError(error, true)).toBe(false);
  });
});

describe('parseErrorResponse', () => {
  it('reads the gateway 502/504 bodies, plain text and empty bodies', () => {
    const e504 = parseErrorResponse({ status: 504, contentType: 'application/json', retryAfter: null, bodyText: '{"statusCode":504,"error":"Gateway Timeout","message":"Please wait a moment and try your request again."}' }, NOW);
    expect([e504.code, e504.detail, e504.bodyKind]).toEqual(['gateway_timeout', 'Please wait a moment and try your request again.', 'json']);
    const text = parseErrorResponse({ status: 503, contentType: 'text/plain', retryAfter: '5', bodyText: 'upstream connect error' }, NOW);
    expect([text.code, text.detail, text.bodyKind, text.retryAfterMs]).toEqual(['service_unavailable', 'upstream connect error', 'text', 5000]);
    const empty = parseErrorResponse({ status: 502, contentType: null, retryAfter: null, bodyText: '' }, NOW);
    expect([empty.code, empty.detail, empty.bodyKind]).toEqual(['bad_gateway', 'HTTP 502', 'text']);
    const broken = parseErrorResponse({ status: 500, contentType: 'application/json', retryAfter: null, bodyText: '{"statusCode":' }, NOW);
    expect(broken.bodyKind).toBe('text');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1500);
    expect(parseRetryAfter(new Date(NOW + 12_000).toUTCString(), NOW)).toBe(12_000);
    expect(parseRetryAfter(new Date(NOW - 12_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });
});

describe('retry policy', () => {
  const policy = { maxRetries: 5, baseDelayMs: 1000, maxDelayMs: 10_000, exponentialBase: 2 };
  const error = (status: number) => new TenableApiError({ status, message: 'x', bodyKind: 'json' });

  it('retries 429/502/503/504, 500 only when idempotent, never other 4xx', () => {
    for (const status of [429, 502, 503, 504, 500]) expect(isRetryableError(error(status), true)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413]) expect(isRetryableError(error(status), true)).toBe(false);
    expect(isRetryableError(error(500), false)).toBe(false);
    expect(isRetryableError(error(502), false)).toBe(false);
    expect(isRetryableError(error(429), false)).toBe(true);
  });

  it('backs off exponentially up to the cap, Retry-After first', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => retryDelayMs(policy, a))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(retryDelayMs(policy, 3, 30_000)).toBe(30_000);
  });
});

describe('rate limiting', () => {
  it('lets a burst through, then paces at the sustained rate', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const bucket = new TokenBucket({ requestsPerMinute: 100, burst: 20 }, () => now, async (ms) => {
      sleeps.push(ms);
      now += ms;
    });
    for (let i = 0; i < 20; i++) await bucket.take();
    expect(sleeps).toEqual([]);
    await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
    expect(sleeps).toEqual([600, 600, 600]);
    expect(now).toBe(1800);
  });

  it('bounds the requests in flight', async () => {
    const gate = new Semaphore(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await gate.acquire();
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        release();
      }),
    );
    expect(peak).toBe(2);
  });
});

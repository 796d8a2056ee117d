/**
 * Faults on demand: rate budget, concurrency limit, random 5xx, slow chunks, exports that end in
 * ERROR, short chunk TTLs. All randomness comes from a seeded PRNG; all windows from the
 * simulated clock.
 */
import { MINUTE_MS, type SimClock } from './clock.ts';
import { serverError } from './errors.ts';
import { Prng } from './random.ts';
import type { TvmGatewayError } from '../tenable.api-types.ts';

export interface SimulatorFaults {
  /** Requests per user per (simulated) minute; over budget → 429 text/html + Retry-After. null = unlimited. */
  rateLimitPerMinute: number | null;
  /** Active (QUEUED/PROCESSING) exports per kind (vulns, assets); over → 429 text/html + Retry-After. */
  maxConcurrentExports: number;
  /** Refuse an export equal to an active one: 409 `active_job_id` (vulns), 429 JSON (assets). */
  rejectDuplicateExports: boolean;
  /** Share of authenticated requests answered with a random 500/502/503/504. */
  serverErrorRate: number;
  /** Delay before a chunk download starts, in real milliseconds. */
  slowChunkMs: number;
  /** Exports fail after this many chunks: the next chunk is `chunks_failed`, the rest cancelled, status ERROR. null = off. */
  exportErrorAfterChunks: number | null;
  /** Chunks expire (404) this many simulated seconds after they were produced (3 days after a cancel). */
  chunkTtlSeconds: number;
  /** Active scans per container; launching one more → 429. */
  maxActiveScans: number;
}

export const DEFAULT_FAULTS: Readonly<SimulatorFaults> = Object.freeze({
  rateLimitPerMinute: null,
  maxConcurrentExports: 10,
  rejectDuplicateExports: true,
  serverErrorRate: 0,
  slowChunkMs: 0,
  exportErrorAfterChunks: null,
  chunkTtlSeconds: 86_400,
  maxActiveScans: 25,
});

/** `--faults` names: `name` or `name=value`, comma-separated. */
export const FAULT_HELP: readonly { name: string; value: string; meaning: string }[] = [
  { name: 'rate-limit', value: 'N (60)', meaning: 'requests per minute per API key, then 429 text/html with Retry-After' },
  { name: 'concurrency', value: 'N (2)', meaning: 'concurrent active exports per kind, then 429 text/html with Retry-After' },
  { name: 'server-errors', value: 'RATE (0.05)', meaning: 'share of requests answered 500/502/503/504' },
  { name: 'slow-chunks', value: 'MS (2000)', meaning: 'delay before each chunk download' },
  { name: 'export-error', value: 'K (1)', meaning: 'exports end in ERROR after K chunks; those stay downloadable' },
  { name: 'chunk-ttl', value: 'SECONDS (60)', meaning: 'chunks expire (404) after this many simulated seconds' },
  { name: 'allow-duplicates', value: '', meaning: 'accept an export equal to an active one (default: 409 vulns / 429 assets)' },
];

function numberValue(name: string, value: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new RangeError(`fault ${name}: ${what}, got "${value}"`);
  return n;
}

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
const nonNegativeInt = (n: number) => Number.isInteger(n) && n >= 0;

/** Parse `rate-limit=30,server-errors=0.1,slow-chunks` into fault settings. */
export function parseFaultList(list: string): Partial<SimulatorFaults> {
  const faults: Partial<SimulatorFaults> = {};
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.indexOf('=');
    const name = (at < 0 ? item : item.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? undefined : item.slice(at + 1).trim();
    switch (name) {
      case 'rate-limit':
        faults.rateLimitPerMinute = numberValue(name, value, 60, positiveInt, 'a positive integer');
        break;
      case 'concurrency':
        faults.maxConcurrentExports = numberValue(name, value, 2, positiveInt, 'a positive integer');
        break;
      case 'server-errors':
        faults.serverErrorRate = numberValue(name, value, 0.05, (n) => n >= 0 && n <= 1, 'a rate between 0 and 1');
        break;
      case 'slow-chunks':
        faults.slowChunkMs = numberValue(name, value, 2000, nonNegativeInt, 'milliseconds');
        break;
      case 'export-error':
        faults.exportErrorAfterChunks = numberValue(name, value, 1, nonNegativeInt, 'a number of chunks');
        break;
      case 'chunk-ttl':
        faults.chunkTtlSeconds = numberValue(name, value, 60, positiveInt, 'a positive number of seconds');
        break;
      case 'allow-duplicates':
        faults.rejectDuplicateExports = false;
        break;
      default:
        throw new RangeError(`unknown fault "${name}" (known: ${FAULT_HELP.map((f) => f.name).join(', ')})`);
    }
  }
  return faults;
}

export function validateFaults(faults: SimulatorFaults): void {
  if (faults.rateLimitPerMinute !== null && !positiveInt(faults.rateLimitPerMinute)) throw new RangeError('rateLimitPerMinute must be a positive integer or null');
  if (!positiveInt(faults.maxConcurrentExports)) throw new RangeError('maxConcurrentExports must be a positive integer');
  if (!(faults.serverErrorRate >= 0 && faults.serverErrorRate <= 1)) throw new RangeError('serverErrorRate must be between 0 and 1');
  if (!nonNegativeInt(faults.slowChunkMs)) throw new RangeError('slowChunkMs must be a non-negative integer');
  if (faults.exportErrorAfterChunks !== null && !nonNegativeInt(faults.exportErrorAfterChunks)) throw new RangeError('exportErrorAfterChunks must be a non-negative integer or null');
  if (!(faults.chunkTtlSeconds > 0)) throw new RangeError('chunkTtlSeconds must be positive');
  if (!positiveInt(faults.maxActiveScans)) throw new RangeError('maxActiveScans must be a positive integer');
}

/** Fixed one-minute windows of the simulated clock, per key. */
export class RateLimiter {
  private window = -1;
  private readonly used = new Map<string, number>();

  constructor(private readonly clock: SimClock) {}

  /** Spend one request of `key`'s budget; over budget gives the seconds until the window resets. */
  take(key: string, perMinute: number): { ok: true } | { ok: false; retryAfter: number } {
    const now = this.clock.now();
    const window = Math.floor(now / MINUTE_MS);
    if (window !== this.window) {
      this.window = window;
      this.used.clear();
    }
    const used = this.used.get(key) ?? 0;
    if (used >= perMinute) return { ok: false, retryAfter: Math.max(1, Math.ceil(((window + 1) * MINUTE_MS - now) / 1000)) };
    this.used.set(key, used + 1);
    return { ok: true };
  }
}

const ERROR_STATUSES = [500, 502, 503, 504] as const;

/** Random 5xx from a seeded PRNG: the same seed and request order give the same failures. */
export class ServerErrorInjector {
  private readonly rng: Prng;

  constructor(seed: number) {
    this.rng = new Prng(seed ^ 0x5e77e11);
  }

  maybe(rate: number): { status: number; body: TvmGatewayError } | undefined {
    if (rate <= 0) return undefined;
    if (this.rng.next() >= rate) return undefined;
    const status = ERROR_STATUSES[this.rng.int(ERROR_STATUSES.length)]!;
    return { status, body: serverError(status) };
  }
}

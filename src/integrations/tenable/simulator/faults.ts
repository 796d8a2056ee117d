/**
 * Faults on demand: rate budget, concurrency limit, random 5xx, slow or broken chunks, exports
 * that end in ERROR, short chunk TTLs. All randomness comes from a seeded PRNG; all windows from the
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
  /** Share of chunk downloads whose connection drops partway through the body (a truncated transfer). */
  brokenChunkRate: number;
  /** Exports fail after this many chunks: the next chunk is `chunks_failed`, the rest cancelled, status ERROR. null = off. */
  exportErrorAfterChunks: number | null;
  /** Chunks expire (404) this many simulated seconds after they were produced (3 days after a cancel). */
  chunkTtlSeconds: number;
  /** Active scans per container; launching one more → 429. */
  maxActiveScans: number;
  /** Share of Security Center `/rest/analysis` answers that are an error wrapper (HTTP 200, non-zero error_code). */
  scErrorRate: number;
  /** Status polls of a scan export (.nessus/CSV) answered `loading` before `ready`. */
  scanExportLoadingPolls: number;
}

export const DEFAULT_FAULTS: Readonly<SimulatorFaults> = Object.freeze({
  rateLimitPerMinute: null,
  maxConcurrentExports: 10,
  rejectDuplicateExports: true,
  serverErrorRate: 0,
  slowChunkMs: 0,
  brokenChunkRate: 0,
  exportErrorAfterChunks: null,
  chunkTtlSeconds: 86_400,
  maxActiveScans: 25,
  scErrorRate: 0,
  scanExportLoadingPolls: 1,
});

const positiveInt = (n: number) => Number.isInteger(n) && n > 0;
const nonNegativeInt = (n: number) => Number.isInteger(n) && n >= 0;
const rate = (n: number) => n >= 0 && n <= 1;

interface FaultSpec {
  name: string;
  /** What the value is, for help and errors; absent for a flag without a value. */
  value?: { what: string; fallback: number; valid: (n: number) => boolean; unit: string };
  meaning: string;
  apply(faults: Partial<SimulatorFaults>, value: number): void;
}

/** `--faults` names (`name` or `name=value`, comma-separated): one table drives parsing and help. */
const FAULT_SPECS: readonly FaultSpec[] = [
  {
    name: 'rate-limit',
    value: { what: 'a positive integer', fallback: 60, valid: positiveInt, unit: 'N' },
    meaning: 'requests per minute per API key, then 429 text/html with Retry-After',
    apply: (f, n) => (f.rateLimitPerMinute = n),
  },
  {
    name: 'concurrency',
    value: { what: 'a positive integer', fallback: 2, valid: positiveInt, unit: 'N' },
    meaning: 'concurrent active exports per kind, then 429 text/html with Retry-After',
    apply: (f, n) => (f.maxConcurrentExports = n),
  },
  {
    name: 'server-errors',
    value: { what: 'a rate between 0 and 1', fallback: 0.05, valid: rate, unit: 'RATE' },
    meaning: 'share of requests answered 500/502/503/504',
    apply: (f, n) => (f.serverErrorRate = n),
  },
  {
    name: 'slow-chunks',
    value: { what: 'milliseconds', fallback: 2000, valid: nonNegativeInt, unit: 'MS' },
    meaning: 'delay before each chunk download',
    apply: (f, n) => (f.slowChunkMs = n),
  },
  {
    name: 'broken-chunks',
    value: { what: 'a rate between 0 and 1', fallback: 0.2, valid: rate, unit: 'RATE' },
    meaning: 'share of chunk downloads whose connection drops partway through the body',
    apply: (f, n) => (f.brokenChunkRate = n),
  },
  {
    name: 'export-error',
    value: { what: 'a number of chunks', fallback: 1, valid: nonNegativeInt, unit: 'K' },
    meaning: 'exports end in ERROR after K chunks; those stay downloadable',
    apply: (f, n) => (f.exportErrorAfterChunks = n),
  },
  {
    name: 'chunk-ttl',
    value: { what: 'a positive number of seconds', fallback: 60, valid: positiveInt, unit: 'SECONDS' },
    meaning: 'chunks expire (404) after this many simulated seconds',
    apply: (f, n) => (f.chunkTtlSeconds = n),
  },
  {
    name: 'sc-errors',
    value: { what: 'a rate between 0 and 1', fallback: 0.1, valid: rate, unit: 'RATE' },
    meaning: 'share of Security Center /rest/analysis answers carrying a non-zero error_code (HTTP 200 wrapper)',
    apply: (f, n) => (f.scErrorRate = n),
  },
  {
    name: 'export-loading',
    value: { what: 'a number of polls', fallback: 5, valid: nonNegativeInt, unit: 'N' },
    meaning: 'scan exports (.nessus/CSV) answer status "loading" for N polls before "ready" (normally 1)',
    apply: (f, n) => (f.scanExportLoadingPolls = n),
  },
  {
    name: 'allow-duplicates',
    meaning: 'accept an export equal to an active one (default: 409 vulns / 429 assets)',
    apply: (f) => (f.rejectDuplicateExports = false),
  },
];

/** `--faults` names with their value and default, for help texts. */
export const FAULT_HELP: readonly { name: string; value: string; meaning: string }[] = FAULT_SPECS.map((spec) => ({
  name: spec.name,
  value: spec.value ? `${spec.value.unit} (${spec.value.fallback})` : '',
  meaning: spec.meaning,
}));

/** Parse `rate-limit=30,server-errors=0.1,slow-chunks` into fault settings. */
export function parseFaultList(list: string): Partial<SimulatorFaults> {
  const faults: Partial<SimulatorFaults> = {};
  for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.indexOf('=');
    const name = (at < 0 ? item : item.slice(0, at)).trim().toLowerCase();
    const raw = at < 0 ? '' : item.slice(at + 1).trim();
    const spec = FAULT_SPECS.find((candidate) => candidate.name === name);
    if (!spec) throw new RangeError(`unknown fault "${name}" (known: ${FAULT_SPECS.map((f) => f.name).join(', ')})`);
    let value = 0;
    if (spec.value) {
      value = raw === '' ? spec.value.fallback : Number(raw);
      if (!Number.isFinite(value) || !spec.value.valid(value)) throw new RangeError(`fault ${name}: ${spec.value.what}, got "${raw}"`);
    }
    spec.apply(faults, value);
  }
  return faults;
}

export function validateFaults(faults: SimulatorFaults): void {
  if (faults.rateLimitPerMinute !== null && !positiveInt(faults.rateLimitPerMinute)) throw new RangeError('rateLimitPerMinute must be a positive integer or null');
  if (!positiveInt(faults.maxConcurrentExports)) throw new RangeError('maxConcurrentExports must be a positive integer');
  if (!(faults.serverErrorRate >= 0 && faults.serverErrorRate <= 1)) throw new RangeError('serverErrorRate must be between 0 and 1');
  if (!nonNegativeInt(faults.slowChunkMs)) throw new RangeError('slowChunkMs must be a non-negative integer');
  if (!rate(faults.brokenChunkRate)) throw new RangeError('brokenChunkRate must be between 0 and 1');
  if (faults.exportErrorAfterChunks !== null && !nonNegativeInt(faults.exportErrorAfterChunks)) throw new RangeError('exportErrorAfterChunks must be a non-negative integer or null');
  if (!(faults.chunkTtlSeconds > 0)) throw new RangeError('chunkTtlSeconds must be positive');
  if (!positiveInt(faults.maxActiveScans)) throw new RangeError('maxActiveScans must be a positive integer');
  if (!(faults.scErrorRate >= 0 && faults.scErrorRate <= 1)) throw new RangeError('scErrorRate must be between 0 and 1');
  if (!nonNegativeInt(faults.scanExportLoadingPolls)) throw new RangeError('scanExportLoadingPolls must be a non-negative integer');
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

  /** True for a share `rate` of calls (same seeded sequence as the 5xx). */
  roll(rate: number): boolean {
    return rate > 0 && this.rng.next() < rate;
  }

  maybe(rate: number): { status: number; body: TvmGatewayError } | undefined {
    if (rate <= 0) return undefined;
    if (this.rng.next() >= rate) return undefined;
    const status = ERROR_STATUSES[this.rng.int(ERROR_STATUSES.length)]!;
    return { status, body: serverError(status) };
  }
}

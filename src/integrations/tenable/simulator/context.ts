/** What the simulator's HTTP apps share: the estate, the clock, credentials, faults and job stores. */
import { timingSafeEqual } from 'node:crypto';
import type { SimClock } from './clock.ts';
import type { Estate } from './estate.ts';
import type { ExportManager, ExportPacing } from './exports.ts';
import type { RateLimiter, ServerErrorInjector, SimulatorFaults } from './faults.ts';
import type { Prng } from './random.ts';
import type { ScanService } from './scans.ts';

export interface ScCredentials {
  username: string;
  password: string;
  accessKey: string;
  secretKey: string;
}

export interface SimulatorContext {
  estate: Estate;
  clock: SimClock;
  accessKey: string;
  secretKey: string;
  sc: ScCredentials;
  faults: SimulatorFaults;
  pacing: ExportPacing;
  exports: ExportManager;
  scans: ScanService;
  rate: RateLimiter;
  errors: ServerErrorInjector;
  /** Request ids and tokens: seeded, so runs are reproducible. */
  rng: Prng;
  /** Current data day (the estate day of the simulated now). */
  day(): number;
}

/**
 * Parse `accessKey=…; secretKey=…;` (TVM `X-ApiKeys`, SC `x-apikey`): header and key names
 * case-insensitive, `;` with optional spaces, any order, trailing `;` optional.
 */
export function parseKeyHeader(header: string | string[] | undefined): { accessKey: string; secretKey: string } | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  let accessKey: string | undefined;
  let secretKey: string | undefined;
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    const key = part.slice(at + 1).trim();
    if (name === 'accesskey') accessKey = key;
    else if (name === 'secretkey') secretKey = key;
  }
  return accessKey && secretKey ? { accessKey, secretKey } : undefined;
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

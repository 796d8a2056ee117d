/**
 * The simulator's clock. Every timestamp the simulator serves (export `created`, chunk TTLs,
 * rate-limit windows, the estate's day) comes from here, never from Date.now() directly.
 *
 * - `manual`: time stands still until `advance()` / `advanceDay()` (tests, rehearsals).
 * - `wall`: time flows with the real clock from the start instant, plus any advances (demos).
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type ClockMode = 'manual' | 'wall';

export class SimClock {
  private offsetMs = 0;
  private readonly wallStart: number;

  constructor(
    private readonly startMs: number,
    readonly mode: ClockMode = 'manual',
    private readonly wallNow: () => number = () => Date.now(),
  ) {
    this.wallStart = mode === 'wall' ? wallNow() : 0;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    const flowing = this.mode === 'wall' ? this.wallNow() - this.wallStart : 0;
    return this.startMs + this.offsetMs + flowing;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.offsetMs += ms;
  }
}

/** Midnight UTC of a YYYY-MM-DD date. */
export function utcMidnight(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`start date must be YYYY-MM-DD, got "${date}"`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: "${date}"`);
  return ms;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** ISO without milliseconds (`2023-03-29T07:58:53Z`), as some Tenable fields are sent. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

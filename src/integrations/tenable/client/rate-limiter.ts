/**
 * Client-side pacing: a token bucket (spec default 100 requests/min, burst 20) and a bound on
 * requests in flight. Time and sleeping are injected so tests never wait for real.
 */

export type Sleep = (ms: number) => Promise<void>;
export type Now = () => number;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export interface RateLimitOptions {
  /** Sustained rate (default 100). */
  requestsPerMinute: number;
  /** Bucket size: requests that may go out back to back (default 20). */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({ requestsPerMinute: 100, burst: 20 });

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: Now,
    private readonly sleep: Sleep,
  ) {
    if (!(options.requestsPerMinute > 0)) throw new RangeError('requestsPerMinute must be positive');
    if (!(options.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.tokens = options.burst;
    this.last = now();
    this.perMs = options.requestsPerMinute / 60_000;
  }

  private refill(): void {
    const now = this.now();
    if (now > this.last) {
      this.tokens = Math.min(this.options.burst, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
  }

  /** Wait for one token; callers are served in arrival order. */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        this.refill();
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await this.sleep(Math.ceil((1 - this.tokens) / this.perMs));
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** At most `max` holders at a time, FIFO. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError('maxConcurrentRequests must be a positive integer');
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

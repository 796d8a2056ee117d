/** What a job type plugs into the worker: a payload schema and a run function. */
import type { z } from 'zod';
import type { JobRow } from '../../db/schema.ts';
import type { JobPhase, JobType } from '../../shared/job-progress.ts';

export interface ProgressInput {
  phase?: JobPhase;
  percentage?: number;
  currentOperation?: string;
  assetsProcessed?: number;
  vulnerabilitiesProcessed?: number;
  /** Estimated work left, for the ETA (same unit as vulnerabilitiesProcessed). */
  vulnerabilitiesTotal?: number | null;
  importId?: number;
  /** A recoverable problem worth showing (a retried request): kept in recent errors and the log. */
  error?: string;
}

/** Why a running job's signal fired. */
export class JobInterruption extends Error {
  constructor(
    readonly kind: 'cancel' | 'shutdown',
    message: string,
  ) {
    super(message);
    this.name = 'JobInterruption';
  }
}

export interface JobContext<P> {
  readonly job: JobRow;
  readonly payload: P;
  /** Fires on cancel (reason: JobInterruption kind 'cancel') or shutdown (kind 'shutdown'). */
  readonly signal: AbortSignal;
  /** State saved by an earlier attempt of this job (e.g. a launched scan), if any. */
  readonly checkpoint: Record<string, unknown> | undefined;
  report(progress: ProgressInput): void;
  saveCheckpoint(state: Record<string, unknown>): Promise<void>;
}

export interface JobHandler<P = unknown> {
  readonly type: JobType;
  readonly payload: z.ZodType<P>;
  /** The Tenable scan the job is about, for lookups by scan (GET /api/tenable/scans/:id/status). */
  tenableScanId?(payload: P): string | undefined;
  /** Errors no retry can fix (bad credentials, an unknown scan): the job fails at once. */
  permanentFailure?(error: unknown): boolean;
  /** Returns the job's result (stored as JSON). Throw to fail (retried with backoff while attempts remain). */
  run(context: JobContext<P>): Promise<Record<string, unknown> | undefined>;
}

/** A handler of any payload, as stored in the registry. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds handlers of every payload type
export type AnyJobHandler = JobHandler<any>;

/** Throws the signal's JobInterruption if it fired. */
export function throwIfInterrupted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new JobInterruption('cancel', 'cancelled');
}

/** Resolves after ms, or rejects as soon as the signal fires. */
export function sleepUnlessInterrupted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

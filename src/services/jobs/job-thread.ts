/**
 * Runs a job handler in a worker thread of its own. A Tenable sync writes through better-sqlite3,
 * whose statements are synchronous: run on the server's thread, its rollover would hold the event
 * loop for as long as it takes (17 s for 100,000 findings), and HTTP, WebSocket progress and job
 * heartbeats would all stop meanwhile. The job service keeps the bookkeeping (claim, progress rows,
 * heartbeats, retries) on the server's thread; the thread only runs the handler, and talks to it
 * through the messages below.
 */
import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type { JobRow } from '../../db/schema.ts';
import { DomainError } from '../../domain/errors.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { ImportProgress } from '../../shared/import-progress.ts';
import { type AnyJobHandler, JobInterruption, type JobHandler, type ProgressInput } from './job-handler.ts';

/** What the thread starts from: the claimed job, and whatever its entry point needs to build the handler's services. */
export interface JobThreadData<Setup> {
  job: JobRow;
  payload: unknown;
  checkpoint: Record<string, unknown> | undefined;
  setup: Setup;
}

type FromThread =
  | { type: 'report'; progress: ProgressInput }
  | { type: 'checkpoint'; id: number; state: Record<string, unknown> }
  | { type: 'import-progress'; progress: ImportProgress }
  | { type: 'done'; result: Record<string, unknown> | undefined }
  | { type: 'failed'; message: string; permanent: boolean };

type ToThread = { type: 'interrupt'; kind: JobInterruption['kind']; message: string } | { type: 'checkpoint-saved'; id: number; error?: string };

/** A handler's failure, carried over from its thread (only the message and whether a retry could help survive the trip). */
export class JobThreadFailure extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'JobThreadFailure';
  }
}

export interface JobThreadOptions<Setup> {
  /** The thread's entry point: it calls serveJobInThread with the handlers it builds from `setup`. */
  entry: URL;
  /** Plain data only (it is copied into the thread): no functions, no connections. */
  setup: Setup;
  /** Progress of the import a sync runs in the thread, for the server's own subscribers. */
  onImportProgress(progress: ImportProgress): void;
  /** After an interruption, how long the handler may take to stop before its thread is terminated. */
  stopGraceMs?: number;
}

/** Once its job has ended, how long a thread may take to close its database connection and exit. */
const THREAD_CLOSE_GRACE_MS = 10_000;

/**
 * A job thread's young generation (V8's default is 48 MB). A sync streams gigabytes of downloaded
 * chunks through Buffers, whose memory outside the JS heap is only freed when the young generation is
 * collected: with the default, 1M findings peaked at 380 MB resident, with this 275 MB, in the same
 * time (bench:sync, 2026-12-04). Equivalent to node's --max-semi-space-size=8.
 */
export const JOB_THREAD_YOUNG_GENERATION_MB = 24;

/** The same job type, payload and failure rules as `handler`, but each run happens in a new worker thread. */
export function inJobThread<P, Setup>(handler: JobHandler<P>, options: JobThreadOptions<Setup>): JobHandler<P> {
  return {
    type: handler.type,
    payload: handler.payload,
    ...(handler.tenableScanId ? { tenableScanId: handler.tenableScanId.bind(handler) } : {}),
    permanentFailure: (error) => error instanceof JobThreadFailure && error.permanent,
    run(context) {
      const data: JobThreadData<Setup> = { job: context.job, payload: context.payload, checkpoint: context.checkpoint, setup: options.setup };
      return new Promise((resolve, reject) => {
        const worker = new Worker(options.entry, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: JOB_THREAD_YOUNG_GENERATION_MB } });
        const post = (message: ToThread) => worker.postMessage(message);
        let settled = false;
        let killTimer: NodeJS.Timeout | undefined;
        // A thread that does not end by itself in time (a handler ignoring its signal, a socket
        // keeping the thread alive after its job) is terminated rather than left running.
        const terminateAfter = (ms: number) => {
          clearTimeout(killTimer);
          killTimer = setTimeout(() => void worker.terminate(), ms);
          killTimer.unref();
        };
        const settle = (outcome: () => void) => {
          if (settled) return;
          settled = true;
          context.signal.removeEventListener('abort', onAbort);
          terminateAfter(THREAD_CLOSE_GRACE_MS);
          outcome();
        };
        const onAbort = () => {
          const reason = context.signal.reason as unknown;
          const interruption = reason instanceof JobInterruption ? reason : new JobInterruption('cancel', 'cancelled');
          post({ type: 'interrupt', kind: interruption.kind, message: interruption.message });
          terminateAfter(options.stopGraceMs ?? 30_000);
        };
        if (context.signal.aborted) onAbort();
        else context.signal.addEventListener('abort', onAbort, { once: true });
        worker.on('message', (message: FromThread) => {
          switch (message.type) {
            case 'report':
              context.report(message.progress);
              break;
            case 'import-progress':
              options.onImportProgress(message.progress);
              break;
            case 'checkpoint':
              context.saveCheckpoint(message.state).then(
                () => post({ type: 'checkpoint-saved', id: message.id }),
                (error: unknown) => post({ type: 'checkpoint-saved', id: message.id, error: error instanceof Error ? error.message : String(error) }),
              );
              break;
            case 'done':
              settle(() => resolve(message.result));
              break;
            case 'failed':
              settle(() => reject(new JobThreadFailure(message.message, message.permanent)));
              break;
          }
        });
        worker.on('error', (error) => settle(() => reject(error)));
        worker.on('exit', (code) => {
          clearTimeout(killTimer);
          settle(() => reject(new Error(`the job's thread stopped before the job ended (exit code ${code})`)));
        });
      });
    },
  };
}

/** Sends the thread's import progress to the server's thread; returns the unsubscribe. */
export function relayImportProgress(port: MessagePort, events: EventBus): () => void {
  return events.subscribe('import.progress', (progress) => port.postMessage({ type: 'import-progress', progress } satisfies FromThread));
}

/**
 * The thread's side: runs the job with the handler of its type, relaying progress and checkpoints
 * to the server's thread, and the server's cancel or shutdown to the handler's signal.
 */
export async function serveJobInThread(port: MessagePort, data: JobThreadData<unknown>, handlers: readonly AnyJobHandler[]): Promise<void> {
  const post = (message: FromThread) => port.postMessage(message);
  const controller = new AbortController();
  const pendingCheckpoints = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextCheckpoint = 0;
  const onMessage = (message: ToThread) => {
    if (message.type === 'interrupt') {
      controller.abort(new JobInterruption(message.kind, message.message));
    } else {
      const pending = pendingCheckpoints.get(message.id);
      pendingCheckpoints.delete(message.id);
      if (message.error === undefined) pending?.resolve();
      else pending?.reject(new Error(message.error));
    }
  };
  port.on('message', onMessage);
  const handler = handlers.find((candidate) => candidate.type === data.job.job_type);
  try {
    if (!handler) throw new Error(`no handler for job type ${data.job.job_type} in the job thread`);
    const result = await handler.run({
      job: data.job,
      payload: data.payload,
      signal: controller.signal,
      checkpoint: data.checkpoint,
      report: (progress) => post({ type: 'report', progress }),
      saveCheckpoint: (state) =>
        new Promise<void>((resolve, reject) => {
          const id = nextCheckpoint++;
          pendingCheckpoints.set(id, { resolve, reject });
          post({ type: 'checkpoint', id, state });
        }),
    });
    post({ type: 'done', result });
  } catch (error) {
    const permanent = error instanceof DomainError || handler?.permanentFailure?.(error) === true;
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error), permanent });
  } finally {
    // A listening port keeps the thread alive.
    port.off('message', onMessage);
  }
}

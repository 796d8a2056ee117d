/**
 * How job progress and cancel requests travel. On SQLite (one process) they stay in-process;
 * on PostgreSQL they go through NOTIFY/LISTEN so every server process's WebSocket clients see
 * every job, and a cancel reaches whichever process runs the job.
 */
import type { DatabaseHandle } from '../../db/database.ts';
import { listenPg, type PgListener } from '../../db/pg-listener.ts';
import { notify } from '../../db/repositories/jobs.repository.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { Logger } from '../../logging/logger.ts';
import type { JobProgressUpdate } from '../../shared/job-progress.ts';

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD = 7900;

export interface JobChannel {
  publishProgress(update: JobProgressUpdate): void;
  publishCancel(jobId: number): void;
  onCancel(listener: (jobId: number) => void): () => void;
  close(): Promise<void>;
}

export type Message = { k: 'p'; u: JobProgressUpdate } | { k: 'c'; id: number };

class Listeners {
  private readonly cancel = new Set<(jobId: number) => void>();
  add(listener: (jobId: number) => void): () => void {
    this.cancel.add(listener);
    return () => this.cancel.delete(listener);
  }
  fire(jobId: number): void {
    for (const listener of this.cancel) listener(jobId);
  }
}

export function localJobChannel(events: EventBus): JobChannel {
  const listeners = new Listeners();
  return {
    publishProgress: (update) => events.publish('job.progress', update),
    publishCancel: (jobId) => listeners.fire(jobId),
    onCancel: (listener) => listeners.add(listener),
    close: async () => undefined,
  };
}

/** Shrinks an update until its JSON fits a NOTIFY payload (long operations and error texts are cut). */
export function fitPayload(message: Message): string {
  let text = JSON.stringify(message);
  if (Buffer.byteLength(text) <= MAX_PAYLOAD || message.k !== 'p') return text;
  const u = message.u;
  const cut = (value: string, n: number) => (value.length > n ? `${value.slice(0, n)}…` : value);
  const smaller: JobProgressUpdate = {
    ...u,
    current_operation: cut(u.current_operation, 500),
    ...(u.error_summary ? { error_summary: { error_count: u.error_summary.error_count, recent_errors: u.error_summary.recent_errors.map((e) => cut(e, 300)) } } : {}),
  };
  text = JSON.stringify({ k: 'p', u: smaller });
  if (Buffer.byteLength(text) <= MAX_PAYLOAD) return text;
  const { error_summary: _dropped, ...bare } = smaller;
  return JSON.stringify({ k: 'p', u: { ...bare, current_operation: cut(u.current_operation, 200) } });
}

export async function pgJobChannel(database: DatabaseHandle, connectionString: string, schema: string, events: EventBus, logger: Logger): Promise<JobChannel> {
  const channel = `hextrackr_jobs_${schema}`.toLowerCase().slice(0, 63);
  const listeners = new Listeners();
  const listener: PgListener = await listenPg({
    connectionString,
    channel,
    onMessage(payload) {
      let message: Message;
      try {
        message = JSON.parse(payload) as Message;
      } catch {
        return;
      }
      if (message.k === 'p') events.publish('job.progress', message.u);
      else if (message.k === 'c') listeners.fire(message.id);
    },
    onError: (error) => logger.warn('jobs', 'job progress channel lost its connection; reconnecting', { error: error.message }),
  });
  const send = (message: Message) => {
    notify(database.db, channel, fitPayload(message)).catch((error: Error) => logger.warn('jobs', 'could not relay job progress', { error: error.message }));
  };
  return {
    publishProgress: (update) => send({ k: 'p', u: update }),
    publishCancel: (jobId) => send({ k: 'c', id: jobId }),
    onCancel: (fn) => listeners.add(fn),
    close: () => listener.close(),
  };
}

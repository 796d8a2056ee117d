/**
 * /ws pushes progress to browsers.
 *
 * Imports: a client receives every import's `import.progress` unless it sends
 * {"action":"subscribe","importId":N}; {"action":"unsubscribe","importId":N} undoes it.
 *
 * Jobs (the spec's subscribeToJob / unsubscribeFromJob): {"type":"subscribe","jobId":N},
 * {"type":"unsubscribe","jobId":N}, or {"type":"subscribe","all":true} for every job and file
 * import; the server then sends {"type":"job.progress","data":JobProgressUpdate}. File imports
 * also arrive as job.progress (job_id null, import_id set) to "all" subscribers and to those
 * subscribed to that import. Updates come from every server process (PostgreSQL NOTIFY).
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Application } from '../../composition.ts';

const ImportMessage = z.object({ action: z.enum(['subscribe', 'unsubscribe']), importId: z.number().int() });
const JobMessage = z.union([
  z.object({ type: z.enum(['subscribe', 'unsubscribe']), jobId: z.number().int().positive() }),
  z.object({ type: z.enum(['subscribe', 'unsubscribe']), all: z.literal(true) }),
]);
const HELP = 'send {"type":"subscribe"|"unsubscribe","jobId":<number>} or {"type":"subscribe","all":true} for jobs, {"action":"subscribe"|"unsubscribe","importId":<number>} for imports';

export async function progressSocket(app: FastifyInstance, hex: Application): Promise<void> {
  app.get('/ws', { websocket: true, config: { access: 'viewer' } }, (socket: WebSocket) => {
    const imports = new Set<number>();
    const jobs = new Set<number>();
    let allJobs = false;
    const send = (message: unknown) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };
    const stopImports = hex.events.subscribe('import.progress', (progress) => {
      if (imports.size > 0 && !imports.has(progress.importId)) return;
      send({ type: 'import.progress', data: progress });
    });
    const stopJobs = hex.events.subscribe('job.progress', (update) => {
      const wanted = allJobs || (update.job_id !== null ? jobs.has(update.job_id) : update.import_id !== null && imports.has(update.import_id));
      if (wanted) send({ type: 'job.progress', data: update });
    });
    socket.on('message', (raw) => {
      let message: unknown;
      try {
        message = JSON.parse(String(raw));
      } catch {
        message = undefined;
      }
      const asJob = JobMessage.safeParse(message);
      if (asJob.success) {
        const m = asJob.data;
        const subscribe = m.type === 'subscribe';
        if ('all' in m) allJobs = subscribe;
        else if (subscribe) jobs.add(m.jobId);
        else jobs.delete(m.jobId);
        send({ type: 'subscribed', jobIds: [...jobs], allJobs, importIds: [...imports] });
        return;
      }
      const asImport = ImportMessage.safeParse(message);
      if (asImport.success) {
        if (asImport.data.action === 'subscribe') imports.add(asImport.data.importId);
        else imports.delete(asImport.data.importId);
        send({ type: 'subscribed', importIds: [...imports], jobIds: [...jobs], allJobs });
        return;
      }
      send({ type: 'error', error: { code: 'validation_error', message: HELP } });
    });
    socket.on('close', () => {
      stopImports();
      stopJobs();
    });
  });
}

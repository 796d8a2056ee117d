/** Tenable work as background jobs: a vulnerability sync, and launching / following / cancelling a scan. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { ScanJobPayload } from '../../services/jobs/handlers/tenable-scan.handler.ts';
import { VulnerabilitySyncPayload } from '../../services/jobs/handlers/tenable-vulnerability-sync.handler.ts';
import { WindowSchema } from '../../services/jobs/job.service.ts';
import { NotificationSettings } from '../../services/jobs/notifier.ts';
import { actorOf } from '../access.ts';
import { HttpError } from '../errors.ts';

const ScanParam = z.object({ id: z.string().regex(/^[0-9a-zA-Z-]{1,64}$/, 'must be a scan id or schedule uuid') });
const JobOptions = z.object({
  priority: z.number().int().min(1).max(4).optional(),
  window: WindowSchema.optional(),
  notification: NotificationSettings.optional(),
});

export async function tenableJobsRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['tenable'];

  app.post(
    '/api/tenable/sync',
    { config: { access: 'analyst' }, schema: { tags, summary: 'Enqueue a Tenable VM vulnerability sync', body: VulnerabilitySyncPayload.extend(JobOptions.shape).nullish().describe('may be empty: an incremental sync') } },
    async (request, reply) => {
      const { priority, window, notification, ...payload } = request.body ?? {};
      const job = await hex.jobs.enqueue({ jobType: 'tenable_vulnerability_sync', payload, priority, window, notification, createdBy: actorOf(request) });
      return reply.status(202).send({ job_id: job.id, job });
    },
  );

  app.post(
    '/api/tenable/scans/start',
    { config: { access: 'analyst' }, schema: { tags, summary: 'Launch a Tenable scan and sync its results, as a job', body: ScanJobPayload.extend(JobOptions.shape) } },
    async (request, reply) => {
      const { priority, window, notification, ...payload } = request.body;
      const job = await hex.jobs.enqueue({ jobType: 'tenable_scan', payload, priority, window, notification, createdBy: actorOf(request) });
      return reply.status(202).send({ job_id: job.id, job });
    },
  );

  app.get('/api/tenable/scans/:id/status', { config: { access: 'viewer' }, schema: { tags, summary: 'Live status on Tenable and our latest job for the scan', params: ScanParam } }, async (request) => {
    const job = await hex.jobs.latestForScan(request.params.id);
    let tenable: { status: string } | { error: string };
    try {
      tenable = { status: await (await hex.tenableClient()).scanStatus(request.params.id) };
    } catch (error) {
      tenable = { error: error instanceof Error ? error.message : String(error) };
    }
    return { scan_id: request.params.id, tenable, job: job ?? null };
  });

  app.post('/api/tenable/scans/:id/cancel', { config: { access: 'analyst' }, schema: { tags, summary: 'Cancel the scan job and stop the scan on Tenable', params: ScanParam } }, async (request, reply) => {
    const job = await hex.jobs.latestForScan(request.params.id);
    if (job && ['queued', 'waiting', 'retrying', 'running'].includes(job.status)) {
      // The job's handler stops the scan on Tenable as it ends.
      return reply.status(202).send({ job: await hex.jobs.cancel(job.id, actorOf(request)), tenable: 'stop requested by the job' });
    }
    try {
      await (await hex.tenableClient()).stopScan(request.params.id);
    } catch (error) {
      throw new HttpError(409, 'conflict', `scan ${request.params.id} has no active job and Tenable refused to stop it: ${(error as Error).message}`);
    }
    return reply.status(202).send({ job: job ?? null, tenable: 'stop requested' });
  });
}

/** Background jobs: list, inspect (with progress log), enqueue, cancel, retry; cron schedules. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { NotificationSettings } from '../../services/jobs/notifier.ts';
import { WindowSchema } from '../../services/jobs/job.service.ts';
import { JOB_STATUSES } from '../../shared/job-progress.ts';
import { actorOf } from '../access.ts';

const IdParam = z.object({ id: z.coerce.number().int().min(1) });
const Priority = z.union([z.number().int().min(1).max(4), z.enum(['low', 'normal', 'high', 'critical'])]).describe('1 low … 4 critical');
const PRIORITY_NUMBER = { low: 1, normal: 2, high: 3, critical: 4 } as const;
const priorityOf = (value: z.infer<typeof Priority> | undefined) => (typeof value === 'string' ? PRIORITY_NUMBER[value] : value);

const JobsQuery = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  type: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const NewJobBody = z.object({
  job_type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).default({}),
  priority: Priority.optional(),
  window: WindowSchema.optional(),
  notification: NotificationSettings.optional(),
  max_attempts: z.number().int().min(1).max(20).optional(),
});

const ScheduleBody = z.object({
  name: z.string().min(1).max(200),
  job_type: z.string().min(1),
  cron: z.string().min(1).describe('cron expression, UTC (5 fields, or 6 with seconds)'),
  payload: z.record(z.string(), z.unknown()).default({}),
  priority: Priority.optional(),
  window: WindowSchema.nullable().optional(),
  enabled: z.boolean().optional(),
});

export async function jobsRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['jobs'];

  app.get('/api/jobs', { config: { access: 'viewer' }, schema: { tags, summary: 'List jobs, newest first', querystring: JobsQuery } }, async (request) => {
    const { status, type, limit, offset } = request.query;
    const { jobs, total } = await hex.jobs.list({ status, jobType: type, limit, offset });
    return { jobs, total, limit, offset };
  });

  app.post('/api/jobs', { config: { access: 'analyst' }, schema: { tags, summary: 'Enqueue a job', body: NewJobBody } }, async (request, reply) => {
    const body = request.body;
    const job = await hex.jobs.enqueue({
      jobType: body.job_type,
      payload: body.payload,
      priority: priorityOf(body.priority),
      window: body.window,
      notification: body.notification,
      maxAttempts: body.max_attempts,
      createdBy: actorOf(request),
    });
    return reply.status(202).send({ job_id: job.id, job });
  });

  app.get('/api/jobs/schedules', { config: { access: 'viewer' }, schema: { tags, summary: 'List cron schedules' } }, async () => ({ schedules: await hex.jobs.listSchedules() }));

  app.post('/api/jobs/schedules', { config: { access: 'analyst' }, schema: { tags, summary: 'Create a cron schedule', body: ScheduleBody } }, async (request, reply) => {
    const body = request.body;
    const schedule = await hex.jobs.createSchedule(
      { name: body.name, jobType: body.job_type, cron: body.cron, payload: body.payload, priority: priorityOf(body.priority), window: body.window, enabled: body.enabled },
      actorOf(request),
    );
    return reply.status(201).send(schedule);
  });

  app.patch('/api/jobs/schedules/:id', { config: { access: 'analyst' }, schema: { tags, summary: 'Change a cron schedule', params: IdParam, body: ScheduleBody.partial() } }, async (request) => {
    const body = request.body;
    return hex.jobs.updateSchedule(request.params.id, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.job_type !== undefined ? { jobType: body.job_type } : {}),
      ...(body.cron !== undefined ? { cron: body.cron } : {}),
      ...(body.payload !== undefined ? { payload: body.payload } : {}),
      ...(body.priority !== undefined ? { priority: priorityOf(body.priority) } : {}),
      ...(body.window !== undefined ? { window: body.window } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    });
  });

  app.delete('/api/jobs/schedules/:id', { config: { access: 'analyst' }, schema: { tags, summary: 'Delete a cron schedule', params: IdParam } }, async (request, reply) => {
    await hex.jobs.deleteSchedule(request.params.id);
    return reply.status(204).send();
  });

  app.get('/api/jobs/:id', { config: { access: 'viewer' }, schema: { tags, summary: 'One job with its recent progress log', params: IdParam } }, async (request) => hex.jobs.get(request.params.id));

  app.post('/api/jobs/:id/cancel', { config: { access: 'analyst' }, schema: { tags, summary: 'Cancel a job (a running one stops promptly)', params: IdParam } }, async (request, reply) => {
    const job = await hex.jobs.cancel(request.params.id, actorOf(request));
    return reply.status(202).send({ job });
  });

  app.post('/api/jobs/:id/retry', { config: { access: 'analyst' }, schema: { tags, summary: 'Queue a failed or cancelled job again', params: IdParam } }, async (request, reply) => {
    const job = await hex.jobs.retry(request.params.id, actorOf(request));
    return reply.status(202).send({ job_id: job.id, job });
  });
}

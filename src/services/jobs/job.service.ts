/**
 * Background jobs: enqueue, list, cancel, retry, cron schedules, and (in the server) a worker
 * that claims due jobs, runs their handler with progress, heartbeats, retries with exponential
 * backoff, honours scan windows, and hands back jobs whose process died. See dispatch.ts for how
 * SQLite and PostgreSQL share out the work.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import { z } from 'zod';
import type { DatabaseHandle } from '../../db/database.ts';
import {
  appendProgressLog,
  changeJobExplained,
  cancelPendingJob,
  claimJob,
  claimNextDueJob,
  claimScheduleRun,
  countQueued,
  deferJob,
  deleteSchedule,
  dueSchedules,
  failAbandonedJob,
  findJob,
  findSchedule,
  findScheduleByName,
  insertJob,
  insertSchedule,
  latestJobForScan,
  listJobs,
  listRunningJobs,
  listSchedules,
  promoteDueJobs,
  recentProgressLog,
  releaseJob,
  requestCancel,
  requeueAbandonedJob,
  requeueFinishedJob,
  saveCheckpoint,
  touchStaleQueued,
  updateSchedule,
  writeJobProgress,
} from '../../db/repositories/jobs.repository.ts';
import type { JobProgressLogRow, JobRow, JobScheduleRow, JobStatus } from '../../db/schema.ts';
import { DomainError } from '../../domain/errors.ts';
import { isWithinWindow, nextWindowStart, type ScanWindow } from '../../domain/scan-window.ts';
import type { Logger } from '../../logging/logger.ts';
import type { JobPhase, JobProgressUpdate, JobType } from '../../shared/job-progress.ts';
import type { JobChannel } from './channel.ts';
import type { Dispatcher } from './dispatch.ts';
import { type AnyJobHandler, JobInterruption } from './job-handler.ts';
import type { JobNotifier, NotificationSettings } from './notifier.ts';
import { JobProgress, type ProgressLogEntry } from './progress.ts';

export interface JobServiceSettings {
  concurrency: number;
  /** Heartbeat and cancel check of a running job. */
  heartbeatMs: number;
  /** A running job whose heartbeat is older than this is taken over (its process is presumed dead). */
  staleMs: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** How often due waiting/retrying jobs, stale jobs and schedules are looked at. */
  sweepMs: number;
  /** Progress row writes and published updates, at most this often (phase changes and errors go at once). */
  progressIntervalMs: number;
  now: () => number;
}

export const DEFAULT_JOB_SETTINGS: JobServiceSettings = {
  concurrency: 1,
  heartbeatMs: 5000,
  staleMs: 60_000,
  retryBaseMs: 30_000,
  sweepMs: 1000,
  progressIntervalMs: 500,
  now: Date.now,
};

export interface EnqueueRequest {
  jobType: string;
  payload?: unknown;
  priority?: number | undefined;
  window?: ScanWindow | undefined;
  notification?: NotificationSettings | undefined;
  maxAttempts?: number | undefined;
  createdBy: string;
  scheduleId?: number | undefined;
}

export interface JobView {
  id: number;
  job_type: string;
  status: JobStatus;
  priority: number;
  payload: unknown;
  tenable_scan_id: string | null;
  import_id: number | null;
  progress_percentage: number;
  current_phase: string;
  current_operation: string;
  assets_processed: number;
  vulnerabilities_processed: number;
  attempts: number;
  max_attempts: number;
  run_after: string;
  window: ScanWindow | null;
  cancel_requested: boolean;
  worker: string | null;
  heartbeat_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  result: unknown;
  notification: unknown;
  schedule_id: number | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ScheduleView {
  id: number;
  name: string;
  job_type: string;
  cron: string;
  payload: unknown;
  priority: number;
  window: ScanWindow | null;
  enabled: boolean;
  last_run_at: string | null;
  next_run_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ScheduleInput {
  name: string;
  jobType: string;
  cron: string;
  payload?: unknown;
  priority?: number | undefined;
  window?: ScanWindow | null | undefined;
  enabled?: boolean | undefined;
}

const json = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    job_type: row.job_type,
    status: row.status,
    priority: row.priority,
    payload: json(row.payload),
    tenable_scan_id: row.tenable_scan_id,
    import_id: row.import_id,
    progress_percentage: row.progress_percentage,
    current_phase: row.current_phase,
    current_operation: row.current_operation,
    assets_processed: row.assets_processed,
    vulnerabilities_processed: row.vulnerabilities_processed,
    attempts: row.attempts,
    max_attempts: row.max_attempts,
    run_after: row.run_after,
    window: row.window_start && row.window_end ? { start: row.window_start, end: row.window_end } : null,
    cancel_requested: row.cancel_requested === 1,
    worker: row.locked_by,
    heartbeat_at: row.heartbeat_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
    error: row.error,
    result: json(row.result),
    notification: json(row.notification),
    schedule_id: row.schedule_id,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function toScheduleView(row: JobScheduleRow): ScheduleView {
  return {
    id: row.id,
    name: row.name,
    job_type: row.job_type,
    cron: row.cron,
    payload: json(row.payload),
    priority: row.priority,
    window: row.window_start && row.window_end ? { start: row.window_start, end: row.window_end } : null,
    enabled: row.enabled === 1,
    last_run_at: row.last_run_at,
    next_run_at: row.next_run_at,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The next time a cron expression fires after `fromMs` (UTC); a bad expression is a validation error naming `field`. */
export function nextCronRun(expression: string, fromMs: number, field = 'cron'): string | null {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone: 'UTC', paused: true });
  } catch (error) {
    throw new DomainError('validation_error', `${field} "${expression}" is not a valid cron expression: ${(error as Error).message}`, { field });
  }
  const next = cron.nextRun(new Date(fromMs));
  cron.stop();
  return next ? next.toISOString() : null;
}

interface RunningJob {
  controller: AbortController;
  done: Promise<void>;
}

export class JobService {
  readonly settings: JobServiceSettings;
  private readonly handlers = new Map<string, AnyJobHandler>();
  private readonly running = new Map<number, RunningJob>();
  private readonly lockedBy = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private workerStarted = false;
  private stopping = false;
  private queueSize = 0;
  private readonly pendingNotifications = new Set<Promise<void>>();
  private readonly unsubscribeCancel: () => void;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly channel: JobChannel,
    private readonly dispatcher: Dispatcher,
    private readonly notifier: JobNotifier,
    private readonly logger: Logger,
    settings: Partial<JobServiceSettings> = {},
  ) {
    this.settings = { ...DEFAULT_JOB_SETTINGS, ...settings };
    this.unsubscribeCancel = channel.onCancel((jobId) => this.interrupt(jobId, new JobInterruption('cancel', 'cancelled by request')));
  }

  /** This worker's identity in `jobs.locked_by`: host:pid:instance. */
  get workerId(): string {
    return this.lockedBy;
  }

  register(handler: AnyJobHandler): void {
    this.handlers.set(handler.type, handler);
  }

  jobTypes(): string[] {
    return [...this.handlers.keys()];
  }

  private now(): number {
    return this.settings.now();
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  private handlerFor(jobType: string, field = 'job_type'): AnyJobHandler {
    const handler = this.handlers.get(jobType);
    if (!handler) throw new DomainError('validation_error', `${field} "${jobType}" is not a job type; use one of: ${this.jobTypes().join(', ')}`, { field });
    return handler;
  }

  private parsePayload(handler: AnyJobHandler, payload: unknown, field = 'payload'): unknown {
    const parsed = handler.payload.safeParse(payload ?? {});
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ field: [field, ...issue.path.map(String)].join('.'), message: issue.message }));
      throw new DomainError('validation_error', `${field} is not valid for ${handler.type}: ${details.map((d) => `${d.field}: ${d.message}`).join('; ')}`, { field, issues: details });
    }
    return parsed.data;
  }

  // ----------------------------------------------------------------------------------------------
  // API
  // ----------------------------------------------------------------------------------------------

  async enqueue(request: EnqueueRequest): Promise<JobView> {
    const handler = this.handlerFor(request.jobType);
    const payload = this.parsePayload(handler, request.payload);
    const priority = request.priority ?? 2;
    if (!Number.isInteger(priority) || priority < 1 || priority > 4) throw new DomainError('validation_error', 'priority must be 1 (low) to 4 (critical)', { field: 'priority' });
    const now = this.now();
    const opensAt = request.window ? nextWindowStart(now, request.window) : now;
    const waiting = opensAt > now;
    const row = await insertJob(this.database.bookkeeping, {
      job_type: handler.type,
      status: waiting ? 'waiting' : 'queued',
      priority,
      payload: JSON.stringify(payload),
      tenable_scan_id: handler.tenableScanId?.(payload) ?? null,
      import_id: null,
      max_attempts: request.maxAttempts ?? 3,
      run_after: this.iso(opensAt),
      window_start: request.window?.start ?? null,
      window_end: request.window?.end ?? null,
      locked_by: null,
      heartbeat_at: null,
      started_at: null,
      finished_at: null,
      error: null,
      checkpoint: null,
      result: null,
      notification: request.notification ? JSON.stringify(request.notification) : null,
      schedule_id: request.scheduleId ?? null,
      current_operation: waiting ? `Waiting for its scan window (opens ${this.iso(opensAt)})` : 'Queued',
      created_by: request.createdBy,
      created_at: this.iso(now),
      updated_at: this.iso(now),
    });
    await this.log(row.id, 'Initializing', 0, waiting ? `queued by ${request.createdBy}; waits for its window ${request.window!.start}-${request.window!.end} UTC` : `queued by ${request.createdBy}`, 'info');
    this.publishRow(row);
    if (!waiting) await this.dispatcher.dispatch([row.id]);
    return toJobView(row);
  }

  async list(filter: { status?: JobStatus | undefined; jobType?: string | undefined; limit: number; offset: number }): Promise<{ jobs: JobView[]; total: number }> {
    const { rows, total } = await listJobs(this.database.bookkeeping, filter);
    return { jobs: rows.map(toJobView), total };
  }

  async get(id: number, logLimit = 50): Promise<JobView & { progress_log: Omit<JobProgressLogRow, 'job_id'>[] }> {
    const row = await findJob(this.database.bookkeeping, id);
    if (!row) throw new DomainError('not_found', `job ${id} does not exist`);
    const log = await recentProgressLog(this.database.bookkeeping, id, logLimit);
    return { ...toJobView(row), progress_log: log.map(({ job_id: _job, ...entry }) => entry) };
  }

  /** The most recent job of a Tenable scan (active ones first). */
  async latestForScan(tenableScanId: string): Promise<JobView | undefined> {
    const row = await latestJobForScan(this.database.bookkeeping, tenableScanId);
    return row ? toJobView(row) : undefined;
  }

  /**
   * A pending job is cancelled at once; a running one is signalled (wherever it runs) and ends
   * `cancelled` as soon as its handler stops. Returns the job as it is now.
   */
  async cancel(id: number, actor: string): Promise<JobView> {
    const now = this.iso();
    const pending = await this.changeExplained(
      id,
      (trx) => cancelPendingJob(trx, id, now, `Cancelled by ${actor} before it ran`),
      (row) => ({ phase: row.current_phase as JobPhase, percentage: row.progress_percentage, message: `cancelled by ${actor} before it ran`, level: 'warn' }),
    );
    if (pending) {
      this.publishRow(pending);
      this.track(this.notifier.notify(pending));
      return toJobView(pending);
    }
    const running = await requestCancel(this.database.bookkeeping, id, now);
    if (running) {
      await this.log(id, running.current_phase as JobPhase, running.progress_percentage, `cancel requested by ${actor}`, 'warn');
      this.channel.publishCancel(id);
      return toJobView(running);
    }
    const row = await findJob(this.database.bookkeeping, id);
    if (!row) throw new DomainError('not_found', `job ${id} does not exist`);
    throw new DomainError('conflict', `job ${id} is already ${row.status}`, { status: row.status });
  }

  async retry(id: number, actor: string): Promise<JobView> {
    const row = await this.changeExplained(id, (trx) => requeueFinishedJob(trx, id, this.iso()), () => ({ phase: 'Initializing', percentage: 0, message: `retried by ${actor}`, level: 'info' }));
    if (!row) {
      const existing = await findJob(this.database.bookkeeping, id);
      if (!existing) throw new DomainError('not_found', `job ${id} does not exist`);
      throw new DomainError('conflict', `job ${id} is ${existing.status}; only failed or cancelled jobs can be retried`, { status: existing.status });
    }
    this.publishRow(row);
    await this.dispatcher.dispatch([row.id]);
    return toJobView(row);
  }

  // ----------------------------------------------------------------------------------------------
  // Schedules
  // ----------------------------------------------------------------------------------------------

  private checkSchedule(input: Partial<ScheduleInput>): void {
    if (input.jobType !== undefined) {
      const handler = this.handlerFor(input.jobType);
      if (input.payload !== undefined) this.parsePayload(handler, input.payload);
    }
    if (input.cron !== undefined) nextCronRun(input.cron, this.now());
  }

  async listSchedules(): Promise<ScheduleView[]> {
    return (await listSchedules(this.database.bookkeeping)).map(toScheduleView);
  }

  async createSchedule(input: ScheduleInput, actor: string): Promise<ScheduleView> {
    this.checkSchedule(input);
    if (await findScheduleByName(this.database.bookkeeping, input.name)) throw new DomainError('conflict', `a schedule named "${input.name}" exists`, { field: 'name' });
    const now = this.iso();
    const enabled = input.enabled ?? true;
    const row = await insertSchedule(this.database.bookkeeping, {
      name: input.name,
      job_type: input.jobType,
      cron: input.cron,
      payload: JSON.stringify(input.payload ?? {}),
      priority: input.priority ?? 2,
      window_start: input.window?.start ?? null,
      window_end: input.window?.end ?? null,
      enabled: enabled ? 1 : 0,
      next_run_at: enabled ? nextCronRun(input.cron, this.now()) : null,
      created_by: actor,
      created_at: now,
      updated_at: now,
    });
    return toScheduleView(row);
  }

  async updateSchedule(id: number, change: Partial<ScheduleInput>): Promise<ScheduleView> {
    const existing = await findSchedule(this.database.bookkeeping, id);
    if (!existing) throw new DomainError('not_found', `schedule ${id} does not exist`);
    this.checkSchedule({ jobType: change.jobType ?? existing.job_type, cron: change.cron, ...(change.payload !== undefined ? { payload: change.payload } : {}) });
    const cron = change.cron ?? existing.cron;
    const enabled = change.enabled ?? existing.enabled === 1;
    const row = await updateSchedule(this.database.bookkeeping, id, {
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.jobType !== undefined ? { job_type: change.jobType } : {}),
      ...(change.cron !== undefined ? { cron } : {}),
      ...(change.payload !== undefined ? { payload: JSON.stringify(change.payload) } : {}),
      ...(change.priority !== undefined ? { priority: change.priority } : {}),
      ...(change.window !== undefined ? { window_start: change.window?.start ?? null, window_end: change.window?.end ?? null } : {}),
      enabled: enabled ? 1 : 0,
      next_run_at: enabled ? nextCronRun(cron, this.now()) : null,
      updated_at: this.iso(),
    });
    return toScheduleView(row!);
  }

  async deleteSchedule(id: number): Promise<void> {
    if (!(await deleteSchedule(this.database.bookkeeping, id))) throw new DomainError('not_found', `schedule ${id} does not exist`);
  }

  /** Enqueues one job per due schedule; the DB claim on next_run_at lets only one process fire each. */
  async fireDueSchedules(): Promise<number[]> {
    const nowMs = this.now();
    const now = this.iso(nowMs);
    const fired: number[] = [];
    for (const schedule of await dueSchedules(this.database.bookkeeping, now)) {
      let next: string | null;
      try {
        next = nextCronRun(schedule.cron, nowMs);
      } catch {
        next = null;
      }
      if (!(await claimScheduleRun(this.database.bookkeeping, schedule.id, schedule.next_run_at!, next, now))) continue;
      try {
        const job = await this.enqueue({
          jobType: schedule.job_type,
          payload: json(schedule.payload),
          priority: schedule.priority,
          window: schedule.window_start && schedule.window_end ? { start: schedule.window_start, end: schedule.window_end } : undefined,
          createdBy: `schedule:${schedule.name}`,
          scheduleId: schedule.id,
        });
        fired.push(job.id);
      } catch (error) {
        this.logger.warn('jobs', 'a schedule could not enqueue its job', { scheduleId: schedule.id, error: (error as Error).message });
      }
    }
    return fired;
  }

  // ----------------------------------------------------------------------------------------------
  // Worker
  // ----------------------------------------------------------------------------------------------

  /** Starts running jobs in this process (the server does; the CLI and tests of the API need not). */
  async startWorker(): Promise<void> {
    if (this.workerStarted) return;
    this.workerStarted = true;
    this.stopping = false;
    await this.sweep();
    await this.dispatcher.startWorkers(this.settings.concurrency, (jobId) => this.runOne(jobId));
    const tick = () => {
      this.sweepTimer = setTimeout(() => {
        this.sweeping = this.sweep().finally(() => {
          if (!this.stopping) tick();
        });
      }, this.settings.sweepMs);
    };
    tick();
  }

  /**
   * Stops the worker: no new jobs are taken, running ones are interrupted and handed back to
   * the queue (resumable by the next start or another process), notifications are flushed.
   */
  async stopWorker(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    await this.sweeping?.catch(() => undefined);
    // Interrupt first: a worker loop only ends when its job does.
    for (const id of this.running.keys()) this.interrupt(id, new JobInterruption('shutdown', 'the server is stopping'));
    await this.dispatcher.stopWorkers();
    await Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.all(this.pendingNotifications);
    this.workerStarted = false;
  }

  async close(): Promise<void> {
    await this.stopWorker();
    this.unsubscribeCancel();
    await this.dispatcher.close();
    await this.channel.close();
  }

  private interrupt(jobId: number, reason: JobInterruption): void {
    const running = this.running.get(jobId);
    if (running && !running.controller.signal.aborted) running.controller.abort(reason);
  }

  /** One pass: due waiting/retrying jobs become queued, dead workers' jobs are handed back, schedules fire. */
  async sweep(): Promise<void> {
    try {
      const nowMs = this.now();
      const now = this.iso(nowMs);
      const promoted = await promoteDueJobs(this.database.bookkeeping, now);
      const recovered = await this.recoverAbandoned(nowMs);
      const orphaned = this.database.dialect === 'postgres' ? await touchStaleQueued(this.database.bookkeeping, this.iso(nowMs - this.settings.staleMs), now) : [];
      const ready = [...promoted, ...recovered, ...orphaned];
      if (ready.length > 0) await this.dispatcher.dispatch(ready);
      await this.fireDueSchedules();
      this.queueSize = await countQueued(this.database.bookkeeping);
    } catch (error) {
      this.logger.warn('jobs', 'job sweep failed', { error: (error as Error).message });
    }
  }

  private async recoverAbandoned(nowMs: number): Promise<number[]> {
    const requeued: number[] = [];
    for (const job of await listRunningJobs(this.database.bookkeeping)) {
      const owner = job.locked_by;
      if (!owner || owner === this.lockedBy) continue;
      const [host, pidText] = owner.split(':');
      const pid = Number(pidText);
      const deadHere = host === os.hostname() && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
      const silent = !job.heartbeat_at || nowMs - Date.parse(job.heartbeat_at) > this.settings.staleMs;
      if (!deadHere && !silent) continue;
      const now = this.iso(nowMs);
      const why = deadHere ? `its process (${owner}) is gone` : `no heartbeat from ${owner} since ${job.heartbeat_at ?? 'its start'}`;
      if (job.attempts >= job.max_attempts) {
        const failed = await this.changeExplained(
          job.id,
          (trx) => failAbandonedJob(trx, job.id, owner, now, `interrupted: ${why}; no attempts left (${job.attempts}/${job.max_attempts})`),
          (row) => ({ phase: row.current_phase as JobPhase, percentage: row.progress_percentage, message: row.error ?? why, level: 'error' }),
        );
        if (failed) {
          this.publishRow(failed);
          this.track(this.notifier.notify(failed));
        }
      } else if (await this.changeExplained(job.id, (trx) => requeueAbandonedJob(trx, job.id, owner, now, `Resuming: ${why}`), () => ({ phase: 'Initializing', percentage: 0, message: `interrupted (${why}); queued to resume`, level: 'warn' }))) {
        requeued.push(job.id);
      }
    }
    return requeued;
  }

  /** Claims and runs one job (this id, or the most urgent due one); false when there was none. */
  private async runOne(jobId: number | undefined): Promise<boolean> {
    if (this.stopping) return false;
    const claim = { now: this.iso(), lockedBy: this.lockedBy };
    const job = jobId === undefined ? await claimNextDueJob(this.database.bookkeeping, claim) : await claimJob(this.database.bookkeeping, jobId, claim);
    if (!job) return false;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const controller = new AbortController();
    this.running.set(job.id, { controller, done });
    try {
      await this.execute(job, controller);
    } catch (error) {
      this.logger.error('jobs', 'job bookkeeping failed', { jobId: job.id, error: (error as Error).message });
    } finally {
      this.running.delete(job.id);
      finish();
    }
    return true;
  }

  private async execute(job: JobRow, controller: AbortController): Promise<void> {
    const window = job.window_start && job.window_end ? { start: job.window_start, end: job.window_end } : undefined;
    const nowMs = this.now();
    if (window && !isWithinWindow(nowMs, window)) {
      await deferJob(this.database.bookkeeping, job.id, this.lockedBy, this.iso(nextWindowStart(nowMs, window)), this.iso(nowMs));
      return;
    }
    const handler = this.handlers.get(job.job_type);
    const progress = new JobProgress(
      job.id,
      job.job_type as JobType,
      {
        publish: (update) => this.channel.publishProgress(update),
        write: async (snapshot) => {
          const state = await writeJobProgress(this.database.bookkeeping, job.id, this.lockedBy, this.iso(), {
            current_phase: snapshot.phase,
            current_operation: snapshot.currentOperation.slice(0, 1000),
            progress_percentage: snapshot.percentage,
            assets_processed: snapshot.assetsProcessed,
            vulnerabilities_processed: snapshot.vulnerabilitiesProcessed,
            import_id: snapshot.importId,
          });
          if (state.cancelRequested) controller.abort(new JobInterruption('cancel', 'cancelled by request'));
          else if (!state.held) controller.abort(new JobInterruption('shutdown', 'another worker took this job over'));
        },
        log: (entry) => this.log(job.id, entry.phase, entry.percentage, entry.message, entry.level),
        queueSize: () => this.queueSize,
        now: () => this.now(),
      },
      this.settings.progressIntervalMs,
      { importId: job.import_id },
    );
    const heartbeat = setInterval(() => progress.flush('running'), this.settings.heartbeatMs);
    let result: Record<string, unknown> | undefined;
    let failure: unknown;
    try {
      if (!handler) throw new Error(`no handler for job type ${job.job_type}`);
      if (job.cancel_requested === 1) {
        // Cancelled while its previous worker was dying: end it without starting anything.
        controller.abort(new JobInterruption('cancel', 'cancelled by request'));
        throw controller.signal.reason;
      }
      progress.report({ phase: 'Initializing', percentage: 0, currentOperation: job.attempts > 1 ? `Attempt ${job.attempts} of ${job.max_attempts}` : 'Starting' });
      const payload = handler.payload.parse(JSON.parse(job.payload));
      result = await handler.run({
        job,
        payload,
        signal: controller.signal,
        checkpoint: job.checkpoint ? (JSON.parse(job.checkpoint) as Record<string, unknown>) : undefined,
        report: (input) => progress.report(input),
        saveCheckpoint: (state) => saveCheckpoint(this.database.bookkeeping, job.id, this.lockedBy, JSON.stringify(state)),
      });
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(heartbeat);
      await progress.settled();
    }
    const snapshot = progress.snapshot();
    const endMs = this.now();
    const now = this.iso(endMs);
    const interruption = controller.signal.aborted && controller.signal.reason instanceof JobInterruption ? controller.signal.reason : undefined;
    let ended: JobRow | undefined;
    if (failure === undefined && !interruption) {
      const change = { status: 'completed' as const, result: result ? JSON.stringify(result) : null, error: null, finished_at: now, current_phase: 'Completed', current_operation: 'Completed', progress_percentage: 100, updated_at: now };
      ended = await progress.finish('completed', 'Completed', 'info', (line) => this.release(job.id, change, line));
    } else if (interruption?.kind === 'cancel') {
      const message = `Cancelled: ${interruption.message} during ${snapshot.phase.toLowerCase()}`;
      const change = { status: 'cancelled' as const, error: message, finished_at: now, current_operation: message, updated_at: now };
      ended = await progress.finish('cancelled', message, 'warn', (line) => this.release(job.id, change, line));
    } else if (interruption?.kind === 'shutdown') {
      const message = `Interrupted (${interruption.message}); will resume`;
      const change = { status: 'queued' as const, run_after: now, current_operation: message, attempts: Math.max(0, job.attempts - 1), updated_at: now };
      const back = await progress.finish('queued', message, 'warn', (line) => this.release(job.id, change, line));
      if (back) await this.dispatcher.dispatch([job.id]).catch(() => undefined);
      return;
    } else {
      const message = failure instanceof Error ? failure.message : String(failure);
      const permanent = failure instanceof DomainError || handler?.permanentFailure?.(failure) === true;
      if (!permanent && job.attempts < job.max_attempts) {
        const delay = this.settings.retryBaseMs * 2 ** (job.attempts - 1);
        const runAfter = this.iso(endMs + delay);
        const change = { status: 'retrying' as const, run_after: runAfter, error: message, current_operation: `Attempt ${job.attempts} failed; retrying at ${runAfter}`, updated_at: now };
        await progress.finish('retrying', `Attempt ${job.attempts} of ${job.max_attempts} failed: ${message}; retrying in ${Math.round(delay / 1000)} s`, 'error', (line) => this.release(job.id, change, line));
        return;
      }
      const change = { status: 'failed' as const, error: message, finished_at: now, current_operation: `Failed: ${message}`, updated_at: now };
      const closing = permanent ? `Failed (not retried: retrying cannot fix this): ${message}` : `Failed after ${job.attempts} attempt(s): ${message}`;
      ended = await progress.finish('failed', closing, 'error', (line) => this.release(job.id, change, line));
    }
    if (ended) this.track(this.notifier.notify(ended));
  }

  private track(task: Promise<void>): void {
    this.pendingNotifications.add(task);
    void task.finally(() => this.pendingNotifications.delete(task));
  }

  /** Ends or hands back a job this worker holds, with the log line that says why. */
  private release(jobId: number, change: Parameters<typeof releaseJob>[3], line: ProgressLogEntry): Promise<JobRow | undefined> {
    return this.changeExplained(jobId, (trx) => releaseJob(trx, jobId, this.lockedBy, change), () => line);
  }

  /** A status change and the log line that explains it, written together (see changeJobExplained). */
  private changeExplained<T>(jobId: number, change: (trx: DatabaseHandle['bookkeeping']) => Promise<T | undefined>, explain: (changed: T) => ProgressLogEntry): Promise<T | undefined> {
    return changeJobExplained(this.database.bookkeeping, jobId, change, (changed) => {
      const line = explain(changed);
      return { ...line, at: this.iso(), message: line.message.slice(0, 2000) };
    });
  }

  private async log(jobId: number, phase: JobPhase, percentage: number, message: string, level: 'info' | 'warn' | 'error'): Promise<void> {
    await appendProgressLog(this.database.bookkeeping, { job_id: jobId, at: this.iso(), phase, percentage, message: message.slice(0, 2000), level });
  }

  /** A status change of a job that is not running (queued, cancelled before start, …) for WebSocket clients. */
  private publishRow(row: JobRow): void {
    this.channel.publishProgress(rowUpdate(row, this.iso()));
  }

  /** Publishes progress that does not come from a job row (file imports relay through here). */
  publishProgress(update: JobProgressUpdate): void {
    this.channel.publishProgress(update);
  }
}

export function rowUpdate(row: JobRow, at: string): JobProgressUpdate {
  return {
    job_id: row.id,
    import_id: row.import_id,
    job_type: row.job_type as JobType,
    status: row.status,
    phase: row.current_phase as JobPhase,
    progress_percentage: row.progress_percentage,
    current_operation: row.current_operation,
    assets_processed: row.assets_processed,
    vulnerabilities_processed: row.vulnerabilities_processed,
    estimated_completion: null,
    eta_seconds: null,
    performance_metrics: { assets_per_second: 0, vulnerabilities_per_second: 0, memory_usage_mb: Math.round(process.memoryUsage.rss() / 1048576), database_queue_size: 0 },
    ...(row.error ? { error_summary: { error_count: 1, recent_errors: [row.error] } } : {}),
    at,
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const WindowSchema = z
  .object({ start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)'), end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)') })
  .describe('scan window, UTC; end before start spans midnight');

/**
 * Background jobs, their progress log and cron schedules. Every state change is one
 * conditional UPDATE, so two workers (threads or processes) can never both take a job or
 * both fire a schedule: whoever's UPDATE matched the expected state won.
 */
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema, JobProgressLogRow, JobRow, JobScheduleRow, JobStatus, NewJob } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

const PENDING: JobStatus[] = ['queued', 'waiting', 'retrying'];

export async function insertJob(db: Db, row: NewJob): Promise<JobRow> {
  return db.insertInto('jobs').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findJob(db: Db, id: number): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface JobFilter {
  status?: JobStatus | undefined;
  jobType?: string | undefined;
  tenableScanId?: string | undefined;
  limit: number;
  offset: number;
}

export async function listJobs(db: Db, filter: JobFilter): Promise<{ rows: JobRow[]; total: number }> {
  let query = db.selectFrom('jobs');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.jobType) query = query.where('job_type', '=', filter.jobType);
  if (filter.tenableScanId) query = query.where('tenable_scan_id', '=', filter.tenableScanId);
  const rows = await query.selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  const total = await query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

export async function recentProgressLog(db: Db, jobId: number, limit: number): Promise<JobProgressLogRow[]> {
  const rows = await db.selectFrom('job_progress_log').selectAll().where('job_id', '=', jobId).orderBy('id', 'desc').limit(limit).execute();
  return rows.reverse();
}

export async function appendProgressLog(db: Db, entry: Omit<JobProgressLogRow, 'id'>): Promise<void> {
  await db.insertInto('job_progress_log').values(entry).execute();
}

export interface Claim {
  now: string;
  lockedBy: string;
}

const claimed = (claim: Claim) => ({
  status: 'running' as const,
  locked_by: claim.lockedBy,
  heartbeat_at: claim.now,
  started_at: sql<string>`coalesce(started_at, ${claim.now})`,
  attempts: sql<number>`attempts + 1`,
  finished_at: null,
  updated_at: claim.now,
});

/** Takes the most urgent due queued job (one atomic UPDATE); undefined when none is due. */
export async function claimNextDueJob(db: Db, claim: Claim): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set(claimed(claim))
    .where('id', '=', (eb) =>
      eb
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('run_after', '<=', claim.now)
        .orderBy('priority', 'desc')
        .orderBy('id', 'asc')
        .limit(1),
    )
    .where('status', '=', 'queued')
    .returningAll()
    .executeTakeFirst();
}

/** Takes this job if it is still queued (a dispatcher delivered its id). */
export async function claimJob(db: Db, id: number, claim: Claim): Promise<JobRow | undefined> {
  return db.updateTable('jobs').set(claimed(claim)).where('id', '=', id).where('status', '=', 'queued').returningAll().executeTakeFirst();
}

export interface JobProgressColumns {
  current_phase?: string;
  current_operation?: string;
  import_id?: number | null;
  progress_percentage?: number;
  assets_processed?: number;
  vulnerabilities_processed?: number;
}

/** Writes progress and the heartbeat of a job this worker holds; returns whether a cancel was requested. */
export async function writeJobProgress(db: Db, id: number, lockedBy: string, now: string, progress: JobProgressColumns): Promise<{ held: boolean; cancelRequested: boolean }> {
  const row = await db
    .updateTable('jobs')
    .set({ ...progress, heartbeat_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', lockedBy)
    .returning('cancel_requested')
    .executeTakeFirst();
  return { held: row !== undefined, cancelRequested: row?.cancel_requested === 1 };
}

export async function saveCheckpoint(db: Db, id: number, lockedBy: string, checkpoint: string): Promise<void> {
  await db.updateTable('jobs').set({ checkpoint }).where('id', '=', id).where('locked_by', '=', lockedBy).execute();
}

/** A line of a job's progress log that explains a change of its status. */
export type ExplainingLogLine = Omit<JobProgressLogRow, 'id' | 'job_id'>;

/**
 * Changes a job's status and, when the change took effect, appends the log line that says why, in
 * one transaction: whoever reads the new status also finds its reason in the log.
 */
export async function changeJobExplained<T>(db: Db, jobId: number, change: (trx: Db) => Promise<T | undefined>, explain: (changed: T) => ExplainingLogLine): Promise<T | undefined> {
  return db.transaction().execute(async (trx) => {
    const changed = await change(trx);
    if (changed !== undefined) await trx.insertInto('job_progress_log').values({ ...explain(changed), job_id: jobId }).execute();
    return changed;
  });
}

/** Ends a held job (completed, failed, cancelled) or hands it back (queued / retrying / waiting). */
export async function releaseJob(
  db: Db,
  id: number,
  lockedBy: string,
  change: {
    status: JobStatus;
    updated_at: string;
    run_after?: string;
    error?: string | null;
    result?: string | null;
    finished_at?: string | null;
    current_phase?: string;
    current_operation?: string;
    progress_percentage?: number;
    attempts?: number;
  },
): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set({ ...change, locked_by: null })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', lockedBy)
    .returningAll()
    .executeTakeFirst();
}

/** Puts a claimed job back to wait for its window (its attempt is given back). */
export async function deferJob(db: Db, id: number, lockedBy: string, runAfter: string, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'waiting', run_after: runAfter, locked_by: null, attempts: sql<number>`attempts - 1`, current_operation: `Waiting for its scan window (opens ${runAfter})`, updated_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', lockedBy)
    .execute();
}

/** Cancels a job that is not running; returns it, or undefined if it was not pending. */
export async function cancelPendingJob(db: Db, id: number, now: string, message: string): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set({ status: 'cancelled', cancel_requested: 1, finished_at: now, updated_at: now, current_operation: message })
    .where('id', '=', id)
    .where('status', 'in', PENDING)
    .returningAll()
    .executeTakeFirst();
}

/** Flags a running job for cancellation (its worker sees it at the next heartbeat). */
export async function requestCancel(db: Db, id: number, now: string): Promise<JobRow | undefined> {
  return db.updateTable('jobs').set({ cancel_requested: 1, updated_at: now }).where('id', '=', id).where('status', '=', 'running').returningAll().executeTakeFirst();
}

/** A failed or cancelled job runs again from scratch (attempts reset). */
export async function requeueFinishedJob(db: Db, id: number, now: string): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set({
      status: 'queued',
      attempts: 0,
      cancel_requested: 0,
      run_after: now,
      error: null,
      finished_at: null,
      result: null,
      progress_percentage: 0,
      current_phase: 'Initializing',
      current_operation: 'Queued again',
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'cancelled'])
    .returningAll()
    .executeTakeFirst();
}

/** Waiting and retrying jobs whose time has come become queued; returns their ids. */
export async function promoteDueJobs(db: Db, now: string): Promise<number[]> {
  const rows = await db
    .updateTable('jobs')
    .set({ status: 'queued', updated_at: now })
    .where('status', 'in', ['waiting', 'retrying'])
    .where('run_after', '<=', now)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function listRunningJobs(db: Db): Promise<Pick<JobRow, 'id' | 'locked_by' | 'heartbeat_at' | 'attempts' | 'max_attempts'>[]> {
  return db.selectFrom('jobs').select(['id', 'locked_by', 'heartbeat_at', 'attempts', 'max_attempts']).where('status', '=', 'running').execute();
}

/** Hands a job whose worker is gone back to the queue, if that worker still holds it. */
export async function requeueAbandonedJob(db: Db, id: number, lockedBy: string, now: string, message: string): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set({ status: 'queued', locked_by: null, run_after: now, current_operation: message, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', lockedBy)
    .returningAll()
    .executeTakeFirst();
}

export async function failAbandonedJob(db: Db, id: number, lockedBy: string, now: string, error: string): Promise<JobRow | undefined> {
  return db
    .updateTable('jobs')
    .set({ status: 'failed', locked_by: null, error, finished_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', lockedBy)
    .returningAll()
    .executeTakeFirst();
}

/** Queued jobs nobody has taken for a while (a lost queue message): touched so one process re-announces them. */
export async function touchStaleQueued(db: Db, olderThan: string, now: string): Promise<number[]> {
  const rows = await db
    .updateTable('jobs')
    .set({ updated_at: now })
    .where('status', '=', 'queued')
    .where('run_after', '<=', now)
    .where('updated_at', '<', olderThan)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function queuedIds(db: Db, now: string): Promise<number[]> {
  const rows = await db.selectFrom('jobs').select('id').where('status', '=', 'queued').where('run_after', '<=', now).orderBy('priority', 'desc').orderBy('id').execute();
  return rows.map((r) => r.id);
}

export async function countQueued(db: Db): Promise<number> {
  const row = await db.selectFrom('jobs').select(sql<number>`count(*)`.as('n')).where('status', '=', 'queued').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The most recent job of a Tenable scan, active ones first. */
export async function latestJobForScan(db: Db, tenableScanId: string): Promise<JobRow | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('tenable_scan_id', '=', tenableScanId)
    .orderBy(sql`CASE WHEN status IN ('queued', 'waiting', 'retrying', 'running') THEN 0 ELSE 1 END`)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ------------------------------------------------------------------------------------------------
// Schedules
// ------------------------------------------------------------------------------------------------

export type NewSchedule = Omit<JobScheduleRow, 'id' | 'last_run_at'>;

export async function insertSchedule(db: Db, row: NewSchedule): Promise<JobScheduleRow> {
  return db.insertInto('job_schedules').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSchedule(db: Db, id: number, change: Partial<NewSchedule>): Promise<JobScheduleRow | undefined> {
  return db.updateTable('job_schedules').set(change).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteSchedule(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('job_schedules').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findSchedule(db: Db, id: number): Promise<JobScheduleRow | undefined> {
  return db.selectFrom('job_schedules').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findScheduleByName(db: Db, name: string): Promise<JobScheduleRow | undefined> {
  return db.selectFrom('job_schedules').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function listSchedules(db: Db): Promise<JobScheduleRow[]> {
  return db.selectFrom('job_schedules').selectAll().orderBy('id').execute();
}

export async function dueSchedules(db: Db, now: string): Promise<JobScheduleRow[]> {
  return db.selectFrom('job_schedules').selectAll().where('enabled', '=', 1).where('next_run_at', '<=', now).orderBy('id').execute();
}

/** Moves a schedule from its due time to the next one; true for the one caller that did it. */
export async function claimScheduleRun(db: Db, id: number, dueAt: string, nextRunAt: string | null, now: string): Promise<boolean> {
  const row = await db
    .updateTable('job_schedules')
    .set({ next_run_at: nextRunAt, last_run_at: now, updated_at: now })
    .where('id', '=', id)
    .where('next_run_at', '=', dueAt)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** PostgreSQL: the schema the connection works in (the queue library gets a sibling schema). */
export async function currentSchema(db: Db): Promise<string> {
  const result = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  return result.rows[0]!.schema;
}

/** PostgreSQL: NOTIFY on a channel (payload under 8000 bytes). */
export async function notify(db: Db, channel: string, payload: string): Promise<void> {
  await sql`SELECT pg_notify(${channel}, ${payload})`.execute(db);
}

/** Rows read by the last completed import from a source (an estimate of the next sync's size). */
export async function previousImportSize(db: Db, source: string): Promise<number | undefined> {
  const row = await db.selectFrom('imports').select('rows_read').where('source', '=', source).where('status', '=', 'completed').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.rows_read;
}

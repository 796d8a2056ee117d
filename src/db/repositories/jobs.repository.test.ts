import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/helpers/test-db.ts';
import { cancelPendingJob, changeJobExplained, insertJob, recentProgressLog } from './jobs.repository.ts';

const NOW = '2026-03-01T08:00:00.000Z';

describe.each(DIALECTS)('job status changes on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.destroy();
  });

  it('writes a status change and the line that explains it together, or neither', async () => {
    tdb = await createTestDatabase(dialect);
    const db = tdb.handle.db;
    const job = await insertJob(db, {
      job_type: 'tenable_vulnerability_sync', status: 'queued', priority: 2, payload: '{}', tenable_scan_id: null, import_id: null,
      max_attempts: 3, run_after: NOW, window_start: null, window_end: null, locked_by: null, heartbeat_at: null, started_at: null,
      finished_at: null, error: null, checkpoint: null, result: null, notification: null, schedule_id: null, current_operation: 'Queued',
      created_by: 'test', created_at: NOW, updated_at: NOW,
    });
    const cancel = (trx: typeof db) => cancelPendingJob(trx, job.id, NOW, 'Cancelled by test before it ran');
    const line = { at: NOW, phase: 'Initializing', percentage: 0, message: 'cancelled by test before it ran', level: 'warn' as const };
    const status = async () => (await db.selectFrom('jobs').select('status').where('id', '=', job.id).executeTakeFirstOrThrow()).status;

    // The log line breaks a CHECK constraint: the status change is undone with it.
    await expect(changeJobExplained(db, job.id, cancel, () => ({ ...line, percentage: 101 }))).rejects.toThrow(/check/i);
    expect(await status()).toBe('queued');
    expect(await recentProgressLog(db, job.id, 10)).toEqual([]);

    const cancelled = await changeJobExplained(db, job.id, cancel, (row) => ({ ...line, percentage: row.progress_percentage }));
    expect(cancelled?.status).toBe('cancelled');
    expect(await status()).toBe('cancelled');
    expect((await recentProgressLog(db, job.id, 10)).map((l) => l.message)).toEqual([line.message]);

    // A change that does not apply (the job is no longer pending) logs nothing.
    expect(await changeJobExplained(db, job.id, cancel, () => line)).toBeUndefined();
    expect(await recentProgressLog(db, job.id, 10)).toHaveLength(1);
  });
});

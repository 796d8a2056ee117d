/** Import records: one row per import with its status, counts and rejected rows. */
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema, ImportRow, NewImport } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export interface Rejection {
  line: number;
  field?: string | undefined;
  reason: string;
}

export async function insertImport(db: Db, row: NewImport): Promise<number> {
  const inserted = await db.insertInto('imports').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function updateImportProgress(
  db: Db,
  id: number,
  progress: { phase: string; rowsRead: number; rejected: number; heartbeatAt: string; format?: string | undefined },
): Promise<void> {
  await db
    .updateTable('imports')
    .set({
      phase: progress.phase,
      rows_read: progress.rowsRead,
      rejected_count: progress.rejected,
      heartbeat_at: progress.heartbeatAt,
      ...(progress.format ? { format: progress.format } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export async function markImportFailed(db: Db, id: number, error: string, finishedAt: string): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status: 'failed', phase: 'failed', error, finished_at: finishedAt })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** Appends rejected rows; `firstSeq` is how many were stored before for this import. */
export async function insertRejections(db: Db, importId: number, firstSeq: number, rejections: readonly Rejection[]): Promise<void> {
  const chunk = 500;
  for (let start = 0; start < rejections.length; start += chunk) {
    const values = rejections.slice(start, start + chunk).map((r, i) => ({
      import_id: importId,
      seq: firstSeq + start + i,
      line: r.line,
      field: r.field ?? null,
      reason: r.reason,
    }));
    await db.insertInto('import_rejections').values(values).execute();
  }
}

export async function findImport(db: Db, id: number): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listImports(db: Db, options: { limit: number; offset: number }): Promise<{ items: ImportRow[]; total: number }> {
  const items = await db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute();
  const total = await db.selectFrom('imports').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return { items, total: Number(total.n) };
}

export async function listRejections(db: Db, importId: number, options: { limit: number; offset: number }): Promise<Rejection[]> {
  const rows = await db
    .selectFrom('import_rejections')
    .select(['line', 'field', 'reason'])
    .where('import_id', '=', importId)
    .orderBy('seq')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return rows.map((r) => ({ line: Number(r.line), field: r.field ?? undefined, reason: r.reason }));
}

/** Imports still marked running, with who runs them. */
export async function listRunningImports(db: Db): Promise<Pick<ImportRow, 'id' | 'owner' | 'heartbeat_at'>[]> {
  return db.selectFrom('imports').select(['id', 'owner', 'heartbeat_at']).where('status', '=', 'running').execute();
}

/** When the latest completed import from a source (e.g. 'tenable') started, or undefined. */
export async function lastCompletedImportStart(db: Db, source: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('imports')
    .select('started_at')
    .where('source', '=', source)
    .where('status', '=', 'completed')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.started_at;
}

/** Rows read by the latest completed import from a source (0 when none): a size estimate for progress. */
export async function lastCompletedImportRows(db: Db, source: string): Promise<number> {
  const row = await db
    .selectFrom('imports')
    .select('rows_read')
    .where('source', '=', source)
    .where('status', '=', 'completed')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.rows_read ?? 0);
}

/**
 * Changes whenever an import completes: scanner-owned data (lifecycle, severity, plugins,
 * assets, ...) changes only then, so figures computed from it alone can be kept until it moves.
 */
export async function importGeneration(db: Db): Promise<string> {
  const row = await db
    .selectFrom('imports')
    .select([sql<number | string>`count(*)`.as('n'), sql<string | null>`max(finished_at)`.as('last')])
    .where('status', '=', 'completed')
    .executeTakeFirst();
  return `${String(row?.n ?? 0)}|${row?.last ?? ''}`;
}

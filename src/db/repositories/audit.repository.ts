/** The audit log: append-only, read newest first. */
import { type Insertable, type Kysely, sql } from 'kysely';
import type { AuditLogRow, AuditLogTable, DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export async function insertAudit(db: Db, row: Insertable<AuditLogTable>): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export interface AuditQuery {
  limit: number;
  offset: number;
  action?: string | undefined;
  actor?: string | undefined;
}

export async function listAudit(db: Db, query: AuditQuery): Promise<{ items: AuditLogRow[]; total: number }> {
  let base = db.selectFrom('audit_log');
  if (query.action) base = base.where('action', '=', query.action);
  if (query.actor) base = base.where('actor', '=', query.actor);
  const items = await base.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
  const total = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return { items, total: Number(total.n) };
}

/** Browser sessions, keyed by the SHA-256 of the cookie secret. */
import type { Insertable, Kysely } from 'kysely';
import type { Role } from '../../shared/roles.ts';
import type { DatabaseSchema, SessionRow, SessionTable } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export interface SessionWithUser extends SessionRow {
  username: string;
  role: Role;
  disabled: number;
}

export async function insertSession(db: Db, row: Insertable<SessionTable>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSessionWithUser(db: Db, id: string): Promise<SessionWithUser | undefined> {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.username', 'users.role', 'users.disabled'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
}

/** Slides a session forward only: touches run in the background and may land out of order. */
export async function touchSession(db: Db, id: string, lastSeenAt: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).where('last_seen_at', '<', lastSeenAt).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a user, except optionally the one making the change. */
export async function deleteSessionsOfUser(db: Db, userId: number, exceptId?: string): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId) query = query.where('id', '!=', exceptId);
  await query.execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

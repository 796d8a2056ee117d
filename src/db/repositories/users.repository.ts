/** User accounts. Usernames match case-insensitively (unique index on lower(username)). */
import { type Insertable, type Kysely, PostgresAdapter, sql, type Updateable } from 'kysely';
import type { DatabaseSchema, UserRow, UserTable } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export async function countUsers(db: Db): Promise<number> {
  const row = await db.selectFrom('users').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Admins who can still sign in. */
export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select(sql<number>`count(*)`.as('n'))
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Serialises changes that depend on who else exists (first-admin setup, last-admin checks)
 * inside a transaction. SQLite transactions already run one at a time on the shared connection;
 * PostgreSQL needs the table lock.
 */
export async function lockUsersForChange(trx: Db): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
}

export async function insertUser(db: Db, row: Insertable<UserTable>): Promise<number> {
  const inserted = await db.insertInto('users').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

export async function updateUser(db: Db, id: number, patch: Updateable<UserTable>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Counts one more failed sign-in atomically (several processes may race); returns the new count. */
export async function incrementFailedLogins(db: Db, id: number, now: string): Promise<number> {
  const row = await db
    .updateTable('users')
    .set({ failed_logins: sql`failed_logins + 1`, updated_at: now })
    .where('id', '=', id)
    .returning('failed_logins')
    .executeTakeFirstOrThrow();
  return Number(row.failed_logins);
}

export async function lockUser(db: Db, id: number, until: string, now: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: until, updated_at: now }).where('id', '=', id).execute();
}

export async function recordSuccessfulLogin(db: Db, id: number, now: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null, last_login_at: now }).where('id', '=', id).execute();
}


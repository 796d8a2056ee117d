/**
 * Write transactions that stay correct beside a running import, on both dialects.
 *
 * On PostgreSQL, writers that touch many rows an import also touches (bulk workflow edits, a
 * sync's asset batches, the plugin catalogue) and the rollover itself take one transaction-level
 * advisory lock first. Without it, two of them can lock the same rows in opposite orders and one
 * fails with "deadlock detected" (measured: four asset syncs at once over 4,000 assets deadlocked
 * in three rounds of four). SQLite needs no such lock: its write lock already serialises writers.
 */
import { type Kysely, sql } from 'kysely';
import { type DatabaseHandle, isBusyError } from '../database.ts';
import type { DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

const ROLLOVER_LOCK = 727274;

/** Takes the imports' lock for the rest of the current PostgreSQL transaction. */
export async function lockAgainstImports(db: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(ROLLOVER_LOCK)})`.execute(db);
}

export class DatabaseBusyError extends Error {
  constructor() {
    super('the database stayed locked by another writer (a long import?); try again');
    this.name = 'DatabaseBusyError';
  }
}

/**
 * Runs `fn` in one write transaction. SQLite: BEGIN IMMEDIATE (the write lock up front, so a
 * read-then-write never fails half-way), waited for without blocking the event loop while an
 * import holds the lock.
 * PostgreSQL: row locks (see loadForUpdate in workflow.repository.ts); `serialWithImports` also queues behind a rollover,
 * so a many-row update and an import never lock each other's rows in opposite orders.
 */
export async function withWriteTransaction<T>(
  database: DatabaseHandle,
  fn: (trx: Db) => Promise<T>,
  options: { serialWithImports?: boolean } = {},
): Promise<T> {
  if (database.dialect === 'postgres') {
    return database.db.connection().execute(async (conn) => {
      await sql`BEGIN`.execute(conn);
      try {
        if (options.serialWithImports) await lockAgainstImports(conn);
        const result = await fn(conn);
        await sql`COMMIT`.execute(conn);
        return result;
      } catch (err) {
        await sql`ROLLBACK`.execute(conn).catch(() => undefined);
        throw err;
      }
    });
  }
  try {
    // The handle's transactions begin IMMEDIATE on its writing connection, which waits for the
    // lock asynchronously while reads go on (see ReadWriteSqliteDialect in database.ts).
    return await database.db.transaction().execute(fn);
  } catch (err) {
    if (isBusyError(err)) throw new DatabaseBusyError();
    throw err;
  }
}

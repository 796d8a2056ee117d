/**
 * createDatabase is the only place that knows whether HexTrackr runs on the embedded
 * SQLite file (default) or on PostgreSQL (DATABASE_URL). Everything else talks to a
 * DatabaseHandle: Kysely for queries, and `withWriter` for a long write such as an import,
 * which gets a connection of its own so readers are never queued behind it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, Kysely, type KyselyConfig, PostgresDialect, type QueryResult, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** postgres:// URL; absent means SQLite at sqlitePath. */
  databaseUrl?: string | undefined;
  sqlitePath: string;
  /** Page cache of the shared SQLite connection. */
  sqliteCacheMb: number;
  /** PostgreSQL schema to use (tests isolate themselves in one schema each). */
  pgSchema?: string;
  /** Report statements slower than this (import connections and PostgreSQL); 0 or absent: off. */
  slowQueryMs?: number;
  onSlowQuery?: (sqlText: string, durationMs: number) => void;
}

function slowQueryLog(options: DatabaseOptions): Pick<KyselyConfig, 'log'> {
  const threshold = options.slowQueryMs ?? 0;
  const report = options.onSlowQuery;
  if (threshold <= 0 || !report) return {};
  return {
    log(event) {
      if (event.queryDurationMillis >= threshold) report(event.query.sql.replace(/\s+/g, ' ').slice(0, 300), Math.round(event.queryDurationMillis));
    },
  };
}

/** A connection reserved for one long write. */
export interface Writer {
  readonly dialect: DialectName;
  readonly db: Kysely<DatabaseSchema>;
  /** The raw SQLite connection, for prepared-statement fast paths; undefined on PostgreSQL. */
  readonly sqlite?: BetterSqlite3.Database;
  /** The raw PostgreSQL connection under `db`, for COPY; undefined on SQLite. */
  readonly pg?: pg.PoolClient;
}

export interface DatabaseHandle {
  readonly dialect: DialectName;
  readonly db: Kysely<DatabaseSchema>;
  withWriter<T>(fn: (writer: Writer) => Promise<T>): Promise<T>;
  /**
   * For small bookkeeping writes (job status, heartbeats) that must never block the event loop.
   * SQLite: a connection of its own that does not wait for the write lock (busy_timeout 0): while
   * this process holds it for a rollover, a write fails at once with SQLITE_BUSY and the caller
   * retries later (see isBusyError), instead of better-sqlite3 sleeping the whole thread.
   * PostgreSQL: the shared pool.
   */
  readonly bookkeeping: Kysely<DatabaseSchema>;
  close(): Promise<void>;
}

/**
 * Import connections keep their cache bounded and spill temporary tables to a file, so
 * memory stays flat whatever the size of the file being imported.
 */
const WRITER_CACHE_MB = 40;
const TEMP_CACHE_MB = 16;

function openSqlite(file: string, cacheMb: number, mode: 'shared' | 'writer'): BetterSqlite3.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const conn = new BetterSqlite3(file);
  // auto_vacuum only takes effect before the first table is created.
  const fresh = (conn.pragma('page_count', { simple: true }) as number) === 0;
  if (fresh) conn.pragma('auto_vacuum = INCREMENTAL');
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 30000');
  conn.pragma(`cache_size = -${cacheMb * 1024}`);
  if (mode === 'shared') {
    conn.pragma('temp_store = MEMORY');
    conn.pragma('mmap_size = 2147483648');
  } else {
    conn.pragma('temp_store = FILE');
    conn.pragma(`temp.cache_size = -${TEMP_CACHE_MB * 1024}`);
    conn.pragma('mmap_size = 0');
  }
  return conn;
}

function createSqliteHandle(options: DatabaseOptions): DatabaseHandle {
  const shared = openSqlite(options.sqlitePath, options.sqliteCacheMb, 'shared');
  const db = new Kysely<DatabaseSchema>({ dialect: new WriteLockingSqliteDialect({ database: shared }) });
  let bookkeeping: Kysely<DatabaseSchema> | undefined;
  return {
    dialect: 'sqlite',
    db,
    get bookkeeping() {
      if (!bookkeeping) {
        const raw = openSqlite(options.sqlitePath, 8, 'writer');
        raw.pragma('busy_timeout = 0');
        bookkeeping = new Kysely<DatabaseSchema>({ dialect: new PatientSqliteDialect({ database: raw }) });
      }
      return bookkeeping;
    },
    async withWriter(fn) {
      const raw = openSqlite(options.sqlitePath, Math.min(WRITER_CACHE_MB, options.sqliteCacheMb), 'writer');
      const writerDb = new Kysely<DatabaseSchema>({ dialect: new WriteLockingSqliteDialect({ database: raw }), ...slowQueryLog(options) });
      try {
        return await fn({ dialect: 'sqlite', db: writerDb, sqlite: raw });
      } finally {
        await writerDb.destroy();
      }
    },
    async close() {
      await bookkeeping?.destroy();
      await db.destroy();
    },
  };
}

/**
 * SQLite whose transactions take the write lock when they begin (BEGIN IMMEDIATE). A deferred
 * transaction that reads, then writes after another connection committed (a job thread's sync
 * beside the server's heartbeats, a CLI import beside the server) fails at once with
 * SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out.
 */
class WriteLockingSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const inner = super.createDriver();
    return {
      init: () => inner.init(),
      acquireConnection: () => inner.acquireConnection(),
      beginTransaction: async (connection) => {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      },
      commitTransaction: (connection) => inner.commitTransaction(connection),
      rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
      releaseConnection: (connection) => inner.releaseConnection(connection),
      destroy: () => inner.destroy(),
    };
  }
}

/**
 * SQLite whose statements wait for the write lock asynchronously: with busy_timeout 0 a blocked
 * write fails at once, and it is retried after a timer (the event loop keeps running, so a
 * rollover this same thread is applying can finish and release the lock).
 */
class PatientSqliteDialect extends WriteLockingSqliteDialect {
  override createDriver(): Driver {
    const inner = super.createDriver();
    const patient = (connection: DatabaseConnection): DatabaseConnection => ({
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        for (let attempt = 0; ; attempt++) {
          try {
            return await connection.executeQuery<R>(query);
          } catch (error) {
            if (!isBusyError(error) || attempt >= BUSY_RETRIES) throw error;
            await new Promise((resolve) => setTimeout(resolve, Math.min(500, 10 * 2 ** Math.min(attempt, 6))));
          }
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    });
    return {
      init: () => inner.init(),
      acquireConnection: async () => patient(await inner.acquireConnection()),
      beginTransaction: (connection, settings) => inner.beginTransaction(connection, settings),
      commitTransaction: (connection) => inner.commitTransaction(connection),
      rollbackTransaction: (connection) => inner.rollbackTransaction(connection),
      releaseConnection: (connection) => inner.releaseConnection(connection),
      destroy: () => inner.destroy(),
    };
  }
}

/** About 10 minutes of waiting at 500 ms: longer than any rollover. */
const BUSY_RETRIES = 1200;

/** SQLite refused a write because another connection holds the write lock (only with busy_timeout 0). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

function createPostgresHandle(options: DatabaseOptions): DatabaseHandle {
  const schema = options.pgSchema;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }), ...slowQueryLog(options) });
  return {
    dialect: 'postgres',
    db,
    bookkeeping: db,
    async withWriter(fn) {
      // Kysely over this one client (its release is ours to call), so the writer can also
      // stream COPY on the very connection that holds the staging tables.
      const client = await pool.connect();
      const writerDb = new Kysely<DatabaseSchema>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => ({ query: client.query.bind(client), release: () => undefined }),
            end: async () => undefined,
          } as unknown as pg.Pool,
        }),
        ...slowQueryLog(options),
      });
      let failure: unknown;
      try {
        return await fn({ dialect: 'postgres', db: writerDb, pg: client });
      } catch (err) {
        failure = err;
        throw err;
      } finally {
        await writerDb.destroy();
        // After a failure the connection may sit in an aborted COPY or transaction: discard it.
        client.release(failure === undefined ? undefined : true);
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  return options.databaseUrl ? createPostgresHandle(options) : createSqliteHandle(options);
}

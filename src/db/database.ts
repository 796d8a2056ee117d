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
   * SQLite: the handle itself, whose writes wait for the write lock asynchronously (see
   * ReadWriteSqliteDialect). PostgreSQL: the shared pool.
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

/** Page cache of the connection the shared handle writes through (writes touch few pages). */
const WRITES_CACHE_MB = 8;

function createSqliteHandle(options: DatabaseOptions): DatabaseHandle {
  const shared = openSqlite(options.sqlitePath, options.sqliteCacheMb, 'shared');
  let writes: BetterSqlite3.Database | undefined;
  if (options.sqlitePath !== ':memory:') {
    // Bounded like an import's connection (no memory map, temporary storage in a file): an
    // INSERT ... SELECT over a large table must not map the database into this process's memory.
    writes = openSqlite(options.sqlitePath, WRITES_CACHE_MB, 'writer');
    writes.pragma('busy_timeout = 0');
  }
  // An in-memory database is one connection's own: there, reads and writes share it.
  const dialect = writes ? new ReadWriteSqliteDialect(shared, writes) : new WriteLockingSqliteDialect({ database: shared });
  const db = new Kysely<DatabaseSchema>({ dialect });
  return {
    dialect: 'sqlite',
    db,
    // The handle's writes already wait for the lock without blocking (see ReadWriteSqliteDialect).
    bookkeeping: db,
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
      await db.destroy();
    },
  };
}

/** A SELECT, or a pragma read without a value (`PRAGMA journal_mode`; not `= x` nor `(x)`). */
const READING_SQL = /^\s*(?:select\b|pragma\s+[\w.]+\s*;?\s*$)/i;

/** Statements that only read: they go to the reading connection when no write is under way. */
function onlyReads(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return true;
  return query.query.kind === 'RawNode' && READING_SQL.test(query.sql);
}

/**
 * SQLite with reads and writes on two connections. better-sqlite3 waits for a lock by sleeping
 * its thread, so a write on the server's thread while another connection (an import's or a
 * sync's rollover, a CLI import) holds the write lock used to stop the whole server for up to
 * the 30 s busy timeout, then fail. Here writes go to a connection that never waits
 * synchronously (busy_timeout 0): a blocked write is retried on a timer (PatientSqliteDialect),
 * the event loop keeps running, and reads keep being answered from the other connection in
 * the meantime. A transaction, or a `connection()` block once it has written, stays on the
 * writing connection, so it reads what it wrote.
 */
class ReadWriteSqliteDialect extends SqliteDialect {
  constructor(
    private readonly readConnection: BetterSqlite3.Database,
    private readonly writeConnection: BetterSqlite3.Database,
  ) {
    super({ database: readConnection });
  }

  override createDriver(): Driver {
    const reads = new WriteLockingSqliteDialect({ database: this.readConnection }).createDriver();
    const writes = new PatientSqliteDialect({ database: this.writeConnection }).createDriver();
    return {
      init: async () => {
        await reads.init();
        await writes.init();
      },
      acquireConnection: async () => new RoutedConnection(reads, writes),
      beginTransaction: async (connection, settings) => writes.beginTransaction(await routed(connection).pin(), settings),
      commitTransaction: async (connection) => writes.commitTransaction(await routed(connection).pin()),
      rollbackTransaction: async (connection) => writes.rollbackTransaction(await routed(connection).pin()),
      releaseConnection: (connection) => routed(connection).release(),
      destroy: async () => {
        await reads.destroy();
        await writes.destroy();
      },
    };
  }
}

/** One acquisition of a ReadWriteSqliteDialect connection: routed per statement until it writes. */
class RoutedConnection implements DatabaseConnection {
  private pinned: DatabaseConnection | undefined;

  constructor(
    private readonly reads: Driver,
    private readonly writes: Driver,
  ) {}

  /** The writing connection, held from now until release. */
  async pin(): Promise<DatabaseConnection> {
    this.pinned ??= await this.writes.acquireConnection();
    return this.pinned;
  }

  async release(): Promise<void> {
    const pinned = this.pinned;
    this.pinned = undefined;
    if (pinned) await this.writes.releaseConnection(pinned);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.pinned || !onlyReads(query)) return (await this.pin()).executeQuery<R>(query);
    const reading = await this.reads.acquireConnection();
    try {
      return await reading.executeQuery<R>(query);
    } finally {
      await this.reads.releaseConnection(reading);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.pinned || !onlyReads(query)) {
      yield* (await this.pin()).streamQuery<R>(query, chunkSize);
      return;
    }
    const reading = await this.reads.acquireConnection();
    try {
      yield* reading.streamQuery<R>(query, chunkSize);
    } finally {
      await this.reads.releaseConnection(reading);
    }
  }
}

function routed(connection: DatabaseConnection): RoutedConnection {
  if (!(connection instanceof RoutedConnection)) throw new Error('a ReadWriteSqliteDialect transaction needs its own connection');
  return connection;
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

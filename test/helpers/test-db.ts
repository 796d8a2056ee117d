/**
 * A fresh, migrated database per test, on every dialect under test: SQLite always, and
 * PostgreSQL when HEXTRACKR_TEST_PG_URL is set (each test database is its own schema).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle, type DialectName } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export const PG_URL = process.env.HEXTRACKR_TEST_PG_URL;

export const DIALECTS: DialectName[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  handle: DatabaseHandle;
  /** For SQLite: the database file; for PostgreSQL: the schema name. */
  location: string;
  /** Options that reopen the same database (used by tests that restart or fork). */
  options: { databaseUrl?: string; sqlitePath: string; sqliteCacheMb: number; pgSchema?: string };
  destroy(): Promise<void>;
}

export interface TestLocation {
  options: { databaseUrl?: string; sqlitePath: string; sqliteCacheMb: number; pgSchema?: string };
  /** Directory for files the test writes (uploads, data dir). */
  dir: string;
  remove(): Promise<void>;
}

/** An empty place for a database: a temp directory for SQLite, a new schema on PostgreSQL. */
export async function createTestLocation(dialect: DialectName): Promise<TestLocation> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hextrackr-test-'));
  if (dialect === 'sqlite') {
    return {
      options: { sqlitePath: path.join(dir, 'test.db'), sqliteCacheMb: 32 },
      dir,
      async remove() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!PG_URL) throw new Error('HEXTRACKR_TEST_PG_URL is not set');
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await pgAdmin(`CREATE SCHEMA ${schema}`);
  return {
    options: { databaseUrl: PG_URL, sqlitePath: ':memory:', sqliteCacheMb: 32, pgSchema: schema },
    dir,
    async remove() {
      await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      // The job queue (pg-boss) keeps its tables in a sibling schema.
      await pgAdmin(`DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  const location = await createTestLocation(dialect);
  const handle = createDatabase(location.options);
  await migrateToLatest(handle.db);
  return {
    handle,
    location: location.options.pgSchema ?? location.options.sqlitePath,
    options: location.options,
    async destroy() {
      await handle.close();
      await location.remove();
    },
  };
}

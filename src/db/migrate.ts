/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run on Kysely<any> by design: they must not depend on the current schema types */
import { type Kysely, type Migration, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import * as coreSchema from './migrations/2026_11_23_1600_core_schema.ts';
import * as auth from './migrations/2026_11_23_1700_auth.ts';
import * as jobs from './migrations/2026_11_23_1730_jobs.ts';
import * as workflow from './migrations/2026_11_23_1720_workflow.ts';
import * as findingsQuery from './migrations/2026_11_23_1710_findings_query.ts';
import * as tenable from './migrations/2026_11_23_1740_tenable.ts';
import * as dropRedundantFindingIndex from './migrations/2026_11_23_1900_drop_redundant_finding_index.ts';

/** Every migration, by name. Names sort in the order they must run. */
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_1600_core_schema': coreSchema,
  '2026_11_23_1700_auth': auth,
  '2026_11_23_1730_jobs': jobs,
  '2026_11_23_1720_workflow': workflow,
  '2026_11_23_1710_findings_query': findingsQuery,
  '2026_11_23_1740_tenable': tenable,
  '2026_11_23_1900_drop_redundant_finding_index': dropRedundantFindingIndex,
};

async function migrator(db: Kysely<any>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; on a
  // PostgreSQL server shared by several HexTrackr schemas, pin it to ours.
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = isPg ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db)).rows[0]?.schema : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

export class MigrationError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

function check(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Kysely's migrator looks its bookkeeping tables up with a catalog scan across every schema of the
 * server (column lists included); when another schema is dropped meanwhile (tests sharing one
 * PostgreSQL do that all the time) the scan fails with "schema/relation/column … does not exist"
 * although nothing is wrong with ours. Such a failure comes before any migration ran (none is
 * marked Error), so the attempt is simply repeated; a real failure repeats and is then reported.
 */
function failedBeforeAnyMigration(result: MigrationResultSet): boolean {
  return result.error !== undefined && (result.results ?? []).every((r) => r.status !== 'Error');
}

/** Applies pending migrations; returns the names applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    const result = await (await migrator(db)).migrateToLatest();
    if (attempt < 5 && failedBeforeAnyMigration(result)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    return check(result);
  }
}

/** Rolls every migration back (tests use it to prove down() works). */
export async function migrateDownAll(db: Kysely<any>): Promise<string[]> {
  const { NO_MIGRATIONS } = await import('kysely');
  return check(await (await migrator(db)).migrateTo(NO_MIGRATIONS));
}

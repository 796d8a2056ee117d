/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run on Kysely<any> by design: they must not depend on the current schema types */
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as coreSchema from './migrations/2026_11_23_1600_core_schema.ts';

/** Every migration, by name. Names sort in the order they must run. */
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_23_1600_core_schema': coreSchema,
};

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
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

/** Applies pending migrations; returns the names applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

/** Rolls every migration back (tests use it to prove down() works). */
export async function migrateDownAll(db: Kysely<any>): Promise<string[]> {
  const { NO_MIGRATIONS } = await import('kysely');
  return check(await migrator(db).migrateTo(NO_MIGRATIONS));
}

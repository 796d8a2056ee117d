import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDownAll, migrateToLatest } from '../../src/db/migrate.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.destroy();
    tdb = undefined;
  });

  it('go down and up again cleanly', async () => {
    tdb = await createTestDatabase(dialect);
    const db = tdb.handle.db;
    expect(await migrateToLatest(db)).toEqual([]);
    expect((await migrateDownAll(db)).length).toBeGreaterThan(0);
    await expect(sql`SELECT count(*) FROM findings`.execute(db)).rejects.toThrow();
    expect((await migrateToLatest(db)).length).toBeGreaterThan(0);
    const rows = await db.selectFrom('vulnerabilities_current').select('id').execute();
    expect(rows).toEqual([]);
  });

  it.runIf(dialect === 'sqlite')('sets the spec pragmas on SQLite', async () => {
    tdb = await createTestDatabase(dialect);
    const pragma = async (name: string) => Object.values((await sql.raw(`PRAGMA ${name}`).execute(tdb!.handle.db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('auto_vacuum')).toBe(2);
    expect(await pragma('temp_store')).toBe(2);
  });
});

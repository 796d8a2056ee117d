/**
 * The SQLite handle while another connection holds the write lock (an import's or a sync's
 * rollover in another thread or process): reads are answered at once, writes and transactions
 * wait for the lock without stopping the event loop, then complete, and a transaction reads
 * what it wrote.
 */
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettings, writeSettings } from '../../src/db/repositories/tenable-settings.repository.ts';
import { AuthService } from '../../src/services/auth.service.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.ts';

const NOW = '2026-03-01T08:00:00.000Z';

/** Lets timers run for about `ms`: a thread stuck in a synchronous lock wait would hold them all. */
async function ticks(ms: number): Promise<number> {
  const started = performance.now();
  let turns = 0;
  while (performance.now() - started < ms) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    turns += 1;
  }
  return turns;
}

describe('SQLite handle while another connection holds the write lock', () => {
  let tdb: TestDatabase;
  let importer: BetterSqlite3.Database;

  beforeEach(async () => {
    tdb = await createTestDatabase('sqlite');
    await writeSettings(tdb.handle.db, { 'demo.before': 'one' }, NOW);
    importer = new BetterSqlite3(tdb.options.sqlitePath);
    importer.exec('BEGIN IMMEDIATE');
    importer.exec(`UPDATE tenable_settings SET value = 'changed by the import' WHERE name = 'demo.before'`);
  });

  afterEach(async () => {
    if (importer.inTransaction) importer.exec('ROLLBACK');
    importer.close();
    await tdb.destroy();
  });

  it('answers reads at once, from the last committed state', async () => {
    const started = performance.now();
    const settings = await readSettings(tdb.handle.db, ['demo.before']);
    expect(settings.get('demo.before')?.value).toBe('one');
    const raw = await sql<{ n: number }>`SELECT count(*) AS n FROM tenable_settings`.execute(tdb.handle.db);
    expect(raw.rows[0]?.n).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('lets a write and a transaction wait for the lock without stopping the event loop, then applies them', async () => {
    let written = false;
    const write = writeSettings(tdb.handle.db, { 'demo.write': 'two' }, NOW).then(() => (written = true));
    let seenInside: string | undefined;
    const transaction = tdb.handle.db.transaction().execute(async (trx) => {
      await writeSettings(trx, { 'demo.trx': 'three' }, NOW);
      // Read after write inside the transaction: the same connection, so it sees its own write.
      seenInside = (await readSettings(trx, ['demo.trx'])).get('demo.trx')?.value;
    });
    // About 50 turns of a 10 ms timer in half a second; a synchronous wait for the lock would allow none.
    expect(await ticks(500)).toBeGreaterThan(20);
    expect(written).toBe(false);
    // Reads still go on while those writes wait.
    expect((await readSettings(tdb.handle.db, ['demo.before'])).get('demo.before')?.value).toBe('one');
    importer.exec('COMMIT');
    await Promise.all([write, transaction]);
    expect(seenInside).toBe('three');
    const after = await readSettings(tdb.handle.db, ['demo.before', 'demo.write', 'demo.trx']);
    expect(Object.fromEntries([...after].map(([name, v]) => [name, v.value]))).toEqual({
      'demo.before': 'changed by the import',
      'demo.write': 'two',
      'demo.trx': 'three',
    });
  });

  it('creates a user (an admin action on the server thread) without stalling it', async () => {
    const auth = new AuthService(tdb.handle, {
      policy: { maxFailedLogins: 5, lockoutMinutes: 15, sessionIdleHours: 12, sessionMaxDays: 7 },
    });
    let created = false;
    const creating = auth.createUser({ username: 'nora', role: 'analyst', password: 'correct horse battery' }, { actor: 'admin' }).then(() => (created = true));
    expect(await ticks(300)).toBeGreaterThan(10);
    expect(created).toBe(false);
    importer.exec('COMMIT');
    await creating;
    expect((await auth.listUsers()).map((u) => u.username)).toEqual(['nora']);
  });
});

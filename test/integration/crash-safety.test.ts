/**
 * Atomicity under kill -9: a child process runs the real CLI import and is killed while
 * it applies the rollover. After reopening, the database is intact, holds either none or
 * all of the import, and the interrupted import is reported as failed.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDay } from '../../scripts/bench/generate-tenable-csv.ts';
import { createDatabase } from '../../src/db/database.ts';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { tempDir } from '../helpers/scan-files.ts';
import { createTestDatabase, DIALECTS, PG_URL, type TestDatabase } from '../helpers/test-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ROWS = 120_000;

let dir: string;
let day1: string;
let day2: string;

beforeAll(async () => {
  dir = tempDir('hextrackr-crash-');
  day1 = path.join(dir, 'day1.csv');
  day2 = path.join(dir, 'day2.csv');
  await generateDay(day1, ROWS / 10, 1, '2025-06-01');
  await generateDay(day2, ROWS, 2, '2025-06-02');
});

function childEnv(tdb: TestDatabase): NodeJS.ProcessEnv {
  if (tdb.options.pgSchema) {
    return { ...process.env, DATABASE_URL: `${PG_URL}?options=-c%20search_path%3D${tdb.options.pgSchema}`, HEXTRACKR_DATA_DIR: dir };
  }
  return { ...process.env, HEXTRACKR_SQLITE_PATH: tdb.options.sqlitePath, HEXTRACKR_DATA_DIR: dir };
}

async function fingerprint(tdb: TestDatabase) {
  const db = tdb.handle.db;
  const count = async (table: 'findings' | 'finding_sightings' | 'finding_snapshots' | 'assets' | 'plugins' | 'daily_totals') =>
    Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  const active = Number(
    (await db.selectFrom('findings').select(sql<number>`count(*)`.as('n')).where('lifecycle', '=', 'active').executeTakeFirstOrThrow()).n,
  );
  return {
    findings: await count('findings'),
    sightings: await count('finding_sightings'),
    active,
    snapshots: await count('finding_snapshots'),
    assets: await count('assets'),
    plugins: await count('plugins'),
    totals: await count('daily_totals'),
  };
}

describe.each(DIALECTS)('kill -9 during an import on %s', (dialect) => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await tdb.destroy();
  });

  it('leaves the database consistent and the import marked failed', async () => {
    await new ImportScanService(tdb.handle).importFile({ filePath: day1, scanDate: '2025-06-01' });
    const before = await fingerprint(tdb);

    const child = spawn(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), 'import', day2, '--scan-date', '2025-06-02', '--json'], {
      env: childEnv(tdb),
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the child is applying the rollover, then kill it without warning.
    let phase: string | null = null;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const row = await tdb.handle.db.selectFrom('imports').select(['phase']).where('scan_date', '=', '2025-06-02').executeTakeFirst();
      phase = row?.phase ?? null;
      if (phase === 'applying' || phase === 'completed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(phase).toBe('applying');
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    // Reopen, as a restarted server would.
    const reopened = createDatabase(tdb.options);
    try {
      if (dialect === 'sqlite') {
        const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(reopened.db);
        expect(check.rows[0]?.integrity_check).toBe('ok');
      }
      const failed = await new ImportScanService(reopened).recoverInterrupted();
      expect(failed).toHaveLength(1);
      const record = await reopened.db.selectFrom('imports').selectAll().where('id', '=', failed[0]!).executeTakeFirstOrThrow();
      expect(record.status).toBe('failed');
      expect(record.error).toMatch(/interrupted/);
    } finally {
      await reopened.close();
    }
    // Nothing of the killed import is visible.
    expect(await fingerprint(tdb)).toEqual(before);

    // And the same file imports cleanly afterwards.
    const retry = await new ImportScanService(tdb.handle).importFile({ filePath: day2, scanDate: '2025-06-02' });
    expect(retry.rejected).toBe(0);
    expect(retry.created).toBeGreaterThan(0);
    expect(retry.resolved).toBeGreaterThan(0);
  });
});

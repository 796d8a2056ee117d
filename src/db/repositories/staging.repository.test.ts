import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/helpers/test-db.ts';
import { createStagingTables, type StagedRow, StagingWriter } from './staging.repository.ts';

function row(seq: number, output: string | null): StagedRow {
  return {
    seq, uniqueKey: `h${seq}|CVE-2024-0001`, assetRef: `h${seq}`, hostKey: `h${seq}`, pluginId: '1', cve: 'CVE-2024-0001', severity: 3,
    vprScore: 7.4, cvssBaseScore: null, cvss3BaseScore: 9.8, portProtocol: '443/tcp', scannerState: 'OPEN', fixed: 0,
    firstSeen: null, output, outputHash: 281474976710655, vprCounted: 1,
  };
}

describe.each(DIALECTS)('staging on %s', (dialect) => {
  let tdb: TestDatabase | undefined;
  afterEach(async () => {
    await tdb?.destroy();
  });

  it('stores every character of a value, nulls and large numbers exactly, across many bulk chunks', async () => {
    tdb = await createTestDatabase(dialect);
    const tricky = 'C:\\Windows\\system32\tversion 10\r\nline two\\n is not a newline\nüñí €';
    const rows = Array.from({ length: 5000 }, (_, i) => row(i, i % 2 === 0 ? `${tricky} #${i} ${'x'.repeat(200)}` : null));
    const stored = await tdb.handle.withWriter(async (writer) => {
      await createStagingTables(writer);
      const staging = new StagingWriter(writer);
      for (const r of rows) await staging.addRow(r);
      // A statement between rows (as for rejections) must not wait behind the bulk write.
      await staging.commit();
      await sql`SELECT 1`.execute(writer.db);
      await staging.addRow(row(5000, 'after'));
      await staging.finish([]);
      return (await sql<{ seq: number; output: string | null; output_hash: string | number; cvss_base_score: number | null }>`
        SELECT seq, output, output_hash, cvss_base_score FROM stage_rows ORDER BY seq`.execute(writer.db)).rows;
    });
    expect(stored).toHaveLength(5001);
    expect(stored[0]?.output).toBe(`${tricky} #0 ${'x'.repeat(200)}`);
    expect(stored[1]?.output).toBeNull();
    expect(stored[4998]?.output).toBe(`${tricky} #4998 ${'x'.repeat(200)}`);
    expect(stored[5000]?.output).toBe('after');
    expect(Number(stored[0]?.output_hash)).toBe(281474976710655);
    expect(stored[0]?.cvss_base_score).toBeNull();
  });
});

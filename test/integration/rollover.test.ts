import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';
import { type SimpleRow, tempDir, writeNessusCsv, writeSimpleCsv } from '../helpers/scan-files.ts';

describe.each(DIALECTS)('rollover on %s', (dialect) => {
  let tdb: TestDatabase;
  let service: ImportScanService;
  let dir: string;

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    service = new ImportScanService(tdb.handle);
    dir = tempDir();
  });
  afterEach(async () => {
    await tdb.destroy();
  });

  const findings = () =>
    tdb.handle.db.selectFrom('findings_view').selectAll().orderBy('unique_key').execute();
  const byKey = async () => new Map((await findings()).map((f) => [f.unique_key, f]));
  const importRows = (name: string, rows: SimpleRow[], scanDate: string, scope: 'all' | 'hosts' = 'all') =>
    service.importFile({ filePath: writeSimpleCsv(dir, name, rows), scanDate, scope });

  const day1: SimpleRow[] = [
    { hostname: 'WEB01.corp.example.com', ip: '10.0.0.1', severity: 'Critical', vpr: 9.1, pluginId: '1001', cve: 'CVE-2024-0001' },
    { hostname: 'web01', ip: '10.0.0.1', severity: 'High', vpr: 7.0, pluginId: '1002', cve: 'CVE-2024-0002, CVE-2024-0003' },
    { hostname: 'db01', ip: '10.0.0.2', severity: 'Medium', vpr: 5.0, pluginId: '1003' },
    { hostname: '', ip: '10.0.0.3', severity: 'Low', vpr: 2.0, pluginId: '1004' },
  ];

  it('creates one finding per CVE, keys hosts by short lower-case name, falls back to the IP', async () => {
    const summary = await importRows('day1.csv', day1, '2025-01-01');
    expect(summary).toMatchObject({ mode: 'current', rowsRead: 4, rejected: 0, created: 5, updated: 0, resolved: 0, hosts: 3 });
    const keys = [...(await byKey()).keys()];
    expect(keys).toEqual(
      expect.arrayContaining(['web01|CVE-2024-0001', 'web01|CVE-2024-0002', 'web01|CVE-2024-0003', '10.0.0.3|1004|' + keys.find((k) => k.startsWith('10.0.0.3|1004|'))!.split('|')[2]]),
    );
    expect(keys.some((k) => k.startsWith('db01|1003|'))).toBe(true);
    const current = await tdb.handle.db.selectFrom('vulnerabilities_current').select('id').execute();
    expect(current).toHaveLength(5);
  });

  it.runIf(dialect === 'sqlite')('loads a first import with the finding indexes rebuilt afterwards, and a smaller one with them kept', async () => {
    const indexes = async () =>
      (await sql<{ name: string; sql: string | null }>`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings' ORDER BY name`.execute(tdb.handle.db)).rows;
    // Every DROP and CREATE INDEX moves the schema version; staging's temporary tables do not.
    const schemaVersion = async () => Number((await sql<{ schema_version: number }>`PRAGMA schema_version`.execute(tdb.handle.db)).rows[0]!.schema_version);
    const before = await indexes();
    const version0 = await schemaVersion();
    await importRows('day1.csv', day1, '2025-01-01');
    const version1 = await schemaVersion();
    // Partial indexes (workflow exceptions) are kept: no new finding belongs in them.
    const partial = before.filter((i) => i.sql?.includes(' WHERE '));
    const rebuilt = before.filter((i) => i.sql !== null && !i.sql.startsWith('CREATE UNIQUE') && !partial.includes(i)).length;
    expect(partial.length).toBeGreaterThan(5);
    expect(rebuilt).toBeGreaterThan(10);
    expect(version1 - version0).toBe(2 * rebuilt);
    expect(await indexes()).toEqual(before);
    const integrity = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(tdb.handle.db);
    expect(integrity.rows.map((r) => r.integrity_check)).toEqual(['ok']);

    const summary = await importRows('day2.csv', [...day1, { hostname: 'db02', ip: '10.0.0.9', severity: 'High', vpr: 6.0, pluginId: '1005' }], '2025-01-02');
    expect(summary.created).toBe(1);
    expect(await schemaVersion()).toBe(version1);
    expect(await indexes()).toEqual(before);
  });

  it('links every new finding to its own snapshot and sighting, also when ids do not continue from the largest', async () => {
    // VPR differs per row, so a snapshot attached to the wrong finding shows.
    const row = (n: number): SimpleRow => ({ hostname: `host${(n * 7) % 13}`, severity: 'High', vpr: 1 + n / 10, pluginId: String(5000 + n) });
    const first = Array.from({ length: 30 }, (_, n) => row(n));
    await importRows('day1.csv', first, '2025-01-01');
    if (dialect === 'sqlite') await sql`UPDATE sqlite_sequence SET seq = seq + 100 WHERE name = 'findings'`.execute(tdb.handle.db);
    // New keys before, between and after the known ones, in an order that is not key order.
    const added = Array.from({ length: 40 }, (_, n) => row(30 + ((n * 17) % 40)));
    await importRows('day2.csv', [...added, ...first], '2025-01-02');

    const expectedVpr = new Map([...first, ...added].map((r) => [r.pluginId, r.vpr]));
    const linked = await sql<{ plugin_id: string; vpr_score: number; snapshot_vpr: number | null; last_seen: string | null }>`
      SELECT f.plugin_id, f.vpr_score, s.vpr_score AS snapshot_vpr, g.last_seen
      FROM findings f
      LEFT JOIN finding_snapshots s ON s.finding_id = f.id AND s.scan_date = '2025-01-02'
      LEFT JOIN finding_sightings g ON g.finding_id = f.id`.execute(tdb.handle.db);
    expect(linked.rows).toHaveLength(70);
    for (const f of linked.rows) {
      expect(Number(f.vpr_score)).toBeCloseTo(expectedVpr.get(f.plugin_id)!, 5);
      expect(f.snapshot_vpr === null ? null : Number(f.snapshot_vpr)).toBeCloseTo(Number(f.vpr_score), 5);
      expect(f.last_seen).toBe('2025-01-02');
    }
  });

  it('counts a plugin VPR once in daily totals when the row is split over several CVEs', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    const totals = await tdb.handle.db.selectFrom('daily_totals').selectAll().executeTakeFirstOrThrow();
    expect(Number(totals.total_count)).toBe(5);
    expect(Number(totals.critical_count)).toBe(1);
    expect(Number(totals.high_count)).toBe(2);
    // 9.1 + 7.0 (once, not twice) + 5.0 + 2.0
    expect(Number(totals.total_vpr)).toBeCloseTo(23.1, 5);
    expect(Number(totals.high_vpr)).toBeCloseTo(7.0, 5);
    expect(Number(totals.new_count)).toBe(5);
  });

  it('resolves what disappeared, creates what is new, updates what changed, leaves the rest unchanged', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    const day2: SimpleRow[] = [
      { hostname: 'web01', ip: '10.0.0.1', severity: 'Critical', vpr: 9.8, pluginId: '1001', cve: 'CVE-2024-0001' },
      { hostname: 'web01', ip: '10.0.0.1', severity: 'High', vpr: 7.0, pluginId: '1002', cve: 'CVE-2024-0002, CVE-2024-0003' },
      { hostname: 'db01', ip: '10.0.0.2', severity: 'High', vpr: 8.0, pluginId: '1005', cve: 'CVE-2024-0005' },
    ];
    const summary = await importRows('day2.csv', day2, '2025-01-02');
    expect(summary).toMatchObject({ created: 1, updated: 1, unchanged: 2, resolved: 2, reopened: 0 });
    const after = await byKey();
    expect(after.get('web01|CVE-2024-0001')).toMatchObject({ vpr_score: 9.8, lifecycle: 'active', last_seen: '2025-01-02', first_seen: '2025-01-01' });
    const gone = [...after.values()].filter((f) => f.lifecycle === 'resolved');
    expect(gone.map((f) => f.host_key).sort()).toEqual(['10.0.0.3', 'db01']);
    expect(gone.every((f) => f.resolved_on === '2025-01-02')).toBe(true);
    const snapshots = await tdb.handle.db.selectFrom('finding_snapshots').select(['scan_date']).execute();
    expect(snapshots.filter((s) => s.scan_date === '2025-01-01')).toHaveLength(5);
    expect(snapshots.filter((s) => s.scan_date === '2025-01-02')).toHaveLength(4);
    const totals = await tdb.handle.db.selectFrom('daily_totals').selectAll().where('scan_date', '=', '2025-01-02').executeTakeFirstOrThrow();
    expect(Number(totals.total_count)).toBe(4);
    expect(Number(totals.new_count)).toBe(1);
    expect(Number(totals.resolved_count)).toBe(2);
  });

  it('reopens a finding that comes back and keeps the analyst workflow fields', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    await tdb.handle.db
      .updateTable('findings')
      // Assigned: the workflow rules leave it alone (In Progress would become Remediated when resolved, see workflow-import.test.ts).
      .set({ status: 'Assigned', assigned_to: 'alice', remediation_notes: 'ticket OPS-12' })
      .where('host_key', '=', 'db01')
      .execute();
    await importRows('day2.csv', day1.filter((r) => r.hostname !== 'db01'), '2025-01-02');
    const summary = await importRows('day3.csv', day1, '2025-01-03');
    expect(summary).toMatchObject({ reopened: 1, created: 0, resolved: 0 });
    const db01 = [...(await byKey()).values()].find((f) => f.host_key === 'db01')!;
    expect(db01).toMatchObject({
      lifecycle: 'active',
      resolved_on: null,
      reopened_count: 1,
      status: 'Assigned',
      assigned_to: 'alice',
      remediation_notes: 'ticket OPS-12',
      last_seen: '2025-01-03',
    });
    const totals = await tdb.handle.db.selectFrom('daily_totals').select(['reopened_count']).where('scan_date', '=', '2025-01-03').executeTakeFirstOrThrow();
    expect(Number(totals.reopened_count)).toBe(1);
  });

  it('is idempotent: the same file for the same date again changes nothing', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    const before = await findings();
    const totalsBefore = await tdb.handle.db.selectFrom('daily_totals').selectAll().execute();
    const snapshotsBefore = await tdb.handle.db.selectFrom('finding_snapshots').selectAll().orderBy('finding_id').execute();
    const again = await importRows('day1-again.csv', day1, '2025-01-01');
    expect(again).toMatchObject({ created: 0, updated: 0, resolved: 0, reopened: 0, unchanged: 5 });
    expect(await findings()).toEqual(before.map((f) => ({ ...f, last_import_id: again.importId })));
    const totalsAfter = await tdb.handle.db.selectFrom('daily_totals').selectAll().execute();
    expect(totalsAfter.map(({ updated_at: _u, ...t }) => t)).toEqual(totalsBefore.map(({ updated_at: _u, ...t }) => t));
    const snapshotsAfter = await tdb.handle.db.selectFrom('finding_snapshots').selectAll().orderBy('finding_id').execute();
    expect(snapshotsAfter.map(({ import_id: _i, ...s }) => s)).toEqual(snapshotsBefore.map(({ import_id: _i, ...s }) => s));
  });

  it('back-fills an older scan date without rolling current state back', async () => {
    await importRows('day2.csv', day1.slice(0, 2), '2025-01-02');
    const current = await findings();
    const old: SimpleRow[] = [...day1.slice(0, 1), { hostname: 'legacy', ip: '10.9.9.9', severity: 'High', vpr: 6.5, pluginId: '2001', cve: 'CVE-2020-0001' }];
    const summary = await importRows('day1.csv', old, '2025-01-01');
    expect(summary).toMatchObject({ mode: 'backfill', created: 1, updated: 1, resolved: 0 });
    const after = await byKey();
    expect(after.get('web01|CVE-2024-0001')).toMatchObject({ first_seen: '2025-01-01', last_seen: '2025-01-02', lifecycle: 'active' });
    expect(after.get('legacy|CVE-2020-0001')).toMatchObject({ lifecycle: 'resolved', first_seen: '2025-01-01', last_seen: '2025-01-01', resolved_on: '2025-01-02' });
    // Still-active findings of the newer day were not touched (beyond first_seen).
    for (const f of current) expect(after.get(f.unique_key)?.lifecycle).toBe('active');
    const totals = await tdb.handle.db.selectFrom('daily_totals').select(['scan_date', 'total_count']).orderBy('scan_date').execute();
    expect(totals.map((t) => [t.scan_date, Number(t.total_count)])).toEqual([
      ['2025-01-01', 2],
      ['2025-01-02', 3],
    ]);
  });

  it('with scope "hosts" resolves only findings on hosts the import covered', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    const partial = [{ hostname: 'db01', ip: '10.0.0.2', severity: 'High', vpr: 8.0, pluginId: '1005', cve: 'CVE-2024-0005' }];
    const hostsScope = await importRows('db-only.csv', partial, '2025-01-02', 'hosts');
    expect(hostsScope).toMatchObject({ created: 1, resolved: 1 });
    const active = (await findings()).filter((f) => f.lifecycle === 'active').map((f) => f.host_key);
    expect(active.sort()).toEqual(['10.0.0.3', 'db01', 'web01', 'web01', 'web01']);
    const allScope = await importRows('db-only-all.csv', partial, '2025-01-03', 'all');
    expect(allScope).toMatchObject({ resolved: 4, unchanged: 1 });
  });

  it('keeps every port a finding was seen on', async () => {
    const file = writeNessusCsv(dir, 'nessus.csv', [
      { pluginId: '22964', risk: 'None', host: '192.0.2.10', protocol: 'tcp', port: 443 },
      { pluginId: '22964', risk: 'None', host: '192.0.2.10', protocol: 'tcp', port: 80 },
      { pluginId: '22964', risk: 'None', host: '192.0.2.10', protocol: 'udp', port: 80 },
    ]);
    const summary = await service.importFile({ filePath: file, scanDate: '2025-02-01' });
    expect(summary).toMatchObject({ format: 'nessus-csv', rowsRead: 3, created: 1 });
    const [finding] = await findings();
    expect(finding?.ports).toBe('443/tcp,80/tcp,80/udp');
  });

  it('records rejected rows with line, field and reason, and imports the rest', async () => {
    const file = writeSimpleCsv(dir, 'bad.csv', [
      { hostname: 'ok1', severity: 'High', pluginId: '1' },
      { hostname: '', severity: 'High', pluginId: '2' },
      { hostname: 'ok2', severity: 'High', pluginId: '3', vpr: 'abc' as unknown as number },
    ]);
    const summary = await service.importFile({ filePath: file, scanDate: '2025-03-01' });
    expect(summary).toMatchObject({ rowsRead: 1, rejected: 2, created: 1 });
    const rejections = await tdb.handle.db.selectFrom('import_rejections').selectAll().orderBy('seq').execute();
    expect(rejections.map((r) => r.line)).toEqual([3, 4]);
    expect(rejections[1]?.field?.toLowerCase()).toBe('vpr_score');
    expect(rejections[1]?.reason).toMatch(/abc/);
    const row = await service.get(summary.importId);
    expect(row).toMatchObject({ status: 'completed', rejected_count: 2, rows_read: 1 });
  });

  it('stores thousands of rejected rows while progress heartbeats keep running', async () => {
    const rows: SimpleRow[] = [];
    for (let i = 0; i < 6000; i++) {
      // Few plugins, so nothing but the rejections themselves interrupts the staging transaction.
      rows.push(i % 3 === 0 ? { hostname: '', severity: 'High', pluginId: '1' } : { hostname: `h${i}`, severity: 'Low', pluginId: String(i % 50) });
    }
    const chatty = new ImportScanService(tdb.handle, undefined, { progressIntervalMs: 0 });
    const summary = await chatty.importFile({ filePath: writeSimpleCsv(dir, 'noisy.csv', rows), scanDate: '2025-03-02' });
    expect(summary).toMatchObject({ rejected: 2000, rowsRead: 4000, created: 4000 });
    const stored = await tdb.handle.db.selectFrom('import_rejections').select('line').orderBy('seq').execute();
    expect(stored).toHaveLength(2000);
    expect(stored[0]?.line).toBe(2);
    expect(stored[1999]?.line).toBe(5999);
  });

  it('resolves a finding the scanner reports FIXED', async () => {
    await importRows('day1.csv', day1, '2025-01-01');
    const fixed = day1.map((r) => (r.hostname === 'db01' ? { ...r, state: 'fixed' } : r));
    const summary = await importRows('day2.csv', fixed, '2025-01-02');
    expect(summary).toMatchObject({ resolved: 1, unchanged: 4 });
    const db01 = [...(await byKey()).values()].find((f) => f.host_key === 'db01')!;
    expect(db01).toMatchObject({ lifecycle: 'resolved', resolved_on: '2025-01-02', last_seen: '2025-01-01' });
  });

  it('fails fast on an unrecognised file, naming the formats it knows', async () => {
    const file = writeSimpleCsv(dir, 'x.csv', []).replace('x.csv', 'weird.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'foo,bar,baz\n1,2,3\n');
    const error = await service.importFile({ filePath: file, scanDate: '2025-01-01' }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    for (const expected of ['weird.csv', '"foo"', 'tenable-vm-csv', 'tenable-sc-csv', 'nessus-xml', 'hextrackr-csv', 'definition.id']) {
      expect((error as Error).message).toContain(expected);
    }
    const imports = await tdb.handle.db.selectFrom('imports').select('id').execute();
    expect(imports).toHaveLength(0);
  });

  it('reports a file that breaks off mid-way and applies nothing of it', async () => {
    const broken = path.resolve(import.meta.dirname, '../fixtures/scans/tenable-export-json/truncated.json');
    await expect(service.importFile({ filePath: broken, scanDate: '2025-01-01' })).rejects.toThrow(/truncated\.json/);
    expect(await findings()).toEqual([]);
    const statuses = await tdb.handle.db.selectFrom('imports').select(['status', 'error']).execute();
    expect(statuses).toEqual([{ status: 'failed', error: expect.stringContaining('truncated.json') }]);
  });

  it('runs a file import in a worker thread with the same result, and records its failures', async () => {
    const inWorker = new ImportScanService(tdb.handle, undefined, { worker: { database: tdb.options } });
    const summary = await inWorker.importFile({ filePath: writeSimpleCsv(dir, 'worker.csv', day1), scanDate: '2025-01-01' });
    expect(summary).toMatchObject({ rowsRead: 4, created: 5, hosts: 3, mode: 'current' });
    expect(await findings()).toHaveLength(5);

    const vanishing = writeSimpleCsv(dir, 'vanishing.csv', day1);
    const prepared = await inWorker.prepare({ filePath: vanishing, scanDate: '2025-01-02' });
    const { unlinkSync } = await import('node:fs');
    unlinkSync(vanishing);
    await expect(prepared.run()).rejects.toThrow(/vanishing\.csv|ENOENT/);
    expect(await service.get(prepared.importId)).toMatchObject({ status: 'failed' });
  });

  it('refuses an unknown format name, listing the known ones', async () => {
    const file = writeSimpleCsv(dir, 'a.csv', day1);
    await expect(service.importFile({ filePath: file, scanDate: '2025-01-01', format: 'qualys' })).rejects.toThrow(/qualys[\s\S]*nessus-xml/);
  });

  it('refuses an invalid scan date', async () => {
    const file = writeSimpleCsv(dir, 'a.csv', day1);
    await expect(service.importFile({ filePath: file, scanDate: '2025-02-30' })).rejects.toThrow(/2025-02-30/);
  });
});

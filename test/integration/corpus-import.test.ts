/**
 * Conformance over the shared corpus, end to end: every real scanner file imports into the
 * database with the row and host counts of scans/SOURCES.md and nothing rejected.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { CORPUS_MISSING, CORPUS_SCANS, corpusDir } from '../helpers/corpus.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

const dir = corpusDir();
if (!dir) console.warn(CORPUS_MISSING);

describe.skipIf(!dir).each(DIALECTS)('corpus imports on %s', (dialect) => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await tdb.destroy();
  });

  it.each(CORPUS_SCANS.map((scan, index) => ({ ...scan, index })))('$file: $rows rows, $hosts hosts, none rejected', async (scan) => {
    const service = new ImportScanService(tdb.handle);
    const day = String(scan.index + 1).padStart(2, '0');
    const summary = await service.importFile({ filePath: path.join(dir!, 'scans/defectdojo', scan.file), scanDate: `2025-01-${day}` });
    expect(summary).toMatchObject({ format: scan.format, rowsRead: scan.rows, rejected: 0, hosts: scan.hosts, mode: 'current' });
    const report = await service.get(summary.importId);
    expect(report).toMatchObject({ status: 'completed', rows_read: scan.rows, rejected_count: 0, hosts_count: scan.hosts });
    // Every row became (part of) an open finding.
    expect(summary.findings).toBeGreaterThan(0);
    expect(summary.created + summary.reopened + summary.updated + summary.unchanged).toBe(summary.findings);
  });

  it('keeps one finding per CVE of a plugin repeated once per CVE (tenable_many_vuln.csv)', async () => {
    const service = new ImportScanService(tdb.handle);
    await service.importFile({ filePath: path.join(dir!, 'scans/defectdojo/tenable_many_vuln.csv'), scanDate: '2025-02-01' });
    const rows = await tdb.handle.db
      .selectFrom('vulnerabilities_current')
      .select(['cve', 'host_key'])
      .where('plugin_id', '=', '176703')
      .execute();
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.cve)).size).toBe(10);
    const links = await tdb.handle.db.selectFrom('plugin_cves').select('cve_id').where('plugin_id', '=', '176703').execute();
    expect(links).toHaveLength(10);
  });

  it('stores plugin text once and correlates a Tenable VM asset by UUID across host names (nessus_new.csv)', async () => {
    const service = new ImportScanService(tdb.handle);
    await service.importFile({ filePath: path.join(dir!, 'scans/defectdojo/nessus_new.csv'), scanDate: '2025-02-02' });
    const assets = await tdb.handle.db.selectFrom('assets').select(['tenable_uuid']).where('tenable_uuid', 'is not', null).execute();
    expect(assets.length).toBeGreaterThanOrEqual(97);
    const plugins = await tdb.handle.db.selectFrom('plugins').select('plugin_id').execute();
    expect(new Set(plugins.map((p) => p.plugin_id)).size).toBe(plugins.length);
  });
});

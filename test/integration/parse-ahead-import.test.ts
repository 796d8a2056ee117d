/**
 * An import whose file is parsed ahead in a thread (a large file) stores exactly what the same
 * import parsed in its own thread stores: findings, ports, plugin text, CVE links, counts.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { FIXTURES_DIR } from '../../src/importers/test-utils.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

const FILES = ['tenable-vm-csv/many.csv', 'nessus-xml/many.nessus', 'tenable-export-json/many.json', 'nessus-csv/bad-rows.csv'];

describe.each(DIALECTS)('imports parsed ahead on %s', (dialect) => {
  let inThread: TestDatabase;
  let ahead: TestDatabase;
  beforeEach(async () => {
    [inThread, ahead] = await Promise.all([createTestDatabase(dialect), createTestDatabase(dialect)]);
  });
  afterEach(async () => {
    await Promise.all([inThread.destroy(), ahead.destroy()]);
  });

  async function stored(tdb: TestDatabase) {
    const db = tdb.handle.db;
    return {
      findings: await db
        .selectFrom('findings')
        .select(['unique_key', 'host_key', 'hostname', 'ip_address', 'plugin_id', 'cve', 'severity', 'vpr_score', 'ports', 'scanner_state', 'output_hash', 'first_seen', 'lifecycle'])
        .orderBy('unique_key')
        .execute(),
      plugins: await db
        .selectFrom('plugins')
        .select(['plugin_id', 'plugin_name', 'plugin_family', 'synopsis', 'description', 'solution', 'see_also', 'cvss_base_score', 'vpr_score', 'exploit_available'])
        .orderBy('plugin_id')
        .execute(),
      links: await db.selectFrom('plugin_cves').select(['plugin_id', 'cve_id']).orderBy('plugin_id').orderBy('cve_id').execute(),
      rejections: await db.selectFrom('import_rejections').select(['line', 'field', 'reason']).orderBy('line').execute(),
    };
  }

  it("stores a plugin's text from its first finding when its later findings come without it", async () => {
    // What parsing ahead leaves out of a plugin's later findings must be what the import never reads.
    await new ImportScanService(inThread.handle, undefined, { parseAheadFromBytes: 0 }).importFile({ filePath: path.join(FIXTURES_DIR, 'nessus-xml/many.nessus'), scanDate: '2025-03-01' });
    const repeated = await inThread.handle.db
      .selectFrom('findings')
      .innerJoin('plugins', 'plugins.plugin_id', 'findings.plugin_id')
      .select(['findings.plugin_id', 'plugins.description'])
      .where('plugins.description', 'is not', null)
      .groupBy(['findings.plugin_id', 'plugins.description'])
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(repeated.length).toBeGreaterThan(0);
  });

  it.each(FILES)('%s', async (file) => {
    const filePath = path.join(FIXTURES_DIR, file);
    const [here, there] = await Promise.all([
      new ImportScanService(inThread.handle, undefined, { parseAheadFromBytes: Number.POSITIVE_INFINITY }).importFile({ filePath, scanDate: '2025-03-01' }),
      new ImportScanService(ahead.handle, undefined, { parseAheadFromBytes: 0 }).importFile({ filePath, scanDate: '2025-03-01' }),
    ]);
    const counts = ({ rowsRead, rejected, findings, hosts, created }: typeof here) => ({ rowsRead, rejected, findings, hosts, created });
    expect(counts(there)).toEqual(counts(here));
    expect(here.findings).toBeGreaterThan(0);
    const expected = await stored(inThread);
    expect(expected.plugins.length).toBeGreaterThan(0);
    expect(await stored(ahead)).toEqual(expected);
  });
});

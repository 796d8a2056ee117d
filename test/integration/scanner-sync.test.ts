/**
 * Scanner adapters against the simulator on loopback, through the real clients, import and
 * rollover, on every dialect: Tenable.sc cumulative data and Nessus scan exports end with exactly
 * the findings the simulator holds for the hosts they cover (scope 'hosts'), an SC error wrapper
 * fails the sync clearly and applies nothing, and Tenable.ot is refused by name.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findingKey, normalizeHost } from '../../src/domain/finding-identity.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { ScannerNotSupportedError, createScannerAdapter, type ScannerAdapterConfig, type VulnerabilityScannerAdapter } from '../../src/integrations/scanner-adapter.ts';
import { ScApiError, mapScVulnDetail } from '../../src/integrations/tenable-sc/index.ts';
import { scVulnDetail } from '../../src/integrations/tenable/simulator/records.ts';
import { startTenableSimulator, type TenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { ScannerSyncService } from '../../src/services/scanner-sync.service.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

/** An adapter whose waits move the simulator's clock instead of the test's. */
function adapterFor(sim: TenableSimulator, product: 'tenable-sc' | 'nessus' | 'tenable-vm', extra: Partial<ScannerAdapterConfig> = {}): VulnerabilityScannerAdapter {
  const keys = product === 'tenable-sc' ? { accessKey: sim.sc.accessKey, secretKey: sim.sc.secretKey } : { accessKey: sim.accessKey, secretKey: sim.secretKey };
  return createScannerAdapter({
    product,
    url: sim.url,
    ...keys,
    sleep: async (ms) => sim.advanceTime(ms),
    nessusExports: { pollIntervalMs: 10, maxPollIntervalMs: 50 },
    tenableExports: { pollIntervalMs: 10, maxPollIntervalMs: 50 },
    ...extra,
  });
}

/**
 * The keys HexTrackr must hold open for some of the simulator's assets on its current day: every
 * OPEN/REOPENED finding, keyed as the rollover keys them. Computed from the estate itself (through
 * the SC record shape), independently of the client and of the .nessus parser.
 */
function simulatorKeys(sim: TenableSimulator, firstAsset = 0, endAsset = sim.estate.assetCount): Set<string> {
  const keys = new Set<string>();
  for (let a = firstAsset; a < endAsset; a++) {
    sim.estate.forEachFinding(a, sim.day(), (f) => {
      if (f.state === 'FIXED') return;
      const event = mapScVulnDetail(0, scVulnDetail(sim.estate, f));
      if (event.kind !== 'finding') throw new Error(`simulator record not mappable: ${event.issue.reason}`);
      const finding = event.finding;
      const host = normalizeHost(finding.hostname, finding.ipAddress);
      for (const cve of finding.cves.length > 0 ? finding.cves : [undefined]) keys.add(findingKey(host, cve, finding.pluginId, finding.description));
    });
  }
  return keys;
}

const sorted = (keys: Iterable<string>) => [...keys].sort();

/**
 * No renamed or re-addressed hosts: SC and Nessus name a host by DNS name and IP, so a renamed host
 * without a Tenable UUID is a new host to them as to HexTrackr, and the old name keeps its findings
 * (scope 'hosts' resolves only on hosts the data names). Findings still appear, get fixed and come back.
 */
const STABLE_NAMES = { renamePerDay: 0, readdressPerDay: 0 };

describe.each(DIALECTS)('scanner sync on %s', (dialect) => {
  let tdb: TestDatabase;
  let sync: ScannerSyncService;

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    sync = new ScannerSyncService(tdb.handle, new ImportScanService(tdb.handle));
  });
  afterEach(async () => {
    await tdb.destroy();
  });

  const openKeys = async () => sorted((await tdb.handle.db.selectFrom('vulnerabilities_current').select('unique_key').execute()).map((r) => r.unique_key));
  const imports = () => tdb.handle.db.selectFrom('imports').select(['source', 'format', 'status', 'scope', 'error']).orderBy('id').execute();

  describe('Tenable.sc', () => {
    let sim: TenableSimulator;
    beforeAll(async () => {
      sim = await startTenableSimulator({ seed: 5, assets: 90, findings: 1600, churn: STABLE_NAMES });
    });
    afterAll(async () => {
      await sim.close();
    });
    afterEach(() => {
      sim.setFaults({ scErrorRate: 0 });
    });

    it('holds exactly the simulator\'s open findings, page by page, day after day', async () => {
      const day0 = await sync.sync(adapterFor(sim, 'tenable-sc', { scPageSize: 250 }), { scanDate: '2026-01-05' });
      expect(day0).toMatchObject({ format: 'tenable-sc-api', scope: 'hosts', rejected: 0, resolved: 0 });
      expect(day0.rowsRead).toBeGreaterThan(1000);
      expect(await openKeys()).toEqual(sorted(simulatorKeys(sim)));

      sim.advanceDay();
      const day1 = await sync.sync(adapterFor(sim, 'tenable-sc', { scPageSize: 1000 }), { scanDate: '2026-01-06' });
      expect(day1.resolved).toBeGreaterThan(0);
      expect(day1.created).toBeGreaterThan(0);
      expect(await openKeys()).toEqual(sorted(simulatorKeys(sim)));
      expect((await imports()).map((i) => [i.source, i.format, i.status, i.scope])).toEqual([
        ['tenable-sc', 'tenable-sc-api', 'completed', 'hosts'],
        ['tenable-sc', 'tenable-sc-api', 'completed', 'hosts'],
      ]);
    });

    it('fails clearly on an SC error wrapper (HTTP 200, error_code != 0) and applies nothing', async () => {
      await sync.sync(adapterFor(sim, 'tenable-sc'), { scanDate: '2026-01-05' });
      const before = await openKeys();
      sim.setFaults({ scErrorRate: 1 });
      const failure = sync.sync(adapterFor(sim, 'tenable-sc'), { scanDate: '2026-01-09' });
      await expect(failure).rejects.toBeInstanceOf(ScApiError);
      await expect(failure).rejects.toThrow(/Tenable\.sc POST \/analysis: error_code 146 \(HTTP 200\): Invalid parameters specified for Analysis/);
      const last = (await imports()).at(-1)!;
      expect(last.status).toBe('failed');
      expect(last.error).toMatch(/error_code 146/);
      expect(await openKeys()).toEqual(before);
    });

    it('tells refused keys from a working connection', async () => {
      expect(await adapterFor(sim, 'tenable-sc').authenticateConnection()).toBe(true);
      expect(await adapterFor(sim, 'tenable-sc', { secretKey: '0'.repeat(32) }).authenticateConnection()).toBe(false);
    });
  });

  describe('Nessus', () => {
    let sim: TenableSimulator;
    beforeAll(async () => {
      // 820 assets: three scans (ids 40, 43, 46), each covering a third of the estate.
      sim = await startTenableSimulator({ seed: 8, assets: 820, findings: 5000, faults: { scanExportLoadingPolls: 3 }, churn: STABLE_NAMES });
    });
    afterAll(async () => {
      await sim.close();
    });

    it('a later scan resolves what it no longer sees on its hosts; hosts outside it keep their findings', async () => {
      const [first, second] = sim.estate.scans;
      expect(sim.estate.scans.length).toBe(3);
      const scanA = await sync.sync(adapterFor(sim, 'nessus'), { scanId: first!.id, scanDate: '2026-01-05' });
      expect(scanA).toMatchObject({ format: 'nessus-api', scope: 'hosts', rejected: 0, resolved: 0 });
      await sync.sync(adapterFor(sim, 'nessus'), { scanId: String(second!.id), scanDate: '2026-01-05' });
      const hostsOfA0 = simulatorKeys(sim, first!.firstAsset, first!.endAsset);
      const hostsOfB0 = simulatorKeys(sim, second!.firstAsset, second!.endAsset);
      expect(await openKeys()).toEqual(sorted([...hostsOfA0, ...hostsOfB0]));

      sim.advanceDay();
      const hostsOfA1 = simulatorKeys(sim, first!.firstAsset, first!.endAsset);
      const hostsOfB1 = simulatorKeys(sim, second!.firstAsset, second!.endAsset);
      const fixedOnB = [...hostsOfB0].filter((k) => !hostsOfB1.has(k));
      expect(fixedOnB.length).toBeGreaterThan(0);
      const rescan = await sync.sync(adapterFor(sim, 'nessus'), { scanId: first!.id, scanDate: '2026-01-06' });
      expect(rescan.resolved).toBe([...hostsOfA0].filter((k) => !hostsOfA1.has(k)).length);
      expect(rescan.resolved).toBeGreaterThan(0);
      // Scan A's hosts as the simulator has them today; scan B's as B last saw them (their fixes are not known yet).
      expect(await openKeys()).toEqual(sorted(new Set([...hostsOfA1, ...hostsOfB0])));
      expect((await imports()).every((i) => i.source === 'nessus' && i.status === 'completed' && i.scope === 'hosts')).toBe(true);
    });

    it('checks the scan id before recording anything, and reports an unknown scan', async () => {
      await expect(sync.sync(adapterFor(sim, 'nessus'), {})).rejects.toThrow(/needs the scan id/);
      expect(await imports()).toEqual([]);
      await expect(sync.sync(adapterFor(sim, 'nessus'), { scanId: 999 })).rejects.toThrow(/404 Scan not found/);
      expect((await imports()).map((i) => i.status)).toEqual(['failed']);
    });

    it('tells refused keys from a working connection', async () => {
      expect(await adapterFor(sim, 'nessus').authenticateConnection()).toBe(true);
      expect(await adapterFor(sim, 'nessus', { accessKey: 'f'.repeat(64) }).authenticateConnection()).toBe(false);
    });
  });

  describe('Tenable VM through the same adapter interface', () => {
    let sim: TenableSimulator;
    beforeAll(async () => {
      sim = await startTenableSimulator({ seed: 3, assets: 30, findings: 600 });
    });
    afterAll(async () => {
      await sim.close();
    });

    it('syncs with scope state, incrementally after the first run', async () => {
      const first = await sync.sync(adapterFor(sim, 'tenable-vm'), { scanDate: '2026-01-05' });
      expect(first).toMatchObject({ format: 'tenable-vm-api', scope: 'state', rejected: 0 });
      expect(first.fileName).toBe('Tenable VM vulnerability export (full)');
      // The open findings of a full export, keyed as the rollover keys them.
      const expected = new Set<string>();
      for await (const event of adapterFor(sim, 'tenable-vm').vulnerabilities()) {
        if (event.kind !== 'finding' || event.finding.state === 'FIXED') continue;
        const f = event.finding;
        for (const cve of f.cves.length > 0 ? f.cves : [undefined]) expected.add(findingKey(normalizeHost(f.hostname, f.ipAddress), cve, f.pluginId, f.description));
      }
      expect(await openKeys()).toEqual(sorted(expected));
      const second = await sync.sync(adapterFor(sim, 'tenable-vm'), { scanDate: '2026-01-05' });
      expect(second.fileName).toMatch(/^Tenable VM vulnerability export since /);
      expect((await imports()).map((i) => i.source)).toEqual(['tenable', 'tenable']);
    });
  });
});

describe('products that are not supported', () => {
  it('refuses Tenable.ot by name, listing the supported products', () => {
    let error: unknown;
    try {
      createScannerAdapter({ product: 'tenable-ot', url: 'https://ot.example.com', accessKey: 'a', secretKey: 'b' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScannerNotSupportedError);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as Error).message).toBe(
      'Tenable OT Security (tenable-ot) is not supported: HexTrackr syncs from Tenable Vulnerability Management (tenable-vm), Tenable Security Center (tenable-sc), Nessus (nessus)',
    );
    expect(() => createScannerAdapter({ product: 'qualys', url: 'https://q.example.com', accessKey: 'a', secretKey: 'b' })).toThrow(/unknown scanner product "qualys"/);
  });

  it('says an unreachable scanner is unreachable, not that its keys are wrong', async () => {
    const adapter = createScannerAdapter({ product: 'tenable-sc', url: 'http://127.0.0.1:9', accessKey: 'a'.repeat(32), secretKey: 'b'.repeat(32), retry: { maxRetries: 0 } });
    await expect(adapter.authenticateConnection()).rejects.toThrow(/network error/);
  });
});

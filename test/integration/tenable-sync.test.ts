/**
 * Tenable VM sync against the simulator, through the real client, import and rollover: the
 * open findings HexTrackr ends with are exactly those the simulator holds, across days,
 * through 429 and 5xx storms and through chunk downloads cut midway.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findingKey, normalizeHost } from '../../src/domain/finding-identity.ts';
import { TenableClient } from '../../src/integrations/tenable/client/index.ts';
import { toParseEvents } from '../../src/integrations/tenable/mapper/index.ts';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { ImportScanService } from '../../src/services/import-scan.service.ts';
import { TenableSyncService } from '../../src/services/tenable-sync.service.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

type Simulator = Awaited<ReturnType<typeof startTenableSimulator>>;

function clientFor(sim: Simulator, onRetry?: (event: { status?: number }) => void): TenableClient {
  return new TenableClient({
    ...(onRetry ? { onRetry } : {}),
    baseUrl: sim.url,
    accessKey: sim.accessKey,
    secretKey: sim.secretKey,
    // Waiting moves the simulator's clock instead of the test's: retries and polls cost no real time.
    sleep: async (ms: number) => {
      sim.advanceTime(ms);
    },
    exports: { pollIntervalMs: 10, maxPollIntervalMs: 50 },
  });
}

/** The keys HexTrackr should hold open: every OPEN/REOPENED finding of a full export, keyed as the rollover keys them. */
async function expectedOpenKeys(sim: Simulator): Promise<string[]> {
  const handle = clientFor(sim).exportVulns({ num_assets: 500, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
  const keys = new Set<string>();
  for await (const event of toParseEvents(handle)) {
    if (event.kind !== 'finding' || event.finding.state === 'FIXED') continue;
    const f = event.finding;
    const host = normalizeHost(f.hostname, f.ipAddress);
    for (const cve of f.cves.length > 0 ? f.cves : [undefined]) keys.add(findingKey(host, cve, f.pluginId, f.description));
  }
  return [...keys].sort();
}

describe.each(DIALECTS)('Tenable sync on %s', (dialect) => {
  let sim: Simulator;
  let tdb: TestDatabase;
  let sync: TenableSyncService;

  beforeAll(async () => {
    sim = await startTenableSimulator({ assets: 40, findings: 900, seed: 11 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    sync = new TenableSyncService(tdb.handle, new ImportScanService(tdb.handle));
  });
  afterEach(async () => {
    sim.setFaults({ rateLimitPerMinute: null, serverErrorRate: 0, brokenChunkRate: 0 });
    await tdb.destroy();
  });

  const openKeys = async () =>
    (await tdb.handle.db.selectFrom('vulnerabilities_current').select('unique_key').execute()).map((r) => r.unique_key).sort();

  it('holds exactly the open findings of the simulator, day after day, resolving only what Tenable reports FIXED', async () => {
    const first = await sync.syncVulnerabilities(clientFor(sim), { scanDate: '2025-03-01' });
    expect(first).toMatchObject({ format: 'tenable-vm-api', scope: 'state', rejected: 0, resolved: 0 });
    expect(first.created).toBeGreaterThan(500);
    expect(await openKeys()).toEqual(await expectedOpenKeys(sim));

    const again = await sync.syncVulnerabilities(clientFor(sim), { scanDate: '2025-03-01', full: true });
    expect(again).toMatchObject({ created: 0, reopened: 0, resolved: 0 });

    sim.advanceDay();
    const next = await sync.syncVulnerabilities(clientFor(sim), { scanDate: '2025-03-02', full: true });
    expect(next.resolved).toBeGreaterThan(0);
    expect(next.created).toBeGreaterThan(0);
    expect(await openKeys()).toEqual(await expectedOpenKeys(sim));
    const imports = await tdb.handle.db.selectFrom('imports').select(['source', 'status', 'scope']).execute();
    expect(imports.every((i) => i.source === 'tenable' && i.status === 'completed' && i.scope === 'state')).toBe(true);
  });

  it('loses and duplicates nothing through a 429 and 5xx storm', async () => {
    const expected = await expectedOpenKeys(sim);
    sim.setFaults({ rateLimitPerMinute: 3, serverErrorRate: 0.3 });
    const retried: (number | undefined)[] = [];
    const summary = await sync.syncVulnerabilities(clientFor(sim, (event) => retried.push(event.status)), { scanDate: '2025-03-01', full: true });
    expect(summary.rejected).toBe(0);
    expect(retried.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(retried.filter((status) => status !== undefined && status >= 500).length).toBeGreaterThan(0);
    expect(await openKeys()).toEqual(expected);
  });

  it('reads each record once when chunk downloads break midway', async () => {
    const expected = await expectedOpenKeys(sim);
    let records = 0;
    for await (const _record of clientFor(sim).exportVulns({ num_assets: 50, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } })) records++;
    sim.setFaults({ brokenChunkRate: 0.6 });
    const retried: (number | undefined)[] = [];
    const summary = await sync.syncVulnerabilities(clientFor(sim, (event) => retried.push(event.status)), { scanDate: '2025-03-01', full: true, assetsPerChunk: 50 });
    // Network retries carry no status: those are the broken downloads, resumed.
    expect(retried.filter((status) => status === undefined).length).toBeGreaterThan(0);
    // A record delivered twice would be counted twice, even where the rollover folds it into one finding.
    expect(summary.rowsRead).toBe(records);
    expect(summary.rejected).toBe(0);
    expect(await openKeys()).toEqual(expected);
  });
});

/**
 * Several Tenable syncs at once (several jobs, several servers) on one PostgreSQL database: asset
 * batches that upsert the same assets in different orders deadlocked ("deadlock detected", in 2 runs
 * of 2 before the fix) until every such batch queued behind the imports' lock (see
 * write-transaction.ts). SQLite's write lock serialises them anyway; the two-sync case of
 * tenable-integration.test.ts runs there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { type Simulator, simulatorClient } from '../helpers/jobs.ts';
import { PG_URL } from '../helpers/test-db.ts';

const ASSETS = 4000;
const SYNCS = 5;

describe.runIf(PG_URL)('concurrent Tenable asset syncs on PostgreSQL', () => {
  let sim: Simulator;
  let server: TestServer | undefined;
  beforeAll(async () => {
    sim = await startTenableSimulator({ assets: ASSETS, findings: ASSETS, seed: 5, faults: { rejectDuplicateExports: false } });
  });
  afterAll(async () => {
    await server?.close();
    await sim.close();
  });

  it(`all ${SYNCS} complete, arriving in different orders, and each asset exists once`, async () => {
    server = await startTestServer('postgres');
    const sync = server.hex.tenableSync;
    // Small chunks fetched in parallel reach each sync in its own order.
    const results = await Promise.allSettled(Array.from({ length: SYNCS }, () => sync.syncAssets(simulatorClient(sim), { chunkSize: 100 })));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error).message)] : []));
    expect(failures).toEqual([]);
    for (const r of results) if (r.status === 'fulfilled') expect(r.value.created + r.value.matchedByUuid).toBe(ASSETS);
    const assets = await server.hex.database.db.selectFrom('assets').select(['tenable_uuid']).execute();
    expect(assets).toHaveLength(ASSETS);
    expect(new Set(assets.map((a) => a.tenable_uuid)).size).toBe(ASSETS);
  });
});

/**
 * The Tenable integration end to end against the simulator on loopback, on every dialect:
 * credentials (validated, tested, encrypted at rest, masked), asset correlation and its review,
 * assets renamed and re-addressed by the simulator's evolution, incremental sync equal to the
 * simulator's state, plugin mappings with validation issues, scan history, monthly summary and
 * snapshot retention, progress and cancellation.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findingKey, normalizeHost } from '../../src/domain/finding-identity.ts';
import { TenableClient, type TenableClientOptions } from '../../src/integrations/tenable/client/index.ts';
import { toParseEvents } from '../../src/integrations/tenable/mapper/index.ts';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { SyncAbortedError } from '../../src/services/abortable.ts';
import { SYNC_ACTOR } from '../../src/services/tenable-asset-sync.service.ts';
import type { SyncProgress } from '../../src/services/tenable-sync.service.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { DIALECTS } from '../helpers/test-db.ts';

type Simulator = Awaited<ReturnType<typeof startTenableSimulator>>;

function clientDefaults(sim: Simulator): Partial<TenableClientOptions> {
  return {
    // Waiting moves the simulator's clock instead of the test's.
    sleep: async (ms: number) => {
      sim.advanceTime(ms);
    },
    rateLimit: { requestsPerMinute: 100_000, burst: 10_000 },
    exports: { pollIntervalMs: 10, maxPollIntervalMs: 50 },
  };
}

function clientFor(sim: Simulator): TenableClient {
  return new TenableClient({ ...clientDefaults(sim), baseUrl: sim.url, accessKey: sim.accessKey, secretKey: sim.secretKey });
}

/** The keys HexTrackr should hold open: every OPEN/REOPENED finding of a full export, keyed as the rollover keys them. */
async function expectedOpenKeys(sim: Simulator): Promise<string[]> {
  const keys = new Set<string>();
  for await (const event of toParseEvents(clientFor(sim).exportVulns({ num_assets: 500, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } }))) {
    if (event.kind !== 'finding' || event.finding.state === 'FIXED') continue;
    const f = event.finding;
    const host = normalizeHost(f.hostname, f.ipAddress);
    for (const cve of f.cves.length > 0 ? f.cves : [undefined]) keys.add(findingKey(host, cve, f.pluginId, f.description));
  }
  return [...keys].sort();
}

const ASSETS = 40;

describe.each(DIALECTS)('Tenable integration on %s', (dialect) => {
  let sim: Simulator;
  let t: TestServer;

  beforeAll(async () => {
    // Brisk churn so a single day renames and re-addresses several assets.
    sim = await startTenableSimulator({ assets: ASSETS, findings: 900, seed: 23, churn: { renamePerDay: 0.25, readdressPerDay: 0.25 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    t = await startTestServer(dialect, { app: { tenableClientDefaults: clientDefaults(sim) } });
  });
  afterEach(async () => {
    sim.setFaults({ slowChunkMs: 0 });
    await t.close();
  });

  const db = () => t.hex.database.db;
  const openKeys = async () => (await db().selectFrom('vulnerabilities_current').select('unique_key').execute()).map((r) => r.unique_key).sort();

  it('validates, tests, encrypts, masks and forgets the Tenable keys', async () => {
    const badFormat = await t.api<{ error: { code: string; details: { field: string }[] } }>('POST', '/api/tenable/configure', { body: { access_key: 'not-hex', secret_key: sim.secretKey, url: sim.url } });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.details.map((d) => d.field)).toEqual(['body.access_key']);

    const rejected = await t.api<{ error: { code: string; message: string } }>('POST', '/api/tenable/configure', { body: { access_key: 'ab'.repeat(32), secret_key: 'cd'.repeat(32), url: sim.url } });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.message).toMatch(/^Tenable rejected the keys: .+/);
    expect((await t.api<{ configured: boolean }>('GET', '/api/tenable/configuration')).body.configured).toBe(false);
    expect(await db().selectFrom('tenable_settings').selectAll().where('name', 'like', 'credentials.%').execute()).toEqual([]);

    const stored = await t.api<{ access_key: string; configured: boolean; source: string }>('POST', '/api/tenable/configure', { body: { access_key: sim.accessKey, secret_key: sim.secretKey, url: sim.url } });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ configured: true, source: 'stored', access_key: `••••…${sim.accessKey.slice(-4)}` });

    // At rest: neither key appears in any stored value; each is an AES-GCM envelope.
    const rows = await db().selectFrom('tenable_settings').selectAll().execute();
    const raw = rows.map((r) => r.value).join('\n').toLowerCase();
    expect(raw).not.toContain(sim.accessKey.toLowerCase());
    expect(raw).not.toContain(sim.secretKey.toLowerCase());
    expect(rows.find((r) => r.name === 'credentials.secret_key')?.value).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    expect(statSync(path.join(t.location.dir, 'master.key')).mode & 0o777).toBe(0o600);

    const shown = await t.api<Record<string, unknown>>('GET', '/api/tenable/configuration', { as: 'viewer' });
    expect(shown.body).toMatchObject({ configured: true, url: sim.url, access_key: `••••…${sim.accessKey.slice(-4)}`, last_test: { ok: true } });
    expect(typeof shown.body.configured_at).toBe('string');
    expect(JSON.stringify(shown.body)).not.toContain(sim.secretKey);
    expect(JSON.stringify(shown.body)).not.toContain(sim.accessKey);

    expect((await t.api<{ ok: boolean }>('POST', '/api/tenable/test-connection', { as: 'analyst' })).body.ok).toBe(true);
    // The one client builder decrypts what was stored.
    expect((await (await t.hex.tenableSettings.client()).listPluginFamilies()).families.length).toBeGreaterThan(0);

    expect((await t.api('DELETE', '/api/tenable/configuration')).body).toEqual({ deleted: true });
    expect((await t.api<{ configured: boolean }>('GET', '/api/tenable/configuration')).body.configured).toBe(false);
    const unconfigured = await t.api<{ error: { message: string } }>('POST', '/api/tenable/test-connection', { as: 'analyst' });
    expect(unconfigured.status).toBe(400);
    expect(unconfigured.body.error.message).toMatch(/not configured/);
  });

  it('redacts keys in log lines', () => {
    let out = '';
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => ((out += chunk.toString()), done()) }));
    logger.info('tenable', 'x', { body: { access_key: sim.accessKey, secret_key: sim.secretKey }, accessKey: sim.accessKey });
    expect(out).not.toContain(sim.accessKey);
    expect(out).not.toContain(sim.secretKey);
    expect(out).toContain('[redacted]');
  });

  it('correlates by UUID, host name and IP, flags doubtful matches for review, logs every decision, and takes a person\'s decision', async () => {
    const view = (i: number) => sim.estate.asset(i, sim.day());
    const now = new Date().toISOString();
    const base = { mac_addresses: '[]', first_seen: '2025-01-01', last_seen: '2025-01-01', created_at: now, updated_at: now };
    // As file imports would have left them: no UUID, a host name and/or an address.
    const byName = await db().insertInto('assets').values({ ...base, host_key: view(0).name, hostname: view(0).name, ip_addresses: '[]' }).returning('id').executeTakeFirstOrThrow();
    const byIp = await db().insertInto('assets').values({ ...base, host_key: view(1).ipv4, hostname: null, ip_addresses: JSON.stringify([view(1).ipv4]) }).returning('id').executeTakeFirstOrThrow();
    const shared = await db()
      .insertInto('assets')
      .values([
        { ...base, host_key: 'dup-a', hostname: null, ip_addresses: JSON.stringify([view(2).ipv4]) },
        { ...base, host_key: 'dup-b', hostname: null, ip_addresses: JSON.stringify([view(2).ipv4]) },
      ])
      .returning('id')
      .execute();
    const byUuid = await db().insertInto('assets').values({ ...base, tenable_uuid: view(3).uuid, host_key: 'old-name', hostname: 'old-name', ip_addresses: '[]' }).returning('id').executeTakeFirstOrThrow();

    const result = await t.hex.tenableSync.syncAssets(clientFor(sim));
    expect(result).toMatchObject({ exported: ASSETS, matchedByUuid: 1, correlated: 1, reviewRequired: 2, created: ASSETS - 4 });

    const row = (id: number) => db().selectFrom('assets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await row(Number(byName.id))).toMatchObject({ tenable_uuid: view(0).uuid, correlation_method: 'Hostname Fallback', manual_review_required: 0 });
    expect(Number((await row(Number(byName.id))).correlation_confidence)).toBeGreaterThanOrEqual(85);
    expect(await row(Number(byUuid.id))).toMatchObject({ correlation_method: 'UUID Exact Match', hostname: view(3).name, ip_addresses: JSON.stringify([view(3).ipv4, ...(view(3).ipv6 ? [view(3).ipv6] : [])].sort()) });
    expect((await row(Number(byIp.id))).tenable_uuid).toBeNull();

    const logs = await db().selectFrom('asset_correlation_log').selectAll().orderBy('id').execute();
    const logOf = (uuid: string) => logs.filter((l) => l.tenable_uuid === uuid);
    expect(logOf(view(0).uuid)).toMatchObject([{ asset_id: Number(byName.id), correlation_method: 'Hostname Fallback', manual_review_required: 0, decided_by: SYNC_ACTOR }]);
    expect(JSON.parse(logOf(view(0).uuid)[0]!.matched_fields)).toContain('hostname');
    expect(logOf(view(1).uuid)).toMatchObject([{ correlation_method: 'IP Address Correlation', manual_review_required: 1 }]);
    expect(Number(logOf(view(1).uuid)[0]!.correlation_confidence)).toBeLessThan(80);
    expect(JSON.parse(logOf(view(3).uuid)[0]!.conflicting_fields)).toContain('hostname');
    expect(logs.filter((l) => l.correlation_method === 'New Asset')).toHaveLength(ASSETS - 4);

    const review = await t.api<{ total: number; items: { asset_id: number; tenable_uuid: string; candidates: { asset_id: number; confidence: number }[] }[] }>('GET', '/api/tenable/assets/correlation-review', { as: 'viewer' });
    expect(review.body.total).toBe(2);
    const forIp = review.body.items.find((i) => i.tenable_uuid === view(1).uuid)!;
    expect(forIp.candidates.map((c) => c.asset_id)).toEqual([Number(byIp.id)]);
    const forShared = review.body.items.find((i) => i.tenable_uuid === view(2).uuid)!;
    expect(forShared.candidates.map((c) => c.asset_id).sort()).toEqual(shared.map((s) => Number(s.id)).sort());

    // Findings arrive on the provisional asset; a person then says which known asset it is.
    await t.hex.tenableSync.syncVulnerabilities(clientFor(sim), { full: true, scanDate: '2026-01-05' });
    const provisionalFindings = await db().selectFrom('findings').select('id').where('asset_id', '=', forIp.asset_id).execute();
    expect(provisionalFindings.length).toBeGreaterThan(0);
    const mapped = await t.api<{ asset_id: number; merged_asset_id: number }>('POST', `/api/tenable/assets/${byIp.id}/correlate`, { as: 'analyst', body: { tenable_uuid: view(1).uuid } });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toMatchObject({ asset_id: Number(byIp.id), merged_asset_id: forIp.asset_id });
    expect(await row(Number(byIp.id))).toMatchObject({ tenable_uuid: view(1).uuid, correlation_method: 'Manual Mapping', manual_review_required: 0 });
    expect(await db().selectFrom('assets').select('id').where('id', '=', forIp.asset_id).execute()).toEqual([]);
    expect((await db().selectFrom('findings').select('id').where('asset_id', '=', Number(byIp.id)).execute()).length).toBe(provisionalFindings.length);

    const rejected = await t.api('POST', `/api/tenable/assets/${forShared.asset_id}/correlate`, { as: 'analyst', body: { reject: true } });
    expect(rejected.status).toBe(200);
    expect((await t.api<{ total: number }>('GET', '/api/tenable/assets/correlation-review')).body.total).toBe(0);
    const decisions = await db().selectFrom('asset_correlation_log').selectAll().where('correlation_method', 'in', ['Manual Mapping', 'Rejected']).orderBy('id').execute();
    expect(decisions.map((d) => [d.correlation_method, d.asset_id])).toEqual([
      ['Manual Mapping', Number(byIp.id)],
      ['Rejected', forShared.asset_id],
    ]);
    expect(decisions.every((d) => d.decided_by !== SYNC_ACTOR)).toBe(true);

    const wrong = await t.api<{ error: { code: string } }>('POST', `/api/tenable/assets/${byName.id}/correlate`, { as: 'analyst', body: { tenable_uuid: view(5).uuid } });
    expect(wrong.status).toBe(400);
    expect((await t.api('POST', '/api/tenable/assets/999999/correlate', { as: 'analyst', body: { reject: true } })).status).toBe(404);
  });

  it('creates each Tenable asset once when two asset syncs run at the same time (two jobs, two servers)', async () => {
    sim.setFaults({ rejectDuplicateExports: false });
    try {
      const [first, second] = await Promise.all([t.hex.tenableSync.syncAssets(clientFor(sim)), t.hex.tenableSync.syncAssets(clientFor(sim))]);
      // Usually both find every asset new (neither has committed when the other looks) and the second
      // upserts; on a loaded machine the first may commit before the second looks, which then matches
      // them by UUID. Either way no sync fails and every asset exists once.
      for (const sync of [first, second]) expect(sync.created + sync.matchedByUuid).toBe(ASSETS);
      expect(first.created + second.created).toBeGreaterThanOrEqual(ASSETS);
      const assets = await db().selectFrom('assets').select(['tenable_uuid']).execute();
      expect(assets).toHaveLength(ASSETS);
      expect(new Set(assets.map((a) => a.tenable_uuid)).size).toBe(ASSETS);
    } finally {
      sim.setFaults({ rejectDuplicateExports: true });
    }
  });

  it('follows renamed and re-addressed assets: an incremental sync after a day equals the simulator, no asset or finding lost or doubled', async () => {
    const client = clientFor(sim);
    const day0 = sim.day();
    const first = await t.hex.tenableSync.syncAll(client, { scanDate: '2026-01-05', skipPlugins: true });
    expect(first.assets).toMatchObject({ exported: ASSETS, created: ASSETS });
    expect(await openKeys()).toEqual(await expectedOpenKeys(sim));

    sim.advanceDay();
    const changed = Array.from({ length: ASSETS }, (_, i) => i).filter((i) => {
      const [before, after] = [sim.estate.asset(i, day0), sim.estate.asset(i, day0 + 1)];
      return before.name !== after.name || before.ipv4 !== after.ipv4;
    });
    expect(changed.length).toBeGreaterThan(0);

    const second = await t.hex.tenableSync.syncAll(client, { scanDate: '2026-01-06', skipPlugins: true });
    expect(second.vulnerabilities.since).toBeGreaterThan(0);
    expect(second.assets).toMatchObject({ exported: ASSETS, matchedByUuid: ASSETS, created: 0, correlated: 0, reviewRequired: 0 });

    const assets = await db().selectFrom('assets').selectAll().execute();
    expect(assets).toHaveLength(ASSETS);
    for (const i of changed) {
      const now = sim.estate.asset(i, day0 + 1);
      const asset = assets.find((a) => a.tenable_uuid === now.uuid)!;
      expect(asset.fqdn).toBe(now.fqdn);
      expect(JSON.parse(asset.ip_addresses)).toContain(now.ipv4);
      const log = await db().selectFrom('asset_correlation_log').selectAll().where('tenable_uuid', '=', now.uuid).where('created_at', '>', first.vulnerabilities.scanDate).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(log.correlation_method).toBe('UUID Exact Match');
      expect(JSON.parse(log.conflicting_fields).length).toBeGreaterThan(0);
    }
    expect(await openKeys()).toEqual(await expectedOpenKeys(sim));
    // Findings stay on their asset: none points at an asset missing from the estate.
    const orphans = await db().selectFrom('findings').select('id').where('asset_id', 'is', null).execute();
    expect(orphans).toEqual([]);

    const history = await t.api<{ items: { scan_type: string; status: string }[] }>('GET', '/api/tenable/scan-history', { as: 'viewer' });
    expect(history.body.items.filter((h) => h.scan_type === 'vulnerability-sync' && h.status === 'completed')).toHaveLength(2);
    expect(history.body.items.filter((h) => h.scan_type === 'asset-sync')).toHaveLength(2);
  });

  it('syncs plugin mappings through the API and reports validation problems without failing', async () => {
    await t.api('POST', '/api/tenable/configure', { body: { access_key: sim.accessKey, secret_key: sim.secretKey, url: sim.url } });
    const synced = await t.api<{ processed: number; created: number; cveLinks: number; issueCount: number }>('POST', '/api/tenable/plugins/sync', { as: 'analyst', body: {} });
    expect(synced.status).toBe(200);
    expect(synced.body.processed).toBeGreaterThan(10);
    expect(synced.body.created).toBe(synced.body.processed);
    const link = await db().selectFrom('plugin_cves').selectAll().where('correlation_source', '=', 'Tenable API').limit(1).executeTakeFirstOrThrow();
    const found = await t.api<{ total: number; items: { plugin_id: string; cves: { cve_id: string }[] }[] }>('GET', `/api/tenable/plugins/mappings?q=${link.cve_id}`, { as: 'viewer' });
    expect(found.body.items.map((p) => p.plugin_id)).toContain(link.plugin_id);
    expect(found.body.items.every((p) => p.cves.some((c) => c.cve_id === link.cve_id))).toBe(true);
    const byId = await t.api<{ items: { plugin_id: string }[] }>('GET', `/api/tenable/plugins/mappings?q=${link.plugin_id}&limit=5`);
    expect(byId.body.items[0]!.plugin_id).toBe(link.plugin_id);

    // A catalogue with bad data: reported per plugin and field, the good parts kept.
    const attrs = { synopsis: 's', description: 'd', solution: 'x' };
    const bad = {
      async *plugins() {
        yield { id: 1234567, name: 'too long an id', attributes: { ...attrs } };
        yield { id: 900001, name: 'bad cve and severity', attributes: { ...attrs, cve: ['CVE-2021-44228', 'CVE-21-1'], risk_factor: 'Low', cvss3_base_score: 9.8 } };
        yield { id: 900002, name: 'score out of range', attributes: { ...attrs, cvss_base_score: 11, risk_factor: 'High' } };
        yield { id: 900003, name: 'fine', attributes: { ...attrs, cve: ['CVE-2014-0160'], risk_factor: 'High', cvss3_base_score: 7.5 } };
      },
    } as unknown as TenableClient;
    const result = await t.hex.tenableSync.syncPlugins(bad, { full: true });
    expect(result).toMatchObject({ processed: 4, skipped: 1, created: 3, cveLinks: 2 });
    expect(result.issues.map((i) => [i.plugin_id, i.field])).toEqual([
      ['1234567', 'id'],
      ['900001', 'risk_factor'],
      ['900001', 'cve'],
      ['900002', 'cvss_base_score'],
    ]);
    expect(await db().selectFrom('plugins').select('plugin_id').where('plugin_id', '=', '1234567').execute()).toEqual([]);
    expect(await db().selectFrom('plugins').select(['risk_factor', 'cvss3_base_score']).where('plugin_id', '=', '900001').executeTakeFirstOrThrow()).toEqual({ risk_factor: 'Low', cvss3_base_score: 9.8 });
    expect((await db().selectFrom('plugin_cves').select('cve_id').where('plugin_id', '=', '900001').execute()).map((r) => r.cve_id)).toEqual(['CVE-2021-44228']);
    expect((await db().selectFrom('plugins').select('cvss_base_score').where('plugin_id', '=', '900002').executeTakeFirstOrThrow()).cvss_base_score).toBeNull();
  });

  it('keeps trends in daily totals and monthly summaries when old snapshots are pruned', async () => {
    const client = clientFor(sim);
    await t.hex.tenableSync.syncVulnerabilities(client, { full: true, scanDate: '2025-12-30' });
    await t.hex.tenableSync.syncVulnerabilities(client, { full: true, scanDate: '2026-01-02' });
    const trendsBefore = (await t.api<{ items: unknown[] }>('GET', '/api/dashboard/trends')).body.items;
    const december = await db().selectFrom('daily_totals').selectAll().where('scan_date', '=', '2025-12-30').executeTakeFirstOrThrow();
    const snapshots = async (date: string) => Number((await db().selectFrom('finding_snapshots').select((eb) => eb.fn.countAll().as('n')).where('scan_date', '=', date).executeTakeFirstOrThrow()).n);
    const januarySnapshots = await snapshots('2026-01-02');
    expect(await snapshots('2025-12-30')).toBeGreaterThan(0);

    const pruned = await t.hex.tenableSync.history.pruneSnapshots(3, new Date('2026-01-03T12:00:00Z'));
    expect(pruned).toMatchObject({ cutoff: '2025-12-31', dates: 1 });
    expect(pruned.deleted).toBe(Number(december.total_count));
    expect(await snapshots('2025-12-30')).toBe(0);
    expect(await snapshots('2026-01-02')).toBe(januarySnapshots);
    expect((await t.api<{ items: unknown[] }>('GET', '/api/dashboard/trends')).body.items).toEqual(trendsBefore);

    const months = await t.api<{ items: { summary_month: string; total_vulnerabilities: number; critical_vulnerabilities: number; new_vulnerabilities: number }[] }>('GET', '/api/tenable/monthly-summary', { as: 'viewer' });
    expect(months.body.items.map((m) => m.summary_month)).toEqual(['2025-12', '2026-01']);
    expect(months.body.items[0]).toMatchObject({
      total_vulnerabilities: Number(december.total_count),
      critical_vulnerabilities: Number(december.critical_count),
      new_vulnerabilities: Number(december.new_count),
    });
    expect((await t.api('GET', '/api/tenable/monthly-summary?from=2026-01')).body).toMatchObject({ items: [{ summary_month: '2026-01' }] });
  });

  it('reports progress phase by phase and stops promptly when cancelled, cancelling the export on Tenable', async () => {
    const progress: SyncProgress[] = [];
    const done = await t.hex.tenableSync.syncAll(clientFor(sim), { scanDate: '2026-01-05', onProgress: (p) => progress.push(p) });
    expect(done.vulnerabilities.rowsRead).toBeGreaterThan(0);
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['Initializing', 'Connecting', 'Correlating Assets', 'Fetching', 'Processing Vulnerabilities', 'Updating Plugin Mappings', 'Finalizing', 'Completed']);
    expect(progress.every((p, i) => i === 0 || p.percentage >= progress[i - 1]!.percentage)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'Completed', percentage: 100, assetsProcessed: ASSETS, vulnerabilitiesProcessed: done.vulnerabilities.rowsRead });

    const client = clientFor(sim);
    const requests = vi.spyOn(client.http, 'request');
    const jobs = async () => (await client.http.request<{ exports: { uuid: string; status: string }[] }>('GET', '/vulns/export/status')).exports;
    const known = new Set((await jobs()).map((j) => j.uuid));
    sim.setFaults({ slowChunkMs: 3000 });
    const controller = new AbortController();
    const running = t.hex.tenableSync.syncAll(client, { full: true, scanDate: '2026-01-06', signal: controller.signal });
    running.catch(() => undefined);
    const exportUuid = await vi.waitFor(
      async () => {
        const fresh = (await jobs()).find((j) => !known.has(j.uuid));
        if (!fresh) throw new Error('no export yet');
        return fresh.uuid;
      },
      { timeout: 30_000, interval: 20 },
    );
    controller.abort('user cancelled');
    await expect(running).rejects.toBeInstanceOf(SyncAbortedError);
    expect(requests.mock.calls.some(([method, url]) => method === 'POST' && url === `/vulns/export/${exportUuid}/cancel`)).toBe(true);
    const imports = await db().selectFrom('imports').select(['status', 'scan_date']).where('scan_date', '=', '2026-01-06').execute();
    expect(imports.map((i) => i.status)).toEqual(['failed']);
    const history = await db().selectFrom('scan_history').select(['scan_type', 'status']).where('status', '=', 'cancelled').execute();
    expect(history).toEqual([{ scan_type: 'vulnerability-sync', status: 'cancelled' }]);
  });
});

/**
 * Vulnerability and asset exports over real HTTP: the status lifecycle, default and explicit
 * filters, cancel, duplicates (409 / 429 JSON), the concurrency limit and rate budget (429 HTML
 * + Retry-After), exports ending in ERROR, expired chunks, and authentication.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS } from './faults.ts';
import type { FindingView } from './estate.ts';
import { type TenableSimulator, startTenableSimulator } from './server.ts';
import { type Api, type Json, api, pollExport, runVulnExport } from './test-support.ts';

const DAY_S = 86_400;

let sim: TenableSimulator;
let client: Api;

beforeAll(async () => {
  sim = await startTenableSimulator({ seed: 7, assets: 400, findings: 12_000, exportPacing: { queuedPolls: 1, chunksPerPoll: 2 } });
  client = api(sim);
  sim.advanceDay(2);
});
afterAll(async () => {
  await sim?.close();
});
afterEach(() => {
  sim.setFaults(DEFAULT_FAULTS);
});

/** Findings of the current day straight from the estate (no HTTP, no filter code). */
function estateFindings(): FindingView[] {
  const day = sim.day();
  const all: FindingView[] = [];
  for (let a = 0; a < sim.estate.assetCount; a++) sim.estate.forEachFinding(a, day, (f) => void all.push(f));
  return all;
}

function flat(chunks: Map<number, Json[]>): Json[] {
  return [...chunks.values()].flat();
}

describe('authentication', () => {
  it('answers 401 with the real body without keys, with wrong keys or a malformed header', async () => {
    const anonymous = api(sim, false);
    const attempts = [
      await anonymous.get('/vulns/export/status'),
      await anonymous.request('GET', '/vulns/export/status', undefined, { 'X-ApiKeys': `accessKey=${'0'.repeat(64)};secretKey=${sim.secretKey}` }),
      await anonymous.request('GET', '/vulns/export/status', undefined, { 'X-ApiKeys': `accessKey=${sim.accessKey};secretKey=${'f'.repeat(64)}` }),
      await anonymous.request('GET', '/vulns/export/status', undefined, { 'X-ApiKeys': `${sim.accessKey}:${sim.secretKey}` }),
      await anonymous.request('POST', '/vulns/export', {}, { 'X-ApiKeys': `accessKey=${sim.accessKey}` }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.json).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Invalid credentials.' });
      expect(res.headers.get('x-request-uuid')).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('accepts the header the way pyTenable and the docs write it (spaces, trailing ;, any order, any case)', async () => {
    const anonymous = api(sim, false);
    for (const header of [
      `accessKey=${sim.accessKey}; secretKey=${sim.secretKey};`,
      `secretKey=${sim.secretKey};accessKey=${sim.accessKey}`,
      `ACCESSKEY=${sim.accessKey} ; secretkey=${sim.secretKey}`,
    ]) {
      const res = await anonymous.request('GET', '/scans', undefined, { 'x-apikeys': header });
      expect(res.status).toBe(200);
    }
  });
});

describe('vulnerability export lifecycle', () => {
  it('goes QUEUED → PROCESSING (chunks_available grows, downloadable at once) → FINISHED', async () => {
    const created = await client.post('/vulns/export', { num_assets: 50 });
    expect(created.status).toBe(200);
    const uuid = String((created.json as Json).export_uuid);
    const statuses: Json[] = [];
    const downloaded = new Map<number, Json[]>();
    for (let i = 0; i < 100; i++) {
      const status = (await client.get(`/vulns/export/${uuid}/status`)).json as Json;
      statuses.push(status);
      // Consumers may download as soon as an id appears, before FINISHED.
      for (const id of status.chunks_available as number[]) {
        if (downloaded.has(id)) continue;
        const chunk = await client.get(`/vulns/export/${uuid}/chunks/${id}`);
        expect(chunk.status).toBe(200);
        expect(chunk.headers.get('content-type')).toBe('application/octet-stream');
        expect(chunk.headers.get('content-disposition')).toBe(`attachment; filename=${uuid}-${id}-vulndoc.json`);
        downloaded.set(id, chunk.json as Json[]);
      }
      if (status.status === 'FINISHED') break;
    }
    const names = statuses.map((s) => s.status);
    expect(names[0]).toBe('QUEUED');
    expect(statuses[0]).toMatchObject({ chunks_available: [], total_chunks: 0, finished_chunks: 0 });
    expect(names).toContain('PROCESSING');
    expect(names[names.length - 1]).toBe('FINISHED');
    const processing = statuses.filter((s) => s.status === 'PROCESSING');
    const counts = processing.map((s) => s.chunks_available_count as number);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts[0]).toBe(0);
    expect(counts.some((c) => c > 0)).toBe(true);
    for (const s of statuses) {
      expect(s.chunks_available_count).toBe((s.chunks_available as number[]).length);
      expect(s.finished_chunks).toBe((s.chunks_available as number[]).length);
    }
    const last = statuses[statuses.length - 1]!;
    expect(last.total_chunks).toBe((last.chunks_available as number[]).length);
    expect(last.chunks_available).toEqual(Array.from({ length: last.total_chunks as number }, (_, i) => i + 1));
    expect(last.created).toBe(sim.clock.now());
    expect(last.num_assets_per_chunk).toBe(50);

    // All findings of 50 assets per chunk, each asset in exactly one chunk.
    const owner = new Map<string, number>();
    for (const [id, records] of downloaded) {
      const assets = new Set(records.map((r) => (r.asset as Json).uuid as string));
      expect(assets.size).toBeLessThanOrEqual(50);
      for (const asset of assets) {
        expect(owner.has(asset)).toBe(false);
        owner.set(asset, id);
      }
    }
    const open = estateFindings().filter((f) => f.state !== 'FIXED');
    expect(flat(downloaded)).toHaveLength(open.length);
  });

  it('applies the defaults: OPEN + REOPENED seen in the last 30 days, echoed with since = created - 30 days', async () => {
    const run = await runVulnExport(client, {});
    const status = run.statuses[run.statuses.length - 1]!;
    expect(status.filters).toEqual({ state: ['OPEN', 'REOPENED'], tags: {}, since: Math.floor((status.created as number) / 1000) - 30 * DAY_S, first_found: 0, last_found: 0, last_fixed: 0, first_seen: 0, last_seen: 0, indexed_at: 0 });
    expect(status.num_assets_per_chunk).toBe(50);
    const records = flat(run.chunks);
    expect(new Set(records.map((r) => r.state))).toEqual(new Set(['OPEN', 'REOPENED']));
    const since = (status.filters as Json).since as number;
    for (const r of records) expect(Date.parse(r.last_found as string) / 1000).toBeGreaterThanOrEqual(since);
  });

  it('filters by state and since: FIXED since a date covers fixes on or after it', async () => {
    const since = Math.floor(sim.clock.now() / 1000) - 20 * DAY_S;
    const run = await runVulnExport(client, { num_assets: 5000, filters: { state: ['fixed'], since } });
    const records = flat(run.chunks);
    const expected = estateFindings().filter((f) => f.state === 'FIXED' && f.lastFixedMs! >= since * 1000);
    expect(records.length).toBe(expected.length);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.state).toBe('FIXED');
      expect(Date.parse(r.last_fixed as string) / 1000).toBeGreaterThanOrEqual(since);
    }
    expect((run.statuses[0]!.filters as Json).state).toEqual(['FIXED']);
  });

  it('filters by severity (echoed upper-case)', async () => {
    const run = await runVulnExport(client, { num_assets: 5000, filters: { severity: ['critical', 'high'], since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    const records = flat(run.chunks);
    expect((run.statuses[0]!.filters as Json).severity).toEqual(['CRITICAL', 'HIGH']);
    expect(records.length).toBe(estateFindings().filter((f) => f.plugin.severityId >= 3).length);
    for (const r of records) {
      expect(['critical', 'high']).toContain(r.severity);
      expect(r.severity_id).toBeGreaterThanOrEqual(3);
    }
  });

  it('filters by plugin_id', async () => {
    const run = await runVulnExport(client, { num_assets: 5000, filters: { plugin_id: [19506, 57608], since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    const records = flat(run.chunks);
    expect(records.length).toBe(estateFindings().filter((f) => f.plugin.id === 19506 || f.plugin.id === 57608).length);
    expect(new Set(records.map((r) => (r.plugin as Json).id))).toEqual(new Set([19506, 57608]));
  });

  it('clamps num_assets to 50..5000 and accepts it as a string, as the old pyTenable sent it', async () => {
    for (const [given, used] of [[10, 50], ['60', 60], [99_999, 5000]] as const) {
      const created = await client.post('/vulns/export', { num_assets: given, filters: { plugin_id: [Number(used)] } });
      const status = (await client.get(`/vulns/export/${String((created.json as Json).export_uuid)}/status`)).json as Json;
      expect(status.num_assets_per_chunk).toBe(used);
      await client.post(`/vulns/export/${String(status.uuid)}/cancel`);
    }
  });

  it('rejects invalid filters with 400', async () => {
    for (const body of [{ filters: { state: ['NEW'] } }, { filters: { severity: ['urgent'] } }, { filters: { since: 1, last_found: 2, state: ['OPEN'] } }, { filters: { first_found: 1 } }, { filters: { since: 'yesterday' } }]) {
      const res = await client.post('/vulns/export', body);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('lists jobs, newest first', async () => {
    const res = await client.get('/vulns/export/status');
    const jobs = (res.json as { exports: Json[] }).exports;
    expect(jobs.length).toBeGreaterThan(3);
    const created = jobs.map((j) => j.created as number);
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(jobs[0]).not.toHaveProperty('chunks_available');
  });
});

describe('cancel, duplicates and limits', () => {
  it('cancels: CANCELLED, the rest cancelled, finished chunks still downloadable; 400 on a finished export', async () => {
    const created = await client.post('/vulns/export', { num_assets: 50, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    const uuid = String((created.json as Json).export_uuid);
    let status: Json = {};
    for (let i = 0; i < 3; i++) status = (await client.get(`/vulns/export/${uuid}/status`)).json as Json;
    const done = status.chunks_available as number[];
    expect(status.status).toBe('PROCESSING');
    expect(done.length).toBeGreaterThan(0);
    const cancel = await client.post(`/vulns/export/${uuid}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.json).toEqual({ export_uuid: uuid, export_status: 'CANCELLED' });
    const after = (await client.get(`/vulns/export/${uuid}/status`)).json as Json;
    expect(after.status).toBe('CANCELLED');
    expect(after.chunks_available).toEqual(done);
    expect([...done, ...(after.chunks_cancelled as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: after.total_chunks as number }, (_, i) => i + 1));
    expect((await client.get(`/vulns/export/${uuid}/chunks/${done[0]}`)).status).toBe(200);
    expect((await client.get(`/vulns/export/${uuid}/chunks/${(after.chunks_cancelled as number[])[0]}`)).status).toBe(404);
    // Completed chunks of a cancelled export stay for 3 days, not 24 h.
    sim.advanceTime(2 * DAY_S * 1000);
    expect((await client.get(`/vulns/export/${uuid}/chunks/${done[0]}`)).status).toBe(200);
    expect((await client.post(`/vulns/export/${uuid}/cancel`)).status).toBe(200);

    const finished = await runVulnExport(client, { num_assets: 5000, filters: { plugin_id: [10287] } });
    const refused = await client.post(`/vulns/export/${finished.uuid}/cancel`);
    expect(refused.status).toBe(400);
    expect((await client.post('/vulns/export/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
  });

  it('answers 409 with active_job_id for a duplicate vulnerability export, and accepts it once the first is done', async () => {
    const body = { num_assets: 123, filters: { severity: ['medium'], state: ['OPEN'] } };
    const first = await client.post('/vulns/export', body);
    const uuid = String((first.json as Json).export_uuid);
    const duplicate = await client.post('/vulns/export', body);
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({ active_job_id: uuid, failure_reason: 'The request could not be completed due to a conflict with the ongoing export' });
    await pollExport(client, 'vulns', uuid);
    const again = await client.post('/vulns/export', body);
    expect(again.status).toBe(200);
    expect((again.json as Json).export_uuid).not.toBe(uuid);
    await client.post(`/vulns/export/${String((again.json as Json).export_uuid)}/cancel`);
  });

  it('answers 429 text/html with Retry-After over the concurrency limit', async () => {
    sim.setFaults({ maxConcurrentExports: 2 });
    const started = [await client.post('/vulns/export', { filters: { plugin_id: [1] } }), await client.post('/vulns/export', { filters: { plugin_id: [2] } })];
    const third = await client.post('/vulns/export', { filters: { plugin_id: [3] } });
    expect(started.map((r) => r.status)).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toMatch(/^text\/html/);
    expect(third.headers.get('retry-after')).toBe('30');
    expect(third.text).toContain('<title>429 Too Many Requests</title>');
    for (const r of started) await client.post(`/vulns/export/${String((r.json as Json).export_uuid)}/cancel`);
    expect((await client.post('/vulns/export', { filters: { plugin_id: [3] } })).status).toBe(200);
  });

  it('answers 429 text/html with an integer Retry-After over the per-minute rate budget, and refills next minute', async () => {
    sim.setFaults({ rateLimitPerMinute: 3 });
    const statuses: number[] = [];
    let limited;
    for (let i = 0; i < 5; i++) {
      const res = await client.get('/scans');
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(limited!.headers.get('content-type')).toMatch(/^text\/html/);
    const retryAfter = limited!.headers.get('retry-after')!;
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    sim.advanceTime(Number(retryAfter) * 1000);
    expect((await client.get('/scans')).status).toBe(200);
  });

  it('ends an export in ERROR with some chunks still downloadable', async () => {
    sim.setFaults({ exportErrorAfterChunks: 2 });
    const created = await client.post('/vulns/export', { num_assets: 50, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    const uuid = String((created.json as Json).export_uuid);
    const statuses = await pollExport(client, 'vulns', uuid);
    const last = statuses[statuses.length - 1]!;
    expect(last.status).toBe('ERROR');
    expect(last.reason).toMatch(/error/i);
    const available = last.chunks_available as number[];
    const failed = last.chunks_failed as number[];
    const cancelled = last.chunks_cancelled as number[];
    expect(available).toHaveLength(2);
    expect(failed).toHaveLength(1);
    expect(cancelled.length).toBeGreaterThan(0);
    expect([...available, ...failed, ...cancelled].sort((a, b) => a - b)).toEqual(Array.from({ length: last.total_chunks as number }, (_, i) => i + 1));
    for (const id of available) {
      const chunk = await client.get(`/vulns/export/${uuid}/chunks/${id}`);
      expect(chunk.status).toBe(200);
      expect((chunk.json as Json[]).length).toBeGreaterThan(0);
    }
    expect((await client.get(`/vulns/export/${uuid}/chunks/${failed[0]}`)).status).toBe(404);
    const listed = ((await client.get('/vulns/export/status')).json as { exports: Json[] }).exports.find((e) => e.uuid === uuid);
    expect(listed?.status).toBe('ERROR');
  });

  it('expires chunks: 404 after 24 h, or after a shorter chunk-ttl fault', async () => {
    const run = await runVulnExport(client, { num_assets: 5000, filters: { plugin_id: [11936] } });
    const path = `/vulns/export/${run.uuid}/chunks/1`;
    expect((await client.get(path)).status).toBe(200);
    sim.advanceTime(DAY_S * 1000 - 1);
    expect((await client.get(path)).status).toBe(200);
    sim.advanceTime(1);
    const expired = await client.get(path);
    expect(expired.status).toBe(404);
    expect(expired.json).toMatchObject({ statusCode: 404, error: 'Not Found' });

    sim.setFaults({ chunkTtlSeconds: 60 });
    const short = await runVulnExport(client, { num_assets: 5000, filters: { plugin_id: [54615] } });
    sim.advanceTime(60_000);
    expect((await client.get(`/vulns/export/${short.uuid}/chunks/1`)).status).toBe(404);
  });

  it('answers 400 for a chunk not ready yet and 404 for unknown exports or chunks', async () => {
    const created = await client.post('/vulns/export', { filters: { plugin_id: [10114] } });
    const uuid = String((created.json as Json).export_uuid);
    expect((await client.get(`/vulns/export/${uuid}/chunks/1`)).status).toBe(400);
    await pollExport(client, 'vulns', uuid);
    expect((await client.get(`/vulns/export/${uuid}/chunks/999`)).status).toBe(404);
    expect((await client.get('/vulns/export/00000000-0000-4000-8000-000000000000/status')).status).toBe(404);
  });

  it('serves slow chunks and random 5xx from a seeded PRNG (same seed → same failures)', async () => {
    sim.setFaults({ slowChunkMs: 5 });
    const run = await runVulnExport(client, { num_assets: 5000, filters: { plugin_id: [45590] } });
    expect(flat(run.chunks).length).toBeGreaterThan(0);

    const sequence = async (s: TenableSimulator) => {
      s.setFaults({ serverErrorRate: 0.5 });
      const c = api(s);
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await c.get('/plugins/families')).status);
      return out;
    };
    const twin = await startTenableSimulator({ seed: 99, assets: 20, findings: 200 });
    const twin2 = await startTenableSimulator({ seed: 99, assets: 20, findings: 200 });
    try {
      const a = await sequence(twin);
      const b = await sequence(twin2);
      expect(a).toEqual(b);
      expect(a).toContain(200);
      expect(a.some((s) => [500, 502, 503, 504].includes(s))).toBe(true);
    } finally {
      await twin.close();
      await twin2.close();
    }
  });
});

describe('asset export (v1 and v2)', () => {
  it('runs v1 and v2 exports through the shared status/chunk routes with the assets content type', async () => {
    for (const route of ['/assets/export', '/assets/v2/export']) {
      const created = await client.post(route, { chunk_size: 150, filters: { has_plugin_results: true } });
      expect(created.status).toBe(200);
      expect(created.headers.get('content-type')).toBe('application/json;charset=utf-8');
      const uuid = String((created.json as Json).export_uuid);
      const statuses = await pollExport(client, 'assets', uuid);
      expect(statuses.map((s) => s.status)).toContain('PROCESSING');
      const last = statuses[statuses.length - 1]!;
      expect(Object.keys(last).sort()).toEqual(['chunks_available', 'status']);
      expect(last).toEqual({ status: 'FINISHED', chunks_available: [1, 2, 3] });
      const ids = new Set<string>();
      for (const id of last.chunks_available as number[]) {
        const chunk = await client.get(`/assets/export/${uuid}/chunks/${id}`);
        expect(chunk.headers.get('content-type')).toBe('application/json;charset=utf-8');
        for (const asset of chunk.json as Json[]) ids.add(asset.id as string);
        expect((chunk.json as Json[]).length).toBeLessThanOrEqual(150);
      }
      expect(ids.size).toBe(400);
    }
  });

  it('refuses a duplicate asset export with the recorded 429 JSON and Retry-After: 40', async () => {
    const body = { chunk_size: 1000, filters: { sources: ['NESSUS_SCAN'] } };
    const first = await client.post('/assets/export', body);
    const duplicate = await client.post('/assets/export', body);
    expect(duplicate.status).toBe(429);
    expect(duplicate.headers.get('retry-after')).toBe('40');
    expect(duplicate.headers.get('content-type')).toBe('application/json;charset=utf-8');
    expect((duplicate.json as Json).status).toBe(429);
    expect(String((duplicate.json as Json).message)).toContain(`job_uuid=${String((first.json as Json).export_uuid)}`);
    // The v2 endpoint is a different request.
    expect((await client.post('/assets/v2/export', body)).status).toBe(200);
  });

  it('validates chunk_size (100-10000, 400 otherwise), cancels, and lists jobs with filters as a string', async () => {
    for (const chunk_size of [99, 10_001, undefined]) {
      const res = await client.post('/assets/export', { chunk_size });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 400 });
    }
    const created = await client.post('/assets/export', { chunk_size: 100, filters: { 'tag.Location': ['Dallas'] } });
    const uuid = String((created.json as Json).export_uuid);
    const cancelled = await client.post(`/assets/export/${uuid}/cancel`);
    expect(cancelled.json).toEqual({ status: 'CANCELLED' });
    const done = await client.post('/assets/export', { chunk_size: 100, filters: { is_licensed: false } });
    await pollExport(client, 'assets', String((done.json as Json).export_uuid));
    const refused = await client.post(`/assets/export/${String((done.json as Json).export_uuid)}/cancel`);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ status: 400, message: 'Cannot cancel a completed job' });
    const missing = await client.post('/assets/export/00000000-0000-4000-8000-000000000000/cancel');
    expect(missing.json).toEqual({ status: 404, message: 'Job with UUID: 00000000-0000-4000-8000-000000000000 not found' });
    const jobs = ((await client.get('/assets/export/status')).json as { exports: Json[] }).exports;
    const listed = jobs.find((j) => j.uuid === uuid)!;
    expect(listed.filters).toBe('{"tag.Location":["Dallas"]}');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { type TenableSimulator, startTenableSimulator } from '../simulator/server.ts';
import { api, pollExport, runVulnExport } from '../simulator/test-support.ts';
import type { SimulatorFaults } from '../simulator/faults.ts';
import type { VulnFinding } from '../tenable.api-types.ts';
import { TenableApiError, TenableChunkExpiredError, TenableExportError } from './errors.ts';
import type { RetryEvent } from './http.ts';
import { TenableClient, type TenableClientOptions } from './tenable-client.ts';

const BODY = { num_assets: 50, filters: { since: 1, state: ['OPEN', 'REOPENED', 'FIXED'] } };

let sim: TenableSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function simulator(faults: Partial<SimulatorFaults> = {}): Promise<TenableSimulator> {
  sim = await startTenableSimulator({ seed: 11, assets: 130, findings: 1500, faults });
  return sim;
}

interface Harness {
  client: TenableClient;
  sleeps: number[];
  retries: RetryEvent[];
}

/** A client whose sleeps move the simulator's manual clock instead of waiting. */
function harness(s: TenableSimulator, options: Partial<TenableClientOptions> = {}): Harness {
  const sleeps: number[] = [];
  const retries: RetryEvent[] = [];
  let now = s.clock.now();
  const client = new TenableClient({
    baseUrl: s.url,
    accessKey: s.accessKey,
    secretKey: s.secretKey,
    version: '9.9.9',
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      s.advanceTime(ms);
    },
    onRetry: (event) => retries.push(event),
    retry: { maxRetries: 10 },
    ...options,
  });
  return { client, sleeps, retries };
}

const identity = (f: VulnFinding | Record<string, unknown>): string => {
  const r = f as VulnFinding;
  return `${r.asset.uuid}|${r.plugin.id}|${r.port.port}|${r.port.protocol}`;
};

async function truth(s: TenableSimulator): Promise<string[]> {
  const { chunks } = await runVulnExport(api(s), BODY);
  return [...chunks.values()].flat().map((r) => identity(r as unknown as VulnFinding)).sort();
}

async function collect(iterable: AsyncIterable<VulnFinding>): Promise<string[]> {
  const out: string[] = [];
  for await (const finding of iterable) out.push(identity(finding));
  return out;
}

describe('TenableClient vulnerability export', () => {
  it('streams every finding of the estate, once', async () => {
    const s = await simulator();
    const { client, retries } = harness(s);
    const handle = client.exportVulns(BODY);
    const got = await collect(handle);
    const { exportUuid, adopted } = await handle.started;
    expect(adopted).toBe(false);
    expect(exportUuid).toMatch(/^[0-9a-f-]{36}$/);
    const expected = await truth(s);
    expect(expected.length).toBeGreaterThan(500);
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual(expected);
    expect(retries).toEqual([]);
  });

  it('sends X-ApiKeys, the integration User-Agent and JSON', async () => {
    const seen: Record<string, string | null>[] = [];
    const original = globalThis.fetch;
    const s = await simulator();
    globalThis.fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      seen.push({ ua: headers.get('user-agent'), keys: headers.get('x-apikeys'), ct: headers.get('content-type') });
      return original(input, init);
    };
    try {
      await harness(s).client.createVulnExport(BODY);
    } finally {
      globalThis.fetch = original;
    }
    expect(seen[0]).toEqual({
      ua: 'Integration/1.0 (HexTrackr; HexTrackr; Build/9.9.9)',
      keys: `accessKey=${s.accessKey}; secretKey=${s.secretKey}`,
      ct: 'application/json',
    });
  });

  it('survives a 429 storm without loss or duplicates, sleeping exactly Retry-After', async () => {
    const s = await simulator({ rateLimitPerMinute: 4 });
    const { client, sleeps, retries } = harness(s);
    const got = await collect(client.exportVulns(BODY, { parallelChunks: 3 }));
    const rateLimited = retries.filter((r) => r.status === 429);
    expect(rateLimited.length).toBeGreaterThan(0);
    for (const r of rateLimited) {
      expect(r.retryAfterMs).toBeGreaterThan(0);
      expect(r.retryAfterMs! % 1000).toBe(0);
      expect(r.delayMs).toBe(r.retryAfterMs);
      expect(sleeps).toContain(r.delayMs);
    }
    s.setFaults({ rateLimitPerMinute: null });
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual(await truth(s));
  });

  it('survives 5xx bursts without loss or duplicates', async () => {
    const s = await simulator({ serverErrorRate: 0.3 });
    const { client, retries } = harness(s, { retry: { maxRetries: 12, baseDelayMs: 100, maxDelayMs: 2000, exponentialBase: 2 } });
    const got = await collect(client.exportVulns(BODY));
    expect(retries.some((r) => r.status !== undefined && r.status >= 500)).toBe(true);
    for (const r of retries) {
      expect([500, 502, 503, 504]).toContain(r.status);
      expect(r.delayMs).toBe(Math.min(2000, 100 * 2 ** (r.retry - 1)));
    }
    s.setFaults({ serverErrorRate: 0 });
    expect(new Set(got).size).toBe(got.length);
    expect(got.sort()).toEqual(await truth(s));
  });

  it('adopts the active job on a duplicate export (409 active_job_id)', async () => {
    const s = await simulator();
    const { client } = harness(s);
    const first = await client.createVulnExport(BODY);
    const second = await client.createVulnExport(BODY);
    expect(second).toEqual({ exportUuid: first.exportUuid, adopted: true });
    const handle = client.exportVulns(BODY);
    const got = await collect(handle);
    expect((await handle.started).exportUuid).toBe(first.exportUuid);
    expect(got.sort()).toEqual(await truth(s));
  });

  it('yields the downloadable chunks of an ERROR export, then throws a typed error naming it', async () => {
    const s = await simulator({ exportErrorAfterChunks: 1 });
    const { client } = harness(s);
    const handle = client.exportVulns(BODY);
    const got: string[] = [];
    let error: unknown;
    try {
      for await (const finding of handle) got.push(identity(finding));
    } catch (e) {
      error = e;
    }
    const { exportUuid } = await handle.started;
    expect(error).toBeInstanceOf(TenableExportError);
    const e = error as TenableExportError;
    expect(e.status).toBe('ERROR');
    expect(e.exportUuid).toBe(exportUuid);
    expect(e.message).toContain(exportUuid);
    expect(e.failedChunks.length).toBe(1);
    expect(got.length).toBeGreaterThan(0);
    expect(new Set(got).size).toBe(got.length);
  });

  it('turns an expired chunk (404) into a typed error', async () => {
    sim = await startTenableSimulator({ seed: 11, assets: 130, findings: 1500, faults: { chunkTtlSeconds: 60 }, exportPacing: { chunksPerPoll: 10 } });
    const s = sim;
    const { client } = harness(s);
    const handle = client.exportVulns(BODY, { parallelChunks: 1 });
    let error: unknown;
    let count = 0;
    try {
      for await (const _finding of handle) {
        if (++count === 1) s.advanceTime(120_000);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenableChunkExpiredError);
    expect((error as TenableChunkExpiredError).exportUuid).toBe((await handle.started).exportUuid);
  });

  it('cancels an export on request and ends quietly', async () => {
    const s = await simulator();
    const { client } = harness(s);
    const handle = client.exportVulns(BODY, { parallelChunks: 1 });
    let count = 0;
    for await (const _finding of handle) {
      if (++count === 1) await handle.cancel();
    }
    expect(count).toBeGreaterThan(0);
    const status = await api(s).get(`/vulns/export/${(await handle.started).exportUuid}/status`);
    expect((status.json as { status: string }).status).toBe('CANCELLED');
  });

  it('does not retry a 401 and never shows the keys', async () => {
    const s = await simulator();
    const wrong = 'ab'.repeat(32);
    const { client, sleeps, retries } = harness(s, { accessKey: wrong, secretKey: 'cd'.repeat(32) });
    const error = await client.createVulnExport(BODY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenableApiError);
    const e = error as TenableApiError;
    expect(e.status).toBe(401);
    expect(e.code).toBe('unauthorized');
    expect(e.bodyKind).toBe('json');
    expect(e.message).toContain('Invalid credentials.');
    expect(e.message).not.toContain(wrong);
    expect(JSON.stringify(e.body)).not.toContain(wrong);
    expect(retries).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('retries network errors (connection refused) and then gives up with a typed error', async () => {
    const s = await simulator();
    const url = s.url;
    await s.close();
    sim = undefined;
    const { client, retries } = harness({ ...s, url } as TenableSimulator, { baseUrl: url, retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 100, exponentialBase: 2 }, sleep: async () => undefined });
    const error = await client.listScans().catch((e: unknown) => e);
    expect((error as Error).name).toBe('TenableNetworkError');
    expect((error as { code: string }).code).toBe('ECONNREFUSED');
    expect(retries.map((r) => r.delayMs)).toEqual([10, 20]);
  });
});

describe('TenableClient asset export and scans', () => {
  it('streams every asset of the estate', async () => {
    const s = await simulator();
    const { client } = harness(s);
    const ids: string[] = [];
    for await (const asset of client.exportAssets({ chunk_size: 100 })) ids.push(asset.id);
    expect(new Set(ids).size).toBe(ids.length);
    const raw = api(s);
    const created = await raw.post('/assets/export', { chunk_size: 100 });
    const uuid = (created.json as { export_uuid: string }).export_uuid;
    const statuses = await pollExport(raw, 'assets', uuid);
    const expected: string[] = [];
    for (const id of statuses[statuses.length - 1]!.chunks_available as number[]) {
      const chunk = await raw.get(`/assets/export/${uuid}/chunks/${id}`);
      for (const asset of chunk.json as { id: string }[]) expected.push(asset.id);
    }
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.sort()).toEqual(expected.sort());
  });

  it('adopts a running duplicate asset export (429 job_uuid) instead of waiting', async () => {
    const s = await simulator();
    const { client, retries } = harness(s);
    const raw = await api(s).post('/assets/export', { chunk_size: 100 });
    const runningUuid = (raw.json as { export_uuid: string }).export_uuid;
    const handle = client.exportAssets({ chunk_size: 100 });
    const ids: string[] = [];
    for await (const asset of handle) ids.push(asset.id);
    expect(await handle.started).toEqual({ exportUuid: runningUuid, adopted: true });
    expect(retries).toEqual([]);
    expect(ids.length).toBeGreaterThan(0);
  });

  it('lists scans and reads a scan status', async () => {
    const s = await simulator();
    const { client } = harness(s);
    const list = await client.listScans();
    expect(list.scans.length).toBeGreaterThan(0);
    const status = await client.scanStatus(list.scans[0]!.id);
    expect(typeof status).toBe('string');
  });

  it('pages through plugins and reads families and details', async () => {
    const s = await simulator();
    const { client } = harness(s);
    const families = await client.listPluginFamilies();
    expect(families.families.length).toBeGreaterThan(0);
    const ids: number[] = [];
    for await (const plugin of client.plugins({ size: 50 })) ids.push(plugin.id);
    const raw = await api(s).get('/plugins/plugin?size=1');
    expect(ids.length).toBe((raw.json as { total_count: number }).total_count);
    expect(new Set(ids).size).toBe(ids.length);
    const details = await client.pluginDetails(ids[0]!);
    expect(details.id).toBe(ids[0]);
    const missing = await client.pluginDetails(1).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TenableApiError);
    expect((missing as TenableApiError).code).toBe('not_found');
  });
});

/**
 * Every successful Tenable VM response recorded in the corpus, replayed by a loopback server in
 * the recorded order, read through the real client (and the asset and finding mappers): exports
 * with their status polls and chunks, asset exports, scans, plugin families, details and pages.
 * (Error responses are covered by errors.test.ts.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../../test/helpers/corpus.ts';
import { toTenableAsset } from '../mapper/assets.ts';
import { toParsedFinding } from '../mapper/index.ts';
import { TenableClient } from './tenable-client.ts';

interface Interaction {
  method: string;
  uri: string;
  status: number;
  response_headers?: Record<string, string>;
  response_body: unknown;
}

const corpus = corpusDir();
const KEY = 'a'.repeat(64);

function cassette(name: string): Interaction[] {
  return (JSON.parse(readFileSync(path.join(corpus!, 'tenable-recorded/cassettes', `${name}.json`), 'utf8')) as { interactions: Interaction[] }).interactions;
}

function example(name: string, status = '200'): unknown[] {
  const doc = JSON.parse(readFileSync(path.join(corpus!, 'tenable-recorded/openapi-examples', `${name}.json`), 'utf8')) as { responses: Record<string, Record<string, Record<string, { response?: unknown } | unknown>> | null> };
  return Object.values(doc.responses[status] ?? {}).flatMap((byName) => Object.values(byName).map((e) => (typeof e === 'object' && e !== null && 'response' in e ? (e as { response: unknown }).response : e)));
}

/** Answers each `METHOD path` with its recorded responses in order (the last one again when they run out). */
async function replay(interactions: Interaction[]): Promise<{ url: string; server: Server; unrecorded: string[] }> {
  const queues = new Map<string, Interaction[]>();
  for (const i of interactions) {
    const key = `${i.method} ${new URL(i.uri).pathname}`;
    queues.set(key, [...(queues.get(key) ?? []), i]);
  }
  const unrecorded: string[] = [];
  const server = createServer((req, res) => {
    const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    req.resume();
    const queue = queues.get(key);
    if (!queue || queue.length === 0) {
      unrecorded.push(key);
      // A chunk the recording never downloaded (pyTenable's test read only the first): empty.
      if (/\/chunks\/\d+$/.test(key)) return res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      return res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not recorded"}');
    }
    const next = queue.length > 1 ? queue.shift()! : queue[0]!;
    const headers = Object.fromEntries(Object.entries(next.response_headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const body = next.response_body === null || next.response_body === undefined ? '' : typeof next.response_body === 'string' ? next.response_body : JSON.stringify(next.response_body);
    res.writeHead(next.status, { 'content-type': headers['content-type'] ?? 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, unrecorded };
}

let open: Server | undefined;
async function shut(): Promise<void> {
  const server = open;
  open = undefined;
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
afterEach(shut);

async function clientFor(name: string) {
  const interactions = cassette(name);
  const r = await replay(interactions);
  open = r.server;
  const client = new TenableClient({ baseUrl: r.url, accessKey: KEY, secretKey: KEY, sleep: async () => undefined, exports: { pollIntervalMs: 1, maxPollIntervalMs: 1 } });
  const chunkRecords = (kind: string) =>
    interactions.filter((i) => i.method === 'GET' && new RegExp(`/${kind}/export/[^/]+/chunks/\\d+$`).test(i.uri)).reduce((n, i) => n + (i.response_body as unknown[]).length, 0);
  return { client, interactions, chunkRecords, unrecorded: r.unrecorded };
}

describe.skipIf(!corpus)('TenableClient over the recorded responses', () => {
  it.each(['tests__io__exports__cassettes__test_download_chunk', 'tests__io__cassettes__test_exports_vulns', 'tests__io__exports__cassettes__test_vulns_export_with_scan_uuid'])(
    'streams every finding of the vulnerability export in %s, each mapped to a finding',
    async (name) => {
      const { client, chunkRecords } = await clientFor(name);
      let count = 0;
      const recorded = chunkRecords('vulns');
      const handle = client.exportVulns({ num_assets: 50 });
      for await (const record of handle) {
        count += 1;
        const mapped = toParsedFinding(record, count);
        expect(mapped.kind === 'finding' ? mapped.finding.pluginId : mapped.issue.reason).toMatch(/^\d+$/);
        // test_exports_vulns was recorded while the export was still PROCESSING: stop after its chunk.
        if (count === recorded) break;
      }
      expect(count).toBe(recorded);
      expect(count).toBeGreaterThan(0);
    },
  );

  it.each(['tests__io__cassettes__test_exports_assets', 'tests__io__exports__cassettes__test_scan_uuid'])('streams every asset of the asset export in %s, each with its identity', async (name) => {
    const { client, chunkRecords } = await clientFor(name);
    const assets = [];
    for await (const record of client.exportAssets({ chunk_size: 100 })) assets.push(toTenableAsset(record));
    expect(assets.length).toBe(chunkRecords('assets'));
    for (const a of assets) {
      expect(a?.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(a!.ipAddresses.length + a!.fqdns.length + a!.hostnames.length).toBeGreaterThan(0);
    }
  });

  it('creates the export with every filter (test_exports_vulns_success) and cancels one (test_cancel)', async () => {
    const created = await clientFor('tests__io__cassettes__test_exports_vulns_success');
    const started = await created.client.createVulnExport({ num_assets: 50, filters: { since: 1, state: ['OPEN'] } });
    expect(started.exportUuid).toMatch(/^[0-9a-f-]{36}$/);
    await shut();
    const cancel = await clientFor('tests__io__exports__cassettes__test_cancel');
    const handle = cancel.client.exportVulns({ num_assets: 50 });
    const { exportUuid } = await handle.started;
    await handle.cancel();
    const records = [];
    for await (const r of handle) records.push(r);
    expect(records).toEqual([]);
    expect(cancel.interactions.some((i) => i.uri.endsWith(`${exportUuid}/cancel`))).toBe(true);
  });

  it('reads the export job list, scans, a scan status, plugin families, details and pages', async () => {
    const jobs = await clientFor('tests__io__exports__cassettes__test_jobs');
    const list = await jobs.client.http.request<{ exports: { uuid: string; status: string }[] }>('GET', '/vulns/export/status');
    expect(list.exports.length).toBe((jobs.interactions[0]!.response_body as { exports: unknown[] }).exports.length);
    await shut();

    const scans = await clientFor('tests__io__cassettes__test_scan_list');
    const body = await scans.client.listScans();
    expect(body.scans!.length).toBeGreaterThan(0);
    expect(body.scans!.every((s) => typeof s.id === 'number' && typeof s.status === 'string')).toBe(true);
    await shut();

    const status = await clientFor('tests__io__cassettes__test_scan_status');
    expect(await status.client.scanStatus(13441)).toBe('empty');
    await shut();

    const families = await clientFor('tests__io__cassettes__test_families');
    const f = await families.client.listPluginFamilies();
    expect(f.families.length).toBeGreaterThan(10);
    await shut();

    const details = await clientFor('tests__io__cassettes__test_plugin_details');
    const d = await details.client.pluginDetails(19506);
    expect(d.id).toBe(19506);
    expect(d.attributes.some((a) => a.attribute_name === 'synopsis')).toBe(true);
    await shut();

    const pages = await clientFor('tests__io__cassettes__test_plugins_list_success');
    const plugins = [];
    const recorded = pages.interactions.reduce((n, i) => n + (i.response_body as { data: { plugin_details: unknown[] } }).data.plugin_details.length, 0);
    // Two pages were recorded of a much longer catalogue: stop after them.
    for await (const p of pages.client.plugins({ lastUpdated: '2019-01-01', size: 10 })) {
      plugins.push(p);
      if (plugins.length === recorded) break;
    }
    expect(plugins.length).toBe(recorded);
    expect(plugins.every((p) => Number.isInteger(p.id) && typeof p.name === 'string')).toBe(true);
  });

  it('maps both asset models of the documented examples (v1 flat, v2 nested)', () => {
    const records = example('get_assets_export_export_uuid_chunks_chunk_id').flatMap((r) => (Array.isArray(r) ? r : [r]));
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const record of records) {
      const asset = toTenableAsset(record);
      expect(asset?.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(asset!.ipAddresses.length).toBeGreaterThan(0);
    }
  });
});

describe.skipIf(corpus)('TenableClient over the recorded responses', () => {
  it.skip(CORPUS_MISSING, () => undefined);
});

// Listing the cassettes keeps this test honest when the corpus grows: every Tenable VM cassette with a success is exercised above.
describe.skipIf(!corpus)('corpus coverage', () => {
  it('exercises every Tenable VM cassette that has a successful response', () => {
    const exercised = new Set([
      'test_download_chunk', 'test_exports_vulns', 'test_vulns_export_with_scan_uuid', 'test_exports_assets', 'test_scan_uuid', 'test_exports_vulns_success',
      'test_cancel', 'test_jobs', 'test_scan_list', 'test_scan_status', 'test_families', 'test_plugin_details', 'test_plugins_list_success',
      // Only errors besides requests the client does not make (scanners, a scan's details, a base export's duplicate): errors.test.ts.
      'test_get_scans_notfounderror', 'test_get_scans_permissionerror', 'test_scannergroup_details_notfounderror', 'test_scan_results_scan_notfounderror', 'test_base_export', 'test_scan_results',
    ]);
    const files = readdirSync(path.join(corpus!, 'tenable-recorded/cassettes')).filter((f) => f.startsWith('tests__io__'));
    const missing = files.map((f) => f.replace(/^.*__(test_[^.]+)\.json$/, '$1')).filter((n) => !exercised.has(n));
    expect(missing).toEqual([]);
  });
});

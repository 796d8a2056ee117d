/**
 * Scans (list, details, launch/stop with the real status values, history, the Nessus-style
 * .nessus/CSV export) and plugins (families, paged list with last_updated, details).
 */
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TenableSimulator, startTenableSimulator } from './server.ts';
import { type Api, type Json, api } from './test-support.ts';

let sim: TenableSimulator;
let client: Api;
let scans: Json[];

beforeAll(async () => {
  sim = await startTenableSimulator({ seed: 5, assets: 900, findings: 18_000, faults: { maxActiveScans: 2 } });
  client = api(sim);
  scans = ((await client.get('/scans')).json as { scans: Json[] }).scans;
});
afterAll(async () => {
  await sim?.close();
});

describe('scans', () => {
  it('lists one daily schedule per slice of the estate, completed', async () => {
    expect(scans).toHaveLength(3);
    for (const scan of scans) {
      expect(scan.status).toBe('completed');
      expect(scan.uuid).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(scans.reduce((n, s) => n + (s.total_targets as number), 0)).toBe(900);
  });

  it('gives details by id or schedule uuid, with hosts, vulnerability counts and daily history', async () => {
    const scan = scans[1]!;
    const byId = (await client.get(`/scans/${String(scan.id)}`)).json as Json;
    const byUuid = (await client.get(`/scans/${String(scan.schedule_uuid)}`)).json as Json;
    expect(byUuid).toEqual(byId);
    const info = byId.info as Json;
    expect(info.uuid).toBe(scan.uuid);
    expect(info.hostcount).toBe(scan.total_targets);
    const hosts = byId.hosts as Json[];
    expect(hosts).toHaveLength(scan.total_targets as number);
    const openCount = hosts.reduce((n, h) => n + (h.severity as number), 0);
    const vulnCount = (byId.vulnerabilities as Json[]).reduce((n, v) => n + (v.count as number), 0);
    expect(vulnCount).toBe(openCount);
    const history = byId.history as Json[];
    expect(history[0]!.uuid).toBe(info.uuid);
    sim.advanceDay();
    const next = (await client.get(`/scans/${String(scan.id)}`)).json as Json;
    expect((next.history as Json[]).length).toBe(history.length + 1);
    const old = (await client.get(`/scans/${String(scan.id)}?history_id=${String(history[0]!.history_id)}`)).json as Json;
    expect((old.info as Json).uuid).toBe(info.uuid);
    const list = (await client.get(`/scans/${String(scan.id)}/history?limit=3`)).json as { pagination: Json; history: Json[] };
    expect(list.history).toHaveLength(3);
    expect(list.pagination).toMatchObject({ offset: 0, limit: 3, total: history.length + 1 });
  });

  it('answers 404 {"error":"Scan not found"} for unknown scans and history ids', async () => {
    for (const path of ['/scans/424242', '/scans/424242/latest-status', `/scans/${String(scans[0]!.id)}?history_id=1`]) {
      const res = await client.get(path);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'Scan not found' });
    }
  });

  it('launches: initializing → pending → running → publishing → completed; stop needs a running scan', async () => {
    const id = String(scans[0]!.id);
    expect((await client.get(`/scans/${id}/latest-status`)).json).toEqual({ status: 'completed' });
    expect((await client.post(`/scans/${id}/stop`)).status).toBe(409);
    const launched = await client.post(`/scans/${id}/launch`);
    expect(launched.status).toBe(200);
    const runUuid = (launched.json as Json).scan_uuid;
    expect(((await client.get('/scans')).json as { scans: Json[] }).scans[0]!.status).toBe('initializing');
    expect((await client.post(`/scans/${id}/launch`)).status).toBe(409);
    const seen: unknown[] = [];
    for (let i = 0; i < 6; i++) seen.push(((await client.get(`/scans/${id}/latest-status`)).json as Json).status);
    expect(seen).toEqual(['pending', 'running', 'publishing', 'completed', 'completed', 'completed']);
    const details = (await client.get(`/scans/${id}`)).json as Json;
    expect((details.info as Json).uuid).toBe(runUuid);
    expect((details.history as Json[])[0]).toMatchObject({ uuid: runUuid, status: 'completed' });
  });

  it('stops a running scan: stopping → canceled', async () => {
    const id = String(scans[2]!.id);
    await client.post(`/scans/${id}/launch`, { alt_targets: ['10.24.0.5'] });
    await client.get(`/scans/${id}/latest-status`);
    expect((await client.post(`/scans/${id}/stop`)).json).toEqual({});
    expect((await client.get(`/scans/${id}/latest-status`)).json).toEqual({ status: 'canceled' });
  });

  it('refuses a launch over the active scan limit with 429', async () => {
    const ids = scans.map((s) => String(s.id));
    expect((await client.post(`/scans/${ids[0]}/launch`)).status).toBe(200);
    expect((await client.post(`/scans/${ids[1]}/launch`)).status).toBe(200);
    const third = await client.post(`/scans/${ids[2]}/launch`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    for (const id of ids.slice(0, 2)) for (let i = 0; i < 5; i++) await client.get(`/scans/${id}/latest-status`);
  });

  it('exports a run as .nessus (well-formed, one ReportHost per host) and CSV; tokens work without keys', async () => {
    const scan = scans[0]!;
    const requested = await client.post(`/scans/${String(scan.id)}/export`, { format: 'nessus' });
    expect(requested.status).toBe(200);
    const { file, token } = requested.json as { file: string; token: string };
    expect((await client.get(`/scans/${String(scan.id)}/export/${file}/download`)).status).toBe(409);
    expect((await client.get(`/scans/${String(scan.id)}/export/${file}/status`)).json).toEqual({ status: 'loading' });
    expect((await client.get(`/scans/${String(scan.id)}/export/${file}/status`)).json).toEqual({ status: 'ready' });
    const download = await client.get(`/scans/${String(scan.id)}/export/${file}/download`);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.nessus"/);
    const parser = new SaxesParser();
    let hosts = 0;
    let items = 0;
    parser.on('opentag', (tag) => {
      if (tag.name === 'ReportHost') hosts++;
      if (tag.name === 'ReportItem') items++;
    });
    parser.write(download.text).close();
    expect(hosts).toBe(scan.total_targets);
    expect(items).toBeGreaterThan(hosts);

    const anonymous = api(sim, false);
    const viaToken = await anonymous.get(`/tokens/${token}/download`);
    expect(viaToken.status).toBe(200);
    expect(viaToken.text).toBe(download.text);

    const csv = await client.post(`/scans/${String(scan.id)}/export`, { format: 'csv' });
    const csvToken = (csv.json as { token: string }).token;
    expect((await anonymous.get(`/tokens/${csvToken}/status`)).json).toEqual({ status: 'loading' });
    expect((await anonymous.get(`/tokens/${csvToken}/status`)).json).toEqual({ status: 'ready' });
    const text = (await anonymous.get(`/tokens/${csvToken}/download`)).text;
    expect(text.split('\n')[0]).toBe('Plugin ID,CVE,CVSS v2.0 Base Score,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output');
    expect(text).toContain('"19506"');

    expect((await client.post(`/scans/${String(scan.id)}/export`, { format: 'pdf' })).status).toBe(400);
    expect((await anonymous.get('/tokens/nope/status')).status).toBe(404);
  });
});

describe('plugins', () => {
  it('lists families with counts that match the family details', async () => {
    const families = ((await client.get('/plugins/families?all=true')).json as { families: Json[] }).families;
    expect(families.length).toBeGreaterThan(10);
    for (const family of families.slice(0, 4)) {
      const details = (await client.get(`/plugins/families/${String(family.id)}`)).json as Json;
      expect(details.name).toBe(family.name);
      expect((details.plugins as Json[]).length).toBe(family.count);
    }
    expect((await client.get('/plugins/families/9999')).status).toBe(404);
  });

  it('pages the plugin list (1-based, sorted by id) and filters by last_updated', async () => {
    const all = (await client.get('/plugins/plugin?last_updated=1970-01-01&size=10000')).json as { total_count: number; data: { plugin_details: Json[] } };
    expect(all.data.plugin_details).toHaveLength(all.total_count);
    const p1 = (await client.get('/plugins/plugin?last_updated=1970-01-01&size=25&page=1')).json as { data: { plugin_details: Json[] }; params: Json; size: number };
    const p2 = (await client.get('/plugins/plugin?last_updated=1970-01-01&size=25&page=2')).json as { data: { plugin_details: Json[] } };
    expect(p1.params).toEqual({ page: 1, size: 25, last_updated: '1970-01-01' });
    const ids = [...p1.data.plugin_details, ...p2.data.plugin_details].map((p) => p.id as number);
    expect(ids).toEqual(all.data.plugin_details.slice(0, 50).map((p) => p.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const recent = (await client.get('/plugins/plugin?last_updated=2025-01-01&size=10000')).json as { total_count: number; data: { plugin_details: { attributes: Json }[] } };
    expect(recent.total_count).toBeGreaterThan(0);
    expect(recent.total_count).toBeLessThan(all.total_count);
    for (const p of recent.data.plugin_details) expect(String(p.attributes.plugin_modification_date) >= '2025-01-01').toBe(true);
    expect((await client.get('/plugins/plugin?page=0')).status).toBe(400);
  });

  it('gives plugin details as a name/value list, 404 for unknown ids', async () => {
    const details = (await client.get('/plugins/plugin/97833')).json as { family_name: string; attributes: { attribute_name: string; attribute_value: string }[] };
    expect(details.family_name).toBe('Windows');
    const cves = details.attributes.filter((a) => a.attribute_name === 'cve').map((a) => a.attribute_value);
    expect(cves).toContain('CVE-2017-0144');
    expect(details.attributes.find((a) => a.attribute_name === 'plugin_publication_date')?.attribute_value).toBe('2017/03/20');
    expect((await client.get('/plugins/plugin/1')).status).toBe(404);
  });
});

/**
 * Field-set conformance: for every kind of response the simulator serves, the set of key paths
 * (recursively, arrays as `[]`) equals the union of the recorded responses of the shared corpus
 * (pyTenable cassettes and Tenable's OpenAPI examples). Values are not compared. Fields that
 * tenable-api.md documents as optional are allowed to be absent (or, where noted, extra).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../../test/helpers/corpus.ts';
import { type TenableSimulator, startTenableSimulator } from './server.ts';
import { type Api, type Json, api, keyDifferences, keyPaths, pollExport, runVulnExport } from './test-support.ts';

const dir = corpusDir();

interface Interaction {
  method: string;
  uri: string;
  status: number;
  request_body: unknown;
  response_headers: Record<string, string>;
  response_body: unknown;
}

function cassette(name: string): Interaction[] {
  return (JSON.parse(readFileSync(path.join(dir!, 'tenable-recorded/cassettes', `${name}.json`), 'utf8')) as { interactions: Interaction[] }).interactions;
}

function recordedBody(name: string, index: number): unknown {
  return cassette(name)[index]!.response_body;
}

function example(name: string, code = '200', contentType = 'application/json', key = 'response'): unknown {
  const doc = JSON.parse(readFileSync(path.join(dir!, 'tenable-recorded/openapi-examples', `${name}.json`), 'utf8')) as { responses: Record<string, Record<string, Record<string, unknown>> | null> };
  return doc.responses[code]![contentType]![key];
}

/** Paths present in every sample. */
function alwaysPresent(samples: readonly unknown[]): string[] {
  const sets = samples.map((s) => keyPaths(s));
  return [...sets[0]!].filter((p) => sets.every((s) => s.has(p)));
}

describe.skipIf(!dir)('field-set conformance with the recorded Tenable responses', () => {
  if (!dir) it.skip(CORPUS_MISSING, () => {});

  let sim: TenableSimulator;
  let client: Api;
  let vulnRun: Awaited<ReturnType<typeof runVulnExport>>;
  let records: Json[];

  beforeAll(async () => {
    sim = await startTenableSimulator({ seed: 42, assets: 300, findings: 8000, exportPacing: { queuedPolls: 1, chunksPerPoll: 2 } });
    client = api(sim);
    // Some history first, so the day-0 estate has new, fixed and reopened findings of every shape.
    sim.advanceDay(3);
    vulnRun = await runVulnExport(client, { num_assets: 100, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    records = [...vulnRun.chunks.values()].flat();
  });
  afterAll(async () => {
    await sim?.close();
  });

  describe('vulnerability export', () => {
    const recordedFindings = () => [
      ...(recordedBody('tests__io__cassettes__test_exports_vulns', 3) as unknown[]),
      ...(recordedBody('tests__io__exports__cassettes__test_download_chunk', 3) as unknown[]),
      ...(recordedBody('tests__io__exports__cassettes__test_vulns_export_with_scan_uuid', 5) as unknown[]),
      ...(example('get_vulns_export_export_uuid_chunks_chunk_id', '200', 'application/octet-stream') as unknown[]),
    ];

    it('finding records have the recorded key set (§2.5)', () => {
      expect(records.length).toBeGreaterThan(5000);
      const diff = keyDifferences(records, recordedFindings(), {
        // Documented optional, newer or licence-dependent fields the simulator does not produce.
        missing: ['.software_vulns', '.plugin.workaround', '.plugin.workaround_type', '.plugin.workaround_published', '.plugin.has_workaround', '.plugin.vendor_unpatched', '.plugin.vendor_severity', '.scan.last_scan_target'],
      });
      expect(diff).toEqual({ extra: [], missing: [] });
    });

    it('every record has the keys every modern recording has', () => {
      const modern = [
        ...(recordedBody('tests__io__exports__cassettes__test_download_chunk', 3) as unknown[]),
        ...(recordedBody('tests__io__exports__cassettes__test_vulns_export_with_scan_uuid', 5) as unknown[]),
        ...(example('get_vulns_export_export_uuid_chunks_chunk_id', '200', 'application/octet-stream') as unknown[]),
      ];
      const required = alwaysPresent(modern);
      expect(required).toEqual(expect.arrayContaining(['.asset.uuid', '.plugin.id', '.port.port', '.state', '.first_found', '.last_found', '.indexed']));
      for (const record of records) {
        const paths = keyPaths(record);
        const absent = required.filter((p) => !paths.has(p));
        expect(absent, JSON.stringify(record).slice(0, 200)).toEqual([]);
      }
    });

    it('status bodies have the recorded key set (§2.2)', () => {
      const recorded = [
        recordedBody('tests__io__exports__cassettes__test_download_chunk', 1),
        recordedBody('tests__io__exports__cassettes__test_download_chunk', 2),
        recordedBody('tests__io__exports__cassettes__test_cancel', 2),
        example('get_vulns_export_export_uuid_status'),
      ];
      // `filters` content depends on the request: compared on its own below.
      const strip = (b: unknown) => ({ ...(b as Json), filters: {} });
      expect(keyDifferences(vulnRun.statuses.map(strip), recorded.map(strip))).toEqual({ extra: [], missing: [] });
      // With default filters the echo is exactly the recorded default echo.
      const defaults = recordedBody('tests__io__exports__cassettes__test_download_chunk', 1) as Json;
      expect(keyDifferences([vulnRun.statuses[0]!.filters], [defaults.filters])).toEqual({ extra: [], missing: [] });
    });

    it('the filter echo uses the documented names (tags grouped, scan_uuid as scanuuid, ranges with every bound)', async () => {
      const created = await client.post('/vulns/export', {
        filters: { severity: ['high'], state: ['OPEN'], plugin_family: ['General'], plugin_id: [19506], cidr_range: '10.0.0.0/8', network_id: '00000000-0000-0000-0000-000000000000', 'tag.Location': ['Dallas'], vpr_score: { gte: 1 }, cve_id: ['CVE-2016-2183'], scan_uuid: '00000000-0000-4000-8000-000000000000' },
      });
      expect(created.status).toBe(200);
      const status = (await client.get(`/vulns/export/${String((created.json as Json).export_uuid)}/status`)).json as Json;
      const documented = [
        (example('get_vulns_export_export_uuid_status') as Json).filters,
        ...((example('get_vulns_export_status') as { exports: Json[] }).exports.map((e) => e.filters)),
        ...(cassette('tests__io__exports__cassettes__test_jobs')[0]!.response_body as { exports: Json[] }).exports.map((e) => e.filters),
      ];
      expect(keyDifferences([status.filters], documented, { missing: ['.indexed_at_end_value', '.cve_category', '.exploit_maturity', '.vpr_threat_intensity', '.weaponization', '.vpr_v2_score', '.epss_score', '.cvss4_base_score', '.resurfaced_date'] }).extra).toEqual([]);
    });

    it('job list entries have the recorded key set (§2.4)', async () => {
      const res = await client.get('/vulns/export/status');
      const recorded = [recordedBody('tests__io__exports__cassettes__test_jobs', 0), example('get_vulns_export_status')];
      const strip = (b: unknown) => ({ exports: (b as { exports: Json[] }).exports.map((e) => ({ ...e, filters: {} })) });
      expect(keyDifferences([strip(res.json)], recorded.map(strip))).toEqual({ extra: [], missing: [] });
    });

    it('export creation and cancel bodies are the recorded ones', async () => {
      const created = await client.post('/vulns/export', { num_assets: 500, filters: { severity: ['critical'] } });
      expect(keyDifferences([created.json], [recordedBody('tests__io__exports__cassettes__test_cancel', 0), example('post_vulns_export')])).toEqual({ extra: [], missing: [] });
      const cancelled = await client.post(`/vulns/export/${String((created.json as Json).export_uuid)}/cancel`);
      expect(keyDifferences([cancelled.json], [recordedBody('tests__io__exports__cassettes__test_cancel', 1)])).toEqual({ extra: [], missing: [] });
    });
  });

  describe('asset export', () => {
    async function assetRecords(route: string): Promise<{ records: Json[]; statuses: Json[] }> {
      const created = await client.post(route, { chunk_size: 100, include_open_ports: true });
      expect(created.status).toBe(200);
      const uuid = String((created.json as Json).export_uuid);
      const statuses = await pollExport(client, 'assets', uuid);
      const out: Json[] = [];
      for (const id of statuses[statuses.length - 1]!.chunks_available as number[]) out.push(...((await client.get(`/assets/export/${uuid}/chunks/${id}`)).json as Json[]));
      return { records: out, statuses };
    }

    it('v1 records have the recorded key set (§3.3)', async () => {
      const { records: assets, statuses } = await assetRecords('/assets/export');
      expect(assets).toHaveLength(300);
      const recorded2023 = recordedBody('tests__io__exports__cassettes__test_scan_uuid', 5) as unknown[];
      const recorded = [...recorded2023, ...(recordedBody('tests__io__cassettes__test_exports_assets', 3) as unknown[]), ...((example('get_assets_export_export_uuid_chunks_chunk_id', '200', 'application/json', 'Asset export v1 model')) as unknown[])];
      const diff = keyDifferences(assets, recorded, {
        // Documented optional: only with include_resource_tags, cloud/agent-only or newer fields.
        missing: ['.resource_tags', '.ratings', '.tenable_agent_days_since_active', '.last_authentication_attempt_date', '.last_authentication_success_date', '.last_authentication_scan_status', '.last_scan_target', '.serial_number', '.environment_id'],
      });
      expect(diff).toEqual({ extra: [], missing: [] });
      const required = alwaysPresent(recorded2023).filter((p) => !p.startsWith('.tags[]') && !p.startsWith('.sources[]') && !p.startsWith('.network_interfaces[]'));
      for (const asset of assets) expect(required.filter((p) => !keyPaths(asset).has(p))).toEqual([]);
      expect(keyDifferences(statuses, [recordedBody('tests__io__cassettes__test_exports_assets', 1), recordedBody('tests__io__cassettes__test_exports_assets', 2), example('get_assets_export_export_uuid_status')])).toEqual({ extra: [], missing: [] });
    });

    it('v2 records have the documented key set (§3.4)', async () => {
      const { records: assets } = await assetRecords('/assets/v2/export');
      expect(assets).toHaveLength(300);
      const recorded = example('get_assets_export_export_uuid_chunks_chunk_id', '200', 'application/json', 'Assets export v2 model') as unknown[];
      const diff = keyDifferences(assets, recorded, {
        // Cloud connectors, web apps and custom attributes do not exist in the simulated estate.
        missing: ['.cloud', '.custom_attributes', '.resource_tags'],
      });
      expect(diff).toEqual({ extra: [], missing: [] });
    });

    it('job list, creation and cancel bodies have the documented key sets', async () => {
      const created = await client.post('/assets/export', { chunk_size: 500, filters: { has_plugin_results: true } });
      expect(keyDifferences([created.json], [recordedBody('tests__io__exports__cassettes__test_base_export', 0), example('post_assets_export')])).toEqual({ extra: [], missing: [] });
      const list = await client.get('/assets/export/status');
      expect(keyDifferences([list.json], [example('get_assets_export_status')])).toEqual({ extra: [], missing: [] });
      const cancelled = await client.post(`/assets/export/${String((created.json as Json).export_uuid)}/cancel`);
      expect(keyDifferences([cancelled.json], [example('post_assets_export_export_uuid_cancel')])).toEqual({ extra: [], missing: [] });
    });
  });

  describe('scans', () => {
    it('the scan list has the recorded key set (§4)', async () => {
      const res = await client.get('/scans');
      const recorded = [
        recordedBody('tests__io__cassettes__test_scan_list', 0),
        recordedBody('tests__io__cassettes__test_scan_results', 0),
        recordedBody('tests__io__exports__cassettes__test_scan_uuid', 0),
        example('get_scans'),
      ];
      // status_times holds per-phase durations (documented); the recordings only have `{}`.
      expect(keyDifferences([res.json], recorded, { extra: ['.scans[].status_times'] })).toEqual({ extra: [], missing: [] });
    });

    it('scan details have the recorded key set', async () => {
      const scan = (((await client.get('/scans')).json as { scans: Json[] }).scans[0]!);
      const res = await client.get(`/scans/${String(scan.id)}`);
      const recorded = [recordedBody('tests__io__exports__cassettes__test_scan_uuid', 1), recordedBody('tests__io__cassettes__test_scan_results', 1)];
      expect(keyDifferences([res.json], recorded)).toEqual({ extra: [], missing: [] });
      // And within what the documentation shows (compliance hosts, notes, remediations are documented).
      expect(keyDifferences([res.json], [...recorded, example('get_scans_scan_id')]).extra).toEqual([]);
    });

    it('launch, stop, latest-status, history and export bodies have the documented key sets', async () => {
      const id = String((((await client.get('/scans')).json as { scans: Json[] }).scans[0]!).id);
      const launched = await client.post(`/scans/${id}/launch`);
      expect(keyDifferences([launched.json], [example('post_scans_scan_id_launch')])).toEqual({ extra: [], missing: [] });
      const statuses = [(await client.get(`/scans/${id}/latest-status`)).json, (await client.get(`/scans/${id}/latest-status`)).json];
      expect(keyDifferences(statuses, [example('get_scans_scan_id_latest-status'), recordedBody('tests__io__cassettes__test_scan_status', 2)])).toEqual({ extra: [], missing: [] });
      const stopped = await client.post(`/scans/${id}/stop`);
      expect(stopped.status).toBe(200);
      expect(keyDifferences([stopped.json], [example('post_scans_scan_id_stop')])).toEqual({ extra: [], missing: [] });
      const history = await client.get(`/scans/${id}/history`);
      expect(keyDifferences([history.json], [example('get_scans_scan_id_history')])).toEqual({ extra: [], missing: [] });
      const exported = await client.post(`/scans/${id}/export`, { format: 'nessus' });
      // `token` is what a Nessus scanner answers (tenable-api.md §7); TVM sends temp_token.
      expect(keyDifferences([exported.json], [example('post_scans_scan_id_export')], { extra: ['.token'] })).toEqual({ extra: [], missing: [] });
      const fileStatus = await client.get(`/scans/${id}/export/${String((exported.json as Json).file)}/status`);
      expect(keyDifferences([fileStatus.json], [example('get_scans_scan_id_export_file_id_status')])).toEqual({ extra: [], missing: [] });
    });
  });

  describe('plugins', () => {
    it('families, family details, the plugin list and plugin details have the recorded key sets (§5)', async () => {
      const families = await client.get('/plugins/families?all=true');
      expect(keyDifferences([families.json], [recordedBody('tests__io__cassettes__test_families', 0), example('get_plugins_families')])).toEqual({ extra: [], missing: [] });
      const family = await client.get('/plugins/families/30');
      expect(keyDifferences([family.json], [example('get_plugins_families_id')])).toEqual({ extra: [], missing: [] });
      const pages = [(await client.get('/plugins/plugin?last_updated=2019-01-01&size=300&page=1')).json, (await client.get('/plugins/plugin?last_updated=2019-01-01&size=300&page=2')).json];
      const recordedList = [recordedBody('tests__io__cassettes__test_plugins_list_success', 0), recordedBody('tests__io__cassettes__test_plugins_list_success', 1), example('get_plugins_plugin')];
      // `intel_type` only exists on OT (Industrial Security) plugins, which the simulated feed has none of.
      expect(keyDifferences(pages, recordedList, { missing: ['.data.plugin_details[].attributes.intel_type'] })).toEqual({ extra: [], missing: [] });
      const details = await client.get('/plugins/plugin/19506');
      expect(keyDifferences([details.json], [recordedBody('tests__io__cassettes__test_plugin_details', 0), example('get_plugins_plugin_id')])).toEqual({ extra: [], missing: [] });
    });
  });

  describe('Security Center', () => {
    it('login, logout and the vulndetails analysis wrapper have the recorded key sets (§6)', async () => {
      const post = async (p: string, body: unknown, headers: Record<string, string> = {}) => {
        const res = await fetch(`${sim.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        return (await res.json()) as Json;
      };
      const login = await post('/rest/token', { username: sim.sc.username, password: sim.sc.password });
      expect(keyDifferences([login], [recordedBody('tests__sc__cassettes__sc_login', 1)])).toEqual({ extra: [], missing: [] });
      const token = String((login.response as Json).token);
      const pages = [0, 5].map((start) => post('/rest/analysis', { query: { tool: 'vulndetails', type: 'vuln', startOffset: start, filters: [], endOffset: start + 5 }, type: 'vuln', sourceType: 'cumulative' }, { 'X-SecurityCenter': token }));
      const recorded = [recordedBody('tests__sc__cassettes__test_analysis_vulns_vulndetails_tool', 0), recordedBody('tests__sc__cassettes__test_analysis_vulns_vulndetails_tool', 1)];
      expect(keyDifferences(await Promise.all(pages), recorded)).toEqual({ extra: [], missing: [] });
      const logout = await fetch(`${sim.url}/rest/token`, { method: 'DELETE', headers: { 'X-SecurityCenter': token } });
      expect(keyDifferences([await logout.json()], [recordedBody('tests__sc__cassettes__sc_login', 2)])).toEqual({ extra: [], missing: [] });
    });
  });

  describe('error bodies (§1.2)', () => {
    it('401, 404, 409, 429 and 500 are the recorded bodies', async () => {
      const anonymous = await api(sim, false).get('/scans');
      expect(anonymous.status).toBe(401);
      expect(anonymous.json).toEqual(example('post_vulns_export', '401'));

      const missingScan = await client.get('/scans/999999');
      expect(missingScan.status).toBe(404);
      expect(missingScan.json).toEqual(recordedBody('tests__io__cassettes__test_scan_results_scan_notfounderror', 0));

      const body = { num_assets: 77, filters: { severity: ['low'] } };
      const first = await client.post('/vulns/export', body);
      const duplicate = await client.post('/vulns/export', body);
      expect(duplicate.status).toBe(409);
      expect(keyDifferences([duplicate.json], [example('post_vulns_export', '409')])).toEqual({ extra: [], missing: [] });
      expect((duplicate.json as Json).failure_reason).toBe((example('post_vulns_export', '409') as Json).failure_reason);
      await client.post(`/vulns/export/${String((first.json as Json).export_uuid)}/cancel`);

      const assetBody = { chunk_size: 1000, filters: {} };
      await client.post('/assets/export', assetBody);
      const dupAssets = await client.post('/assets/export', assetBody);
      const recordedDup = cassette('tests__io__exports__cassettes__test_base_export')[1]!;
      expect(dupAssets.status).toBe(recordedDup.status);
      expect(dupAssets.headers.get('retry-after')).toBe(recordedDup.response_headers['retry-after']);
      expect(dupAssets.headers.get('content-type')).toBe(recordedDup.response_headers['content-type']);
      expect(keyDifferences([dupAssets.json], [recordedDup.response_body])).toEqual({ extra: [], missing: [] });
      expect(String((dupAssets.json as Json).message)).toMatch(/^Duplicate export not allowed\. .*\(job_uuid=[0-9a-f-]{36} container_uuid=[0-9a-f-]{36} createdAt=\d{4}-\d\d-\d\dT[\d:.]+Z\)$/);

      const cancelMissing = await client.post('/assets/export/00000000-0000-4000-8000-000000000000/cancel');
      expect(cancelMissing.status).toBe(404);
      expect(keyDifferences([cancelMissing.json], [example('post_assets_export_export_uuid_cancel', '404')])).toEqual({ extra: [], missing: [] });

      sim.setFaults({ rateLimitPerMinute: 1 });
      await client.get('/scans');
      const limited = await client.get('/scans');
      sim.setFaults({ rateLimitPerMinute: null });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
      expect(limited.text).toBe(example('post_vulns_export', '429', 'text/html'));

      sim.setFaults({ serverErrorRate: 1 });
      const failures = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(() => client.get('/scans')));
      sim.setFaults({ serverErrorRate: 0 });
      const internal = failures.find((f) => f.status === 500);
      expect(internal?.json).toEqual(recordedBody('tests__io__cassettes__test_scannergroup_details_notfounderror', 0));
      for (const f of failures) expect(keyDifferences([f.json], [example('post_vulns_export', '500')])).toEqual({ extra: [], missing: [] });
    });
  });
});

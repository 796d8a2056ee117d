import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir, corpusFile } from '../../../../test/helpers/corpus.ts';
import type { VulnFinding } from '../tenable.api-types.ts';
import { toParseEvents, toParsedFinding } from './index.ts';

const corpus = corpusDir();

const CHUNK_CASSETTES = [
  'tests__io__exports__cassettes__test_download_chunk.json', // 2023 record shape
  'tests__io__exports__cassettes__test_vulns_export_with_scan_uuid.json', // REOPENED with last_fixed
  'tests__io__cassettes__test_exports_vulns.json', // 2018 record shape
];

/** The recorded `/vulns/export` chunk of a cassette (default: test_download_chunk). */
function recordedChunk(cassette = CHUNK_CASSETTES[0]!): VulnFinding[] {
  if (!corpus) throw new Error(CORPUS_MISSING);
  const doc = JSON.parse(readFileSync(corpusFile('tenable-recorded', 'cassettes', cassette), 'utf8')) as {
    interactions: { uri: string; response_body: unknown }[];
  };
  const chunk = doc.interactions.find((i) => /\/vulns\/export\/[^/]+\/chunks\/\d+$/.test(i.uri));
  return chunk!.response_body as VulnFinding[];
}

describe('toParsedFinding', () => {
  it.skipIf(!corpus).each(CHUNK_CASSETTES)('maps every record of the recorded chunk in %s without rejection', (cassette) => {
    const records = recordedChunk(cassette);
    expect(records.length).toBeGreaterThan(0);
    records.forEach((record, i) => {
      const mapped = toParsedFinding(record, i + 1);
      expect(mapped.kind, JSON.stringify(mapped)).toBe('finding');
      if (mapped.kind !== 'finding') return;
      const f = mapped.finding;
      expect(f.line).toBe(i + 1);
      expect(f.assetUuid).toBe(record.asset.uuid);
      expect(f.pluginId).toBe(String(record.plugin.id));
      expect(f.port).toBe(record.port.port);
      expect(f.protocol).toBe(record.port.protocol.toLowerCase());
      expect(f.state).toBe(record.state);
      expect(f.firstSeen).toBe(record.first_found.slice(0, 10));
      expect(f.lastSeen).toBe(record.last_found.slice(0, 10));
      expect(f.severity).toBe(['info', 'low', 'medium', 'high', 'critical'].indexOf(record.severity));
      expect(f.cves).toEqual([...new Set((record.plugin.cve ?? []).map((c) => c.toUpperCase()))]);
      expect(f.vprScore).toBe(record.plugin.vpr?.score);
      expect(f.operatingSystem).toBe(record.asset.operating_system?.[0]);
      expect(f.ipAddress).toBe(record.asset.ipv4);
    });
  });

  it.skipIf(!corpus)('spot checks: the first recorded record', () => {
    const mapped = toParsedFinding(recordedChunk()[0]!, 1);
    expect(mapped).toMatchObject({
      kind: 'finding',
      finding: {
        assetUuid: '8a87d0f0-d0d9-4ceb-b12c-34f68d00728b',
        ipAddress: '172.26.48.53',
        fqdn: 'rhel6x64.target.tenablesecurity.com',
        operatingSystem: 'Linux Kernel 3.2',
        pluginId: '22964',
        port: 22,
        protocol: 'tcp',
        service: 'ssh',
        severity: 0,
        state: 'OPEN',
        firstSeen: '2023-03-29',
        lastSeen: '2023-03-29',
        cves: [],
      },
    });
  });

  it('maps the documented full record (tenable-api.md §2.5)', () => {
    const record: VulnFinding = {
      asset: { uuid: 'u-1', hostname: '172.26.48.53', fqdn: 'web01.example.test', ipv4: '172.26.48.53', mac_address: '00:50:56:A6:55:8C', operating_system: ['Linux Kernel 3.2'] },
      plugin: { id: 92465, name: 'Example', family: 'CGI abuses', cve: ['CVE-2016-0718', 'cve-2016-0718'], cvss_base_score: 7.5, cvss3_base_score: 9.8, vpr: { score: 6.7 } },
      port: { port: 443, protocol: 'TCP', service: 'www' },
      scan: { uuid: 's-1' },
      output: 'plugin output',
      severity: 'critical',
      severity_id: 4,
      severity_default_id: 4,
      severity_modification_type: 'NONE',
      state: 'REOPENED',
      first_found: '2023-04-03T05:36:41.652Z',
      last_found: '2023-04-11T10:35:14Z',
    };
    expect(toParsedFinding(record, 7)).toEqual({
      kind: 'finding',
      finding: expect.objectContaining({
        line: 7,
        assetUuid: 'u-1',
        macAddress: '00:50:56:A6:55:8C',
        fqdn: 'web01.example.test',
        ipAddress: '172.26.48.53',
        operatingSystem: 'Linux Kernel 3.2',
        pluginId: '92465',
        pluginName: 'Example',
        severity: 4,
        vprScore: 6.7,
        cvssBaseScore: 7.5,
        cvss3BaseScore: 9.8,
        cves: ['CVE-2016-0718'],
        port: 443,
        protocol: 'tcp',
        state: 'REOPENED',
        firstSeen: '2023-04-03',
        lastSeen: '2023-04-11',
        output: 'plugin output',
      }),
    });
  });

  it('rejects a record without host or plugin id, naming the field', () => {
    const noPlugin = toParsedFinding({ asset: { uuid: 'u', hostname: 'h' }, plugin: {}, port: { port: 0, protocol: 'TCP' }, severity: 'low', state: 'OPEN' }, 3);
    expect(noPlugin).toMatchObject({ kind: 'rejected', issue: { line: 3, field: 'plugin.id' } });
    const noHost = toParsedFinding({ asset: { uuid: 'u' }, plugin: { id: 1 }, port: { port: 0, protocol: 'TCP' }, severity: 'low', state: 'OPEN' }, 4);
    expect(noHost).toMatchObject({ kind: 'rejected', issue: { line: 4 } });
  });

  it('numbers a stream of records from 1', async () => {
    async function* two() {
      yield { asset: { uuid: 'a', hostname: 'h1' }, plugin: { id: 1, name: 'p' }, port: { port: 0, protocol: 'TCP' }, severity: 'low', state: 'OPEN' };
      yield { asset: { uuid: 'b', hostname: 'h2' }, plugin: { id: 2, name: 'p' }, port: { port: 0, protocol: 'TCP' }, severity: 'high', state: 'FIXED' };
    }
    const out = [];
    for await (const event of toParseEvents(two())) out.push(event);
    expect(out.map((e) => (e.kind === 'finding' ? [e.finding.line, e.finding.severity] : e.kind))).toEqual([
      [1, 1],
      [2, 3],
    ]);
  });
});

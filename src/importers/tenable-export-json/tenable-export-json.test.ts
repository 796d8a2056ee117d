import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../test/helpers/corpus.ts';
import { ImportFormatError } from '../importer.ts';
import { detectFormat, openImportFile } from '../registry.ts';
import { collect, parseFixture, parseText, parseWithChunkSizes, sampleOf, sampleText } from '../test-utils.ts';
import { tenableExportJson } from './index.ts';

const ID = 'tenable-export-json';
const parse = (name: string) => parseFixture(tenableExportJson, ID, name);

describe('tenable-export-json', () => {
  it('is detected from a top-level array of finding records', () => {
    for (const name of ['one.json', 'many.json', 'empty-array.json', 'ndjson.json']) {
      expect(tenableExportJson.detect(sampleOf(ID, name))).toBe(true);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(tenableExportJson.detect(sampleText('[1, 2, 3]'))).toBe(false);
    expect(tenableExportJson.detect(sampleText('{"path": "/vulns/export", "responses": {"plugin": 1, "asset": 2}}'))).toBe(false);
    expect(tenableExportJson.detect(sampleOf(ID, 'empty.json'))).toBe(false);
  });

  it('yields nothing for an empty file or an empty chunk', async () => {
    expect(await parse('empty.json')).toEqual({ findings: [], rejected: [] });
    expect(await parse('empty-array.json')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one record (line = record index)', async () => {
    const { findings, rejected } = await parse('one.json');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 1,
        hostname: 'web01.example.test',
        ipAddress: '172.26.48.53',
        assetUuid: '8a87d0f0-d0d9-4ceb-b12c-34f68d00728b',
        macAddress: '00:50:56:A6:55:8C',
        fqdn: 'web01.example.test',
        netbiosName: 'WEB01',
        operatingSystem: 'Linux Kernel 3.2',
        pluginId: '92465',
        pluginName: 'Example Product < 6.8 Multiple Vulnerabilities',
        pluginFamily: 'CGI abuses',
        severity: 4,
        vprScore: 6.7,
        cvssBaseScore: 7.5,
        cvss3BaseScore: 9.8,
        cves: ['CVE-2016-0718', 'CVE-2016-0719'],
        port: 443,
        protocol: 'tcp',
        service: 'www',
        state: 'REOPENED',
        firstSeen: '2023-04-03',
        lastSeen: '2023-04-11',
        output: 'plugin output text',
        synopsis: 'Synopsis {with} [brackets] and "quotes"',
        description: 'Line 1\nLine 2',
        solution: 'Upgrade.',
        seeAlso: ['https://example.test/advisory'],
        exploitAvailable: false,
      },
    ]);
  });

  it('splits pretty-printed records with braces and escapes inside strings, and NDJSON', async () => {
    const { findings, rejected } = await parse('many.json');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.hostname, f.pluginId, f.severity, f.port, f.protocol, f.state])).toEqual([
      [1, 'web01.example.test', '92465', 4, 443, 'tcp', 'REOPENED'],
      [2, 'café-01', '19506', 0, 0, 'tcp', 'OPEN'],
      [3, '10.9.0.3', '156641', 2, 445, 'udp', 'FIXED'],
    ]);
    expect(findings[1]!.pluginName).toBe('Nessus Scan Information — ✓');
    expect(findings[2]!.output).toBe('} ] { [ \\" tricky \\\\');
    expect(await parse('ndjson.json')).toEqual({ findings, rejected });
  });

  it('rejects bad records with their index and the field at fault', async () => {
    const { findings, rejected } = await parse('bad-records.json');
    expect(findings.map((f) => [f.line, f.severity])).toEqual([
      [1, 4],
      [9, 4], // no severity: derived from cvss3_base_score 9.8
    ]);
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [2, 'port.port'],
      [3, 'plugin.id'],
      [4, 'asset.hostname'],
      [5, undefined],
      [6, 'severity'],
      [7, 'first_found'],
      [8, 'plugin.vpr.score'],
    ]);
  });

  it('refuses truncated, non-JSON and syntactically broken files', async () => {
    await expect(parse('truncated.json')).rejects.toThrow(/ends inside record 3/);
    await expect(parse('garbage.json')).rejects.toThrow(/expected a JSON array/);
    const error = await parse('broken-record.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportFormatError);
    expect((error as ImportFormatError).line).toBe(2);
    await expect(parseText(tenableExportJson, '[{"plugin": {"id": 1}} {"plugin": {"id": 2}}]')).rejects.toThrow(/expected "," or "]"/);
    await expect(parseText(tenableExportJson, '[{"plugin": {"id": 1}}')).rejects.toThrow(/closing "\]"/);
    await expect(parseText(tenableExportJson, '[] trailing')).rejects.toThrow(/after the end of the array/);
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['many.json', 'bad-records.json', 'ndjson.json']) {
      const [a, b, c] = await parseWithChunkSizes(tenableExportJson, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });

  it('streams: records come out before the array is complete', async () => {
    let produced = 0;
    async function* source(): AsyncGenerator<string> {
      yield '[';
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield `${i ? ',' : ''}{"asset":{"hostname":"h${i}"},"plugin":{"id":${i}},"severity":"low"}`;
      }
      yield ']';
    }
    for await (const event of tenableExportJson.parse(source() as never, 'big.json')) {
      expect(event.kind).toBe('finding');
      break;
    }
    expect(produced).toBeLessThan(10);
  });
});

const dir = corpusDir();

describe.skipIf(!dir)('tenable-export-json on recorded Tenable data', () => {
  if (!dir) it.skip(CORPUS_MISSING, () => {});
  const tmp = mkdtempSync(path.join(tmpdir(), 'hextrackr-json-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function writeChunk(name: string, records: unknown): string {
    const file = path.join(tmp, name);
    writeFileSync(file, JSON.stringify(records, null, 1));
    return file;
  }

  it('reads the OpenAPI example chunk', async () => {
    const example = JSON.parse(readFileSync(path.join(dir!, 'tenable-recorded/openapi-examples/get_vulns_export_export_uuid_chunks_chunk_id.json'), 'utf8'));
    const file = writeChunk('example-1-vulndoc.json', example.responses['200']['application/octet-stream'].response);
    const opened = await openImportFile(file);
    expect(opened.format.id).toBe(ID);
    const { findings, rejected } = await collect(opened.events);
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.hostname, f.pluginId, f.severity, f.port, f.protocol, f.state, f.firstSeen])).toEqual([
      ['sharepoint2016', '156641', 3, 445, 'tcp', 'OPEN', '2022-11-08'],
      ['vcsa8.target.example.com', '50344', 0, 443, 'tcp', 'OPEN', '2022-11-08'],
    ]);
    expect(findings[0]).toMatchObject({
      cves: ['CVE-2022-21837', 'CVE-2022-21840', 'CVE-2022-21842'],
      vprScore: 6.7,
      cvss3BaseScore: 8.8,
      assetUuid: '53ed0fa2-ccd5-4d2e-92ee-c072635889e3',
      operatingSystem: 'Microsoft Windows Server 2016 Standard',
    });
    expect(opened.bytesRead()).toBe(opened.totalBytes);
  });

  it('reads the recorded chunk of the download_chunk cassette', async () => {
    const cassette = JSON.parse(readFileSync(path.join(dir!, 'tenable-recorded/cassettes/tests__io__exports__cassettes__test_download_chunk.json'), 'utf8'));
    const chunk = cassette.interactions.find((i: { uri: string }) => i.uri.includes('/chunks/')).response_body as unknown[];
    const file = writeChunk('cassette-1-vulndoc.json', chunk);
    const opened = await openImportFile(file);
    const { findings, rejected } = await collect(opened.events);
    expect(rejected).toEqual([]);
    expect(findings).toHaveLength(25);
    expect(new Set(findings.map((f) => f.assetUuid)).size).toBe(5);
    const bySeverity = findings.reduce<Record<number, number>>((acc, f) => ({ ...acc, [f.severity]: (acc[f.severity] ?? 0) + 1 }), {});
    expect(bySeverity).toEqual({ 0: 19, 2: 4, 3: 2 });
    // The recorded asset hostname is an IP; the FQDN is the better name.
    expect(findings[0]).toMatchObject({ hostname: 'rhel6x64.target.tenablesecurity.com', ipAddress: '172.26.48.53', port: 22, solution: undefined, seeAlso: undefined });
  });
});

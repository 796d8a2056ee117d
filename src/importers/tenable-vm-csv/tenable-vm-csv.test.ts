import { describe, expect, it } from 'vitest';
import { detectFormat } from '../registry.ts';
import { parseFixture, parseText, parseWithChunkSizes, sampleOf } from '../test-utils.ts';
import { tenableVmCsv } from './index.ts';

const ID = 'tenable-vm-csv';
const parse = (name: string) => parseFixture(tenableVmCsv, ID, name);

describe('tenable-vm-csv', () => {
  it('is detected from its dotted header, comma or semicolon delimited', () => {
    for (const name of ['one.csv', 'many.csv', 'bom-crlf.csv', 'header-only.csv']) {
      expect(tenableVmCsv.detect(sampleOf(ID, name))).toBe(true);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(tenableVmCsv.detect(sampleOf('nessus-csv', 'one.csv'))).toBe(false);
    expect(tenableVmCsv.detect(sampleOf(ID, 'empty.csv'))).toBe(false);
  });

  it('yields nothing for an empty or header-only file', async () => {
    expect(await parse('empty.csv')).toEqual({ findings: [], rejected: [] });
    expect(await parse('header-only.csv')).toEqual({ findings: [], rejected: [] });
  });

  it('maps every column of one finding', async () => {
    const { findings, rejected } = await parse('one.csv');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 2,
        hostname: 'web01',
        ipAddress: '172.26.48.53',
        assetUuid: '8a87d0f0-d0d9-4ceb-b12c-34f68d00728b',
        macAddress: '00:50:56:a6:55:8c',
        fqdn: 'web01.example.test',
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
        state: 'REOPENED',
        firstSeen: '2023-04-03',
        lastSeen: '2023-04-11',
        output: 'Installed version : 6.7',
        synopsis: 'The remote host runs a vulnerable product.',
        description: 'The product is affected by multiple issues.',
        solution: 'Upgrade to 6.8 or later.',
        seeAlso: ['https://example.test/a', 'https://example.test/b'],
      },
    ]);
  });

  it('reads a semicolon workbench export with multi-line cells, non-ASCII text and multi-CVE cells', async () => {
    const { findings, rejected } = await parse('many.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.pluginId, f.severity, f.state])).toEqual([
      [2, '33851', 1, 'ACTIVE'],
      [7, '70658', 1, 'RESURFACED'],
      [8, '166552', 2, 'NEW'],
      [9, '19506', 0, 'ACTIVE'],
    ]);
    expect(findings[0]!.output).toBe('The following running daemon is not managed by RPM :\n\n/usr/local/bin/node_exporter');
    expect(findings[0]!.vprScore).toBeUndefined();
    expect(findings[1]!.protocol).toBe('tcp');
    expect(findings[1]!.seeAlso).toEqual(['http://www.nessus.org/u?b02d91cd', 'https://datatracker.ietf.org/doc/html/rfc8732']);
    expect(findings[2]!.hostname).toBe('Zürich-db');
    expect(findings[2]!.synopsis).toBe('Java est « vulnérable » — résumé');
    expect(findings[2]!.output).toBe('Chemin : /opt/jdk/bin/java ✓');
    expect(findings[2]!.cves).toEqual(['CVE-2022-21619', 'CVE-2022-21624', 'CVE-2022-21626']);
    expect(findings[2]!.cvssBaseScore).toBeUndefined();
    // An asset named by its IP only.
    expect(findings[3]).toMatchObject({ hostname: '10.0.0.3', ipAddress: '10.0.0.3', firstSeen: '2023-07-01', output: 'Scan info\nline 2' });
  });

  it('reads a BOM + CRLF file, turning CRLF inside cells into LF', async () => {
    const { findings, rejected } = await parse('bom-crlf.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => f.line)).toEqual([2, 4]);
    expect(findings[0]).toMatchObject({ assetUuid: '8a87d0f0-d0d9-4ceb-b12c-34f68d00728b', output: 'first line\nsecond line', severity: 3 });
    expect(findings[1]!.solution).toBeUndefined(); // "n/a"
  });

  it('rejects bad rows with their line and the column at fault, and keeps the good ones', async () => {
    const { findings, rejected } = await parse('bad-rows.csv');
    expect(findings.map((f) => [f.line, f.pluginId])).toEqual([
      [2, '1001'],
      [9, '1008'],
      [10, '1009'],
      [15, '1012'],
      [17, '1013'],
    ]);
    expect(findings[1]!.severity).toBe(4); // "Severe" is unreadable: derived from CVSS v3 9.8
    expect(findings[3]).toMatchObject({ port: undefined, protocol: undefined, severity: 1 }); // short row, read by position
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [3, 'port'],
      [4, 'definition.id'],
      [5, 'asset.name'],
      [6, 'definition.cvss3.base_score'],
      [7, 'first_observed'],
      [8, 'severity'],
      [13, 'definition.vpr.score'],
      [14, undefined],
    ]);
    expect(rejected[0]!.reason).toContain('"eighty"');
    expect(rejected[3]!.reason).toContain('"high"');
    expect(rejected[6]!.reason).toContain('"n.a."');
    expect(rejected[7]!.reason).toContain('28 cells');
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['many.csv', 'bom-crlf.csv', 'bad-rows.csv']) {
      const [a, b, c] = await parseWithChunkSizes(tenableVmCsv, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });

  it('refuses a file whose header lacks the plugin id column', async () => {
    await expect(parseText(tenableVmCsv, 'asset.name,severity\nh,High\n', 1024, 'x.csv')).rejects.toThrow(/x\.csv is not a Tenable Vulnerability Management findings CSV file: missing column definition\.id/);
  });
});

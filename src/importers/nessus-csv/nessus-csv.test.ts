import { describe, expect, it } from 'vitest';
import { detectFormat } from '../registry.ts';
import { tenableIoCsv } from '../tenable-io-csv/index.ts';
import { parseFixture, parseText, parseWithChunkSizes, sampleOf } from '../test-utils.ts';
import { nessusCsv } from './index.ts';

const ID = 'nessus-csv';
const parse = (name: string) => parseFixture(nessusCsv, ID, name);

describe('nessus-csv', () => {
  it('is detected from the default and the 2025 "all columns" headers', () => {
    for (const name of ['one.csv', 'many.csv', 'template-2025.csv', 'bom-crlf.csv', 'header-only.csv']) {
      expect(nessusCsv.detect(sampleOf(ID, name))).toBe(true);
      expect(tenableIoCsv.detect(sampleOf(ID, name))).toBe(false);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
  });

  it('yields nothing for an empty or header-only file', async () => {
    expect(await parse('empty.csv')).toEqual({ findings: [], rejected: [] });
    expect(await parse('header-only.csv')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one finding; Risk "None" is Info, "n/a" is no value', async () => {
    const { findings, rejected } = await parse('one.csv');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 2,
        hostname: '52.208.101.182',
        ipAddress: '52.208.101.182',
        pluginId: '10107',
        pluginName: 'HTTP Server Type and Version',
        severity: 0,
        cves: [],
        port: 80,
        protocol: 'tcp',
        output: 'The remote web server type is :\n\nCowboy',
        synopsis: 'A web server is running on the remote host.',
        description: 'This plugin attempts to determine the type and the version of the\n  remote web server.',
      },
    ]);
  });

  it('reads many findings with multi-line and non-ASCII cells', async () => {
    const { findings, rejected } = await parse('many.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.pluginId, f.severity, f.port, f.protocol])).toEqual([
      [2, '10107', 0, 443, 'tcp'],
      [3, '10287', 0, 0, 'udp'],
      [8, '35291', 2, 443, 'tcp'],
      [10, '65821', 1, 443, 'tcp'],
    ]);
    expect(findings[2]).toMatchObject({
      hostname: 'scanner-target.example.test',
      ipAddress: undefined,
      cvssBaseScore: 5,
      cves: ['CVE-2004-2761'],
      seeAlso: ['https://tools.ietf.org/html/rfc3279', 'http://www.nessus.org/u?9bb87bf2'],
      output: 'Subject : CN=müller.example.test',
    });
    expect(findings[3]!.cves).toEqual(['CVE-2013-2566', 'CVE-2015-2808']);
  });

  it('reads the 2025 template: scores written without decimal point, VPR Score', async () => {
    const { findings, rejected } = await parse('template-2025.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.severity, f.cvssBaseScore, f.cvss3BaseScore, f.vprScore, f.cves.join()])).toEqual([
      [2, 3, 5, 7.5, 5.1, 'CVE-2016-2183'],
      [5, 4, 10, 9.8, 9.6, 'CVE-2024-4577'],
    ]);
  });

  it('reads a BOM + CRLF file', async () => {
    const { findings, rejected } = await parse('bom-crlf.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.pluginId, f.description])).toEqual([
      [2, '10107', 'Line 1\nLine 2'],
      [5, '11219', 'SYN scan.'],
    ]);
    expect(findings[0]!.output).toBe('Server: nginx\nVersion: 1.25');
  });

  it('rejects bad rows with their line and the column at fault', async () => {
    const { findings, rejected } = await parse('bad-rows.csv');
    expect(findings.map((f) => [f.line, f.pluginId, f.severity])).toEqual([
      [2, '10107', 0],
      [7, '10112', 4], // no Risk: derived from CVSS 9.3
      [9, '10114', 0],
    ]);
    expect(rejected).toEqual([
      { line: 3, field: 'CVSS', reason: 'CVSS is not a number: "abc"' },
      { line: 4, field: 'Host', reason: 'Host is empty: the row names no host name or IP address' },
      { line: 5, field: 'Port', reason: 'Port is not a port number: "http"' },
      { line: 6, field: 'Risk', reason: 'Risk is empty and there is no CVSS score to derive it from' },
      { line: 8, reason: 'malformed quotes: Trailing quote on quoted field is malformed' },
    ]);
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['many.csv', 'template-2025.csv', 'bom-crlf.csv', 'bad-rows.csv']) {
      const [a, b, c] = await parseWithChunkSizes(nessusCsv, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });

  it('refuses a file without the Plugin ID column', async () => {
    await expect(parseText(nessusCsv, 'Host,Risk\nh,High\n')).rejects.toThrow(/missing column Plugin ID/);
  });
});

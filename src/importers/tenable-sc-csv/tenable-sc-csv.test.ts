import { describe, expect, it } from 'vitest';
import { detectFormat } from '../registry.ts';
import { parseFixture, parseWithChunkSizes, sampleOf } from '../test-utils.ts';
import { tenableScCsv } from './index.ts';

const ID = 'tenable-sc-csv';
const parse = (name: string) => parseFixture(tenableScCsv, ID, name);

describe('tenable-sc-csv', () => {
  it('is detected from its quoted "Plugin, Plugin Name, ... IP Address" header', () => {
    for (const name of ['one.csv', 'many.csv', 'bom-crlf.csv', 'header-only.csv']) {
      expect(tenableScCsv.detect(sampleOf(ID, name))).toBe(true);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(tenableScCsv.detect(sampleOf('tenable-io-csv', 'one.csv'))).toBe(false);
  });

  it('yields nothing for an empty or header-only file', async () => {
    expect(await parse('empty.csv')).toEqual({ findings: [], rejected: [] });
    expect(await parse('header-only.csv')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one finding, with "Steps to Remediate" as the solution and SC dates', async () => {
    const { findings, rejected } = await parse('one.csv');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 2,
        hostname: 'web01.example.test',
        ipAddress: '1.2.3.4',
        macAddress: 'fa:16:3e:e6:0b:98',
        fqdn: 'web01.example.test',
        pluginId: '42873',
        pluginName: 'SSL Medium Strength Cipher Suites Supported (SWEET32)',
        pluginFamily: 'General',
        severity: 3,
        vprScore: 5.1,
        cvssBaseScore: 5,
        cvss3BaseScore: 7.5,
        cves: ['CVE-2016-2183'],
        port: 443,
        protocol: 'tcp',
        firstSeen: '2024-02-09',
        lastSeen: '2024-10-17',
        output: 'Plugin Output: \n  Medium Strength Ciphers',
        synopsis: 'The remote service supports the use of medium strength SSL ciphers.',
        description: 'The remote host supports the use of SSL ciphers that offer medium strength encryption.',
        solution: 'Reconfigure the affected application if possible.',
        seeAlso: ['https://www.openssl.org/blog/blog/2016/08/24/sweet32/', 'https://sweet32.info'],
        exploitAvailable: false,
      },
    ]);
  });

  it('names hosts by DNS name, else IP (NetBIOS kept as an attribute); skips blank rows; converts zones to UTC days', async () => {
    const { findings, rejected } = await parse('many.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.hostname, f.ipAddress, f.netbiosName])).toEqual([
      [2, undefined, '2.3.4.5', 'WORKGROUP\\ECODARCHDB'],
      [4, undefined, '1.2.3.4', undefined],
      [5, 'db.example.test', '10.2.1.1', 'DB'],
    ]);
    expect(findings[2]).toMatchObject({
      assetUuid: 'd2a3e4f5-0000-4000-8000-00000000abcd',
      cves: ['CVE-2013-2566', 'CVE-2015-2808'],
      exploitAvailable: true,
      firstSeen: '2021-01-05',
      lastSeen: '2021-01-06', // 20:24 MST is 03:24 UTC the next day
      output: 'RC4 — « faible »',
    });
  });

  it('reads a BOM + CRLF file', async () => {
    const { findings, rejected } = await parse('bom-crlf.csv');
    expect(rejected).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 2, output: 'Out 1\nOut 2', description: 'Desc 1\nDesc 2' });
  });

  it('rejects bad rows, including an unterminated quote running to the end of the file', async () => {
    const { findings, rejected } = await parse('bad-rows.csv');
    expect(findings.map((f) => f.line)).toEqual([2]);
    expect(rejected).toEqual([
      { line: 3, field: 'IP Address', reason: 'IP Address is empty: the row names no host name or IP address' },
      { line: 4, field: 'First Discovered', reason: 'First Discovered is not a date: "Feb 31, 2024 10:00:00 UTC"' },
      { line: 5, field: 'Port', reason: 'Port is not a port number: "70000"' },
      { line: 6, reason: 'unterminated quoted field' },
    ]);
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['many.csv', 'bom-crlf.csv', 'bad-rows.csv']) {
      const [a, b, c] = await parseWithChunkSizes(tenableScCsv, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });
});

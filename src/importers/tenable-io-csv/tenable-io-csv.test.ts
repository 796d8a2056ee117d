import { describe, expect, it } from 'vitest';
import { nessusCsv } from '../nessus-csv/index.ts';
import { detectFormat } from '../registry.ts';
import { parseFixture, parseWithChunkSizes, sampleOf } from '../test-utils.ts';
import { tenableIoCsv } from './index.ts';

const ID = 'tenable-io-csv';
const parse = (name: string) => parseFixture(tenableIoCsv, ID, name);

describe('tenable-io-csv', () => {
  it('is told apart from a Nessus CSV by its asset columns', () => {
    for (const name of ['one.csv', 'many.csv', 'bom-crlf.csv', 'header-only.csv']) {
      expect(tenableIoCsv.detect(sampleOf(ID, name))).toBe(true);
      expect(nessusCsv.detect(sampleOf(ID, name))).toBe(false);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(tenableIoCsv.detect(sampleOf('nessus-csv', 'many.csv'))).toBe(false);
  });

  it('yields nothing for an empty or header-only file', async () => {
    expect(await parse('empty.csv')).toEqual({ findings: [], rejected: [] });
    expect(await parse('header-only.csv')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one finding', async () => {
    const { findings, rejected } = await parse('one.csv');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 2,
        hostname: 'ip-127-0-0-1.us-west-2.compute.internal',
        ipAddress: '127.0.0.1',
        assetUuid: 'c0ffee00-1111-4222-8333-444455556666',
        fqdn: 'ip-127-0-0-1.us-west-2.compute.internal',
        operatingSystem: 'Linux Kernel 4.14 on Amazon Linux 2',
        pluginId: '176700',
        pluginName: 'Amazon Linux 2 : kernel (ALAS-2023-2050)',
        pluginFamily: 'Amazon Linux Local Security Checks',
        severity: 3,
        cvssBaseScore: 6.8,
        cvss3BaseScore: 7.8,
        cves: ['CVE-2023-32233'],
        port: 0,
        protocol: 'tcp',
        service: 'general',
        state: 'ACTIVE',
        firstSeen: '2023-06-08',
        lastSeen: '2023-06-08',
        output: 'Remote package installed : kernel-4.14.314-237.533.amzn2',
        synopsis: 'The remote Amazon Linux 2 host is missing a security update.',
        description: 'The version of kernel installed on the remote host is prior to 4.14.314-238.539.\n\nNote that Nessus has not tested for this issue.',
        solution: "Run 'yum update kernel' to update your system.",
        seeAlso: ['https://alas.aws.amazon.com/faqs.html', 'https://alas.aws.amazon.com/AL2/ALAS-2023-2050.html'],
        exploitAvailable: true,
      },
    ]);
  });

  it('keeps one row per CVE, reads "null" VPR as missing and skips trailing all-comma rows', async () => {
    const { findings, rejected } = await parse('many.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.pluginId, f.cves.join()])).toEqual([
      [2, '176703', 'CVE-2021-46657'],
      [3, '176703', 'CVE-2021-46659'],
      [4, '176703', 'CVE-2021-46661'],
      [5, '51192', ''],
    ]);
    expect(findings[0]).toMatchObject({ netbiosName: 'APP', vprScore: undefined, severity: 2, exploitAvailable: false });
    expect(findings[3]).toMatchObject({
      hostname: '10.0.0.6',
      ipAddress: '10.0.0.6',
      vprScore: 4.4,
      state: 'REOPENED',
      service: 'www',
      synopsis: 'Certificat non fiable — « auto-signé »',
      output: 'Subject : CN=例え.test',
    });
  });

  it('reads a BOM + CRLF file', async () => {
    const { findings, rejected } = await parse('bom-crlf.csv');
    expect(rejected).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ line: 2, hostname: 'host-a.example.test', state: 'FIXED', description: 'Line one\nLine two', output: 'out 1\nout 2', vprScore: 5.9 });
  });

  it('rejects bad rows with their line and the column at fault', async () => {
    const { findings, rejected } = await parse('bad-rows.csv');
    expect(findings.map((f) => [f.line, f.severity])).toEqual([
      [2, 2],
      [8, 3], // no Risk / Severity: derived from CVSS v2 7.5
    ]);
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [3, 'Vulnerability Priority Rating (VPR)'],
      [4, 'Host'],
      [5, 'Last Found'],
      [6, 'Plugin ID'],
      [7, 'Risk'],
      [9, 'Port'],
      [10, 'CVSS Base Score'],
    ]);
    expect(rejected[6]!.reason).toContain('"12.5"');
  });

  it('gives the same result whatever the read size', async () => {
    for (const name of ['many.csv', 'bom-crlf.csv', 'bad-rows.csv']) {
      const [a, b, c] = await parseWithChunkSizes(tenableIoCsv, ID, name);
      expect(a).toEqual(c);
      expect(b).toEqual(c);
    }
  });
});

describe('tenable-io-csv column fallbacks', () => {
  it('names the column that actually held a bad value', async () => {
    const { parseText } = await import('../test-utils.ts');
    const csv = 'Plugin ID,CVSS,Risk,Host,Port,Name,IP Address,CVSS Base Score\n1,abc,High,h,0,x,10.0.0.1,\n2,5.0,High,h,0,x,10.0.0.1,\n';
    const { findings, rejected } = await parseText(tenableIoCsv, csv);
    expect(rejected).toEqual([{ line: 2, field: 'CVSS', reason: 'CVSS is not a number: "abc"' }]);
    expect(findings.map((f) => f.cvssBaseScore)).toEqual([5]);
  });
});

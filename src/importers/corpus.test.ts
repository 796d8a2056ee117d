/**
 * Every real scanner file of the shared corpus (../shared/corpus/scans/SOURCES.md): detected
 * format, findings == "rows", distinct hosts == "hosts", nothing rejected, plus spot checks
 * against what DefectDojo's tests assert for the same files.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_MISSING, CORPUS_SCANS, corpusDir } from '../../test/helpers/corpus.ts';
import type { FormatId, ParsedFinding } from './importer.ts';
import { openImportFile } from './registry.ts';
import { collect, type ParseOutcome } from './test-utils.ts';

const CASES = CORPUS_SCANS;

/** Host identity as SOURCES.md counts it: asset UUID if present, else host name, else IP. */
function hostIdentity(f: ParsedFinding): string {
  return f.assetUuid ?? f.hostname ?? f.ipAddress ?? '';
}

const dir = corpusDir();
const results = new Map<string, Promise<{ format: FormatId; outcome: ParseOutcome }>>();

function load(file: string): Promise<{ format: FormatId; outcome: ParseOutcome }> {
  let result = results.get(file);
  if (!result) {
    result = (async () => {
      const opened = await openImportFile(path.join(dir!, 'scans/defectdojo', file));
      return { format: opened.format.id, outcome: await collect(opened.events) };
    })();
    results.set(file, result);
  }
  return result;
}

describe.skipIf(!dir)('shared scanner corpus', () => {
  if (!dir) it.skip(CORPUS_MISSING, () => {});

  describe.each(CASES)('$file', ({ file, format, rows, hosts }) => {
    it(`is read as ${format}: ${rows} findings, nothing rejected`, async () => {
      const { format: detected, outcome } = await load(file);
      expect(detected).toBe(format);
      expect(outcome.rejected).toEqual([]);
      expect(outcome.findings).toHaveLength(rows);
    });

    it(`has ${hosts} distinct host(s)`, async () => {
      const { outcome } = await load(file);
      expect(new Set(outcome.findings.map(hostIdentity)).size).toBe(hosts);
    });
  });

  it('nessus_with_cwe-.nessus: one item with 15 CVEs', async () => {
    const { findings } = (await load('nessus_with_cwe-.nessus')).outcome;
    expect(findings[0]!.cves).toHaveLength(15);
    expect(findings[0]).toMatchObject({ pluginId: '31649', severity: 3, hostname: 'testphp.vulnweb.com', ipAddress: '44.228.249.3', lastSeen: '2022-03-23' });
  });

  it('issue_9612.csv: first row is Critical', async () => {
    const { findings } = (await load('issue_9612.csv')).outcome;
    expect(findings[0]).toMatchObject({ severity: 4, pluginId: '73756', ipAddress: '2.3.4.5', port: 1433, firstSeen: '2024-02-05', lastSeen: '2024-02-19' });
    expect(findings.map((f) => `${f.ipAddress}:${f.port}`)).toEqual(['2.3.4.5:1433', '2.3.4.5:5555', '1.2.3.4:1433']);
  });

  it('issue_11102.csv: SWEET32 on three IP:port pairs, "Steps to Remediate" as solution', async () => {
    const { findings } = (await load('issue_11102.csv')).outcome;
    expect(findings.map((f) => `${f.ipAddress}:${f.port}`)).toEqual(['1.2.3.4:443', '2.3.4.5:443', '1.2.3.4:8443']);
    expect(findings[0]).toMatchObject({ severity: 3, cves: ['CVE-2016-2183'], vprScore: 5.1, firstSeen: '2024-02-09', lastSeen: '2024-10-17' });
    expect(findings[0]!.solution).toBeDefined();
  });

  it('nessus-template.csv: first finding High CVE-2016-2183, second Medium CVE-2003-1567', async () => {
    const { findings } = (await load('nessus-template.csv')).outcome;
    expect(findings[0]).toMatchObject({ pluginName: 'SSL Medium Strength Cipher Suites Supported (SWEET32)', severity: 3, cves: ['CVE-2016-2183'] });
    expect(findings[1]).toMatchObject({ pluginName: 'HTTP TRACE / TRACK Methods Allowed', severity: 2, cves: ['CVE-2003-1567'] });
    for (const f of findings) {
      for (const s of [f.cvssBaseScore, f.cvss3BaseScore, f.vprScore]) if (s !== undefined) expect(s).toBeLessThanOrEqual(10);
    }
  });

  it('nessus_many_vuln.csv: 4 Medium findings after 529 blank rows are skipped', async () => {
    const { findings } = (await load('nessus_many_vuln.csv')).outcome;
    expect(findings.map((f) => f.severity)).toEqual([2, 2, 2, 2]);
    expect(findings[0]).toMatchObject({ ipAddress: '10.1.1.1', cves: ['CVE-2004-2761'], firstSeen: '2021-01-05' });
    expect(findings[3]!.cves).toEqual(['CVE-2013-2566', 'CVE-2015-2808']);
  });

  it('nessus_many_vuln2 (default and all columns) read the same 30 rows; Risk None is Info', async () => {
    const a = (await load('nessus_many_vuln2-default.csv')).outcome.findings;
    const b = (await load('nessus_many_vuln2-all.csv')).outcome.findings;
    const key = (f: ParsedFinding) => `${f.line}|${f.pluginId}|${f.port}|${f.protocol}|${f.severity}|${f.cves.join()}`;
    expect(a.map(key)).toEqual(b.map(key));
    expect(a[0]).toMatchObject({ pluginName: 'HTTP Server Type and Version', severity: 0, cves: [] });
    expect(a.find((f) => f.pluginName === 'SSL Certificate Signed Using Weak Hashing Algorithm (Known CA)')).toMatchObject({ severity: 0, cves: ['CVE-2004-2761'] });
    // The one non-ASCII character of the file (a right single quote) survives decoding.
    expect(b.filter((f) => `${f.description}${f.output}${f.synopsis}`.includes('aren\u2019t enabled'))).toHaveLength(1);
  });

  it('nessus_new.csv: semicolon workbench export, first row Blah1 Low with CVSS v3 3.1', async () => {
    const { findings } = (await load('nessus_new.csv')).outcome;
    expect(findings[0]).toMatchObject({ hostname: 'Blah1', severity: 1, cvss3BaseScore: 3.1, state: 'ACTIVE', port: 0, protocol: 'tcp', firstSeen: '2023-06-28', lastSeen: '2023-07-12' });
    const states = findings.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.state!]: (acc[f.state!] ?? 0) + 1 }), {});
    expect(states).toEqual({ ACTIVE: 57, RESURFACED: 32, NEW: 10 });
    expect(findings.filter((f) => f.cves.length > 1)).toHaveLength(19);
  });

  it('tenable_many_vuln.csv: first row High kernel update on port 0, one row per CVE', async () => {
    const { findings } = (await load('tenable_many_vuln.csv')).outcome;
    expect(findings[0]).toMatchObject({
      hostname: 'ip-127-0-0-1.us-west-2.compute.internal',
      pluginName: 'Amazon Linux 2 : kernel (ALAS-2023-2050)',
      severity: 3,
      port: 0,
      cves: ['CVE-2023-32233'],
      vprScore: undefined,
    });
    expect(findings.filter((f) => f.pluginId === '176703')).toHaveLength(10);
  });

  it('issue_6992.nessus: the severity attribute (Medium) is kept, not the CVSS v3 High DefectDojo reports', async () => {
    const { findings } = (await load('issue_6992.nessus')).outcome;
    expect(findings[0]!.severity).toBe(2);
    expect(findings[0]!.cvss3BaseScore).toBeGreaterThanOrEqual(7);
  });

  it('nessus_v_unknown.xml: 7 hosts, severities 266 Info / 7 Low / 23 Medium', async () => {
    const { findings } = (await load('nessus_v_unknown.xml')).outcome;
    const bySeverity = findings.reduce<Record<number, number>>((acc, f) => ({ ...acc, [f.severity]: (acc[f.severity] ?? 0) + 1 }), {});
    expect(bySeverity).toEqual({ 0: 266, 1: 7, 2: 23 });
    expect(findings[0]).toMatchObject({ pluginName: 'Nessus Scan Information', hostname: 'qa3app09', ipAddress: '10.31.112.29', lastSeen: '2013-07-01' });
    expect(findings.filter((f) => f.cves.includes('CVE-2005-1794'))).toHaveLength(7);
  });

  it('nessus_with_cvssv3.nessus: severities match the attribute counts of SOURCES.md', async () => {
    const { findings } = (await load('nessus_with_cvssv3.nessus')).outcome;
    const bySeverity = findings.reduce<Record<number, number>>((acc, f) => ({ ...acc, [f.severity]: (acc[f.severity] ?? 0) + 1 }), {});
    expect(bySeverity).toEqual({ 0: 23, 1: 1, 2: 13, 3: 10, 4: 2 });
  });
});

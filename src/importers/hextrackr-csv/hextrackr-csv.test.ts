import { describe, expect, it } from 'vitest';
import { detectFormat } from '../registry.ts';
import { parseFixture, parseWithChunkSizes, sampleOf } from '../test-utils.ts';
import { hextrackrCsv } from './index.ts';

const ID = 'hextrackr-csv';
const parse = (name: string) => parseFixture(hextrackrCsv, ID, name);

describe('hextrackr-csv', () => {
  it('is detected from its snake_case header, in any case', () => {
    for (const name of ['one.csv', 'many.csv', 'bom-crlf.csv', 'header-only.csv']) {
      expect(hextrackrCsv.detect(sampleOf(ID, name))).toBe(true);
      expect(detectFormat(sampleOf(ID, name))?.id).toBe(ID);
    }
    expect(hextrackrCsv.detect(sampleOf('nessus-csv', 'one.csv'))).toBe(false);
  });

  it('yields nothing for an empty or header-only file', async () => {
    expect(await parse('empty.csv')).toEqual({ findings: [], rejected: [] });
    expect(await parse('header-only.csv')).toEqual({ findings: [], rejected: [] });
  });

  it('maps one finding; cvss_score is CVSS v3', async () => {
    const { findings, rejected } = await parse('one.csv');
    expect(rejected).toEqual([]);
    expect(findings).toEqual([
      {
        line: 2,
        hostname: 'web01.example.test',
        ipAddress: '10.5.0.1',
        pluginId: '156641',
        pluginName: 'Security Updates for Microsoft SharePoint Server 2016',
        severity: 3,
        vprScore: 7.4,
        cvss3BaseScore: 8.1,
        cves: ['CVE-2022-21837', 'CVE-2022-21840'],
        state: 'OPEN',
        firstSeen: '2024-02-01',
        lastSeen: '2024-02-09',
        description: 'Missing security updates.',
        solution: 'Apply KB5002113.',
      },
    ]);
  });

  it('matches header names case-insensitively and trimmed', async () => {
    const { findings, rejected } = await parse('many.csv');
    expect(rejected).toEqual([]);
    expect(findings.map((f) => [f.line, f.hostname, f.ipAddress, f.severity, f.state])).toEqual([
      [2, 'web01', '10.5.0.1', 4, 'ACTIVE'],
      [4, undefined, '10.5.0.2', 2, 'NEW'],
      [5, 'web03', undefined, 1, undefined],
    ]);
    expect(findings[0]!.description).toBe('Multi-line\ndescription');
    expect(findings[1]!.description).toBe('Déjà vu — naïve café');
    expect(findings[2]).toMatchObject({ cves: ['CVE-2024-0003', 'CVE-2024-0004'], firstSeen: '2024-02-09', lastSeen: '2024-02-09' });
  });

  it('reads a BOM + CRLF file', async () => {
    const { findings } = await parse('bom-crlf.csv');
    expect(findings.map((f) => [f.line, f.hostname, f.description])).toEqual([[2, 'web01', 'Line 1\nLine 2']]);
  });

  it('rejects bad rows with their line and column', async () => {
    const { findings, rejected } = await parse('bad-rows.csv');
    expect(findings.map((f) => f.line)).toEqual([2]);
    expect(rejected.map((r) => [r.line, r.field])).toEqual([
      [3, 'hostname'],
      [4, 'plugin_id'],
      [5, 'severity'],
      [6, 'vpr_score'],
      [7, 'first_seen'],
    ]);
  });

  it('gives the same result whatever the read size', async () => {
    const [a, b, c] = await parseWithChunkSizes(hextrackrCsv, ID, 'many.csv');
    expect(a).toEqual(c);
    expect(b).toEqual(c);
  });
});

import { describe, expect, it } from 'vitest';
import { RowProblem, cves, date, flag, hostnameOf, links, port, resolveSeverity, score, text } from './fields.ts';

function problemOf(fn: () => unknown): RowProblem | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof RowProblem) return error;
    throw error;
  }
  return undefined;
}

describe('text', () => {
  it('trims, and turns empty cells and placeholders into undefined', () => {
    expect(text('  a b  ')).toBe('a b');
    expect(text('')).toBeUndefined();
    expect(text(' \t ')).toBeUndefined();
    expect(text(undefined)).toBeUndefined();
    for (const placeholder of ['N/A', 'n/a', 'null', 'NULL']) expect(text(placeholder)).toBeUndefined();
    expect(text('None')).toBe('None');
    expect(text('Nginx')).toBe('Nginx');
  });
});

describe('score', () => {
  it('reads 0-10 decimals, with dot or comma', () => {
    expect(score('7.5', 'CVSS')).toBe(7.5);
    expect(score('7,5', 'CVSS')).toBe(7.5);
    expect(score('0', 'CVSS')).toBe(0);
    expect(score('10.0', 'CVSS')).toBe(10);
    expect(score(9.8, 'CVSS')).toBe(9.8);
  });

  it('reads tenths written without the decimal point (Nessus 2025 template)', () => {
    expect(score('75', 'CVSS v3.0 Base Score')).toBe(7.5);
    expect(score('100', 'CVSS v3.0 Base Score')).toBe(10);
  });

  it('gives undefined for empty cells and placeholders', () => {
    expect(score('', 'VPR')).toBeUndefined();
    expect(score('null', 'VPR')).toBeUndefined();
    expect(score('-', 'VPR')).toBeUndefined();
    expect(score(undefined, 'VPR')).toBeUndefined();
  });

  it.each([['high'], ['7.5.1'], ['1e1'], ['-1'], ['0x5'], ['12.5'], ['101'], ['.5']])('rejects %s naming the field and value', (raw) => {
    const problem = problemOf(() => score(raw, 'CVSS V3 Base Score'));
    expect(problem?.field).toBe('CVSS V3 Base Score');
    expect(problem?.reason).toContain(raw);
  });

  it('rejects out-of-range JSON numbers', () => {
    expect(problemOf(() => score(11, 'plugin.cvss3_base_score'))?.field).toBe('plugin.cvss3_base_score');
  });
});

describe('port', () => {
  it('reads 0..65535, 0 being host-level', () => {
    expect(port('0', 'Port')).toBe(0);
    expect(port('443', 'Port')).toBe(443);
    expect(port(65535, 'port.port')).toBe(65535);
    expect(port('', 'Port')).toBeUndefined();
  });

  it.each([['http'], ['-1'], ['70000'], ['44.3'], ['443/tcp']])('rejects %s', (raw) => {
    expect(problemOf(() => port(raw, 'Port'))).toMatchObject({ field: 'Port' });
  });
});

describe('date', () => {
  it('reads dates to YYYY-MM-DD and rejects unreadable ones naming the field', () => {
    expect(date('Feb 9, 2024 10:48:42 UTC', 'First Discovered')).toBe('2024-02-09');
    expect(date('', 'First Discovered')).toBeUndefined();
    expect(date('N/A', 'First Discovered')).toBeUndefined();
    expect(problemOf(() => date('soon', 'First Discovered'))).toMatchObject({ field: 'First Discovered' });
  });
});

describe('resolveSeverity', () => {
  it('uses the first readable severity value', () => {
    expect(resolveSeverity(['Critical'], undefined, undefined, 'Risk')).toBe(4);
    expect(resolveSeverity(['None'], undefined, undefined, 'Risk')).toBe(0);
    expect(resolveSeverity(['', '3'], undefined, undefined, 'Risk')).toBe(3);
    expect(resolveSeverity(['Severe', 'low'], undefined, undefined, 'Risk')).toBe(1);
  });

  it('derives from CVSS v3, then v2, when no severity is readable', () => {
    expect(resolveSeverity(['Severe'], 9.8, 2.0, 'Risk')).toBe(4);
    expect(resolveSeverity([undefined], undefined, 7.5, 'Risk')).toBe(3);
    expect(resolveSeverity([], 0, undefined, 'Risk')).toBe(0);
  });

  it('rejects when nothing is usable', () => {
    expect(problemOf(() => resolveSeverity(['Severe'], undefined, undefined, 'Risk'))).toMatchObject({ field: 'Risk' });
    expect(problemOf(() => resolveSeverity([''], undefined, undefined, 'severity'))?.reason).toContain('empty');
  });
});

describe('other readers', () => {
  it('extracts CVEs from lists in any separator, upper-cased, de-duplicated', () => {
    expect(cves('CVE-2013-2566,CVE-2015-2808')).toEqual(['CVE-2013-2566', 'CVE-2015-2808']);
    expect(cves('cve-2013-2566\nCVE-2013-2566, CVE-2022-1')).toEqual(['CVE-2013-2566']);
    expect(cves(['CVE-2022-21837', 'CVE-2022-21840'])).toEqual(['CVE-2022-21837', 'CVE-2022-21840']);
    expect(cves(undefined)).toEqual([]);
  });

  it('splits reference links on new lines, spaces and commas', () => {
    expect(links('https://a.test/x\nhttps://b.test/y, https://c.test')).toEqual(['https://a.test/x', 'https://b.test/y', 'https://c.test']);
    expect(links(['https://a.test', ''])).toEqual(['https://a.test']);
    expect(links('')).toBeUndefined();
  });

  it('reads yes/no flags leniently', () => {
    expect(flag('TRUE')).toBe(true);
    expect(flag('No')).toBe(false);
    expect(flag('AVAILABLE')).toBe(true);
    expect(flag('NOT_AVAILABLE')).toBe(false);
    expect(flag('maybe')).toBeUndefined();
  });

  it('prefers a real host name over an IP address', () => {
    expect(hostnameOf('10.0.0.1', 'web.example.test')).toBe('web.example.test');
    expect(hostnameOf('10.0.0.1', undefined, 'WEB')).toBe('WEB');
    expect(hostnameOf('10.0.0.1', undefined)).toBe('10.0.0.1');
    expect(hostnameOf('web01', 'web01.example.test')).toBe('web01');
  });
});

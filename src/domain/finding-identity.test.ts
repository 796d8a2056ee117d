import { describe, expect, it } from 'vitest';
import { descriptionDigest, extractCves, findingKey, normalizeHost } from './finding-identity.ts';

describe('normalizeHost', () => {
  it('trims, lower-cases and keeps the short host name', () => {
    expect(normalizeHost('  WEB01.Corp.Example.COM ')).toBe('web01');
    expect(normalizeHost('db01')).toBe('db01');
  });
  it('keeps IP addresses whole', () => {
    expect(normalizeHost('10.0.0.15')).toBe('10.0.0.15');
    expect(normalizeHost('2001:DB8::1')).toBe('2001:db8::1');
  });
  it('falls back to the IP address when the host name is empty', () => {
    expect(normalizeHost('', '192.0.2.7')).toBe('192.0.2.7');
    expect(normalizeHost(undefined, ' 192.0.2.8 ')).toBe('192.0.2.8');
    expect(normalizeHost(undefined, undefined)).toBe('');
  });
});

describe('findingKey', () => {
  it('is host|CVE when there is a CVE', () => {
    expect(findingKey('web01', 'CVE-2024-1234', '19506', 'anything')).toBe('web01|CVE-2024-1234');
  });
  it('is host|plugin|description digest without a CVE, stable and description-sensitive', () => {
    const a = findingKey('web01', undefined, '19506', 'The remote host is missing a patch.');
    expect(a).toBe(findingKey('web01', undefined, '19506', '  The remote host is missing a patch.\n'));
    expect(a).not.toBe(findingKey('web01', undefined, '19506', 'Another description'));
    expect(a.startsWith('web01|19506|')).toBe(true);
    expect(descriptionDigest('')).toBe('');
  });
});

describe('extractCves', () => {
  it('reads comma, space and newline separated lists, upper-cased and de-duplicated', () => {
    expect(extractCves('cve-2021-44228, CVE-2021-45046\nCVE-2021-44228')).toEqual(['CVE-2021-44228', 'CVE-2021-45046']);
    expect(extractCves(['CVE-2020-0001', 'n/a'])).toEqual(['CVE-2020-0001']);
    expect(extractCves('')).toEqual([]);
  });
});

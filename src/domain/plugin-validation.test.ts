import { describe, expect, it } from 'vitest';
import { cvssSeverityMismatch, validCve, validPluginId, validScore } from './plugin-validation.ts';

describe('plugin mapping validation', () => {
  it('accepts 1-6 digit plugin ids from 1', () => {
    expect(['1', '19506', '999999'].every(validPluginId)).toBe(true);
    expect(['0', '1000000', 'abc', '12a', ''].some(validPluginId)).toBe(false);
  });

  it('accepts CVE-YYYY-NNNN with four or more digits', () => {
    expect(['CVE-2021-44228', 'CVE-2014-0160', 'CVE-2023-1234567'].every(validCve)).toBe(true);
    expect(['CVE-21-44228', 'CVE-2021-123', 'cve-2021-44228x', 'MS17-010'].some(validCve)).toBe(false);
  });

  it('flags a risk factor outside both CVSS bands (v2 as Tenable reads it, v3), not one inside either', () => {
    expect(cvssSeverityMismatch('Critical', 9.8, 10)).toBeUndefined();
    expect(cvssSeverityMismatch('High', undefined, 9.3)).toBeUndefined();
    expect(cvssSeverityMismatch('Critical', undefined, 10)).toBeUndefined();
    // Medium by CVSS v2 6.8 although v3 says High: Tenable's v2-derived risk factor, consistent.
    expect(cvssSeverityMismatch('MEDIUM', 8.1, 6.8)).toBeUndefined();
    expect(cvssSeverityMismatch('Low', 9.8, undefined)).toMatch(/Low does not match CVSS v3 9.8 \(Critical\)/);
    expect(cvssSeverityMismatch('None', undefined, 5)).toMatch(/CVSS v2 5 \(Medium\)/);
    expect(cvssSeverityMismatch(undefined, 5, 5)).toBeUndefined();
    expect([0, 10, null, undefined, 5.5].every(validScore)).toBe(true);
    expect([11, -1, Number.NaN].some(validScore)).toBe(false);
  });
});

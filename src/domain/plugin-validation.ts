/**
 * The spec's plugin mapping validation rules, reported rather than fatal: a plugin id is a number
 * of 1-6 digits (1..999999), a CVE is CVE-YYYY-NNNN (four or more digits), scores lie in 0..10,
 * and the severity (risk factor) agrees with the CVSS score's band.
 */
export interface PluginIssue {
  plugin_id: string;
  field: string;
  problem: string;
}

const PLUGIN_ID = /^\d{1,6}$/;
const CVE = /^CVE-\d{4}-\d{4,}$/;

export function validPluginId(id: string): boolean {
  return PLUGIN_ID.test(id) && Number(id) >= 1;
}

export function validCve(cve: string): boolean {
  return CVE.test(cve);
}

/** Qualitative bands: CVSS v3 (Critical from 9.0) and Tenable's CVSS v2 reading (Critical only at 10.0). */
export function severityForCvss(score: number, version: 2 | 3 = 3): 'None' | 'Low' | 'Medium' | 'High' | 'Critical' {
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (version === 3 ? score < 9 : score < 10) return 'High';
  return 'Critical';
}

/** Does the plugin's risk factor agree with its CVSS score (v3 when known, else v2)? Undefined when consistent or unknown. */
export function cvssSeverityMismatch(riskFactor: string | null | undefined, cvss3: number | null | undefined, cvss2: number | null | undefined): string | undefined {
  if (!riskFactor) return undefined;
  const [score, version] = cvss3 !== null && cvss3 !== undefined ? [cvss3, 3 as const] : cvss2 !== null && cvss2 !== undefined ? [cvss2, 2 as const] : [undefined, 3 as const];
  if (score === undefined) return undefined;
  const expected = severityForCvss(score, version);
  if (riskFactor.trim().toLowerCase() === expected.toLowerCase()) return undefined;
  return `risk factor ${riskFactor} does not match CVSS v${version} ${score} (${expected})`;
}

export function validScore(value: number | null | undefined): boolean {
  return value === null || value === undefined || (Number.isFinite(value) && value >= 0 && value <= 10);
}

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

/**
 * Does the plugin's risk factor agree with its CVSS scores? Tenable derives the risk factor from
 * CVSS v2 and newer plugins from v3, so it is consistent when it falls in either score's band.
 * Undefined when consistent or when there is nothing to compare.
 */
export function cvssSeverityMismatch(riskFactor: string | null | undefined, cvss3: number | null | undefined, cvss2: number | null | undefined): string | undefined {
  if (!riskFactor) return undefined;
  const stated = riskFactor.trim().toLowerCase();
  const bands: string[] = [];
  if (cvss2 !== null && cvss2 !== undefined) bands.push(`CVSS v2 ${cvss2} (${severityForCvss(cvss2, 2)})`);
  if (cvss3 !== null && cvss3 !== undefined) bands.push(`CVSS v3 ${cvss3} (${severityForCvss(cvss3, 3)})`);
  if (bands.length === 0) return undefined;
  const consistent =
    (cvss2 !== null && cvss2 !== undefined && severityForCvss(cvss2, 2).toLowerCase() === stated) ||
    (cvss3 !== null && cvss3 !== undefined && severityForCvss(cvss3, 3).toLowerCase() === stated);
  return consistent ? undefined : `risk factor ${riskFactor} does not match ${bands.join(' or ')}`;
}

export function validScore(value: number | null | undefined): boolean {
  return value === null || value === undefined || (Number.isFinite(value) && value >= 0 && value <= 10);
}

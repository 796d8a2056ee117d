import type { SeverityLevel } from '../shared/severity.ts';

const WORDS: Record<string, SeverityLevel> = {
  info: 0,
  informational: 0,
  none: 0,
  low: 1,
  medium: 2,
  moderate: 2,
  high: 3,
  critical: 4,
};

/**
 * Reads a severity as scanners write it: a word (`Critical`, `None`, `informational`)
 * or Tenable's numeric id 0..4. Returns undefined when the value is not recognisable.
 */
export function parseSeverity(raw: string | number | undefined | null): SeverityLevel | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw <= 4 ? (raw as SeverityLevel) : undefined;
  const text = raw.trim().toLowerCase();
  if (text === '') return undefined;
  if (/^[0-4]$/.test(text)) return Number(text) as SeverityLevel;
  return WORDS[text];
}

/** Severity implied by a CVSS base score (v3 bands; v2 scores map the same way in Tenable's UI). */
export function severityFromCvss(score: number | undefined): SeverityLevel | undefined {
  if (score === undefined || Number.isNaN(score)) return undefined;
  if (score >= 9) return 4;
  if (score >= 7) return 3;
  if (score >= 4) return 2;
  if (score > 0) return 1;
  return 0;
}

/** Tenable's five severity levels, ordered; stored as 0..4 so comparisons and sorts stay numeric. */
export const SEVERITY_NAMES = ['Info', 'Low', 'Medium', 'High', 'Critical'] as const;

export type SeverityName = (typeof SEVERITY_NAMES)[number];

/** 0 = Info, 1 = Low, 2 = Medium, 3 = High, 4 = Critical. */
export type SeverityLevel = 0 | 1 | 2 | 3 | 4;

export function severityName(level: SeverityLevel): SeverityName {
  return SEVERITY_NAMES[level];
}

import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the shared scanner corpus lives: HEXTRACKR_CORPUS, else ../shared/corpus beside
 * the project. Tests that need it call `corpusDir()` and skip when it returns undefined.
 */
export function corpusDir(): string | undefined {
  const dir = process.env.HEXTRACKR_CORPUS ?? path.resolve(import.meta.dirname, '../../../shared/corpus');
  return existsSync(dir) ? dir : undefined;
}

export const CORPUS_MISSING =
  'shared corpus not found: set HEXTRACKR_CORPUS to the corpus folder (e.g. ../shared/corpus) to run these tests';

export function corpusFile(...parts: string[]): string {
  const dir = corpusDir();
  if (!dir) throw new Error(CORPUS_MISSING);
  return path.join(dir, ...parts);
}

export interface CorpusScan {
  file: string;
  format: 'tenable-vm-csv' | 'tenable-io-csv' | 'tenable-sc-csv' | 'nessus-csv' | 'nessus-xml';
  /** Data rows (CSV) or ReportItems (.nessus), from the summary table of scans/SOURCES.md. */
  rows: number;
  /** Distinct hosts (asset UUID if present, else host name / DNS name / IP), from the same table. */
  hosts: number;
}

/** The summary table of scans/SOURCES.md; files live in scans/defectdojo/. */
export const CORPUS_SCANS: readonly CorpusScan[] = [
  { file: 'issue_11102.csv', format: 'tenable-sc-csv', rows: 3, hosts: 2 },
  { file: 'issue_6992.nessus', format: 'nessus-xml', rows: 1, hosts: 1 },
  { file: 'issue_9612.csv', format: 'tenable-sc-csv', rows: 3, hosts: 2 },
  { file: 'nessus-template.csv', format: 'nessus-csv', rows: 5, hosts: 2 },
  { file: 'nessus_many_vuln.csv', format: 'tenable-sc-csv', rows: 4, hosts: 2 },
  { file: 'nessus_many_vuln.xml', format: 'nessus-xml', rows: 7, hosts: 1 },
  { file: 'nessus_many_vuln2-all.csv', format: 'nessus-csv', rows: 30, hosts: 1 },
  { file: 'nessus_many_vuln2-default.csv', format: 'nessus-csv', rows: 30, hosts: 1 },
  { file: 'nessus_new.csv', format: 'tenable-vm-csv', rows: 99, hosts: 97 },
  { file: 'nessus_v_unknown.xml', format: 'nessus-xml', rows: 296, hosts: 7 },
  { file: 'nessus_with_cvssv3.nessus', format: 'nessus-xml', rows: 49, hosts: 1 },
  { file: 'nessus_with_cwe-.nessus', format: 'nessus-xml', rows: 1, hosts: 1 },
  { file: 'tenable_many_vuln.csv', format: 'tenable-io-csv', rows: 20, hosts: 2 },
];

import type { ImportFormat } from '../importer.ts';
import { sniffCsvHeader } from '../csv/header.ts';
import { csvParser } from '../csv/mapping.ts';
import { NESSUS_FAMILY_COLUMNS, NESSUS_FAMILY_REQUIRED, TENABLE_IO_MARKERS } from '../nessus-csv/columns.ts';

const LABEL = 'Tenable.io scan CSV';

/**
 * Tenable.io (classic) scan / vulnerability CSV: the Nessus columns plus asset columns
 * (`Vulnerability State, IP Address, FQDN, NetBios, OS, Asset UUID, ... First Found, Last Found`).
 * One row per CVE is normal: the same host / plugin / port repeats with a different CVE cell.
 */
export const tenableIoCsv: ImportFormat = {
  id: 'tenable-io-csv',
  label: LABEL,
  requiredColumns: [...NESSUS_FAMILY_REQUIRED, `one of ${TENABLE_IO_MARKERS.join(' | ')}`],
  detect(sample) {
    const header = sniffCsvHeader(sample)?.header;
    if (!header) return false;
    return NESSUS_FAMILY_REQUIRED.every((c) => header.has(c)) && TENABLE_IO_MARKERS.some((c) => header.has(c));
  },
  parse: csvParser(NESSUS_FAMILY_COLUMNS, LABEL),
};

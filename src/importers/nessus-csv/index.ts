import type { ImportFormat } from '../importer.ts';
import { sniffCsvHeader } from '../csv/header.ts';
import { csvParser } from '../csv/mapping.ts';
import { NESSUS_FAMILY_COLUMNS, NESSUS_FAMILY_REQUIRED, TENABLE_IO_MARKERS } from './columns.ts';

const LABEL = 'Nessus CSV';

/**
 * Nessus Professional CSV export: `Plugin ID, CVE, CVSS, Risk, Host, Protocol, Port, Name, ...`
 * (default columns, "all columns", 2025 template). Risk "None" is Info. No dates: Nessus CSV
 * rows carry no first/last seen, the caller uses the scan date.
 */
export const nessusCsv: ImportFormat = {
  id: 'nessus-csv',
  label: LABEL,
  requiredColumns: [...NESSUS_FAMILY_REQUIRED, 'Name', 'Risk | CVSS'],
  detect(sample) {
    const header = sniffCsvHeader(sample)?.header;
    if (!header) return false;
    return (
      NESSUS_FAMILY_REQUIRED.every((c) => header.has(c)) &&
      (header.has('Name') || header.has('Plugin Name')) &&
      !TENABLE_IO_MARKERS.some((c) => header.has(c))
    );
  },
  parse: csvParser(NESSUS_FAMILY_COLUMNS, LABEL),
};

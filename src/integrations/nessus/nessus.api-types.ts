/**
 * Nessus scanner wire shapes (tenable-api.md §7): the scan list, scan details and the scan export
 * share their shapes with Tenable VM's scan API, declared once beside the other Tenable shapes.
 */
export type {
  ScanDetails,
  ScanExportFormat,
  ScanExportRequest,
  ScanExportResponse,
  ScanExportStatus,
  ScanHost,
  ScanListBody,
  ScanListEntry,
} from '../tenable/tenable.api-types.ts';

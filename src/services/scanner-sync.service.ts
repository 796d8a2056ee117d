/**
 * Sync from any scanner adapter (Tenable VM, Tenable.sc, Nessus): its vulnerability stream goes
 * through the same import path as a file (prepareStream: staging, then the rollover in one
 * transaction), with the same unique keys, and with the rollover scope the product's data calls for:
 *
 * - Tenable VM ('state'): the export is incremental and carries Tenable's own OPEN/REOPENED/FIXED
 *   state, so only FIXED resolves; absence from an incremental export means nothing.
 * - Tenable.sc and Nessus ('hosts'): SC's cumulative vulndetails and a Nessus scan's results are
 *   the complete current list of findings of every host they name, with no per-finding state for
 *   what went away. A finding absent on a named host is therefore fixed; but neither covers the
 *   whole estate (SC only its repositories, a Nessus scan only its targets), so hosts they do not
 *   name keep their findings. Scope 'all' would resolve every other host's findings on each
 *   scan; scope 'state' would never resolve anything, since these products send no FIXED rows.
 */
import type { DatabaseHandle } from '../db/database.ts';
import { lastCompletedImportStart } from '../db/repositories/imports.repository.ts';
import type { SupportedScannerProduct, VulnerabilityRequest, VulnerabilityScannerAdapter } from '../integrations/scanner-adapter.ts';
import type { ImportScanService, ImportSummary, StreamImportRequest } from './import-scan.service.ts';

export interface ScannerSyncOptions {
  /** Incremental products: everything, not only what changed since the last successful sync. */
  full?: boolean | undefined;
  /** Scan date for snapshots and totals (default today, UTC). */
  scanDate?: string | undefined;
  /** Scan-based products (Nessus): the scan, and optionally one past run of it. */
  scanId?: number | string | undefined;
  historyId?: number | undefined;
}

/** The import `source` of each product (Tenable VM shares TenableSyncService's, so both see one cursor). */
export const SYNC_SOURCES: Record<SupportedScannerProduct, StreamImportRequest['source']> = {
  'tenable-vm': 'tenable',
  'tenable-sc': 'tenable-sc',
  nessus: 'nessus',
};

export class ScannerSyncService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly imports: ImportScanService,
  ) {}

  async sync(adapter: VulnerabilityScannerAdapter, options: ScannerSyncOptions = {}): Promise<ImportSummary> {
    const source = SYNC_SOURCES[adapter.product];
    const request: VulnerabilityRequest = { scanId: options.scanId, historyId: options.historyId };
    if (adapter.capabilities.incremental && !options.full) {
      const previous = await lastCompletedImportStart(this.database.db, source);
      if (previous) request.since = Math.floor(Date.parse(previous) / 1000);
    }
    // Asking for the stream validates the request (e.g. a Nessus scan id) before an import is recorded.
    const vulnerabilities = adapter.vulnerabilities(request);
    const prepared = await this.imports.prepareStream({
      events: vulnerabilities,
      sourceName: vulnerabilities.description,
      format: adapter.apiFormat,
      source,
      scanDate: options.scanDate,
      scope: adapter.capabilities.resolution,
    });
    try {
      return await prepared.run();
    } catch (err) {
      await vulnerabilities.cancel().catch(() => undefined);
      throw err;
    }
  }
}

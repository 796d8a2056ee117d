/**
 * Tenable Vulnerability Management sync: a vulnerability export streamed through the same
 * import and rollover as a file, with the same unique keys. Tenable's own OPEN / REOPENED /
 * FIXED state decides what is resolved ('state' scope): a finding absent from an incremental
 * export is simply unchanged, never guessed fixed.
 */
import type { DatabaseHandle } from '../db/database.ts';
import { lastCompletedImportStart } from '../db/repositories/imports.repository.ts';
import type { TenableClient } from '../integrations/tenable/client/index.ts';
import { toParseEvents } from '../integrations/tenable/mapper/index.ts';
import type { ImportScanService, ImportSummary } from './import-scan.service.ts';

export interface VulnerabilitySyncOptions {
  /** Export everything instead of what changed since the last successful sync. */
  full?: boolean;
  /** Scan date for snapshots and totals (default today, UTC). */
  scanDate?: string | undefined;
  /** Assets per export chunk (Tenable allows 50..5000). */
  assetsPerChunk?: number;
}

export const TENABLE_SYNC_SOURCE = 'tenable';

export class TenableSyncService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly imports: ImportScanService,
  ) {}

  async syncVulnerabilities(client: TenableClient, options: VulnerabilitySyncOptions = {}): Promise<ImportSummary> {
    const previous = options.full ? undefined : await lastCompletedImportStart(this.database.db, TENABLE_SYNC_SOURCE);
    // since = 0 asks for all time: without it Tenable applies its default 30-day window.
    const since = previous ? Math.floor(Date.parse(previous) / 1000) : 0;
    const handle = client.exportVulns({
      num_assets: options.assetsPerChunk ?? 500,
      filters: { since, state: ['OPEN', 'REOPENED', 'FIXED'] },
    });
    const prepared = await this.imports.prepareStream({
      events: toParseEvents(handle),
      sourceName: previous ? `Tenable VM vulnerability export since ${previous}` : 'Tenable VM vulnerability export (full)',
      format: 'tenable-vm-api',
      source: TENABLE_SYNC_SOURCE,
      scanDate: options.scanDate,
      scope: 'state',
    });
    try {
      return await prepared.run();
    } catch (err) {
      await handle.cancel().catch(() => undefined);
      throw err;
    }
  }
}

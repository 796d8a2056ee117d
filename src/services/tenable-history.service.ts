/**
 * History and retention: a scan_history row for every sync and every synced or launched scan,
 * the monthly summary kept current from the daily totals, and the optional snapshot retention
 * (HEXTRACKR_SNAPSHOT_RETENTION_DAYS) that deletes old snapshot rows once their months are summarised.
 * Daily totals are never deleted, so trends survive the snapshots they came from.
 */
import type { DatabaseHandle } from '../db/database.ts';
import {
  type ScanHistoryInsert,
  deleteSnapshotsBefore,
  insertScanHistory,
  listMonthlySummaries,
  listScanHistory,
  monthsWithTotals,
  refreshMonthlySummary,
} from '../db/repositories/scan-history.repository.ts';
import { findImport } from '../db/repositories/imports.repository.ts';
import type { Logger } from '../logging/logger.ts';

export interface ScanHistoryEntry {
  /** Tenable's scan id (or, for a sync, the export uuid). */
  tenableScanId: string;
  scanName: string;
  /** Kind: 'vulnerability-sync', 'asset-sync', 'plugin-sync', 'scan-launch', 'scan' … */
  scanType: string;
  startedAt: Date | string;
  endedAt: Date | string;
  assetsScanned?: number;
  vulnerabilitiesDiscovered?: number;
  status?: 'completed' | 'failed' | 'cancelled' | string;
  scannerVersion?: string | null;
  pluginSetVersion?: string | null;
  /** Anything else worth keeping (counts, filters, errors); stored as JSON. */
  metadata?: Record<string, unknown>;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

/** Records one sync or scan; callable from any service or job handler. */
export async function recordScanHistory(database: DatabaseHandle, entry: ScanHistoryEntry): Promise<number> {
  const start = iso(entry.startedAt);
  const end = iso(entry.endedAt);
  const minutes = Math.max(0, Math.round((Date.parse(end) - Date.parse(start)) / 60_000));
  const row: ScanHistoryInsert = {
    tenable_scan_id: entry.tenableScanId,
    scan_name: entry.scanName,
    scan_start_time: start,
    scan_end_time: end,
    assets_scanned: entry.assetsScanned ?? 0,
    vulnerabilities_discovered: entry.vulnerabilitiesDiscovered ?? 0,
    scan_duration_minutes: Number.isFinite(minutes) ? minutes : 0,
    scan_type: entry.scanType,
    status: entry.status ?? 'completed',
    scanner_version: entry.scannerVersion ?? null,
    plugin_set_version: entry.pluginSetVersion ?? null,
    raw_scan_metadata: JSON.stringify(entry.metadata ?? {}),
    created_at: new Date().toISOString(),
  };
  return insertScanHistory(database.db, row);
}

export class TenableHistoryService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly options: { retentionDays?: number | undefined; logger?: Logger | undefined } = {},
  ) {}

  record(entry: ScanHistoryEntry): Promise<number> {
    return recordScanHistory(this.database, entry);
  }

  scanHistory(options: { limit: number; offset: number; scanType?: string | undefined }) {
    return listScanHistory(this.database.db, options);
  }

  monthlySummaries(range: { from?: string | undefined; to?: string | undefined }) {
    return listMonthlySummaries(this.database.db, range);
  }

  /** Upserts the summary of the month of a completed import. */
  async refreshMonthOfImport(importId: number): Promise<void> {
    const record = await findImport(this.database.db, importId);
    if (record?.status === 'completed') await this.refreshMonth(record.scan_date);
  }

  /**
   * Upserts the summary of the month of `scanDate` (YYYY-MM-DD or YYYY-MM). Through the bookkeeping
   * connection: run on the server's thread after an import, it must not hold the event loop while a
   * job thread or import worker has the SQLite write lock.
   */
  async refreshMonth(scanDate: string): Promise<void> {
    await refreshMonthlySummary(this.database.bookkeeping, scanDate.slice(0, 7), new Date().toISOString());
  }

  /**
   * Deletes snapshot rows older than `days` days (default: the configured retention; nothing when
   * unset). The months they belong to are summarised first; daily totals stay.
   */
  async pruneSnapshots(days = this.options.retentionDays, today = new Date()): Promise<{ cutoff: string | null; deleted: number; dates: number }> {
    if (days === undefined) return { cutoff: null, deleted: 0, dates: 0 };
    const cutoff = new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
    const now = new Date().toISOString();
    const summarised = new Set((await listMonthlySummaries(this.database.db, {})).map((m) => m.summary_month));
    for (const month of await monthsWithTotals(this.database.db, cutoff)) {
      if (!summarised.has(month)) await refreshMonthlySummary(this.database.db, month, now);
    }
    const { deleted, dates } = await deleteSnapshotsBefore(this.database.db, cutoff);
    if (deleted > 0) this.options.logger?.info('db', 'snapshot rows past retention deleted', { cutoff, deleted, dates: dates.length });
    return { cutoff, deleted, dates: dates.length };
  }
}

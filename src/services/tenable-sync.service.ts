/**
 * Tenable Vulnerability Management sync (the spec's TenableIntegrationAdapter): assets first
 * (correlated with the known assets), then vulnerabilities, streamed through the same import and
 * rollover as a file with the same unique keys, then the plugin catalogue. Tenable's own OPEN /
 * REOPENED / FIXED state decides what is resolved ('state' scope): a finding absent from an
 * incremental export is simply unchanged, never guessed fixed. Every sync leaves a scan_history
 * row, refreshes its month's summary and applies the snapshot retention.
 */
import type { DatabaseHandle } from '../db/database.ts';
import { lastCompletedImportRows, lastCompletedImportStart } from '../db/repositories/imports.repository.ts';
import { readSettings, writeSettings } from '../db/repositories/tenable-settings.repository.ts';
import { type TenableClient, exportStatus } from '../integrations/tenable/client/index.ts';
import { toParseEvents } from '../integrations/tenable/mapper/index.ts';
import type { Logger } from '../logging/logger.ts';
import { SyncAbortedError, abortable, throwIfAborted } from './abortable.ts';
import type { ImportScanService, ImportSummary } from './import-scan.service.ts';
import { type AssetSyncResult, TenableAssetSyncService } from './tenable-asset-sync.service.ts';
import { TenableHistoryService } from './tenable-history.service.ts';
import { type PluginSyncResult, TenablePluginSyncService } from './tenable-plugin-sync.service.ts';
import { collectGarbage } from './heap.ts';

export const TENABLE_SYNC_SOURCE = 'tenable';
const VULN_WATERMARK = 'vulns.since';
/** Findings Tenable indexes late still fall inside the next window. */
const WATERMARK_MARGIN_S = 3600;

/** The spec's JobProgressUpdate phases, in order. */
export type SyncPhase =
  | 'Initializing'
  | 'Connecting'
  | 'Fetching'
  | 'Correlating Assets'
  | 'Processing Vulnerabilities'
  | 'Updating Plugin Mappings'
  | 'Finalizing'
  | 'Completed';

export interface SyncProgress {
  phase: SyncPhase;
  /** 0..100, never decreasing within a sync. */
  percentage: number;
  currentOperation: string;
  assetsProcessed: number;
  vulnerabilitiesProcessed: number;
}

export interface VulnerabilitySyncOptions {
  /** Export everything instead of what changed since the last successful sync. */
  full?: boolean | undefined;
  /** Scan date for snapshots and totals (default today, UTC). */
  scanDate?: string | undefined;
  /** Assets per export chunk (Tenable allows 50..5000). */
  assetsPerChunk?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Findings read so far (called at most every 2,000 findings). */
  onProgress?: ((vulnerabilitiesProcessed: number) => void) | undefined;
  /** Apply the snapshot retention afterwards (default true; syncAll does it once at the end). */
  applyRetention?: boolean | undefined;
}

export interface VulnerabilitySyncSummary extends ImportSummary {
  /** Epoch seconds the export started from (0 = all time). */
  since: number;
  exportUuid: string;
}

export interface SyncAllOptions {
  full?: boolean | undefined;
  scanDate?: string | undefined;
  onProgress?: ((progress: SyncProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Assets per vulnerability export chunk (default 500): smaller chunks, less memory per chunk held. */
  assetsPerChunk?: number | undefined;
  /** Skip the plugin catalogue (e.g. a quick sync). */
  skipPlugins?: boolean | undefined;
}

export interface SyncAllResult {
  assets: AssetSyncResult;
  vulnerabilities: VulnerabilitySyncSummary;
  plugins: PluginSyncResult | null;
  retention: { cutoff: string | null; deleted: number };
  seconds: number;
}

export interface TenableSyncDependencies {
  assets?: TenableAssetSyncService;
  plugins?: TenablePluginSyncService;
  history?: TenableHistoryService;
  logger?: Logger;
}

export class TenableSyncService {
  readonly assets: TenableAssetSyncService;
  readonly plugins: TenablePluginSyncService;
  readonly history: TenableHistoryService;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly imports: ImportScanService,
    dependencies: TenableSyncDependencies = {},
  ) {
    this.assets = dependencies.assets ?? new TenableAssetSyncService(database);
    this.plugins = dependencies.plugins ?? new TenablePluginSyncService(database, dependencies.logger);
    this.history = dependencies.history ?? new TenableHistoryService(database, { logger: dependencies.logger });
    this.logger = dependencies.logger;
  }

  /** Assets → vulnerabilities → plugins, with progress and prompt cancellation. */
  async syncAll(client: TenableClient, options: SyncAllOptions = {}): Promise<SyncAllResult> {
    const started = Date.now();
    let assetsProcessed = 0;
    let vulnerabilitiesProcessed = 0;
    let percentage = 0;
    const report = (phase: SyncPhase, pct: number, currentOperation: string) => {
      percentage = Math.max(percentage, Math.min(100, Math.round(pct)));
      options.onProgress?.({ phase, percentage, currentOperation, assetsProcessed, vulnerabilitiesProcessed });
    };
    report('Initializing', 0, 'starting Tenable sync');
    throwIfAborted(options.signal);
    report('Connecting', 2, 'exporting assets from Tenable');

    const assets = await this.syncAssets(client, {
      signal: options.signal,
      onProgress: (n) => {
        assetsProcessed = n;
        report('Correlating Assets', 5 + Math.min(15, n / 1000), `correlated ${n} assets`);
      },
    });
    assetsProcessed = assets.exported;
    // The asset export leaves its parsed records behind (~90 MB used of the heap after 20,000
    // assets); collected now, the vulnerability export reuses that space instead of growing past it.
    collectGarbage();
    report('Fetching', 20, 'exporting vulnerabilities from Tenable');

    // The share of the bar for vulnerabilities grows with what was read, against the previous sync's size.
    const expected = Math.max(1000, (await lastCompletedImportRows(this.database.db, TENABLE_SYNC_SOURCE)));
    const vulnerabilities = await this.syncVulnerabilities(client, {
      full: options.full,
      scanDate: options.scanDate,
      assetsPerChunk: options.assetsPerChunk,
      signal: options.signal,
      applyRetention: false,
      onProgress: (n) => {
        vulnerabilitiesProcessed = n;
        report('Processing Vulnerabilities', 20 + 65 * Math.min(0.99, n / expected), `processed ${n} findings`);
      },
    });
    vulnerabilitiesProcessed = vulnerabilities.rowsRead;

    let plugins: PluginSyncResult | null = null;
    if (!options.skipPlugins) {
      report('Updating Plugin Mappings', 86, 'updating plugin mappings');
      plugins = await this.syncPlugins(client, { signal: options.signal, full: options.full });
    }
    report('Finalizing', 96, 'monthly summary and retention');
    const retention = await this.history.pruneSnapshots();
    report('Completed', 100, 'Tenable sync completed');
    return { assets, vulnerabilities, plugins, retention: { cutoff: retention.cutoff, deleted: retention.deleted }, seconds: (Date.now() - started) / 1000 };
  }

  async syncAssets(client: TenableClient, options: Parameters<TenableAssetSyncService['syncAssets']>[1] = {}): Promise<AssetSyncResult> {
    return this.recorded('asset-sync', 'Tenable VM asset export', () => this.assets.syncAssets(client, options), (r) => ({ assetsScanned: r.exported, metadata: { ...r } }));
  }

  async syncPlugins(client: TenableClient, options: Parameters<TenablePluginSyncService['syncPlugins']>[1] = {}): Promise<PluginSyncResult> {
    return this.recorded('plugin-sync', 'Tenable VM plugin catalogue', () => this.plugins.syncPlugins(client, options), (r) => ({ metadata: { ...r, issues: r.issues.slice(0, 20) } }));
  }

  async syncVulnerabilities(client: TenableClient, options: VulnerabilitySyncOptions = {}): Promise<VulnerabilitySyncSummary> {
    const startedAt = new Date();
    throwIfAborted(options.signal);
    const since = options.full ? 0 : await this.since();
    const handle = client.exportVulns(
      { num_assets: options.assetsPerChunk ?? 500, filters: { since, state: ['OPEN', 'REOPENED', 'FIXED'] } },
      // An abort also drops the chunk downloads in flight, not only the loop reading them.
      { signal: options.signal },
    );
    let exportUuid = '';
    try {
      exportUuid = (await handle.started).exportUuid;
      // Tenable's clock, not ours, bounds the next incremental window.
      const createdMs = await exportStatus(client.http, 'vulns', exportUuid)
        .then((s) => (s as { created?: number }).created)
        .catch(() => undefined);
      let read = 0;
      const counted = async function* <T>(events: AsyncIterable<T>): AsyncGenerator<T> {
        for await (const event of events) {
          read += 1;
          if (read % 2000 === 0) options.onProgress?.(read);
          yield event;
        }
      };
      const prepared = await this.imports.prepareStream({
        events: counted(abortable(toParseEvents(handle), options.signal, () => handle.cancel())),
        sourceName: since > 0 ? `Tenable VM vulnerability export since ${new Date(since * 1000).toISOString()}` : 'Tenable VM vulnerability export (full)',
        format: 'tenable-vm-api',
        source: TENABLE_SYNC_SOURCE,
        scanDate: options.scanDate,
        scope: 'state',
      });
      const summary = await prepared.run();
      options.onProgress?.(read);
      if (typeof createdMs === 'number' && Number.isFinite(createdMs)) {
        await writeSettings(this.database.db, { [VULN_WATERMARK]: String(Math.max(0, Math.floor(createdMs / 1000) - WATERMARK_MARGIN_S)) }, new Date().toISOString());
      }
      const result: VulnerabilitySyncSummary = { ...summary, since, exportUuid };
      await this.history.record({
        tenableScanId: exportUuid,
        scanName: summary.fileName,
        scanType: 'vulnerability-sync',
        startedAt,
        endedAt: new Date(),
        assetsScanned: summary.hosts,
        vulnerabilitiesDiscovered: summary.findings,
        metadata: { since, importId: summary.importId, created: summary.created, updated: summary.updated, resolved: summary.resolved, reopened: summary.reopened, rejected: summary.rejected },
      });
      await this.history.refreshMonth(summary.scanDate);
      if (options.applyRetention !== false) await this.history.pruneSnapshots();
      return result;
    } catch (err) {
      if (!(err instanceof SyncAbortedError)) await handle.cancel().catch(() => undefined);
      await this.history
        .record({
          tenableScanId: exportUuid || 'none',
          scanName: 'Tenable VM vulnerability export',
          scanType: 'vulnerability-sync',
          startedAt,
          endedAt: new Date(),
          status: err instanceof SyncAbortedError ? 'cancelled' : 'failed',
          metadata: { since, error: err instanceof Error ? err.message : String(err) },
        })
        .catch(() => undefined);
      throw err;
    }
  }

  /** Where the next incremental export starts: Tenable's time of the last successful export, less a margin. */
  private async since(): Promise<number> {
    const stored = (await readSettings(this.database.db, [VULN_WATERMARK])).get(VULN_WATERMARK);
    if (stored) return Number(stored.value);
    const previous = await lastCompletedImportStart(this.database.db, TENABLE_SYNC_SOURCE);
    // since = 0 asks for all time: without it Tenable applies its default 30-day window.
    return previous ? Math.floor(Date.parse(previous) / 1000) - WATERMARK_MARGIN_S : 0;
  }

  private async recorded<T>(scanType: string, scanName: string, run: () => Promise<T>, describe: (result: T) => { assetsScanned?: number; metadata: Record<string, unknown> }): Promise<T> {
    const startedAt = new Date();
    try {
      const result = await run();
      await this.history.record({ tenableScanId: scanType, scanName, scanType, startedAt, endedAt: new Date(), ...describe(result) });
      return result;
    } catch (err) {
      await this.history
        .record({ tenableScanId: scanType, scanName, scanType, startedAt, endedAt: new Date(), status: err instanceof SyncAbortedError ? 'cancelled' : 'failed', metadata: { error: err instanceof Error ? err.message : String(err) } })
        .catch(() => undefined);
      this.logger?.warn('tenable', `${scanType} failed`, { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }
}

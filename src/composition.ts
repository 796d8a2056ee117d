/** Composition root: config -> logger -> database (migrated) -> services. */
import type { Config } from './config/env.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { EventBus } from './events/event-bus.ts';
import type { Logger } from './logging/logger.ts';
import { DashboardService } from './services/dashboard.service.ts';
import { ImportScanService } from './services/import-scan.service.ts';
import { ImportsQueryService } from './services/imports-query.service.ts';
import type { TenableClientOptions } from './integrations/tenable/client/index.ts';
import { TenableAssetSyncService } from './services/tenable-asset-sync.service.ts';
import { TenableHistoryService } from './services/tenable-history.service.ts';
import { TenableSettingsService } from './services/tenable-settings.service.ts';
import { TenableSyncService } from './services/tenable-sync.service.ts';

export interface Application {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  events: EventBus;
  imports: ImportScanService;
  importsQuery: ImportsQueryService;
  dashboard: DashboardService;
  /** Tenable credentials; `tenableSettings.client()` builds the client every sync uses. */
  tenableSettings: TenableSettingsService;
  /** syncAll / syncAssets / syncVulnerabilities / syncPlugins, and .assets (review), .plugins (mappings), .history. */
  tenableSync: TenableSyncService;
  close(): Promise<void>;
}

export interface ApplicationOptions {
  /** PostgreSQL schema (tests isolate themselves in one each). */
  pgSchema?: string;
  /** Run file imports in worker threads (the server: its event loop must keep serving). */
  importsInWorker?: boolean;
  /** Options for every Tenable client the application builds (tests inject sleep and polling). */
  tenableClientDefaults?: Partial<TenableClientOptions>;
}

export async function openApplication(config: Config, logger: Logger, options: ApplicationOptions = {}): Promise<Application> {
  const database = createDatabase({
    ...config,
    ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
    onSlowQuery: (statement, durationMs) => logger.warn('db', 'slow statement', { durationMs, statement }),
  });
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info('db', 'migrations applied', { applied, dialect: database.dialect });
  const events = new EventBus();
  const workerDatabase = {
    databaseUrl: config.databaseUrl,
    sqlitePath: config.sqlitePath,
    sqliteCacheMb: config.sqliteCacheMb,
    ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
  };
  const imports = new ImportScanService(database, events, options.importsInWorker ? { worker: { database: workerDatabase } } : {});
  const failed = await imports.recoverInterrupted();
  if (failed.length > 0) logger.warn('import', 'imports interrupted by a stop were marked failed', { importIds: failed });
  const tenableHistory = new TenableHistoryService(database, { retentionDays: config.snapshotRetentionDays, logger });
  const tenableSync = new TenableSyncService(database, imports, {
    logger,
    history: tenableHistory,
    assets: new TenableAssetSyncService(database, { threshold: config.correlationThreshold }),
  });
  // File imports feed the monthly summary too (Tenable syncs refresh it themselves).
  events.subscribe('import.progress', (progress) => {
    if (progress.phase !== 'completed') return;
    tenableHistory.refreshMonthOfImport(progress.importId).catch((err: unknown) => logger.warn('db', 'monthly summary refresh failed', { error: String(err) }));
  });
  return {
    config,
    logger,
    database,
    events,
    imports,
    importsQuery: new ImportsQueryService(database),
    dashboard: new DashboardService(database),
    tenableSettings: new TenableSettingsService(database, config, logger, options.tenableClientDefaults ? { clientDefaults: options.tenableClientDefaults } : {}),
    tenableSync,
    close: () => database.close(),
  };
}

/** Composition root: config -> logger -> database (migrated) -> services. */
import type { Config } from './config/env.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { EventBus } from './events/event-bus.ts';
import type { Logger } from './logging/logger.ts';
import { AssetsQueryService } from './services/assets-query.service.ts';
import { DashboardService } from './services/dashboard.service.ts';
import { FindingsQueryService } from './services/findings-query.service.ts';
import { ImportGenerationCache } from './services/import-generation-cache.ts';
import { ImportScanService } from './services/import-scan.service.ts';
import { ImportsQueryService } from './services/imports-query.service.ts';

export interface Application {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  events: EventBus;
  imports: ImportScanService;
  importsQuery: ImportsQueryService;
  dashboard: DashboardService;
  findingsQuery: FindingsQueryService;
  assetsQuery: AssetsQueryService;
  /** Figures from scanner-owned data, kept until the next import completes (clear() after any other such write). */
  scannerDataCache: ImportGenerationCache;
  close(): Promise<void>;
}

export interface ApplicationOptions {
  /** PostgreSQL schema (tests isolate themselves in one each). */
  pgSchema?: string;
  /** Run file imports in worker threads (the server: its event loop must keep serving). */
  importsInWorker?: boolean;
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
  const scannerDataCache = new ImportGenerationCache(database);
  const findingsQuery = new FindingsQueryService(database, scannerDataCache);
  const assetsQuery = new AssetsQueryService(database, findingsQuery, scannerDataCache);
  return {
    config,
    logger,
    database,
    events,
    imports,
    importsQuery: new ImportsQueryService(database),
    dashboard: new DashboardService(database, assetsQuery, scannerDataCache),
    findingsQuery,
    assetsQuery,
    scannerDataCache,
    close: () => database.close(),
  };
}

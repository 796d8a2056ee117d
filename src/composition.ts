/** Composition root: config -> logger -> database (migrated) -> services. */
import type { Config } from './config/env.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { EventBus } from './events/event-bus.ts';
import type { Logger } from './logging/logger.ts';
import { DashboardService } from './services/dashboard.service.ts';
import { ImportScanService } from './services/import-scan.service.ts';
import { ImportsQueryService } from './services/imports-query.service.ts';
import { WorkflowService } from './services/workflow.service.ts';

export interface Application {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  events: EventBus;
  imports: ImportScanService;
  importsQuery: ImportsQueryService;
  dashboard: DashboardService;
  workflow: WorkflowService;
  close(): Promise<void>;
}

export interface ApplicationOptions {
  /** PostgreSQL schema (tests isolate themselves in one each). */
  pgSchema?: string;
  /** Run file imports in worker threads (the server: its event loop must keep serving). */
  importsInWorker?: boolean;
  /** Run the periodic workflow sweep (accepted risks expire) at start and hourly (the server). */
  periodicSweeps?: boolean;
}

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

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
  const workflow = new WorkflowService(database);
  let sweep: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> = Promise.resolve();
  if (options.periodicSweeps) {
    const expire = () => {
      sweeping = workflow
        .expireAcceptedRisks()
        .then((expired) => {
          if (expired > 0) logger.info('workflow', 'accepted risks expired', { expired });
        })
        .catch((err: unknown) => logger.error('workflow', 'accepted-risk expiry sweep failed', { error: err instanceof Error ? err.message : String(err) }));
    };
    expire();
    sweep = setInterval(expire, SWEEP_INTERVAL_MS);
    sweep.unref();
  }
  return {
    config,
    logger,
    database,
    events,
    imports,
    importsQuery: new ImportsQueryService(database),
    dashboard: new DashboardService(database),
    workflow,
    close: async () => {
      clearInterval(sweep);
      await sweeping;
      await database.close();
    },
  };
}

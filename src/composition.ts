/** Composition root: config -> logger -> database (migrated) -> services. */
import type { Transporter } from 'nodemailer';
import type { Config } from './config/env.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { currentSchema } from './db/repositories/jobs.repository.ts';
import { EventBus } from './events/event-bus.ts';
import type { TenableClient } from './integrations/tenable/client/index.ts';
import type { Logger } from './logging/logger.ts';
import { AuthService } from './services/auth.service.ts';
import { AssetsQueryService } from './services/assets-query.service.ts';
import { DashboardService } from './services/dashboard.service.ts';
import { FindingsQueryService } from './services/findings-query.service.ts';
import { ImportGenerationCache } from './services/import-generation-cache.ts';
import { ImportScanService } from './services/import-scan.service.ts';
import { ImportsQueryService } from './services/imports-query.service.ts';
import type { TenableClientOptions } from './integrations/tenable/client/index.ts';
import { TenableAssetSyncService } from './services/tenable-asset-sync.service.ts';
import { TenableHistoryService } from './services/tenable-history.service.ts';
import { TenableSettingsService } from './services/tenable-settings.service.ts';
import { TenableSyncService } from './services/tenable-sync.service.ts';
import { type JobChannel, localJobChannel, pgJobChannel } from './services/jobs/channel.ts';
import { type Dispatcher, LocalDispatcher, PgBossDispatcher } from './services/jobs/dispatch.ts';
import { tenableScanHandler } from './services/jobs/handlers/tenable-scan.handler.ts';
import { type TenableJobDeps, vulnerabilitySyncHandler } from './services/jobs/handlers/tenable-vulnerability-sync.handler.ts';
import { importProgressUpdate } from './services/jobs/import-relay.ts';
import type { AnyJobHandler } from './services/jobs/job-handler.ts';
import { inJobThread } from './services/jobs/job-thread.ts';
import { threadEntry } from './shared/thread-entry.ts';
import { JobService, type JobServiceSettings } from './services/jobs/job.service.ts';
import { JobNotifier } from './services/jobs/notifier.ts';
import { WorkflowService } from './services/workflow.service.ts';

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
  auth: AuthService;
  jobs: JobService;
  /** The Tenable client every sync, job and live scan status uses: stored credentials, else TENABLE_* env. */
  tenableClient(): Promise<TenableClient>;
  workflow: WorkflowService;
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
  /** Options for every Tenable client the application builds (tests inject sleep and polling). */
  tenableClientDefaults?: Partial<TenableClientOptions>;
  /** Run background jobs in this process (the server does). */
  jobWorker?: boolean;
  /**
   * Run each job in a worker thread of its own (the server: a sync's rollover must not hold its
   * event loop). Job threads build their Tenable client from the stored credentials or TENABLE_*.
   */
  jobsInThreads?: boolean;
  /** Overrides of the job settings taken from the configuration (tests inject a clock, short delays). */
  jobSettings?: Partial<JobServiceSettings>;
  /** Replaces the stored-credentials client (tests point it at the simulator with a fast clock). */
  tenableClient?: () => TenableClient | Promise<TenableClient>;
  /** Replaces the SMTP transport built from HEXTRACKR_SMTP_URL (tests use nodemailer's JSON transport). */
  mailTransport?: Transporter;
  /** Run the periodic workflow sweep (accepted risks expire) at start and hourly (the server). */
  periodicSweeps?: boolean;
}

const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** What a job thread needs to build the same services as the server (plain data: it is copied into the thread). */
export interface JobThreadSetup {
  config: Config;
  pgSchema?: string;
  /** Data-only client options (export polling, rate limits); functions cannot cross into a thread. */
  clientDefaults?: Partial<TenableClientOptions>;
}

/** The Tenable services and their job handlers, built alike in the server and in a job thread. */
export function createTenableServices(
  database: DatabaseHandle,
  imports: ImportScanService,
  config: Config,
  logger: Logger,
  options: Pick<ApplicationOptions, 'tenableClientDefaults' | 'tenableClient'>,
) {
  const tenableHistory = new TenableHistoryService(database, { retentionDays: config.snapshotRetentionDays, logger });
  const tenableSync = new TenableSyncService(database, imports, {
    logger,
    history: tenableHistory,
    assets: new TenableAssetSyncService(database, { threshold: config.correlationThreshold }),
  });
  const tenableSettings = new TenableSettingsService(database, config, logger, options.tenableClientDefaults ? { clientDefaults: options.tenableClientDefaults } : {});
  const injectedClient = options.tenableClient;
  const tenableClient = injectedClient ? async () => injectedClient() : () => tenableSettings.client();
  const deps: TenableJobDeps = { database, sync: tenableSync, client: tenableClient, scanPollMs: config.tenableScanPollMs };
  const jobHandlers: AnyJobHandler[] = [vulnerabilitySyncHandler(deps), tenableScanHandler(deps)];
  return { tenableHistory, tenableSync, tenableSettings, tenableClient, jobHandlers };
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
  const tenable = createTenableServices(database, imports, config, logger, options);
  const { tenableHistory, tenableSync, tenableSettings, tenableClient } = tenable;
  // File imports feed the monthly summary too (Tenable syncs refresh it themselves).
  // close() waits for refreshes in flight: a CLI import closes the database right after it completes.
  const monthlyRefreshes = new Set<Promise<void>>();
  const stopMonthlyRefresh = events.subscribe('import.progress', (progress) => {
    if (progress.phase !== 'completed') return;
    const refresh = tenableHistory
      .refreshMonthOfImport(progress.importId)
      .then(() => undefined)
      .catch((err: unknown) => logger.warn('db', 'monthly summary refresh failed', { error: String(err) }))
      .finally(() => monthlyRefreshes.delete(refresh));
    monthlyRefreshes.add(refresh);
  });

  let channel: JobChannel;
  let dispatcher: Dispatcher;
  if (database.dialect === 'postgres' && config.databaseUrl) {
    const schema = options.pgSchema ?? (await currentSchema(database.db));
    channel = await pgJobChannel(database, config.databaseUrl, schema, events, logger);
    dispatcher = new PgBossDispatcher(config.databaseUrl, `${schema}_pgboss`.slice(0, 63), logger);
  } else {
    channel = localJobChannel(events);
    dispatcher = new LocalDispatcher(1000);
  }
  const notifier = new JobNotifier(logger, { smtpUrl: config.smtpUrl, smtpFrom: config.smtpFrom, ...(options.mailTransport ? { transport: options.mailTransport } : {}) });
  const jobs = new JobService(database, channel, dispatcher, notifier, logger, {
    concurrency: config.jobConcurrency,
    heartbeatMs: config.jobHeartbeatMs,
    staleMs: config.jobStaleMs,
    retryBaseMs: config.jobRetryBaseMs,
    sweepMs: Math.min(1000, config.jobHeartbeatMs),
    ...options.jobSettings,
  });
  if (options.jobsInThreads) {
    if (options.tenableClient) throw new Error('jobsInThreads builds its Tenable client in each job thread: it cannot use an injected tenableClient');
    const setup: JobThreadSetup = {
      config,
      ...(options.pgSchema ? { pgSchema: options.pgSchema } : {}),
      ...(options.tenableClientDefaults ? { clientDefaults: options.tenableClientDefaults } : {}),
    };
    for (const handler of tenable.jobHandlers) {
      jobs.register(inJobThread(handler, { entry: threadEntry(import.meta.url, 'job-thread'), setup, onImportProgress: (progress) => events.publish('import.progress', progress) }));
    }
  } else {
    for (const handler of tenable.jobHandlers) jobs.register(handler);
  }
  const stopImportRelay = events.subscribe('import.progress', (progress) => jobs.publishProgress(importProgressUpdate(progress)));
  if (options.jobWorker) await jobs.startWorker();
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
  const auth = new AuthService(database, {
    policy: {
      maxFailedLogins: config.loginMaxAttempts,
      lockoutMinutes: config.loginLockoutMinutes,
      sessionIdleHours: config.sessionIdleHours,
      sessionMaxDays: config.sessionMaxDays,
    },
    onUsageWriteError: (error) => logger.warn('auth', 'a session or token use could not be recorded', { error: error instanceof Error ? error.message : String(error) }),
  });
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
    tenableSettings,
    tenableSync,
    findingsQuery,
    assetsQuery,
    scannerDataCache,
    auth,
    jobs,
    tenableClient,
    workflow,
    async close() {
      clearInterval(sweep);
      await sweeping;
      stopImportRelay();
      stopMonthlyRefresh();
      await Promise.all(monthlyRefreshes);
      await jobs.close();
      await auth.usageRecorded();
      await database.close();
    },
  };
}

/**
 * A job thread's entry point (see services/jobs/job-thread.ts): opens its own database connection,
 * builds the Tenable services as the server does, runs the one job it was started for, and ends.
 * Imports inside the job run in this thread; their progress goes back to the server's event bus.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type JobThreadSetup, createTenableServices } from './composition.ts';
import { createDatabase } from './db/database.ts';
import { EventBus } from './events/event-bus.ts';
import { createLogger } from './logging/logger.ts';
import { ImportScanService } from './services/import-scan.service.ts';
import { type JobThreadData, relayImportProgress, serveJobInThread } from './services/jobs/job-thread.ts';

async function main(port: NonNullable<typeof parentPort>, data: JobThreadData<JobThreadSetup>): Promise<void> {
  const { config, pgSchema, clientDefaults } = data.setup;
  const logger = createLogger(config.logLevel);
  const database = createDatabase({
    ...config,
    ...(pgSchema ? { pgSchema } : {}),
    onSlowQuery: (statement, durationMs) => logger.warn('db', 'slow statement', { durationMs, statement }),
  });
  const events = new EventBus();
  const stopRelay = relayImportProgress(port, events);
  try {
    const { jobHandlers } = createTenableServices(database, new ImportScanService(database, events), config, logger, clientDefaults ? { tenableClientDefaults: clientDefaults } : {});
    await serveJobInThread(port, data, jobHandlers);
  } finally {
    stopRelay();
    await database.close();
  }
}

if (parentPort) await main(parentPort, workerData as JobThreadData<JobThreadSetup>);

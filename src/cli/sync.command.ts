/** `hextrackr sync tenable`: pull Tenable VM findings through the same rollover as file imports. */
import { loadConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { TenableClient } from '../integrations/tenable/client/index.ts';
import { createLogger } from '../logging/logger.ts';
import { TenableSyncService } from '../services/tenable-sync.service.ts';
import { showProgress, summaryTable } from './import.command.ts';

export interface SyncCommandOptions {
  full?: boolean | undefined;
  scanDate?: string | undefined;
  json?: boolean | undefined;
}

export async function runTenableSyncCommand(options: SyncCommandOptions): Promise<number> {
  const config = loadConfig();
  if (!config.tenableAccessKey || !config.tenableSecretKey) {
    console.error('set TENABLE_ACCESS_KEY and TENABLE_SECRET_KEY (64 hex characters each; TENABLE_URL for another server than cloud.tenable.com)');
    return 2;
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const hex = await openApplication(config, logger);
  const client = new TenableClient({
    baseUrl: config.tenableUrl,
    accessKey: config.tenableAccessKey,
    secretKey: config.tenableSecretKey,
    version: '0.1.0',
    onRetry: (event) => logger.warn('cli', 'Tenable request retried', { ...event }),
  });
  const stopProgress = process.stderr.isTTY && !options.json ? showProgress(hex.events, 'Tenable VM') : () => undefined;
  try {
    const summary = await new TenableSyncService(hex.database, hex.imports).syncVulnerabilities(client, options);
    stopProgress();
    console.log(options.json ? JSON.stringify({ ok: true, ...summary }) : summaryTable([summary]));
    return 0;
  } catch (err) {
    stopProgress();
    const message = err instanceof Error ? err.message : String(err);
    console.log(options.json ? JSON.stringify({ ok: false, error: message }) : `Tenable sync failed: ${message}`);
    return 1;
  } finally {
    await hex.close();
  }
}

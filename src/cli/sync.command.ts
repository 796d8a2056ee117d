/** `hextrackr sync tenable`: assets, vulnerabilities and plugins from Tenable VM, through the same rollover as file imports. */
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { createLogger } from '../logging/logger.ts';
import type { SyncProgress } from '../services/tenable-sync.service.ts';
import { summaryTable } from './import.command.ts';

export interface SyncCommandOptions {
  full?: boolean | undefined;
  scanDate?: string | undefined;
  json?: boolean | undefined;
}

function progressBar(): { update(p: SyncProgress): void; stop(): void } {
  const bar = new SingleBar({ format: 'Tenable VM [{bar}] {percentage}% | {phase} | {assets} assets | {vulns} findings | {operation}', hideCursor: true });
  bar.start(100, 0, { phase: 'Initializing', assets: 0, vulns: 0, operation: '' });
  return {
    update: (p) => bar.update(p.percentage, { phase: p.phase, assets: p.assetsProcessed, vulns: p.vulnerabilitiesProcessed, operation: p.currentOperation }),
    stop: () => bar.stop(),
  };
}

export async function runTenableSyncCommand(options: SyncCommandOptions): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const hex = await openApplication(config, logger);
  const bar = process.stderr.isTTY && !options.json ? progressBar() : undefined;
  const abort = new AbortController();
  const interrupt = () => abort.abort('interrupted');
  process.once('SIGINT', interrupt);
  try {
    const client = await hex.tenableSettings.client();
    const result = await hex.tenableSync.syncAll(client, { full: options.full, scanDate: options.scanDate, signal: abort.signal, onProgress: (p) => bar?.update(p) });
    bar?.stop();
    if (options.json) console.log(JSON.stringify({ ok: true, ...result }));
    else {
      const a = result.assets;
      console.log(`assets: ${a.exported} exported, ${a.matchedByUuid} known by UUID, ${a.correlated} correlated, ${a.created} new, ${a.reviewRequired} awaiting review`);
      console.log(summaryTable([result.vulnerabilities]));
      if (result.plugins) console.log(`plugins: ${result.plugins.processed} processed (${result.plugins.created} new), ${result.plugins.cveLinks} CVE links, ${result.plugins.issueCount} validation issues`);
      if (result.retention.deleted > 0) console.log(`retention: ${result.retention.deleted} snapshot rows before ${result.retention.cutoff} deleted`);
    }
    return 0;
  } catch (err) {
    bar?.stop();
    const message = err instanceof Error ? err.message : String(err);
    console.log(options.json ? JSON.stringify({ ok: false, error: message }) : `Tenable sync failed: ${message}`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    await hex.close();
  }
}

/** `hextrackr db prune-snapshots [--days N]`: the snapshot retention, on demand. */
export async function runPruneSnapshotsCommand(options: { days?: number | undefined }): Promise<number> {
  const config = loadConfig();
  const days = options.days ?? config.snapshotRetentionDays;
  if (days === undefined) {
    console.error('give --days N or set HEXTRACKR_SNAPSHOT_RETENTION_DAYS');
    return 2;
  }
  const hex = await openApplication(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  try {
    const result = await hex.tenableSync.history.pruneSnapshots(days);
    console.log(`deleted ${result.deleted} snapshot rows dated before ${result.cutoff} (${result.dates} scan dates); daily totals and monthly summaries kept`);
    return 0;
  } finally {
    await hex.close();
  }
}

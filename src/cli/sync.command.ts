/** `hextrackr sync tenable`: assets, vulnerabilities and plugins from Tenable VM, through the same rollover as file imports. */
import { Worker } from 'node:worker_threads';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { createLogger } from '../logging/logger.ts';
import { JOB_THREAD_YOUNG_GENERATION_MB } from '../services/jobs/job-thread.ts';
import type { SyncAllResult, SyncProgress } from '../services/tenable-sync.service.ts';
import { threadEntry } from '../shared/thread-entry.ts';
import type { SyncThreadMessage, SyncThreadRequest } from './sync-thread.ts';
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

/** Runs the sync in its thread (see sync-thread.ts); resolves once the thread has closed the database. */
function syncInThread(request: SyncThreadRequest, onProgress: (progress: SyncProgress) => void): Promise<SyncAllResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadEntry(import.meta.url, 'sync-thread'), {
      workerData: request,
      resourceLimits: { maxYoungGenerationSizeMb: JOB_THREAD_YOUNG_GENERATION_MB },
    });
    let outcome: { result: SyncAllResult } | { error: Error } | undefined;
    const interrupt = () => worker.postMessage('interrupt');
    process.once('SIGINT', interrupt);
    worker.on('message', (message: SyncThreadMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'done') outcome = { result: message.result };
      else outcome = { error: new Error(message.message) };
    });
    worker.on('error', (error) => (outcome ??= { error }));
    worker.on('exit', (code) => {
      process.off('SIGINT', interrupt);
      if (outcome && 'result' in outcome) resolve(outcome.result);
      else reject(outcome?.error ?? new Error(`the sync's thread stopped before it ended (exit code ${code})`));
    });
  });
}

export async function runTenableSyncCommand(options: SyncCommandOptions): Promise<number> {
  const bar = process.stderr.isTTY && !options.json ? progressBar() : undefined;
  try {
    const result = await syncInThread({ full: options.full, scanDate: options.scanDate }, (p) => bar?.update(p));
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

/** `hextrackr import`: a progress bar on a TTY, a summary table at the end, non-zero exit on any failure. */
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import { loadConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import type { EventBus } from '../events/event-bus.ts';
import { createLogger } from '../logging/logger.ts';
import type { ImportSummary } from '../services/import-scan.service.ts';

export interface ImportCommandOptions {
  scanDate?: string | undefined;
  format: string;
  scope: 'all' | 'hosts' | 'state';
  json?: boolean | undefined;
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export async function runImportCommand(files: string[], options: ImportCommandOptions): Promise<number> {
  const config = loadConfig();
  // Lifecycle chatter stays out of the way of the progress bar and of --json on stdout; warnings still reach stderr.
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const hex = await openApplication(config, logger);
  const interactive = process.stderr.isTTY && !options.json;
  const summaries: ImportSummary[] = [];
  let failures = 0;
  try {
    for (const file of files) {
      const stopProgress = interactive ? showProgress(hex.events, file) : () => undefined;
      try {
        const summary = await hex.imports.importFile({
          filePath: file,
          scanDate: options.scanDate,
          format: options.format,
          scope: options.scope,
          source: 'cli',
        });
        summaries.push(summary);
        if (options.json) console.log(JSON.stringify({ file, ok: true, ...summary }));
      } catch (err) {
        failures += 1;
        const message = err instanceof Error ? err.message : String(err);
        if (options.json) console.log(JSON.stringify({ file, ok: false, error: message }));
        else console.error(`\n${file}: import failed: ${message}`);
      } finally {
        stopProgress();
      }
    }
  } finally {
    await hex.close();
  }
  if (!options.json && summaries.length > 0) console.log(summaryTable(summaries));
  return failures > 0 ? 1 : 0;
}

/**
 * A progress bar on stderr fed by the import progress events (rows, rows/s, ETA while the
 * size is known). Returns the function that removes it.
 */
export function showProgress(events: EventBus, label: string): () => void {
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted} | {phase}`, hideCursor: true });
  const unsubscribe = events.subscribe('import.progress', (p) => {
    // A stream (an API export) has no known size: the bar then shows rows and phase only.
    const total = p.totalBytes || 1;
    if (!bar.isActive) bar.start(total, 0, { rows: 0, rate: 0, phase: p.phase });
    bar.update(p.phase === 'parsing' ? Math.min(p.bytesRead, total) : total, { rows: formatRate(p.rowsRead), rate: formatRate(p.rowsPerSecond), phase: p.phase });
  });
  return () => {
    unsubscribe();
    bar.stop();
  };
}

export function summaryTable(summaries: ImportSummary[]): string {
  const table = new Table({
    head: ['import', 'file', 'format', 'scan date', 'mode', 'rows', 'rejected', 'created', 'updated', 'unchanged', 'resolved', 'reopened', 'hosts', 'rows/s', 'seconds'],
  });
  for (const s of summaries) {
    table.push([
      s.importId, s.fileName, s.format, s.scanDate, s.mode, s.rowsRead, s.rejected, s.created, s.updated, s.unchanged,
      s.resolved, s.reopened, s.hosts, formatRate(s.rowsRead / Math.max(s.seconds, 0.001)), s.seconds.toFixed(1),
    ]);
  }
  return table.toString();
}

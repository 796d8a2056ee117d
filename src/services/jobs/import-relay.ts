/** File imports report on the job channel too: their ImportProgress as a JobProgressUpdate (job_id null, import_id set). */
import type { ImportProgress } from '../../shared/import-progress.ts';
import type { JobProgressUpdate } from '../../shared/job-progress.ts';

export function importProgressUpdate(progress: ImportProgress, at = new Date()): JobProgressUpdate {
  const parsed = progress.totalBytes > 0 ? Math.min(1, progress.bytesRead / progress.totalBytes) : 0;
  const percentage = progress.phase === 'completed' ? 100 : progress.phase === 'applying' ? 90 : Math.round(parsed * 85);
  const status = progress.phase === 'completed' ? 'completed' : progress.phase === 'failed' ? 'failed' : 'running';
  const operation =
    progress.phase === 'parsing'
      ? `Reading ${progress.fileName}: ${progress.rowsRead} rows, ${progress.rejected} rejected`
      : progress.phase === 'applying'
        ? `Applying ${progress.rowsRead} rows of ${progress.fileName} (rollover)`
        : progress.phase === 'completed'
          ? `Imported ${progress.fileName}`
          : `Import of ${progress.fileName} failed: ${progress.error ?? 'unknown error'}`;
  return {
    job_id: null,
    import_id: progress.importId,
    job_type: 'import_file',
    status,
    phase: progress.phase === 'parsing' ? 'Processing Vulnerabilities' : progress.phase === 'completed' ? 'Completed' : 'Finalizing',
    progress_percentage: percentage,
    current_operation: operation,
    assets_processed: 0,
    vulnerabilities_processed: progress.rowsRead,
    estimated_completion: progress.etaSeconds === null ? null : new Date(at.getTime() + progress.etaSeconds * 1000).toISOString(),
    eta_seconds: progress.etaSeconds,
    performance_metrics: { assets_per_second: 0, vulnerabilities_per_second: progress.rowsPerSecond, memory_usage_mb: Math.round(process.memoryUsage.rss() / 1048576), database_queue_size: 0 },
    ...(progress.error ? { error_summary: { error_count: 1, recent_errors: [progress.error] } } : {}),
    at: at.toISOString(),
  };
}

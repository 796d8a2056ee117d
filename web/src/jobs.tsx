/** Background jobs as the pages show them: live progress (WebSocket job.progress) merged over the polled rows. */
import { useEffect, useState } from 'react';
import { ProgressBar, StatusBadge } from './components';
import { formatCount, formatDuration } from './format';
import { useApi } from './hooks';
import { useJobSubscriptions, useLive } from './live';

export interface JobView {
  id: number;
  job_type: string;
  status: 'queued' | 'waiting' | 'retrying' | 'running' | 'completed' | 'failed' | 'cancelled';
  priority: number;
  payload: unknown;
  tenable_scan_id: string | null;
  import_id: number | null;
  progress_percentage: number;
  current_phase: string;
  current_operation: string;
  assets_processed: number;
  vulnerabilities_processed: number;
  attempts: number;
  max_attempts: number;
  run_after: string;
  window: { start: string; end: string } | null;
  cancel_requested: boolean;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  result: unknown;
  created_by: string;
  created_at: string;
}

export interface JobProgressUpdate {
  job_id: number | null;
  import_id: number | null;
  job_type: string;
  status: JobView['status'];
  phase: string;
  progress_percentage: number;
  current_operation: string;
  assets_processed: number;
  vulnerabilities_processed: number;
  eta_seconds: number | null;
  performance_metrics: { assets_per_second: number; vulnerabilities_per_second: number; memory_usage_mb: number; database_queue_size: number };
  error_summary?: { error_count: number; recent_errors: string[] };
  at: string;
}

export const ACTIVE = new Set(['queued', 'waiting', 'retrying', 'running']);
export const PRIORITY_NAMES: Record<number, string> = { 1: 'low', 2: 'normal', 3: 'high', 4: 'critical' };
export const JOB_TYPE_NAMES: Record<string, string> = {
  tenable_vulnerability_sync: 'Tenable sync',
  tenable_scan: 'Tenable scan',
  import_file: 'File import',
};

/** Keeps the latest live update per job id. */
export function useLiveJobs(): Map<number, JobProgressUpdate> {
  const [updates, setUpdates] = useState(() => new Map<number, JobProgressUpdate>());
  useLive<JobProgressUpdate>('job.progress', (update) => {
    if (update.job_id === null) return;
    setUpdates((map) => new Map(map).set(update.job_id!, update));
  });
  return updates;
}

export function JobProgress({ job, live }: { job: JobView; live?: JobProgressUpdate | undefined }) {
  const status = live?.status ?? job.status;
  const percent = live?.progress_percentage ?? job.progress_percentage;
  const phase = live?.phase ?? job.current_phase;
  const operation = live?.current_operation ?? job.current_operation;
  const metrics = live?.performance_metrics;
  if (!ACTIVE.has(status)) {
    return (
      <span>
        <StatusBadge status={status} /> <span className="muted small">{phase}</span>
      </span>
    );
  }
  if (status !== 'running') {
    return (
      <span>
        <StatusBadge status={status} />{' '}
        <span className="muted small">{status === 'waiting' && job.window ? `waits for its window ${job.window.start}–${job.window.end} UTC` : job.cancel_requested ? 'cancelling…' : 'in the queue'}</span>
      </span>
    );
  }
  return (
    <ProgressBar
      label={`${phase || 'Running'}${job.cancel_requested ? ' (cancelling…)' : ''}`}
      value={percent}
      detail={
        <>
          {operation}
          {' · '}
          {formatCount(live?.assets_processed ?? job.assets_processed)} assets, {formatCount(live?.vulnerabilities_processed ?? job.vulnerabilities_processed)} findings
          {metrics ? ` · ${formatCount(Math.round(metrics.vulnerabilities_per_second))} findings/s · ${formatCount(Math.round(metrics.memory_usage_mb))} MB` : ''}
          {live?.eta_seconds !== undefined && live.eta_seconds !== null ? ` · ETA ${formatDuration(live.eta_seconds)}` : ''}
          {live?.error_summary && live.error_summary.error_count > 0 ? ` · ${live.error_summary.error_count} errors` : ''}
        </>
      }
    />
  );
}

/** One job followed live until it ends (used after starting a sync or scan). */
export function FollowJob({ jobId }: { jobId: number }) {
  const live = useLiveJobs();
  useJobSubscriptions([jobId]);
  const update = live.get(jobId);
  const job = useApi<JobView & { progress_log?: { at: string; level: string; message: string }[] }>(`/api/jobs/${jobId}`, {
    pollMs: update && !ACTIVE.has(update.status) ? undefined : 3000,
  });
  const liveEnded = update !== undefined && !ACTIVE.has(update.status);
  const { reload } = job;
  useEffect(() => {
    if (liveEnded) reload();
  }, [liveEnded, reload]);
  if (!job.data) return <ProgressBar label={`Job ${jobId}`} detail="starting…" />;
  const ended = !ACTIVE.has(update?.status ?? job.data.status);
  return (
    <div aria-label={`Job ${jobId}`}>
      <JobProgress job={job.data} live={update} />
      {ended && job.data.error ? <p className="notice notice-error">{job.data.error}</p> : null}
    </div>
  );
}

/** Jobs: the queue with status and priority, live progress per job, cancel and retry, and recent errors. */
import { useState } from 'react';
import { api, query } from '../api';
import { useAuth } from '../auth';
import { Card, EmptyState, ErrorNotice, LoadedView, Notice, StatusBadge } from '../components';
import { formatCount, formatDate } from '../format';
import { useApi } from '../hooks';
import { ACTIVE, JOB_TYPE_NAMES, JobProgress, type JobView, PRIORITY_NAMES, useLiveJobs } from '../jobs';
import { useAllJobsSubscription } from '../live';
import { Link, updateParams, useRoute } from '../router';

const STATUSES = ['queued', 'waiting', 'retrying', 'running', 'completed', 'failed', 'cancelled'];
const PAGE = 50;

export default function JobsPage() {
  const { params } = useRoute();
  const auth = useAuth();
  const status = params.get('status') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const selected = params.get('selected');
  const list = useApi<{ jobs: JobView[]; total: number }>(`/api/jobs${query({ status, limit: PAGE, offset })}`, { pollMs: 4000 });
  const failed = useApi<{ jobs: JobView[]; total: number }>('/api/jobs?status=failed&limit=5', { pollMs: 15000 });
  const live = useLiveJobs();
  useAllJobsSubscription();
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [message, setMessage] = useState<string | null>(null);

  async function act(job: JobView, action: 'cancel' | 'retry') {
    setActionError(undefined);
    try {
      const result = await api<{ job_id?: number }>('POST', `/api/jobs/${job.id}/${action}`);
      setMessage(action === 'cancel' ? `Cancellation of job ${job.id} requested.` : `Job ${job.id} queued again${result?.job_id && result.job_id !== job.id ? ` as job ${result.job_id}` : ''}.`);
      list.reload();
    } catch (err) {
      setActionError(err);
    }
  }

  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Jobs</h1>
        <label className="row">
          Status
          <select value={status} onChange={(e) => updateParams({ status: e.target.value || null, offset: null })}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      {message ? <Notice kind="success">{message}</Notice> : null}
      <ErrorNotice error={actionError} />
      <Card title={list.data ? `${formatCount(list.data.total)} job${list.data.total === 1 ? '' : 's'}` : 'Queue'}>
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <LoadedView
          state={list}
          skeleton={{ rows: 6, columns: 6 }}
          isEmpty={(data) => data.jobs.length === 0}
          empty={
            <EmptyState title={status ? `No ${status} jobs` : 'No jobs yet'} action={auth.can('analyst') ? <Link className="button primary" href="/tenable">Start a Tenable sync</Link> : undefined}>
              Tenable syncs and scans run here as jobs, with live progress.
            </EmptyState>
          }
        >
          {(data) => (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th className="num">#</th>
                    <th>Type</th>
                    <th>Priority</th>
                    <th style={{ width: '42%' }}>Progress</th>
                    <th>Attempts</th>
                    <th>Created</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.jobs.map((job) => {
                    const update = live.get(job.id);
                    const current = update?.status ?? job.status;
                    return (
                      <tr key={job.id} aria-label={`Job ${job.id}`} aria-selected={String(job.id) === selected}>
                        <td className="num">
                          <Link href={`/jobs${query({ status, selected: job.id })}`}>{job.id}</Link>
                        </td>
                        <td>
                          {JOB_TYPE_NAMES[job.job_type] ?? job.job_type}
                          {job.tenable_scan_id ? <div className="muted small">scan {job.tenable_scan_id}</div> : null}
                          {job.import_id ? (
                            <div className="small">
                              <Link href={`/imports?report=${job.import_id}`}>import {job.import_id}</Link>
                            </div>
                          ) : null}
                        </td>
                        <td>{PRIORITY_NAMES[job.priority] ?? job.priority}</td>
                        <td>
                          <JobProgress job={job} live={update} />
                          {current === 'failed' && job.error ? <div className="small" style={{ color: 'var(--danger)' }}>{job.error}</div> : null}
                        </td>
                        <td>
                          {job.attempts}/{job.max_attempts}
                        </td>
                        <td>
                          {formatDate(job.created_at)}
                          <div className="muted small">by {job.created_by}</div>
                        </td>
                        <td>
                          {auth.can('analyst') && ACTIVE.has(current) && !job.cancel_requested ? (
                            <button type="button" className="button small danger" onClick={() => void act(job, 'cancel')} aria-label={`Cancel job ${job.id}`}>
                              Cancel
                            </button>
                          ) : null}
                          {auth.can('analyst') && (current === 'failed' || current === 'cancelled') ? (
                            <button type="button" className="button small" onClick={() => void act(job, 'retry')} aria-label={`Retry job ${job.id}`}>
                              Retry
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {data.total > PAGE ? (
                <div className="row" style={{ marginTop: 10 }}>
                  <button type="button" className="button small" disabled={offset === 0} onClick={() => updateParams({ offset: offset - PAGE > 0 ? String(offset - PAGE) : null })}>
                    Newer
                  </button>
                  <button type="button" className="button small" disabled={offset + PAGE >= data.total} onClick={() => updateParams({ offset: String(offset + PAGE) })}>
                    Older
                  </button>
                </div>
              ) : null}
            </div>
          )}
        </LoadedView>
      </Card>
      {selected ? <JobDetail id={selected} /> : null}
      <Card title="Recent errors">
        {failed.error ? (
          <ErrorNotice error={failed.error} onRetry={failed.reload} />
        ) : (
          <LoadedView
            state={failed}
            skeleton={{ rows: 3, columns: 3 }}
            isEmpty={(data) => data.jobs.length === 0}
            empty={<p className="muted">No failed jobs.</p>}
          >
            {(data) => (
              <ul>
                {data.jobs.map((job) => (
                  <li key={job.id}>
                    <Link href={`/jobs?selected=${job.id}`}>Job {job.id}</Link> ({JOB_TYPE_NAMES[job.job_type] ?? job.job_type}, {formatDate(job.finished_at)}): {job.error ?? 'failed'}
                  </li>
                ))}
              </ul>
            )}
          </LoadedView>
        )}
      </Card>
    </div>
  );
}

function JobDetail({ id }: { id: string }) {
  const job = useApi<JobView & { progress_log: { at: string; phase: string; percentage: number; message: string; level: string }[] }>(`/api/jobs/${encodeURIComponent(id)}`, { pollMs: 3000 });
  return (
    <Card
      title={`Job ${id}`}
      actions={
        <button type="button" className="icon-button" aria-label="Close job detail" onClick={() => updateParams({ selected: null })}>
          ×
        </button>
      }
    >
      <ErrorNotice error={job.error} onRetry={job.reload} />
      <LoadedView state={job} skeleton={{ rows: 4, columns: 3 }}>
        {(data) => (
          <>
            <p>
              {JOB_TYPE_NAMES[data.job_type] ?? data.job_type} · <StatusBadge status={data.status} /> · started {formatDate(data.started_at)} · finished{' '}
              {formatDate(data.finished_at)}
            </p>
            {data.error ? <p className="notice notice-error">{data.error}</p> : null}
            <h3>Log</h3>
            {data.progress_log.length === 0 ? (
              <p className="muted">Nothing logged yet.</p>
            ) : (
              <table className="table">
                <tbody>
                  {data.progress_log.map((entry, i) => (
                    <tr key={i}>
                      <td className="small">{formatDate(entry.at)}</td>
                      <td>
                        <span className={`badge status-${entry.level === 'error' ? 'failed' : entry.level}`}>{entry.level}</span>
                      </td>
                      <td>{entry.phase}</td>
                      <td className="num">{Math.round(entry.percentage)} %</td>
                      <td>{entry.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadedView>
    </Card>
  );
}

/**
 * Imports: drop one or more scan files, pick the scan date and scope, follow each upload and import
 * live (WebSocket), then read its report. Below, the import history.
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { get, query, upload } from '../api';
import { useAuth } from '../auth';
import { ConflictsCard } from '../conflicts';
import { Card, Dialog, EmptyState, ErrorNotice, Field, LoadedView, Notice, ProgressBar, StatusBadge } from '../components';
import { dateFromFileName, formatBytes, formatCount, formatDate, formatDuration, today } from '../format';
import { useApi } from '../hooks';
import { useLive } from '../live';
import { Link, updateParams, useRoute } from '../router';

interface ImportRow {
  id: number;
  file_name: string;
  format: string | null;
  source: string;
  scan_date: string;
  scope: string;
  status: 'running' | 'completed' | 'failed';
  phase: string | null;
  error: string | null;
  rows_read: number;
  findings_count: number;
  hosts_count: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  resolved_count: number;
  reopened_count: number;
  rejected_count: number;
  started_at: string;
  finished_at: string | null;
}
interface Rejection {
  line: number;
  field: string | null;
  reason: string;
}
type Report = ImportRow & { rejections: Rejection[] };

interface ImportProgress {
  importId: number;
  fileName: string;
  phase: 'parsing' | 'applying' | 'completed' | 'failed';
  rowsRead: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
  rowsPerSecond: number;
  etaSeconds: number | null;
  error?: string;
}

interface Queued {
  key: string;
  file: File;
  scanDate: string;
  stage: 'waiting' | 'uploading' | 'importing' | 'done' | 'failed';
  sent: number;
  importId?: number;
  progress?: ImportProgress;
  report?: Report;
  error?: unknown;
}

const SCOPES = [
  { id: 'all', label: 'Whole estate', hint: 'Findings missing from this file are resolved (a full scan).' },
  { id: 'hosts', label: 'Scanned hosts only', hint: 'Only findings on hosts in this file can be resolved (a partial scan).' },
  { id: 'state', label: 'Scanner state', hint: 'Nothing is resolved by absence; only rows marked FIXED resolve.' },
] as const;

export default function ImportsPage() {
  const auth = useAuth();
  const { params } = useRoute();
  const [queue, setQueue] = useState<Queued[]>([]);
  const [scope, setScope] = useState<string>('all');
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const running = useRef(false);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const history = useApi<{ items: ImportRow[]; total: number }>(`/api/imports${query({ limit: 20, offset })}`);
  const reportId = params.get('report');
  const canImport = auth.can('analyst');

  const update = (key: string, change: Partial<Queued>) => setQueue((q) => q.map((item) => (item.key === key ? { ...item, ...change } : item)));

  useLive<ImportProgress>('import.progress', (progress) => {
    setQueue((q) => q.map((item) => (item.importId === progress.importId ? { ...item, progress } : item)));
  });

  function add(files: FileList | File[]) {
    const list = [...files].map((file) => ({
      key: `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`,
      file,
      scanDate: dateFromFileName(file.name) ?? today(),
      stage: 'waiting' as const,
      sent: 0,
    }));
    setQueue((q) => [...q.filter((item) => item.stage !== 'done'), ...list]);
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    if (!canImport) return;
    if (event.dataTransfer.files.length > 0) add(event.dataTransfer.files);
  }

  async function waitForReport(importId: number): Promise<Report> {
    // The WebSocket shows progress; the report is the source of truth, polled until the import ends.
    for (;;) {
      const report = await get<Report>(`/api/imports/${importId}?rejections_limit=200`);
      if (report.status !== 'running') return report;
      await new Promise((r) => window.setTimeout(r, 1000));
    }
  }

  async function startAll() {
    if (running.current) return;
    running.current = true;
    try {
      for (const item of queue.filter((q) => q.stage === 'waiting')) {
        update(item.key, { stage: 'uploading', sent: 0, error: undefined });
        try {
          const form = new FormData();
          form.append('scan_date', item.scanDate);
          form.append('scope', scope);
          form.append('file', item.file, item.file.name);
          const accepted = await upload<{ importId: number }>('/api/vulnerabilities/import', form, (sent) => update(item.key, { sent })).promise;
          update(item.key, { stage: 'importing', importId: accepted.importId });
          const report = await waitForReport(accepted.importId);
          update(item.key, { stage: report.status === 'completed' ? 'done' : 'failed', report, error: report.error ? new Error(report.error) : undefined });
        } catch (error) {
          update(item.key, { stage: 'failed', error });
        }
        history.reload();
      }
    } finally {
      running.current = false;
    }
  }

  const waiting = queue.filter((q) => q.stage === 'waiting').length;
  const busy = queue.some((q) => q.stage === 'uploading' || q.stage === 'importing');
  const noHistory = history.data !== undefined && history.data.total === 0;

  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Imports</h1>
      </div>
      {canImport ? (
        <Card title="Import scan files">
          <div
            className={`dropzone${dragging ? ' active' : ''}`}
            role="button"
            tabIndex={0}
            aria-label="Drop scan files here, or press Enter to choose files"
            onClick={() => input.current?.click()}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), input.current?.click())}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <strong>{noHistory ? 'No imports yet — drop a Tenable CSV here' : 'Drop scan files here'}</strong>
            <div className="muted">or click to choose. Tenable VM / Tenable.io / Tenable.sc CSV, Nessus CSV or .nessus, Tenable export JSON.</div>
            <input
              ref={input}
              type="file"
              multiple
              hidden
              aria-label="Scan files"
              onChange={(e) => {
                if (e.target.files) add(e.target.files);
                e.target.value = '';
              }}
            />
          </div>
          {queue.length > 0 ? (
            <div style={{ marginTop: 14 }}>
              <div className="form-grid">
                <Field label="Scope" hint={SCOPES.find((s) => s.id === scope)?.hint}>
                  <select value={scope} onChange={(e) => setScope(e.target.value)} disabled={busy}>
                    {SCOPES.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </Field>
              </div>
              {queue.map((item) => (
                <QueuedFile
                  key={item.key}
                  item={item}
                  onDate={(scanDate) => update(item.key, { scanDate })}
                  onRemove={() => setQueue((q) => q.filter((x) => x.key !== item.key))}
                />
              ))}
              <div className="row" style={{ marginTop: 10 }}>
                <button type="button" className="button primary" disabled={waiting === 0 || busy} onClick={() => void startAll()}>
                  {busy ? 'Importing…' : `Import ${waiting} file${waiting === 1 ? '' : 's'}`}
                </button>
                <span className="muted small">Files are imported one after another, in this order (oldest scan date first is best).</span>
              </div>
            </div>
          ) : null}
        </Card>
      ) : (
        <Notice>Your role can read imports but not start them.</Notice>
      )}
      <Card title="Import history">
        <ErrorNotice error={history.error} onRetry={history.reload} />
        <LoadedView
          state={history}
          skeleton={{ rows: 5, columns: 8 }}
          isEmpty={(data) => data.total === 0}
          empty={<EmptyState title="No imports yet">Drop a Tenable CSV in the box above, or run a Tenable sync on the Tenable page.</EmptyState>}
        >
          {(data) => (
            <>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>File</th>
                      <th>Scan date</th>
                      <th>Status</th>
                      <th className="num">Rows</th>
                      <th className="num">Created</th>
                      <th className="num">Updated</th>
                      <th className="num">Resolved</th>
                      <th className="num">Reopened</th>
                      <th className="num">Rejected</th>
                      <th>Started</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((row) => (
                      <tr key={row.id} className="clickable" onClick={() => updateParams({ report: String(row.id) })}>
                        <td>
                          <Link href={`/imports?report=${row.id}`}>{row.file_name}</Link>
                          <div className="muted small">
                            {row.format ?? '—'} · {row.scope} · {row.source}
                          </div>
                        </td>
                        <td>{row.scan_date}</td>
                        <td>
                          <StatusBadge status={row.status} />
                        </td>
                        <td className="num">{formatCount(row.rows_read)}</td>
                        <td className="num">{formatCount(row.created_count)}</td>
                        <td className="num">{formatCount(row.updated_count)}</td>
                        <td className="num">{formatCount(row.resolved_count)}</td>
                        <td className="num">{formatCount(row.reopened_count)}</td>
                        <td className="num">{formatCount(row.rejected_count)}</td>
                        <td>{formatDate(row.started_at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager offset={offset} limit={20} total={data.total} />
            </>
          )}
        </LoadedView>
      </Card>
      <ConflictsCard />
      <Dialog title="Import report" open={reportId !== null} onClose={() => updateParams({ report: null })} wide>
        {reportId ? <ReportById id={reportId} /> : null}
      </Dialog>
    </div>
  );
}

function Pager({ offset, limit, total }: { offset: number; limit: number; total: number }) {
  if (total <= limit) return null;
  return (
    <div className="row" style={{ marginTop: 10 }}>
      <button type="button" className="button small" disabled={offset === 0} onClick={() => updateParams({ offset: String(Math.max(0, offset - limit)) || null })}>
        Newer
      </button>
      <span className="muted small">
        {offset + 1}–{Math.min(offset + limit, total)} of {formatCount(total)}
      </span>
      <button type="button" className="button small" disabled={offset + limit >= total} onClick={() => updateParams({ offset: String(offset + limit) })}>
        Older
      </button>
    </div>
  );
}

function QueuedFile({ item, onDate, onRemove }: { item: Queued; onDate: (date: string) => void; onRemove: () => void }) {
  const p = item.progress;
  return (
    <div className="card" style={{ marginBottom: 10, padding: 12 }} aria-label={`Import of ${item.file.name}`}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <div>
          <strong>{item.file.name}</strong> <span className="muted small">{formatBytes(item.file.size)}</span>
        </div>
        {item.stage === 'waiting' ? (
          <div className="row">
            <label className="row small">
              Scan date
              <input type="date" value={item.scanDate} required onChange={(e) => onDate(e.target.value)} aria-label={`Scan date of ${item.file.name}`} />
            </label>
            <button type="button" className="button small ghost" onClick={onRemove} aria-label={`Remove ${item.file.name}`}>
              Remove
            </button>
          </div>
        ) : (
          <span className="muted small">scan date {item.scanDate}</span>
        )}
      </div>
      {item.stage === 'uploading' ? <ProgressBar label="Uploading" value={item.file.size ? (item.sent / item.file.size) * 100 : null} detail={`${formatBytes(item.sent)} of ${formatBytes(item.file.size)}`} /> : null}
      {item.stage === 'importing' ? (
        p?.phase === 'applying' ? (
          <ProgressBar label="Applying the rollover" detail={`${formatCount(p.rowsRead)} rows read, ${formatCount(p.rejected)} rejected — updating findings, history and totals in one transaction`} />
        ) : (
          <ProgressBar
            label="Reading rows"
            value={p && p.totalBytes > 0 ? (p.bytesRead / p.totalBytes) * 100 : null}
            detail={p ? `${formatCount(p.rowsRead)} rows · ${formatCount(Math.round(p.rowsPerSecond))} rows/s · ETA ${formatDuration(p.etaSeconds)} · ${formatCount(p.rejected)} rejected` : 'starting…'}
          />
        )
      ) : null}
      {item.stage === 'failed' ? <ErrorNotice error={item.error} /> : null}
      {item.report ? <ReportView report={item.report} /> : null}
    </div>
  );
}

function ReportById({ id }: { id: string }) {
  const report = useApi<Report>(`/api/imports/${encodeURIComponent(id)}?rejections_limit=500`, { pollMs: 3000 });
  if (report.error) return <ErrorNotice error={report.error} onRetry={report.reload} />;
  return (
    <LoadedView state={report} skeleton={{ rows: 4, columns: 4 }}>
      {(data) => <ReportView report={data} />}
    </LoadedView>
  );
}

export function ReportView({ report }: { report: Report }) {
  const [showAll, setShowAll] = useState(false);
  const figures: [string, number][] = [
    ['Created', report.created_count],
    ['Updated', report.updated_count],
    ['Unchanged', report.unchanged_count],
    ['Resolved', report.resolved_count],
    ['Reopened', report.reopened_count],
    ['Rejected', report.rejected_count],
    ['Hosts', report.hosts_count],
  ];
  useEffect(() => setShowAll(false), [report.id]);
  const rejections = showAll ? report.rejections : report.rejections.slice(0, 20);
  return (
    <div aria-label={`Report of import ${report.id}`}>
      <p>
        <strong>{report.file_name}</strong> — scan date {report.scan_date}, {report.format ?? 'unknown format'}, scope {report.scope}.{' '}
        <StatusBadge status={report.status} /> {report.finished_at ? <span className="muted small">finished {formatDate(report.finished_at)}</span> : null}
      </p>
      {report.error ? <ErrorNotice error={new Error(report.error)} /> : null}
      {report.status === 'running' ? <ProgressBar label={`Import ${report.phase ?? 'running'}`} detail={`${formatCount(report.rows_read)} rows read`} /> : null}
      <table className="table" aria-label="Import counts">
        <tbody>
          <tr>
            {figures.map(([label]) => (
              <th key={label} className="num">
                {label}
              </th>
            ))}
          </tr>
          <tr>
            {figures.map(([label, value]) => (
              <td key={label} className="num">
                {formatCount(value)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {report.rejected_count > 0 ? (
        <>
          <h3>Rejected rows</h3>
          <div className="table-wrap" style={{ maxHeight: 300, overflowY: 'auto' }}>
            <table className="table">
              <thead>
                <tr>
                  <th className="num">Line</th>
                  <th>Field</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {rejections.map((r) => (
                  <tr key={`${r.line}-${r.field}`}>
                    <td className="num">{r.line}</td>
                    <td>{r.field ?? '—'}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!showAll && report.rejections.length > 20 ? (
            <button type="button" className="button small" onClick={() => setShowAll(true)}>
              Show all {formatCount(report.rejections.length)} listed
            </button>
          ) : null}
          {report.rejected_count > report.rejections.length ? (
            <p className="muted small">Showing the first {formatCount(report.rejections.length)} of {formatCount(report.rejected_count)} rejected rows.</p>
          ) : null}
        </>
      ) : report.status === 'completed' ? (
        <p className="muted">Every row was imported.</p>
      ) : null}
      {report.status === 'completed' ? (
        <p>
          <Link href="/findings">Open the findings</Link> · <Link href="/">See the dashboard</Link>
        </p>
      ) : null}
    </div>
  );
}

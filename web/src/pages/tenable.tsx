/** Tenable: keys (masked), connection test, sync and scan jobs with live progress, schedules with scan windows, plugin mappings, scan history. */
import { type FormEvent, useEffect, useState } from 'react';
import { api, query } from '../api';
import { useAuth } from '../auth';
import { Card, EmptyState, ErrorNotice, Field, LoadedView, Notice, StatusBadge } from '../components';
import { formatCount, formatDate, formatDecimal, today } from '../format';
import { useApi } from '../hooks';
import { FollowJob, JOB_TYPE_NAMES, PRIORITY_NAMES } from '../jobs';
import { Link, updateParams, useRoute } from '../router';

interface ConnectionTest {
  ok: boolean;
  message: string;
  status?: number;
  tested_at: string;
}
interface Configuration {
  configured: boolean;
  source: 'stored' | 'environment' | 'none';
  url: string;
  access_key: string | null;
  configured_at: string | null;
  configured_by: string | null;
  last_test: ConnectionTest | null;
}

export default function TenablePage() {
  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Tenable</h1>
      </div>
      <div className="grid-2">
        <Credentials />
        <RunNow />
      </div>
      <Schedules />
      <PluginMappings />
      <ScanHistory />
    </div>
  );
}

function Credentials() {
  const auth = useAuth();
  const config = useApi<Configuration>('/api/tenable/configuration');
  const [form, setForm] = useState({ url: '', access_key: '', secret_key: '' });
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);
  const [pending, setPending] = useState<'save' | 'test' | 'forget' | null>(null);
  useEffect(() => {
    if (config.data) setForm((f) => ({ ...f, url: f.url || config.data!.url }));
  }, [config.data]);

  async function run(kind: 'save' | 'test' | 'forget', work: () => Promise<void>) {
    setPending(kind);
    setError(undefined);
    setNotice(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
      config.reload();
    }
  }

  const save = (event: FormEvent) => {
    event.preventDefault();
    void run('save', async () => {
      await api('POST', '/api/tenable/configure', { access_key: form.access_key.trim(), secret_key: form.secret_key.trim(), ...(form.url ? { url: form.url.trim() } : {}) });
      setForm((f) => ({ ...f, access_key: '', secret_key: '' }));
      setNotice({ kind: 'success', text: 'Keys saved (encrypted on the server) and tested.' });
    });
  };
  const test = () =>
    void run('test', async () => {
      const result = await api<ConnectionTest>('POST', '/api/tenable/test-connection');
      setNotice({ kind: result.ok ? 'success' : 'warning', text: result.ok ? `Connected: ${result.message}` : `Connection failed: ${result.message}` });
    });
  const forget = () =>
    void run('forget', async () => {
      await api('DELETE', '/api/tenable/configuration');
      setNotice({ kind: 'success', text: 'Stored keys removed.' });
    });

  const c = config.data;
  return (
    <Card title="Connection">
      <ErrorNotice error={config.error} onRetry={config.reload} />
      <LoadedView state={config} skeleton={{ rows: 4, columns: 2 }}>
        {(data) => (
          <dl className="kv" style={{ marginBottom: 12 }}>
            <dt>Status</dt>
            <dd>{data.configured ? `configured (${data.source === 'environment' ? 'from the environment' : 'stored'})` : 'not configured'}</dd>
            <dt>URL</dt>
            <dd>{data.url}</dd>
            <dt>Access key</dt>
            <dd>
              <code>{data.access_key ?? '—'}</code>
            </dd>
            <dt>Saved</dt>
            <dd>{data.configured_at ? `${formatDate(data.configured_at)} by ${data.configured_by ?? '—'}` : '—'}</dd>
            <dt>Last test</dt>
            <dd>{data.last_test ? `${data.last_test.ok ? 'OK' : 'failed'} — ${data.last_test.message} (${formatDate(data.last_test.tested_at)})` : 'never'}</dd>
          </dl>
        )}
      </LoadedView>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}
      <ErrorNotice error={error} />
      {auth.can('admin') ? (
        <form onSubmit={save} aria-label="Tenable keys">
          <Field label="Tenable URL">
            <input type="url" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} placeholder="https://cloud.tenable.com" />
          </Field>
          <div className="form-grid">
            <Field label="Access key" hint="64 hexadecimal characters; never shown again.">
              <input type="password" autoComplete="off" required value={form.access_key} onChange={(e) => setForm({ ...form, access_key: e.target.value })} />
            </Field>
            <Field label="Secret key" hint="Stored encrypted.">
              <input type="password" autoComplete="off" required value={form.secret_key} onChange={(e) => setForm({ ...form, secret_key: e.target.value })} />
            </Field>
          </div>
          <div className="row">
            <button type="submit" className="button primary" disabled={pending !== null}>
              {pending === 'save' ? 'Testing and saving…' : 'Save keys'}
            </button>
            <button type="button" className="button" disabled={pending !== null || !c?.configured} onClick={test}>
              {pending === 'test' ? 'Testing…' : 'Test connection'}
            </button>
            {c?.source === 'stored' ? (
              <button type="button" className="button danger" disabled={pending !== null} onClick={forget}>
                Forget keys
              </button>
            ) : null}
          </div>
        </form>
      ) : (
        <button type="button" className="button" disabled={pending !== null || !c?.configured} onClick={test}>
          {pending === 'test' ? 'Testing…' : 'Test connection'}
        </button>
      )}
    </Card>
  );
}

function RunNow() {
  const { params } = useRoute();
  const followed = params.get('job');
  const [full, setFull] = useState(false);
  const [scanDate, setScanDate] = useState(today());
  const [scanId, setScanId] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);

  async function start(path: string, body: unknown) {
    setPending(true);
    setError(undefined);
    try {
      const accepted = await api<{ job_id: number }>('POST', path, body);
      updateParams({ job: String(accepted.job_id) }, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <Card title="Run now">
      <form
        aria-label="Start a sync"
        onSubmit={(e) => {
          e.preventDefault();
          void start('/api/tenable/sync', { full, scan_date: scanDate });
        }}
      >
        <div className="form-grid">
          <Field label="Scan date">
            <input type="date" value={scanDate} onChange={(e) => setScanDate(e.target.value)} required />
          </Field>
          <label className="row" style={{ minHeight: 60 }}>
            <input type="checkbox" checked={full} onChange={(e) => setFull(e.target.checked)} />
            Full sync (everything, not only changes)
          </label>
        </div>
        <button type="submit" className="button primary" disabled={pending}>
          Start sync
        </button>
      </form>
      <form
        aria-label="Start a scan"
        style={{ marginTop: 16 }}
        onSubmit={(e) => {
          e.preventDefault();
          const id = scanId.trim();
          void start('/api/tenable/scans/start', { scan_id: /^\d+$/.test(id) ? Number(id) : id });
        }}
      >
        <div className="row" style={{ alignItems: 'flex-end' }}>
          <Field label="Tenable scan id">
            <input value={scanId} onChange={(e) => setScanId(e.target.value)} required placeholder="e.g. 42" />
          </Field>
          <button type="submit" className="button" disabled={pending} style={{ marginBottom: 12 }}>
            Launch scan
          </button>
        </div>
      </form>
      <ErrorNotice error={error} />
      {followed ? (
        <div style={{ marginTop: 8 }}>
          <h3>
            Job {followed} · <Link href={`/jobs?selected=${followed}`}>details</Link>
          </h3>
          <FollowJob jobId={Number(followed)} />
        </div>
      ) : null}
    </Card>
  );
}

interface Schedule {
  id: number;
  name: string;
  job_type: string;
  cron: string;
  payload: unknown;
  priority: number;
  window: { start: string; end: string } | null;
  enabled: boolean;
  last_run_at: string | null;
  next_run_at: string | null;
}

function Schedules() {
  const auth = useAuth();
  const list = useApi<{ schedules: Schedule[] }>('/api/jobs/schedules');
  const [form, setForm] = useState({ name: 'Nightly Tenable sync', job_type: 'tenable_vulnerability_sync', cron: '0 2 * * *', scan_id: '', window_start: '', window_end: '', priority: '2' });
  const [error, setError] = useState<unknown>(undefined);

  async function call(method: string, path: string, body?: unknown) {
    setError(undefined);
    try {
      await api(method, path, body);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    if ((form.window_start === '') !== (form.window_end === '')) return setError(new Error('Give both ends of the scan window, or neither.'));
    const payload = form.job_type === 'tenable_scan' ? { scan_id: /^\d+$/.test(form.scan_id) ? Number(form.scan_id) : form.scan_id } : {};
    void call('POST', '/api/jobs/schedules', {
      name: form.name,
      job_type: form.job_type,
      cron: form.cron,
      payload,
      priority: Number(form.priority),
      ...(form.window_start ? { window: { start: form.window_start, end: form.window_end } } : {}),
    });
  }

  return (
    <Card title="Schedules and scan windows">
      <ErrorNotice error={error ?? list.error} onRetry={list.error ? list.reload : undefined} />
      <LoadedView
        state={list}
        skeleton={{ rows: 3, columns: 6 }}
        isEmpty={(data) => data.schedules.length === 0}
        empty={<EmptyState title="No schedules">Add one below to sync Tenable every night, inside a scan window if you need one.</EmptyState>}
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Job</th>
                <th>Cron (UTC)</th>
                <th>Window (UTC)</th>
                <th>Priority</th>
                <th>Next run</th>
                <th>Enabled</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.schedules.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td>
                  <td>{JOB_TYPE_NAMES[s.job_type] ?? s.job_type}</td>
                  <td>
                    <code>{s.cron}</code>
                  </td>
                  <td>{s.window ? `${s.window.start}–${s.window.end}` : 'any time'}</td>
                  <td>{PRIORITY_NAMES[s.priority] ?? s.priority}</td>
                  <td>{formatDate(s.next_run_at)}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Enable ${s.name}`}
                      checked={s.enabled}
                      disabled={!auth.can('analyst')}
                      onChange={(e) => void call('PATCH', `/api/jobs/schedules/${s.id}`, { enabled: e.target.checked })}
                    />
                  </td>
                  <td>
                    {auth.can('analyst') ? (
                      <button type="button" className="button small danger" aria-label={`Delete ${s.name}`} onClick={() => void call('DELETE', `/api/jobs/schedules/${s.id}`)}>
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
      {auth.can('analyst') ? (
        <form onSubmit={create} aria-label="New schedule" style={{ marginTop: 14 }}>
          <h3>New schedule</h3>
          <div className="form-grid">
            <Field label="Name">
              <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
            <Field label="Job">
              <select value={form.job_type} onChange={(e) => setForm({ ...form, job_type: e.target.value })}>
                <option value="tenable_vulnerability_sync">Tenable sync</option>
                <option value="tenable_scan">Tenable scan</option>
              </select>
            </Field>
            {form.job_type === 'tenable_scan' ? (
              <Field label="Scan id">
                <input required value={form.scan_id} onChange={(e) => setForm({ ...form, scan_id: e.target.value })} />
              </Field>
            ) : null}
            <Field label="Cron (UTC)" hint="minute hour day month weekday, e.g. 0 2 * * * for 02:00 daily">
              <input required value={form.cron} onChange={(e) => setForm({ ...form, cron: e.target.value })} />
            </Field>
            <Field label="Window start (UTC)" hint="Optional: the job only starts inside the window.">
              <input type="time" value={form.window_start} onChange={(e) => setForm({ ...form, window_start: e.target.value })} />
            </Field>
            <Field label="Window end (UTC)">
              <input type="time" value={form.window_end} onChange={(e) => setForm({ ...form, window_end: e.target.value })} />
            </Field>
            <Field label="Priority">
              <select value={form.priority} onChange={(e) => setForm({ ...form, priority: e.target.value })}>
                {[1, 2, 3, 4].map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_NAMES[p]}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <button type="submit" className="button primary">
            Add schedule
          </button>
        </form>
      ) : null}
    </Card>
  );
}

interface PluginMapping {
  plugin_id: string;
  plugin_name: string;
  plugin_family: string | null;
  vpr_score: number | null;
  cvss3_base_score: number | null;
  exploit_available: boolean;
  cves: { cve_id: string; correlation_source: string; correlation_confidence: number }[];
}

function PluginMappings() {
  const auth = useAuth();
  const { params } = useRoute();
  const q = params.get('plugin_q') ?? '';
  const offset = Number(params.get('plugin_offset') ?? 0) || 0;
  const [text, setText] = useState(q);
  const list = useApi<{ items: PluginMapping[]; total: number }>(`/api/tenable/plugins/mappings${query({ q, limit: 25, offset })}`);
  const [syncing, setSyncing] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  async function syncPlugins() {
    setSyncing(true);
    setError(undefined);
    try {
      const r = await api<{ processed?: number; created?: number; updated?: number }>('POST', '/api/tenable/plugins/sync', {});
      setResult(`Plugin catalogue synced: ${formatCount(r.processed ?? 0)} plugins processed.`);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setSyncing(false);
    }
  }

  return (
    <Card
      title={list.data ? `Plugin mappings (${formatCount(list.data.total)})` : 'Plugin mappings'}
      actions={
        <>
          <form
            className="row"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              updateParams({ plugin_q: text.trim() || null, plugin_offset: null }, { replace: true });
            }}
          >
            <input type="search" aria-label="Search plugins" placeholder="plugin id, CVE or name" value={text} onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="button">
              Search
            </button>
          </form>
          {auth.can('analyst') ? (
            <button type="button" className="button" disabled={syncing} onClick={() => void syncPlugins()}>
              {syncing ? 'Syncing plugins…' : 'Sync plugins now'}
            </button>
          ) : null}
        </>
      }
    >
      {result ? <Notice kind="success">{result}</Notice> : null}
      <ErrorNotice error={error ?? list.error} onRetry={list.error ? list.reload : undefined} />
      <LoadedView
        state={list}
        skeleton={{ rows: 6, columns: 5 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title={q ? 'No plugin matches' : 'No plugins known yet'}>Plugins arrive with imports and Tenable syncs, or with "Sync plugins now".</EmptyState>}
      >
        {(data) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th>Plugin</th>
                  <th>Name</th>
                  <th>Family</th>
                  <th className="num">VPR</th>
                  <th>CVEs</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((p) => (
                  <tr key={p.plugin_id}>
                    <td>
                      <Link href={`/findings?plugin=${encodeURIComponent(p.plugin_id)}`}>{p.plugin_id}</Link>
                    </td>
                    <td>{p.plugin_name}</td>
                    <td>{p.plugin_family ?? '—'}</td>
                    <td className="num">{formatDecimal(p.vpr_score)}</td>
                    <td>{p.cves.length === 0 ? '—' : p.cves.map((c) => c.cve_id).join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {data.total > 25 ? (
              <div className="row" style={{ marginTop: 10 }}>
                <button type="button" className="button small" disabled={offset === 0} onClick={() => updateParams({ plugin_offset: offset > 25 ? String(offset - 25) : null })}>
                  Previous
                </button>
                <button type="button" className="button small" disabled={offset + 25 >= data.total} onClick={() => updateParams({ plugin_offset: String(offset + 25) })}>
                  Next
                </button>
              </div>
            ) : null}
          </>
        )}
      </LoadedView>
    </Card>
  );
}

function ScanHistory() {
  const history = useApi<{ items: Record<string, unknown>[]; total: number }>('/api/tenable/scan-history?limit=20');
  return (
    <Card title="Scan and sync history">
      <ErrorNotice error={history.error} onRetry={history.reload} />
      <LoadedView
        state={history}
        skeleton={{ rows: 4, columns: 6 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="No syncs or scans yet">Start a sync above; each run is recorded here.</EmptyState>}
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Status</th>
                <th>Started</th>
                <th className="num">Assets</th>
                <th className="num">Findings</th>
                <th className="num">Minutes</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((h, i) => (
                <tr key={String(h.id ?? i)}>
                  <td>{String(h.scan_name ?? h.tenable_scan_id ?? '—')}</td>
                  <td>{String(h.scan_type ?? '—')}</td>
                  <td>
                    <StatusBadge status={String(h.status ?? '')} />
                  </td>
                  <td>{formatDate(h.scan_start_time as string)}</td>
                  <td className="num">{formatCount(h.assets_scanned as number)}</td>
                  <td className="num">{formatCount(h.vulnerabilities_discovered as number)}</td>
                  <td className="num">{formatDecimal(h.scan_duration_minutes as number)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </Card>
  );
}

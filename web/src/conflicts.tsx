/** Sync conflicts: where an import or sync disagreed with an analyst's work, and how to settle each. */
import { useState } from 'react';
import { api } from './api';
import { useAuth } from './auth';
import { Card, EmptyState, ErrorNotice, LoadedView, Notice, SeverityBadge } from './components';
import { formatDate, severityName } from './format';
import { useApi } from './hooks';
import { Link } from './router';

const RESOLUTIONS = ['Tenable Wins', 'HexTrackr Wins', 'Merge Both', 'Manual Intervention'] as const;

interface Conflict {
  id: number;
  finding_id: number;
  conflict_type: string;
  sync_action: string;
  import_id: number | null;
  detected_at: string;
  details: Record<string, unknown>;
  finding: { hostname: string | null; host_key: string; plugin_id: string; cve: string | null; severity: number; status: string };
}

export function ConflictsCard() {
  const auth = useAuth();
  const list = useApi<{ items: Conflict[]; total: number }>('/api/conflicts?resolved=false&limit=50');
  const [choice, setChoice] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);

  async function resolve(conflict: Conflict) {
    const resolution = choice[conflict.id] ?? RESOLUTIONS[1];
    setError(undefined);
    try {
      await api('POST', `/api/conflicts/${conflict.id}/resolve`, { resolution });
      setDone(`Conflict ${conflict.id} settled: ${resolution}.`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Card title={list.data ? `Open sync conflicts (${list.data.total})` : 'Open sync conflicts'}>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorNotice error={error ?? list.error} onRetry={list.error ? list.reload : undefined} />
      <LoadedView
        state={list}
        skeleton={{ rows: 3, columns: 5 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="No open conflicts">When an import disagrees with a finding's workflow (a remediated finding seen again, say), it waits here for a decision.</EmptyState>}
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>Finding</th>
                <th>Conflict</th>
                <th>Detected</th>
                <th>Details</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <SeverityBadge severity={severityName(c.finding.severity)} />{' '}
                    <Link href={`/findings?lifecycle=all&selected=${c.finding_id}`}>{c.finding.cve ?? `plugin ${c.finding.plugin_id}`}</Link>
                    <div className="muted small">
                      {c.finding.hostname ?? c.finding.host_key} · {c.finding.status}
                    </div>
                  </td>
                  <td>
                    {c.conflict_type}
                    <div className="muted small">{c.sync_action}</div>
                  </td>
                  <td>
                    {formatDate(c.detected_at)}
                    {c.import_id ? (
                      <div className="small">
                        <Link href={`/imports?report=${c.import_id}`}>import {c.import_id}</Link>
                      </div>
                    ) : null}
                  </td>
                  <td className="small">{Object.entries(c.details).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('; ') || '—'}</td>
                  <td>
                    {auth.can('analyst') ? (
                      <div className="row">
                        <select aria-label={`Resolution of conflict ${c.id}`} value={choice[c.id] ?? RESOLUTIONS[1]} onChange={(e) => setChoice({ ...choice, [c.id]: e.target.value })}>
                          {RESOLUTIONS.map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </select>
                        <button type="button" className="button small" onClick={() => void resolve(c)}>
                          Resolve
                        </button>
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
    </Card>
  );
}

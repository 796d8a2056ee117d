/** Assets: searchable list with open counts, one asset's detail and findings, and the Tenable correlation review queue. */
import { type FormEvent, useEffect, useState } from 'react';
import { api, query } from '../api';
import { useAuth } from '../auth';
import { Card, Dialog, EmptyState, ErrorNotice, Field, LoadedView, Notice, SeverityBadge, StatusBadge } from '../components';
import { formatCount, formatDecimal, severityName } from '../format';
import { useApi } from '../hooks';
import { Link, navigate, updateParams, useRoute } from '../router';

interface OpenCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  total: number;
  vpr_sum: number;
}
interface Asset {
  id: number;
  tenable_uuid: string | null;
  hostname: string | null;
  host_key: string;
  fqdn: string | null;
  netbios_name: string | null;
  ip_addresses: string[];
  mac_addresses: string[];
  operating_system: string | null;
  system_type: string | null;
  agent_installed: boolean;
  asset_criticality: string | null;
  correlation_method: string | null;
  correlation_confidence: number;
  first_seen: string;
  last_seen: string;
  open: OpenCounts;
}
type Row = Record<string, unknown>;

const PAGE = 50;

export default function AssetsPage() {
  const { params } = useRoute();
  const tab = params.get('tab') === 'review' ? 'review' : 'list';
  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Assets</h1>
      </div>
      <div className="tabs" role="tablist" aria-label="Asset views">
        <button type="button" role="tab" className="tab" aria-selected={tab === 'list'} onClick={() => navigate('/assets')}>
          All assets
        </button>
        <button type="button" role="tab" className="tab" aria-selected={tab === 'review'} onClick={() => navigate('/assets?tab=review')}>
          Correlation review
        </button>
      </div>
      {tab === 'list' ? <AssetList params={params} /> : <ReviewQueue />}
    </div>
  );
}

function AssetList({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const sortBy = params.get('sort_by') ?? 'hostname';
  const order = params.get('sort_order') === 'desc' ? 'desc' : 'asc';
  const selected = params.get('selected');
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const list = useApi<{ items: Asset[]; total: number }>(`/api/assets${query({ q, sort_by: sortBy, sort_order: order, limit: PAGE, offset })}`);

  function search(event: FormEvent) {
    event.preventDefault();
    updateParams({ q: text.trim() || null, offset: null });
  }
  const sortHeader = (key: string, label: string) => (
    <th aria-sort={sortBy === key ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button
        type="button"
        className="button ghost small"
        onClick={() => updateParams({ sort_by: key, sort_order: sortBy === key && order === 'asc' ? 'desc' : 'asc', offset: null })}
      >
        {label} {sortBy === key ? (order === 'asc' ? '▲' : '▼') : ''}
      </button>
    </th>
  );

  return (
    <div className={selected ? 'findings-layout with-detail' : 'findings-layout'}>
      <Card
        title={list.data ? `${formatCount(list.data.total)} assets` : 'Assets'}
        actions={
          <form className="row" onSubmit={search} role="search">
            <input type="search" aria-label="Search assets" placeholder="host name, IP or Tenable UUID" value={text} onChange={(e) => setText(e.target.value)} style={{ width: 260 }} />
            <button type="submit" className="button">
              Search
            </button>
          </form>
        }
      >
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <LoadedView
          state={list}
          skeleton={{ rows: 10, columns: 7 }}
          isEmpty={(data) => data.items.length === 0}
          empty={
            <EmptyState title={q ? 'No asset matches this search' : 'No assets yet'}>
              {q ? 'Try the start of a host name or an IP address.' : 'Assets appear when you import a scan or sync Tenable.'}
            </EmptyState>
          }
        >
          {(data) => (
            <>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      {sortHeader('hostname', 'Host')}
                      <th>IP addresses</th>
                      <th>Operating system</th>
                      <th className="num">Critical</th>
                      <th className="num">High</th>
                      <th className="num">Open</th>
                      <th className="num">VPR</th>
                      {sortHeader('last_seen', 'Last seen')}
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map((asset) => (
                      <tr key={asset.id} className="clickable" aria-selected={String(asset.id) === selected} onClick={() => updateParams({ selected: String(asset.id) })}>
                        <td>
                          <Link href={`/assets${query({ q, offset: offset || null, selected: asset.id })}`} onClick={(e) => e.stopPropagation()}>
                            {asset.hostname ?? asset.host_key}
                          </Link>
                        </td>
                        <td>{asset.ip_addresses.slice(0, 2).join(', ') || '—'}</td>
                        <td>{asset.operating_system ?? '—'}</td>
                        <td className="num">{formatCount(asset.open.critical)}</td>
                        <td className="num">{formatCount(asset.open.high)}</td>
                        <td className="num">{formatCount(asset.open.total)}</td>
                        <td className="num">{formatDecimal(asset.open.vpr_sum)}</td>
                        <td>{asset.last_seen}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager offset={offset} total={data.total} />
            </>
          )}
        </LoadedView>
      </Card>
      {selected ? <AssetDetail id={selected} /> : null}
    </div>
  );
}

function Pager({ offset, total }: { offset: number; total: number }) {
  if (total <= PAGE) return null;
  return (
    <div className="row" style={{ marginTop: 10 }}>
      <button type="button" className="button small" disabled={offset === 0} onClick={() => updateParams({ offset: offset - PAGE > 0 ? String(offset - PAGE) : null })}>
        Previous
      </button>
      <span className="muted small">
        {formatCount(offset + 1)}–{formatCount(Math.min(offset + PAGE, total))} of {formatCount(total)}
      </span>
      <button type="button" className="button small" disabled={offset + PAGE >= total} onClick={() => updateParams({ offset: String(offset + PAGE) })}>
        Next
      </button>
    </div>
  );
}

function AssetDetail({ id }: { id: string }) {
  const detail = useApi<Asset & { findings: { items: Row[]; total: number } }>(`/api/assets/${encodeURIComponent(id)}?limit=20`);
  const asset = detail.data;
  return (
    <aside className="card detail" aria-label="Asset detail">
      <header className="card-head">
        <h2>{asset ? (asset.hostname ?? asset.host_key) : 'Asset'}</h2>
        <button type="button" className="icon-button" aria-label="Close detail" onClick={() => updateParams({ selected: null })}>
          ×
        </button>
      </header>
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
      <LoadedView state={detail} skeleton={{ rows: 8, columns: 2 }}>
        {(asset) => (
          <div className="stack">
            <dl className="kv">
              <dt>FQDN</dt>
              <dd>{asset.fqdn ?? '—'}</dd>
              <dt>NetBIOS</dt>
              <dd>{asset.netbios_name ?? '—'}</dd>
              <dt>IP addresses</dt>
              <dd>{asset.ip_addresses.join(', ') || '—'}</dd>
              <dt>MAC addresses</dt>
              <dd>{asset.mac_addresses.join(', ') || '—'}</dd>
              <dt>Operating system</dt>
              <dd>{asset.operating_system ?? '—'}</dd>
              <dt>System type</dt>
              <dd>{asset.system_type ?? '—'}</dd>
              <dt>Tenable UUID</dt>
              <dd>{asset.tenable_uuid ?? '—'}</dd>
              <dt>Agent</dt>
              <dd>{asset.agent_installed ? 'installed' : 'no'}</dd>
              <dt>Criticality</dt>
              <dd>{asset.asset_criticality ?? '—'}</dd>
              <dt>Correlation</dt>
              <dd>
                {asset.correlation_method ?? '—'} ({asset.correlation_confidence} %)
              </dd>
              <dt>Seen</dt>
              <dd>
                {asset.first_seen} → {asset.last_seen}
              </dd>
            </dl>
            <div>
              <h3>
                Open findings ({formatCount(asset.findings.total)}) · <Link href={`/findings?asset=${asset.id}`}>open in the grid</Link>
              </h3>
              {asset.findings.items.length === 0 ? (
                <p className="muted">No open findings on this asset.</p>
              ) : (
                <table className="table">
                  <tbody>
                    {asset.findings.items.map((f) => (
                      <tr key={String(f.id)}>
                        <td>
                          <SeverityBadge severity={severityName(f.severity)} />
                        </td>
                        <td>
                          <Link href={`/findings?asset=${asset.id}&selected=${String(f.id)}`}>{String(f.cve ?? f.plugin_name ?? f.plugin_id)}</Link>
                        </td>
                        <td>
                          <StatusBadge status={f.status as string} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
        )}
      </LoadedView>
    </aside>
  );
}

interface Candidate {
  asset_id: number;
  confidence: number;
  method: string;
  matched_fields: string[];
  conflicting_fields: string[];
  hostname: string | null;
  fqdn: string | null;
  ip_addresses: string[];
  tenable_uuid: string | null;
}
interface ReviewItem {
  asset_id: number;
  tenable_uuid: string | null;
  hostname: string | null;
  fqdn: string | null;
  ip_addresses: string[];
  mac_addresses: string[];
  correlation_method: string | null;
  correlation_confidence: number;
  candidates: Candidate[];
}

function ReviewQueue() {
  const auth = useAuth();
  const queue = useApi<{ items: ReviewItem[]; total: number }>('/api/tenable/assets/correlation-review?limit=100');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [remapping, setRemapping] = useState<ReviewItem | null>(null);
  const canDecide = auth.can('analyst');

  async function decide(assetId: number, body: { tenable_uuid: string } | { reject: true }, message: string) {
    setError(undefined);
    try {
      await api('POST', `/api/tenable/assets/${assetId}/correlate`, body);
      setDone(message);
      queue.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Card title={queue.data ? `${formatCount(queue.data.total)} assets await a decision` : 'Correlation review'}>
      <p className="muted">
        A Tenable asset that could be one of several known assets waits here. Accept the right candidate, remap it to another asset by id, or reject the suggestion to keep it
        separate.
      </p>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorNotice error={error ?? queue.error} onRetry={queue.error ? queue.reload : undefined} />
      <LoadedView
        state={queue}
        skeleton={{ rows: 4, columns: 5 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="Nothing to review">Every Tenable asset is matched. New ambiguous matches appear here after a Tenable sync.</EmptyState>}
      >
        {(data) =>
          data.items.map((item) => (
            <div key={item.asset_id} className="card" style={{ marginBottom: 12 }} aria-label={`Review of ${item.hostname ?? item.tenable_uuid ?? item.asset_id}`}>
              <div className="row" style={{ justifyContent: 'space-between' }}>
                <div>
                  <strong>{item.hostname ?? item.fqdn ?? `asset ${item.asset_id}`}</strong>{' '}
                  <span className="muted small">
                    Tenable {item.tenable_uuid ?? '—'} · {item.ip_addresses.join(', ') || 'no IP'} · {item.correlation_method ?? 'unmatched'} ({item.correlation_confidence} %)
                  </span>
                </div>
                {canDecide ? (
                  <div className="row">
                    <button type="button" className="button small" onClick={() => setRemapping(item)}>
                      Remap…
                    </button>
                    <button type="button" className="button small danger" onClick={() => void decide(item.asset_id, { reject: true }, `Kept ${item.hostname ?? item.asset_id} as its own asset.`)}>
                      Reject
                    </button>
                  </div>
                ) : null}
              </div>
              {item.candidates.length === 0 ? (
                <p className="muted small">No candidate found: remap it by hand or reject.</p>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th>Candidate</th>
                      <th>IP addresses</th>
                      <th className="num">Confidence</th>
                      <th>Matched</th>
                      <th>Conflicting</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {item.candidates.map((c) => (
                      <tr key={c.asset_id}>
                        <td>
                          <Link href={`/assets?selected=${c.asset_id}`}>{c.hostname ?? c.fqdn ?? `asset ${c.asset_id}`}</Link>
                        </td>
                        <td>{c.ip_addresses.join(', ') || '—'}</td>
                        <td className="num">{c.confidence} %</td>
                        <td>{c.matched_fields.join(', ') || '—'}</td>
                        <td>{c.conflicting_fields.join(', ') || '—'}</td>
                        <td>
                          {canDecide && item.tenable_uuid ? (
                            <button
                              type="button"
                              className="button small primary"
                              onClick={() => void decide(c.asset_id, { tenable_uuid: item.tenable_uuid! }, `Matched ${c.hostname ?? c.asset_id} to Tenable asset ${item.tenable_uuid}.`)}
                            >
                              Accept
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))
        }
      </LoadedView>
      <Dialog title="Remap to another asset" open={remapping !== null} onClose={() => setRemapping(null)}>
        {remapping ? (
          <RemapForm
            item={remapping}
            onSubmit={async (assetId) => {
              await api('POST', `/api/tenable/assets/${assetId}/correlate`, { tenable_uuid: remapping.tenable_uuid });
              setRemapping(null);
              setDone(`Tenable asset ${remapping.tenable_uuid} now maps to asset ${assetId}.`);
              queue.reload();
            }}
          />
        ) : null}
      </Dialog>
    </Card>
  );
}

function RemapForm({ item, onSubmit }: { item: ReviewItem; onSubmit: (assetId: number) => Promise<void> }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const lookup = useApi<{ items: Asset[] }>(value.trim().length >= 2 && !/^\d+$/.test(value.trim()) ? `/api/assets${query({ q: value.trim(), limit: 8 })}` : null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const id = Number(value.trim());
    if (!Number.isInteger(id) || id < 1) return setError(new Error('Enter the id of the asset (a number), or pick one from the list.'));
    try {
      await onSubmit(id);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit}>
      <p>
        Tenable asset <code>{item.tenable_uuid}</code> ({item.hostname ?? 'no name'}) is the same machine as:
      </p>
      <Field label="Asset id or host name">
        <input autoFocus value={value} onChange={(e) => setValue(e.target.value)} />
      </Field>
      {lookup.data?.items.map((a) => (
        <button key={a.id} type="button" className="button small" style={{ margin: 2 }} onClick={() => setValue(String(a.id))}>
          {a.hostname ?? a.host_key} (#{a.id})
        </button>
      ))}
      <ErrorNotice error={error} />
      <div className="row" style={{ marginTop: 10 }}>
        <button type="submit" className="button primary">
          Remap
        </button>
      </div>
    </form>
  );
}


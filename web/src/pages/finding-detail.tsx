/** One finding: scanner data (read-only), workflow fields (editable), history, timeline, plugin and CVEs, correlation. */
import { isValidElement, type ReactNode, useMemo, useState } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { Chart, type ChartOption } from '../chart';
import { EmptyState, ErrorNotice, SeverityBadge, Skeleton, StatusBadge } from '../components';
import { formatDate, formatDecimal, severityName } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import { WorkflowForm, type WorkflowPatch } from '../workflow';

type Row = Record<string, unknown>;

interface Detail extends Row {
  finding?: Row;
  plugin?: Row | null;
  cves?: (string | Row)[];
  output?: string | null;
  asset?: Row | null;
  timeline?: Row[];
  snapshots?: Row[];
  history?: Row[];
}

const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

function KeyValues({ rows }: { rows: [string, unknown][] }) {
  return (
    <dl className="kv">
      {rows.map(([label, value]) => (
        <div key={label} style={{ display: 'contents' }}>
          <dt>{label}</dt>
          <dd>{isValidElement(value) ? (value as ReactNode) : text(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FindingDetail({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const auth = useAuth();
  const detail = useApi<Detail>(`/api/vulnerabilities/${encodeURIComponent(id)}`);
  const [tab, setTab] = useState<'overview' | 'workflow' | 'history' | 'plugin'>('overview');
  const data = detail.data;
  const finding: Row | undefined = data ? (data.finding ?? data) : undefined;

  async function save(patch: WorkflowPatch) {
    await api('PATCH', `/api/vulnerabilities/${encodeURIComponent(id)}`, patch);
    detail.reload();
    onChanged();
  }

  return (
    <aside className="card detail" aria-label="Finding detail">
      <header className="card-head">
        <h2>{finding ? `${text(finding.cve ?? finding.plugin_name ?? `Plugin ${String(finding.plugin_id)}`)}` : 'Finding'}</h2>
        <button type="button" className="icon-button" aria-label="Close detail" onClick={onClose}>
          ×
        </button>
      </header>
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
      {!finding ? (
        detail.error ? null : (
          <div aria-busy="true">
            <Skeleton height={20} width="70%" />
            <div style={{ height: 10 }} />
            <Skeleton height={260} />
          </div>
        )
      ) : (
        <>
          <div className="row" style={{ marginBottom: 10 }}>
            <SeverityBadge severity={severityName(finding.severity)} />
            <StatusBadge status={finding.status as string} />
            <span className="muted">VPR {formatDecimal(finding.vpr_score as number)}</span>
            {finding.lifecycle === 'resolved' ? <span className="badge status-remediated">resolved {text(finding.resolved_on)}</span> : null}
          </div>
          <div className="tabs" role="tablist" aria-label="Finding sections">
            {(['overview', 'workflow', 'history', 'plugin'] as const).map((t) => (
              <button key={t} type="button" role="tab" className="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
                {t === 'overview' ? 'Scanner data' : t === 'workflow' ? 'Workflow' : t === 'history' ? 'History' : 'Plugin & CVEs'}
              </button>
            ))}
          </div>
          {tab === 'overview' ? <Overview finding={finding} data={data!} /> : null}
          {tab === 'workflow' ? (
            <WorkflowForm key={id} initial={finding} disabled={!auth.can('analyst')} submitLabel="Save workflow" onSubmit={save} />
          ) : null}
          {tab === 'history' ? <History id={id} data={data!} /> : null}
          {tab === 'plugin' ? <PluginInfo finding={finding} data={data!} /> : null}
        </>
      )}
    </aside>
  );
}

function Overview({ finding, data }: { finding: Row; data: Detail }) {
  const asset = data.asset ?? null;
  return (
    <div className="stack">
      <KeyValues
        rows={[
          ['Host', finding.hostname],
          ['IP address', finding.ip_address],
          ['Ports', finding.ports],
          ['Plugin', `${text(finding.plugin_id)} ${finding.plugin_name ? `— ${String(finding.plugin_name)}` : ''}`],
          ['CVE', finding.cve],
          ['CVSS v3 / v2', `${text(finding.cvss3_base_score)} / ${text(finding.cvss_base_score)}`],
          ['Scanner state', finding.scanner_state],
          ['First seen', formatDate(finding.first_seen as string)],
          ['Last seen', formatDate(finding.last_seen as string)],
          ['Reopened', finding.reopened_count],
        ]}
      />
      <Timeline data={data} />
      <div>
        <h3>Plugin output</h3>
        {data.output ? <pre className="output">{data.output}</pre> : <p className="muted">The scanner sent no output for this finding.</p>}
      </div>
      <div>
        <h3>Asset and correlation</h3>
        <KeyValues
          rows={[
            ['Asset', asset ? <Link key="a" href={`/assets?selected=${String(asset.id)}`}>{text(asset.hostname ?? asset.host_key)}</Link> : finding.asset_id],
            ['Tenable UUID', asset?.tenable_uuid],
            ['Operating system', asset?.operating_system],
            ['Correlation', finding.correlation_method ?? asset?.correlation_method],
            ['Confidence', finding.correlation_confidence ?? asset?.correlation_confidence],
            ['Needs review', finding.manual_review_required ? 'yes' : 'no'],
            ['Notes', finding.correlation_notes],
          ]}
        />
      </div>
    </div>
  );
}

function Timeline({ data }: { data: Detail }) {
  const points = data.snapshots ?? data.timeline ?? [];
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 40, right: 12, top: 16, bottom: 24 },
      xAxis: { type: 'category', data: points.map((p) => String(p.scan_date ?? p.scanDate)) },
      yAxis: { type: 'value', name: 'VPR', min: 0, max: 10 },
      series: [{ type: 'line', step: 'end', name: 'VPR', data: points.map((p) => Number(p.vpr_score ?? p.vpr ?? 0)), symbolSize: 6 }],
    }),
    [points],
  );
  return (
    <div>
      <h3>Seen on {points.length} scan date{points.length === 1 ? '' : 's'}</h3>
      {points.length === 0 ? <p className="muted">No snapshots recorded.</p> : <Chart option={option} height={150} label="VPR of this finding across scan dates" />}
    </div>
  );
}

function History({ id, data }: { id: string; data: Detail }) {
  const separate = useApi<{ items: Row[] } | Row[]>(data.history ? null : `/api/vulnerabilities/${encodeURIComponent(id)}/history`);
  const items = data.history ?? (Array.isArray(separate.data) ? separate.data : (separate.data?.items ?? []));
  if (separate.error) return <ErrorNotice error={separate.error} onRetry={separate.reload} />;
  if (!data.history && separate.data === undefined) return <Skeleton height={120} />;
  if (items.length === 0) return <EmptyState title="No changes yet">Workflow changes (status, assignee, reasons) are recorded here.</EmptyState>;
  return (
    <ol className="table" style={{ paddingLeft: 18 }}>
      {items.map((item, i) => (
        <li key={i} style={{ marginBottom: 8 }}>
          <strong>{text(item.changed_by ?? item.actor ?? item.user)}</strong> <span className="muted">{formatDate(String(item.changed_at ?? item.at ?? item.created_at ?? ''))}</span>
          <div>
            {item.field ? (
              <>
                {String(item.field)}: <span className="muted">{text(item.old_value ?? item.from)}</span> → {text(item.new_value ?? item.to)}
              </>
            ) : (
              text(item.summary ?? item.action ?? JSON.stringify(item.changes ?? item))
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function PluginInfo({ finding, data }: { finding: Row; data: Detail }) {
  const plugin = data.plugin ?? {};
  const cves = (data.cves ?? []).map((c) => (typeof c === 'string' ? c : String(c.cve_id ?? c.cve)));
  return (
    <div className="stack">
      <KeyValues
        rows={[
          ['Plugin', `${text(finding.plugin_id)} — ${text(plugin.plugin_name ?? finding.plugin_name)}`],
          ['Family', plugin.plugin_family],
          ['Risk factor', plugin.risk_factor],
          ['Exploit available', plugin.exploit_available ? 'yes' : 'no'],
          ['Published', plugin.vulnerability_publication_date],
          ['Patch published', plugin.patch_publication_date],
        ]}
      />
      {plugin.synopsis ? <p>{String(plugin.synopsis)}</p> : null}
      {plugin.description ? (
        <div>
          <h3>Description</h3>
          <pre className="output">{String(plugin.description)}</pre>
        </div>
      ) : null}
      {plugin.solution ? (
        <div>
          <h3>Solution</h3>
          <pre className="output">{String(plugin.solution)}</pre>
        </div>
      ) : null}
      <div>
        <h3>CVEs</h3>
        {cves.length === 0 ? (
          <p className="muted">No CVE is linked to this plugin.</p>
        ) : (
          <p>
            {cves.map((cve) => (
              <span key={cve} style={{ marginRight: 8 }}>
                <Link href={`/findings?cve=${encodeURIComponent(cve)}`}>{cve}</Link>
              </span>
            ))}
          </p>
        )}
      </div>
    </div>
  );
}


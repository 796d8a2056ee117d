/** Dashboard: severity cards, trends, daily churn, top hosts and CVEs, SLA compliance. Every figure opens the findings it counts. */
import { useMemo } from 'react';
import { query } from '../api';
import { Chart, type ChartOption } from '../chart';
import { Card, EmptyState, ErrorNotice, LoadedView, Skeleton } from '../components';
import { daysAgo, formatCount, formatDecimal, formatSigned, SEVERITIES, type SeverityName } from '../format';
import { useApi } from '../hooks';
import { Link, navigate, updateParams, useRoute } from '../router';

interface Figure {
  count: number;
  vpr: number;
}
interface DayTotals {
  scanDate: string;
  total: Figure;
  bySeverity: Record<SeverityName, Figure>;
  newCount: number;
  resolvedCount: number;
  reopenedCount: number;
}
interface Summary {
  latest: DayTotals | null;
  previous: DayTotals | null;
  change: { total: Figure; bySeverity: Record<SeverityName, Figure> } | null;
}

const COLORS: Record<SeverityName, string> = { Critical: '#d32f2f', High: '#f57c00', Medium: '#e0b000', Low: '#388e3c', Info: '#5c7fb8' };
/** Ranges end at the latest scan date (not today), so an estate scanned long ago still shows its trend. */
const RANGES = [
  { id: '30d', label: '30 days', days: 30 },
  { id: '90d', label: '90 days', days: 90 },
  { id: '1y', label: '1 year', days: 365 },
  { id: 'all', label: 'All', days: null },
] as const;

function rangeStart(latest: string | undefined, days: number | null): string | undefined {
  if (days === null) return undefined;
  if (!latest) return daysAgo(days);
  return new Date(Date.parse(latest) - days * 86_400_000).toISOString().slice(0, 10);
}

function findingsUrl(params: Record<string, string>): string {
  return `/findings${query(params)}`;
}

export default function DashboardPage() {
  const summary = useApi<Summary>('/api/dashboard/summary');
  const latest = summary.data?.latest;
  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Dashboard</h1>
        <span className="muted">
          {latest ? `Latest scan date ${latest.scanDate}${summary.data?.previous ? `, compared with ${summary.data.previous.scanDate}` : ''}` : '\u00a0'}
        </span>
      </div>
      <ErrorNotice error={summary.error} onRetry={summary.reload} />
      {summary.data && !latest ? (
        <Card>
          <EmptyState title="No scan data yet" action={<Link className="button primary" href="/imports">Import a scan</Link>}>
            Import a Tenable or Nessus export on the Imports page (or run a Tenable sync) and the figures appear here.
          </EmptyState>
        </Card>
      ) : (
        <SeverityCards summary={summary.data} />
      )}
      {summary.data || summary.error ? <Trends latest={latest?.scanDate} /> : <div className="grid-2"><Skeleton height={340} /><Skeleton height={340} /></div>}
      <div className="grid-2">
        <TopList
          title="Top hosts"
          path="/api/dashboard/top-hosts?limit=10"
          columns={[
            ['Host', (row) => String(row.hostname ?? row.host_key ?? '')],
            ['Open', (row) => formatCount(num(row.total))],
            ['Critical', (row) => formatCount(num(row.critical))],
            ['VPR', (row) => formatDecimal(num(row.vpr_sum))],
          ]}
          href={(row) => findingsUrl({ asset: String(row.asset_id ?? row.hostname ?? '') })}
        />
        <TopList
          title="Top CVEs"
          path="/api/dashboard/top-cves?limit=10"
          columns={[
            ['CVE', (row) => String(row.cve ?? '')],
            ['Findings', (row) => formatCount(num(row.findings))],
            ['Hosts', (row) => formatCount(num(row.hosts))],
            ['Worst', (row) => String(row.max_severity ?? '—')],
          ]}
          href={(row) => findingsUrl({ cve: String(row.cve ?? '') })}
        />
      </div>
      <Sla />
    </div>
  );
}

function SeverityCards({ summary }: { summary: Summary | undefined }) {
  return (
    <div className="severity-cards">
      {SEVERITIES.map((severity) => {
        const figure = summary?.latest?.bySeverity[severity];
        const change = summary?.change?.bySeverity[severity];
        return (
          <button
            key={severity}
            type="button"
            className={`card severity-card sev-${severity.toLowerCase()}`}
            aria-label={`${severity}: ${figure ? formatCount(figure.count) : 'loading'} open findings; show them`}
            onClick={() => navigate(findingsUrl({ severity: severity.toLowerCase() }))}
          >
            <span className="label">{severity}</span>
            {figure ? (
              <>
                <span className="count">{formatCount(figure.count)}</span>
                <span className="sub">
                  VPR {formatDecimal(figure.vpr)}
                  {change ? (
                    <>
                      {' · '}
                      <span className={change.count > 0 ? 'up' : change.count < 0 ? 'down' : ''} title="Change since the previous scan date">
                        {formatSigned(change.count)}
                      </span>{' '}
                      <span className="muted">({formatSigned(change.vpr, 1)} VPR)</span>
                    </>
                  ) : null}
                </span>
              </>
            ) : (
              <>
                <Skeleton width="60%" height={30} />
                <Skeleton width="80%" height={14} />
              </>
            )}
          </button>
        );
      })}
    </div>
  );
}

function Trends({ latest }: { latest: string | undefined }) {
  const { params } = useRoute();
  const range = RANGES.find((r) => r.id === params.get('range')) ?? RANGES[1]!;
  const metric = params.get('metric') === 'vpr' ? 'vpr' : 'count';
  const from = rangeStart(latest, range.days);
  const trends = useApi<{ items: DayTotals[] }>(`/api/dashboard/trends${query({ from })}`);
  const items = trends.data?.items ?? [];

  const severityOption = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: items.map((d) => d.scanDate) },
      yAxis: { type: 'value', name: metric === 'vpr' ? 'VPR' : 'findings' },
      series: SEVERITIES.map((severity) => ({
        name: severity,
        type: 'line',
        stack: 'total',
        areaStyle: { opacity: 0.25 },
        symbolSize: 5,
        color: COLORS[severity],
        data: items.map((d) => (metric === 'vpr' ? d.bySeverity[severity].vpr : d.bySeverity[severity].count)),
      })),
    }),
    [items, metric],
  );

  const churnOption = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: items.map((d) => d.scanDate) },
      yAxis: { type: 'value' },
      series: [
        { name: 'New', type: 'bar', color: '#d32f2f', data: items.map((d) => d.newCount) },
        { name: 'Resolved', type: 'bar', color: '#388e3c', data: items.map((d) => d.resolvedCount) },
        { name: 'Reopened', type: 'bar', color: '#f57c00', data: items.map((d) => d.reopenedCount) },
      ],
    }),
    [items],
  );

  const controls = (
    <>
      <div className="segmented" role="group" aria-label="Range">
        {RANGES.map((r) => (
          <button key={r.id} type="button" className="button small" aria-pressed={r.id === range.id} onClick={() => updateParams({ range: r.id }, { replace: true })}>
            {r.label}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Measure">
        <button type="button" className="button small" aria-pressed={metric === 'count'} onClick={() => updateParams({ metric: null }, { replace: true })}>
          Counts
        </button>
        <button type="button" className="button small" aria-pressed={metric === 'vpr'} onClick={() => updateParams({ metric: 'vpr' }, { replace: true })}>
          VPR
        </button>
      </div>
    </>
  );

  const body = (chart: ChartOption, label: string, onClick?: (date: string, series: string) => void) =>
    trends.data === undefined ? (
      <Skeleton height={280} />
    ) : items.length === 0 ? (
      <div style={{ height: 280 }}>
        <EmptyState title="No scan dates in this range">Choose a longer range, or import scans for more dates.</EmptyState>
      </div>
    ) : (
      <Chart option={chart} label={label} onClick={onClick ? (p) => onClick(String(p.name), String(p.seriesName ?? '')) : undefined} />
    );

  return (
    <div className="grid-2">
      <Card title="Open findings per scan date" actions={controls}>
        <ErrorNotice error={trends.error} onRetry={trends.reload} />
        {body(severityOption, `Trend of ${metric === 'vpr' ? 'VPR' : 'finding counts'} per severity`, (_date, series) =>
          navigate(findingsUrl(series ? { severity: series.toLowerCase() } : {})),
        )}
      </Card>
      <Card title="New, resolved and reopened per day">
        {body(churnOption, 'New, resolved and reopened findings per scan date', (date, series) =>
          navigate(findingsUrl(series === 'Resolved' ? { lifecycle: 'resolved', last_seen_before: date } : { first_seen_after: date, lifecycle: 'all' })),
        )}
      </Card>
    </div>
  );
}

type Row = Record<string, unknown>;

function TopList({ title, path, columns, href }: { title: string; path: string; columns: [string, (row: Row) => string][]; href: (row: Row) => string }) {
  const list = useApi<{ items: Row[] }>(path);
  return (
    <Card title={title}>
      {list.error ? (
        <ErrorNotice error={list.error} onRetry={list.reload} />
      ) : (
        <LoadedView
          state={list}
          skeleton={{ rows: 10, columns: columns.length }}
          isEmpty={(data) => data.items.length === 0}
          empty={<EmptyState title="Nothing to rank yet">Import a scan; the worst offenders show up here.</EmptyState>}
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  {columns.map(([label], i) => (
                    <th key={label} className={i > 0 ? 'num' : undefined}>
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((row, r) => (
                  <tr key={r} className="clickable" onClick={() => navigate(href(row))}>
                    {columns.map(([label, cell], i) =>
                      i === 0 ? (
                        <td key={label}>
                          <Link href={href(row)} onClick={(e) => e.stopPropagation()}>
                            {cell(row) || '—'}
                          </Link>
                        </td>
                      ) : (
                        <td key={label} className="num">
                          {cell(row)}
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </LoadedView>
      )}
    </Card>
  );
}

function num(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

interface SlaFigure {
  open: number;
  overdue: number;
  within_sla: number;
  no_due_date: number;
  compliance_percent: number | null;
}

function Sla() {
  const sla = useApi<{ today: string; bySeverity: (SlaFigure & { severity: string })[]; total: SlaFigure }>('/api/dashboard/sla');
  const percent = (value: number | null) => (value === null ? '—' : `${formatDecimal(value)} %`);
  return (
    <Card title="SLA compliance" actions={sla.data ? <span className="muted small">overdue as of {sla.data.today}</span> : null}>
      {sla.error ? (
        <ErrorNotice error={sla.error} onRetry={sla.reload} />
      ) : (
        <LoadedView
          state={sla}
          skeleton={{ rows: 6, columns: 6 }}
          isEmpty={(data) => data.total.open === 0}
          empty={<EmptyState title="No open findings to measure">Import a scan; due dates come from the SLA policy under Admin.</EmptyState>}
        >
          {(data) => (
            <table className="table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th className="num">Open</th>
                  <th className="num">Within SLA</th>
                  <th className="num">Overdue</th>
                  <th className="num">No due date</th>
                  <th className="num">Compliance</th>
                </tr>
              </thead>
              <tbody>
                {[...data.bySeverity, { ...data.total, severity: 'All' }].map((row) => (
                  <tr key={row.severity}>
                    <td>{row.severity === 'All' ? <strong>All</strong> : row.severity}</td>
                    <td className="num">{formatCount(row.open)}</td>
                    <td className="num">{formatCount(row.within_sla)}</td>
                    <td className="num">
                      {row.overdue > 0 ? (
                        <Link href={findingsUrl({ ...(row.severity === 'All' ? {} : { severity: row.severity.toLowerCase() }), overdue: 'true' })}>{formatCount(row.overdue)}</Link>
                      ) : (
                        '0'
                      )}
                    </td>
                    <td className="num">{formatCount(row.no_due_date)}</td>
                    <td className="num">{percent(row.compliance_percent)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </LoadedView>
      )}
    </Card>
  );
}

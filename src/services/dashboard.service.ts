/**
 * Dashboard figures. Summary and trends come from the daily totals the rollover maintains
 * (cheap at any size); the current-state figures (the spec's vulnerability_dashboard_summary,
 * top lists, SLA) aggregate the active findings through covering indexes.
 */
import type { DatabaseHandle } from '../db/database.ts';
import {
  activeCountsBySeverity,
  latestDailyTotals,
  latestScanDate,
  listDailyTotals,
  slaFigures,
  topCves,
  topPlugins,
  workflowFigures,
} from '../db/repositories/totals.repository.ts';
import type { DailyTotalsRow } from '../db/schema.ts';
import { CLOSED_STATUSES, todayUtc, WORKFLOW_STATUSES } from '../domain/finding-query.ts';
import { SEVERITY_NAMES, severityName, type SeverityLevel, type SeverityName } from '../shared/severity.ts';
import type { AssetsQueryService, HostSummaryItem } from './assets-query.service.ts';
import type { ImportGenerationCache } from './import-generation-cache.ts';

export interface SeverityFigure {
  count: number;
  vpr: number;
}

export interface DayTotals {
  scanDate: string;
  total: SeverityFigure;
  bySeverity: Record<SeverityName, SeverityFigure>;
  newCount: number;
  resolvedCount: number;
  reopenedCount: number;
}

export interface DashboardSummary {
  latest: DayTotals | null;
  previous: DayTotals | null;
  /** latest minus previous, per severity; null without two scan dates. */
  change: { total: SeverityFigure; bySeverity: Record<SeverityName, SeverityFigure> } | null;
}

const COLUMN_PREFIX: Record<SeverityName, string> = { Critical: 'critical', High: 'high', Medium: 'medium', Low: 'low', Info: 'info' };

function toDay(row: DailyTotalsRow): DayTotals {
  const record = row as unknown as Record<string, unknown>;
  const bySeverity = {} as Record<SeverityName, SeverityFigure>;
  for (const name of SEVERITY_NAMES) {
    const prefix = COLUMN_PREFIX[name];
    bySeverity[name] = { count: Number(record[`${prefix}_count`]), vpr: round(Number(record[`${prefix}_vpr`])) };
  }
  return {
    scanDate: row.scan_date,
    total: { count: Number(row.total_count), vpr: round(Number(row.total_vpr)) },
    bySeverity,
    newCount: Number(row.new_count),
    resolvedCount: Number(row.resolved_count),
    reopenedCount: Number(row.reopened_count),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function difference(a: SeverityFigure, b: SeverityFigure): SeverityFigure {
  return { count: a.count - b.count, vpr: round(a.vpr - b.vpr) };
}

/** The spec's vulnerability_dashboard_summary, over the current (active) findings. */
export interface VulnerabilityDashboardSummary {
  total_vulnerabilities: number;
  critical_count: number;
  high_count: number;
  medium_count: number;
  low_count: number;
  info_count: number;
  new_count: number;
  assigned_count: number;
  in_progress_count: number;
  remediated_count: number;
  false_positive_count: number;
  accepted_risk_count: number;
  retest_requested_count: number;
  avg_correlation_confidence: number | null;
  manual_review_count: number;
  most_recent_scan: string | null;
}

export interface SlaSeverityFigure {
  severity: SeverityName;
  /** Active findings not Remediated / False Positive / Accepted Risk. */
  open: number;
  overdue: number;
  within_sla: number;
  no_due_date: number;
  /** within_sla / (within_sla + overdue), in percent; null when none has a due date. */
  compliance_percent: number | null;
}

const statusKey = (status: string) => `${status.toLowerCase().replace(/\s+/g, '_')}_count`;

export class DashboardService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly assets?: AssetsQueryService,
    private readonly cache?: ImportGenerationCache,
  ) {}

  /** Top lists read scanner-owned fields only: kept until the next import. */
  private cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return this.cache ? this.cache.get(key, compute) : compute();
  }

  async vulnerabilitySummary(): Promise<VulnerabilityDashboardSummary> {
    // Severity counts read scanner-owned data only (kept until the next import); workflow figures are always live.
    const bySeverity = await this.cached('active.by-severity', () => activeCountsBySeverity(this.database.db));
    const total = Object.values(bySeverity).reduce((sum, n) => sum + n, 0);
    const [figures, mostRecent] = await Promise.all([workflowFigures(this.database.db, total), latestScanDate(this.database.db)]);
    const summary = {
      total_vulnerabilities: total,
      critical_count: bySeverity[4] ?? 0,
      high_count: bySeverity[3] ?? 0,
      medium_count: bySeverity[2] ?? 0,
      low_count: bySeverity[1] ?? 0,
      info_count: bySeverity[0] ?? 0,
    } as Record<string, unknown>;
    for (const status of WORKFLOW_STATUSES) summary[statusKey(status)] = figures.byStatus[status] ?? 0;
    summary.avg_correlation_confidence = figures.avgCorrelationConfidence === null ? null : round(figures.avgCorrelationConfidence);
    summary.manual_review_count = figures.manualReviewCount;
    summary.most_recent_scan = mostRecent;
    return summary as unknown as VulnerabilityDashboardSummary;
  }

  async topHosts(limit: number): Promise<HostSummaryItem[]> {
    if (!this.assets) throw new Error('DashboardService needs the assets service for top hosts');
    return (await this.assets.hostsSummary({ sortBy: 'risk', limit, offset: 0 })).items;
  }

  async topCves(limit: number) {
    return (await this.cached(`top.cves:${limit}`, () => topCves(this.database.db, limit))).map((r) => ({ ...r, max_severity: severityName(r.max_severity as SeverityLevel) }));
  }

  async topPlugins(limit: number) {
    return (await this.cached(`top.plugins:${limit}`, () => topPlugins(this.database.db, limit))).map((r) => ({ ...r, max_severity: severityName(r.max_severity as SeverityLevel) }));
  }

  /** Open overdue and within-SLA findings per severity, by their due dates (set by users or the SLA policy). */
  async sla(today: string = todayUtc()): Promise<{ today: string; bySeverity: SlaSeverityFigure[]; total: Omit<SlaSeverityFigure, 'severity'> }> {
    const rows = new Map((await slaFigures(this.database.db, today, CLOSED_STATUSES)).map((r) => [r.severity, r]));
    const figure = (open: number, overdue: number, within: number, noDue: number) => ({
      open,
      overdue,
      within_sla: within,
      no_due_date: noDue,
      compliance_percent: within + overdue === 0 ? null : round((within * 100) / (within + overdue)),
    });
    const bySeverity = ([4, 3, 2, 1, 0] as const).map((level) => {
      const r = rows.get(level);
      return { severity: severityName(level), ...figure(r?.open ?? 0, r?.overdue ?? 0, r?.within ?? 0, r?.no_due_date ?? 0) };
    });
    const sum = (key: 'open' | 'overdue' | 'within_sla' | 'no_due_date') => bySeverity.reduce((acc, f) => acc + f[key], 0);
    return { today, bySeverity, total: figure(sum('open'), sum('overdue'), sum('within_sla'), sum('no_due_date')) };
  }

  /** Daily totals change only when an import completes: kept until then. */
  async trends(range: { from?: string | undefined; to?: string | undefined }): Promise<DayTotals[]> {
    return this.cached(`trends:${range.from ?? ''}:${range.to ?? ''}`, async () => (await listDailyTotals(this.database.db, range)).map(toDay));
  }

  async summary(): Promise<DashboardSummary> {
    return this.cached('summary', () => this.computeSummary());
  }

  private async computeSummary(): Promise<DashboardSummary> {
    const [latestRow, previousRow] = await latestDailyTotals(this.database.db);
    const latest = latestRow ? toDay(latestRow) : null;
    const previous = previousRow ? toDay(previousRow) : null;
    if (!latest || !previous) return { latest, previous, change: null };
    const bySeverity = {} as Record<SeverityName, SeverityFigure>;
    for (const name of SEVERITY_NAMES) bySeverity[name] = difference(latest.bySeverity[name], previous.bySeverity[name]);
    return { latest, previous, change: { total: difference(latest.total, previous.total), bySeverity } };
  }
}

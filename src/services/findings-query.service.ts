/**
 * The read side of the findings API: search (filters, whitelisted sort, offset or keyset
 * cursor, total), one finding's detail, and export batches that keep memory flat.
 */
import type { DatabaseHandle } from '../db/database.ts';
import {
  countFindings,
  findingBatchAfter,
  findingById,
  findingOutput,
  findingPageIds,
  findingRows,
  findingSnapshots,
  pluginById,
  pluginCves,
  type FindingListRow,
} from '../db/repositories/findings-query.repository.ts';
import { assetRow, type AssetRow } from '../db/repositories/assets-query.repository.ts';
import { countFindingHistory, findingHistory } from '../db/repositories/workflow.repository.ts';
import { DomainError } from '../domain/errors.ts';
import { decodeCursor, encodeCursor, type FindingFilter, type FindingSort } from '../domain/finding-query.ts';
import { severityName, type SeverityLevel, type SeverityName } from '../shared/severity.ts';
import type { ImportGenerationCache } from './import-generation-cache.ts';

/** A listed finding as the API returns it: the row, with its severity named, tags parsed and flags as booleans. */
export type FindingItem = Omit<FindingListRow, 'custom_tags' | 'manual_review_required'> & {
  severity_name: SeverityName;
  custom_tags: string[];
  manual_review_required: boolean;
};

export interface FindingSearch {
  filter: FindingFilter;
  sort: FindingSort;
  limit: number;
  offset: number;
  cursor?: string | undefined;
}

export interface FindingPage {
  items: FindingItem[];
  total: number;
  /** Pass back as `cursor` (same filters and sort) for the next page; null on the last page. */
  next_cursor: string | null;
}

export interface FindingDetail extends FindingItem {
  plugin: {
    plugin_id: string;
    plugin_name: string;
    plugin_family: string | null;
    synopsis: string | null;
    description: string | null;
    solution: string | null;
    see_also: string[];
    cvss_base_score: number | null;
    cvss3_base_score: number | null;
    vpr_score: number | null;
    exploit_available: boolean;
    exploit_ease: string | null;
    risk_factor: string | null;
    patch_publication_date: string | null;
    vulnerability_publication_date: string | null;
    plugin_modification_date: string | null;
  } | null;
  cves: { cve_id: string; correlation_confidence: number; correlation_source: string }[];
  output: string | null;
  asset: AssetView | null;
  /** The finding on every scan date that saw it, oldest first. */
  snapshots: { scan_date: string; severity: number; severity_name: SeverityName; vpr_score: number | null; import_id: number }[];
  /** Workflow changes, oldest first (at most DETAIL_HISTORY_LIMIT; history_total counts them all). */
  history: { id: number; changed_at: string; changed_by: string; source: 'user' | 'import' | 'sync' | 'system'; field: string; old_value: string | null; new_value: string | null }[];
  history_total: number;
}

/** An asset as the API shows it (its list, its detail, and a finding's detail). */
export interface AssetView {
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
  tags: unknown[];
  asset_criticality: string | null;
  correlation_method: string | null;
  correlation_confidence: number;
  first_seen: string;
  last_seen: string;
}

export function toAssetView(row: AssetRow): AssetView {
  return {
    id: Number(row.id),
    tenable_uuid: row.tenable_uuid,
    hostname: row.hostname,
    host_key: row.host_key,
    fqdn: row.fqdn,
    netbios_name: row.netbios_name,
    ip_addresses: jsonArray(row.ip_addresses).map(String),
    mac_addresses: jsonArray(row.mac_addresses).map(String),
    operating_system: row.operating_system,
    system_type: row.system_type,
    agent_installed: Number(row.agent_installed) === 1,
    tags: jsonArray(row.tags),
    asset_criticality: row.asset_criticality,
    correlation_method: row.correlation_method,
    correlation_confidence: Number(row.correlation_confidence),
    first_seen: row.first_seen,
    last_seen: row.last_seen,
  };
}

export function jsonArray(text: string | null | undefined): unknown[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function toFindingItem(row: FindingListRow): FindingItem {
  return {
    id: Number(row.id),
    asset_id: numberOrNull(row.asset_id),
    hostname: row.hostname,
    host_key: row.host_key,
    ip_address: row.ip_address,
    plugin_id: row.plugin_id,
    plugin_name: row.plugin_name,
    plugin_family: row.plugin_family,
    cve: row.cve,
    severity: Number(row.severity),
    severity_name: severityName(Number(row.severity) as SeverityLevel),
    vpr_score: numberOrNull(row.vpr_score),
    cvss_base_score: numberOrNull(row.cvss_base_score),
    cvss3_base_score: numberOrNull(row.cvss3_base_score),
    ports: row.ports,
    scanner_state: row.scanner_state,
    first_seen: row.first_seen,
    last_seen: row.last_seen,
    lifecycle: row.lifecycle,
    resolved_on: row.resolved_on,
    reopened_count: Number(row.reopened_count),
    status: row.status,
    assigned_to: row.assigned_to,
    assigned_team: row.assigned_team,
    priority: row.priority,
    due_date: row.due_date,
    remediation_date: row.remediation_date,
    false_positive_reason: row.false_positive_reason,
    accepted_risk_reason: row.accepted_risk_reason,
    accepted_risk_expires: row.accepted_risk_expires,
    business_justification: row.business_justification,
    remediation_notes: row.remediation_notes,
    custom_tags: jsonArray(row.custom_tags).map(String),
    sla_breach_date: row.sla_breach_date,
    last_modified_by: row.last_modified_by,
    last_modified_at: row.last_modified_at,
    correlation_method: row.correlation_method,
    correlation_confidence: Number(row.correlation_confidence),
    manual_review_required: Number(row.manual_review_required) === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export const EXPORT_BATCH = 1000;

/** The filter involves only scanner-owned fields, so its total changes only when an import completes. */
function scannerOnly(filter: FindingFilter): boolean {
  return (
    filter.status === undefined &&
    filter.assignee === undefined &&
    filter.overdue === undefined &&
    filter.correlationConfidenceMin === undefined &&
    filter.manualReviewRequired === undefined
  );
}

/** The detail carries the oldest changes; the rest is paged at GET /api/vulnerabilities/:id/history. */
const DETAIL_HISTORY_LIMIT = 200;

export class FindingsQueryService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly cache?: ImportGenerationCache,
  ) {}

  /** Counting is most of a page's cost at 1M findings; totals of scanner-only filters are kept until the next import. */
  private total(filter: FindingFilter): Promise<number> {
    if (!this.cache || !scannerOnly(filter)) return countFindings(this.database.db, filter);
    const { today: _today, ...key } = filter;
    return this.cache.get(`findings.total:${JSON.stringify(key)}`, () => countFindings(this.database.db, filter));
  }

  async search(search: FindingSearch): Promise<FindingPage> {
    const after = search.cursor ? decodeCursor(search.cursor, search.sort) : undefined;
    if (after && search.offset > 0) {
      throw new DomainError('validation_error', 'send either cursor or offset, not both', { field: 'offset' });
    }
    const db = this.database.db;
    const [page, total] = await Promise.all([
      findingPageIds(db, { filter: search.filter, sort: search.sort, limit: search.limit + 1, offset: search.offset, after }),
      this.total(search.filter),
    ]);
    const more = page.length > search.limit;
    const shown = more ? page.slice(0, search.limit) : page;
    const last = shown[shown.length - 1];
    const rows = await findingRows(
      db,
      shown.map((p) => p.id),
    );
    return {
      items: rows.map(toFindingItem),
      total,
      next_cursor: more && last ? encodeCursor({ by: search.sort.by, order: search.sort.order, value: last.sort_value, id: last.id }) : null,
    };
  }

  async detail(id: number): Promise<FindingDetail> {
    const db = this.database.db;
    const row = await findingById(db, id);
    if (!row) throw new DomainError('not_found', `vulnerability ${id} does not exist`);
    const [plugin, cves, output, asset, snapshots, history, historyTotal] = await Promise.all([
      pluginById(db, row.plugin_id),
      pluginCves(db, row.plugin_id),
      findingOutput(db, id),
      row.asset_id === null ? undefined : assetRow(db, Number(row.asset_id)),
      findingSnapshots(db, id),
      findingHistory(db, id, { limit: DETAIL_HISTORY_LIMIT }),
      countFindingHistory(db, id),
    ]);
    return {
      ...toFindingItem(row),
      plugin: plugin
        ? {
            plugin_id: plugin.plugin_id,
            plugin_name: plugin.plugin_name,
            plugin_family: plugin.plugin_family,
            synopsis: plugin.synopsis,
            description: plugin.description,
            solution: plugin.solution,
            see_also: jsonArray(plugin.see_also).map(String),
            cvss_base_score: numberOrNull(plugin.cvss_base_score),
            cvss3_base_score: numberOrNull(plugin.cvss3_base_score),
            vpr_score: numberOrNull(plugin.vpr_score),
            exploit_available: Number(plugin.exploit_available) === 1,
            exploit_ease: plugin.exploit_ease,
            risk_factor: plugin.risk_factor,
            patch_publication_date: plugin.patch_publication_date,
            vulnerability_publication_date: plugin.vulnerability_publication_date,
            plugin_modification_date: plugin.plugin_modification_date,
          }
        : null,
      cves: cves.map((c) => ({ cve_id: c.cve_id, correlation_confidence: Number(c.correlation_confidence), correlation_source: c.correlation_source })),
      output: output ?? null,
      asset: asset ? toAssetView(asset) : null,
      snapshots: snapshots.map((s) => ({
        scan_date: s.scan_date,
        severity: Number(s.severity),
        severity_name: severityName(Number(s.severity) as SeverityLevel),
        vpr_score: numberOrNull(s.vpr_score),
        import_id: Number(s.import_id),
      })),
      history: history.map((h) => ({
        id: h.id,
        changed_at: h.changed_at,
        changed_by: h.changed_by,
        source: h.source,
        field: h.field,
        old_value: h.old_value,
        new_value: h.new_value,
      })),
      history_total: historyTotal,
    };
  }

  /**
   * Every matching finding in id order, one batch at a time: each batch is a keyset query
   * (constant cost at any depth) and the next is read only when the consumer asks for it.
   */
  async *exportBatches(filter: FindingFilter, batchSize = EXPORT_BATCH): AsyncGenerator<FindingItem[]> {
    let afterId = 0;
    for (;;) {
      const rows = await findingBatchAfter(this.database.db, filter, afterId, batchSize);
      if (rows.length === 0) return;
      yield rows.map(toFindingItem);
      afterId = Number(rows[rows.length - 1]!.id);
      if (rows.length < batchSize) return;
    }
  }
}

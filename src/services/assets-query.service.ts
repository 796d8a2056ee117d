/** Assets: search with open counts per severity, one asset with its open findings, and the hosts summary. */
import type { DatabaseHandle } from '../db/database.ts';
import { assetRow, hostSummaries, openCountsByAsset, searchAssets, type AssetRow } from '../db/repositories/assets-query.repository.ts';
import { DomainError } from '../domain/errors.ts';
import type { AssetSortKey, FindingSort, HostSortKey } from '../domain/finding-query.ts';
import { todayUtc } from '../domain/finding-query.ts';
import { SEVERITY_NAMES } from '../shared/severity.ts';
import { type AssetView, type FindingPage, type FindingsQueryService, jsonArray, toAssetView } from './findings-query.service.ts';
import type { ImportGenerationCache } from './import-generation-cache.ts';

/** Open findings of an asset per severity (keys are lower-case severity names), their total and VPR sum. */
export interface OpenCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  total: number;
  vpr_sum: number;
}

export interface AssetItem extends AssetView {
  open: OpenCounts;
}

export interface HostSummaryItem extends OpenCounts {
  asset_id: number;
  hostname: string | null;
  host_key: string;
  tenable_uuid: string | null;
  ip_addresses: string[];
}

const emptyCounts = (): OpenCounts => ({ critical: 0, high: 0, medium: 0, low: 0, info: 0, total: 0, vpr_sum: 0 });
const KEY_OF_LEVEL = SEVERITY_NAMES.map((n) => n.toLowerCase()) as ('info' | 'low' | 'medium' | 'high' | 'critical')[];
const round2 = (value: number) => Math.round(value * 100) / 100;

function toAssetItem(row: AssetRow, open: OpenCounts): AssetItem {
  return { ...toAssetView(row), open };
}

export class AssetsQueryService {
  constructor(
    private readonly database: DatabaseHandle,
    private readonly findings: FindingsQueryService,
    private readonly cache?: ImportGenerationCache,
  ) {}

  private async openCounts(assetIds: number[]): Promise<Map<number, OpenCounts>> {
    const counts = new Map(assetIds.map((id) => [id, emptyCounts()]));
    for (const row of await openCountsByAsset(this.database.db, assetIds)) {
      const entry = counts.get(row.asset_id)!;
      entry[KEY_OF_LEVEL[row.severity]!] += row.n;
      entry.total += row.n;
      entry.vpr_sum = round2(entry.vpr_sum + row.vpr);
    }
    return counts;
  }

  async list(request: { q?: string | undefined; sortBy: AssetSortKey; order: 'asc' | 'desc'; limit: number; offset: number }): Promise<{ items: AssetItem[]; total: number }> {
    const { rows, total } = await searchAssets(this.database.db, request);
    const counts = await this.openCounts(rows.map((r) => Number(r.id)));
    return { items: rows.map((r) => toAssetItem(r, counts.get(Number(r.id)) ?? emptyCounts())), total };
  }

  async detail(
    id: number,
    findingsPage: { sort: FindingSort; limit: number; offset: number; cursor?: string | undefined },
  ): Promise<AssetItem & { findings: FindingPage }> {
    const row = await assetRow(this.database.db, id);
    if (!row) throw new DomainError('not_found', `asset ${id} does not exist`);
    const counts = await this.openCounts([id]);
    const findings = await this.findings.search({ ...findingsPage, filter: { lifecycle: 'active', asset: String(id), today: todayUtc() } });
    return { ...toAssetItem(row, counts.get(id) ?? emptyCounts()), findings };
  }

  /** Aggregates every open finding (scanner-owned fields only), so it is kept until the next import. */
  async hostsSummary(request: { sortBy: HostSortKey; limit: number; offset: number }): Promise<{ items: HostSummaryItem[]; total: number }> {
    const compute = () => this.computeHostsSummary(request);
    return this.cache ? this.cache.get(`hosts.summary:${request.sortBy}:${request.limit}:${request.offset}`, compute) : compute();
  }

  private async computeHostsSummary(request: { sortBy: HostSortKey; limit: number; offset: number }): Promise<{ items: HostSummaryItem[]; total: number }> {
    const { rows, total } = await hostSummaries(this.database.db, request);
    return {
      items: rows.map((r) => ({
        asset_id: r.asset_id,
        hostname: r.hostname,
        host_key: r.host_key,
        tenable_uuid: r.tenable_uuid,
        ip_addresses: jsonArray(r.ip_addresses).map(String),
        critical: r.critical,
        high: r.high,
        medium: r.medium,
        low: r.low,
        info: r.info,
        total: r.total,
        vpr_sum: round2(r.vpr_sum),
      })),
      total,
    };
  }
}

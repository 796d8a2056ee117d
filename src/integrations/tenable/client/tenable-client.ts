/**
 * Tenable Vulnerability Management client: exports (vulnerabilities, assets v1) and a few scan
 * helpers over the single HTTP layer (http.ts).
 *
 *   const tvm = new TenableClient({ baseUrl, accessKey, secretKey, version: '1.0.0' });
 *   for await (const finding of tvm.exportVulns({ filters: { since, state: ['OPEN', 'REOPENED', 'FIXED'] } })) …
 */
import type {
  AssetExportRequest,
  AssetV1,
  PluginDetailsBody,
  PluginFamiliesBody,
  PluginListAttributes,
  PluginListBody,
  ScanLatestStatus,
  ScanLaunchRequest,
  ScanLaunchResponse,
  ScanListBody,
  VulnExportFilters,
  VulnExportRequest,
  VulnFinding,
} from '../tenable.api-types.ts';
import { type ExportHandle, type ExportOptions, type ExportStarted, cancelExport, createExport, runExport } from './exports.ts';
import { TenableHttp, type TenableHttpOptions } from './http.ts';

export type TenableClientOptions = TenableHttpOptions & { exports?: ExportOptions };

/** The filters HexTrackr uses most; anything else of VulnExportFilters passes through. */
export type VulnExportQuery = Omit<VulnExportRequest, 'filters'> & { filters?: VulnExportFilters };

export class TenableClient {
  readonly http: TenableHttp;
  private readonly exportDefaults: ExportOptions;

  constructor(options: TenableClientOptions) {
    this.http = new TenableHttp(options);
    this.exportDefaults = options.exports ?? {};
  }

  /** Request a vulnerability export (adopting a running identical one on 409). */
  createVulnExport(request: VulnExportQuery = {}): Promise<ExportStarted> {
    return createExport(this.http, 'vulns', request);
  }

  /** Stream every finding of a new (or adopted) vulnerability export. */
  exportVulns(request: VulnExportQuery = {}, options: ExportOptions = {}): ExportHandle<VulnFinding> {
    return runExport<VulnFinding>(this.http, 'vulns', request, { ...this.exportDefaults, ...options });
  }

  cancelVulnExport(exportUuid: string): Promise<void> {
    return cancelExport(this.http, 'vulns', exportUuid);
  }

  /** Stream every asset (v1 model) of a new (or adopted) asset export. */
  exportAssets(request: AssetExportRequest = { chunk_size: 1000 }, options: ExportOptions = {}): ExportHandle<AssetV1> {
    return runExport<AssetV1>(this.http, 'assets', request, { ...this.exportDefaults, ...options });
  }

  cancelAssetExport(exportUuid: string): Promise<void> {
    return cancelExport(this.http, 'assets', exportUuid);
  }

  listScans(query: { folder_id?: number; last_modification_date?: number } = {}): Promise<ScanListBody> {
    return this.http.request<ScanListBody>('GET', '/scans', { query });
  }

  /** Not retried on 5xx/network errors (a repeat could launch twice); 429 and 503 are. */
  launchScan(scanId: number | string, body?: ScanLaunchRequest): Promise<ScanLaunchResponse> {
    return this.http.request<ScanLaunchResponse>('POST', `/scans/${encodeURIComponent(String(scanId))}/launch`, body === undefined ? {} : { body });
  }

  async scanStatus(scanId: number | string): Promise<string> {
    const body = await this.http.request<ScanLatestStatus>('GET', `/scans/${encodeURIComponent(String(scanId))}/latest-status`);
    return body.status;
  }

  async stopScan(scanId: number | string): Promise<void> {
    await this.http.request<unknown>('POST', `/scans/${encodeURIComponent(String(scanId))}/stop`, { idempotent: true });
  }

  listPluginFamilies(): Promise<PluginFamiliesBody> {
    return this.http.request<PluginFamiliesBody>('GET', '/plugins/families', { query: { all: true } });
  }

  pluginDetails(pluginId: number): Promise<PluginDetailsBody> {
    return this.http.request<PluginDetailsBody>('GET', `/plugins/plugin/${pluginId}`);
  }

  /** Every plugin updated on/after `lastUpdated` (YYYY-MM-DD), page by page (1-based, `size` per page). */
  async *plugins(options: { lastUpdated?: string; size?: number } = {}): AsyncGenerator<{ id: number; name: string; attributes: PluginListAttributes }> {
    const size = options.size ?? 1000;
    for (let page = 1; ; page++) {
      const body = await this.http.request<PluginListBody>('GET', '/plugins/plugin', { query: { last_updated: options.lastUpdated ?? '1970-01-01', size, page } });
      const items = body.data?.plugin_details ?? [];
      yield* items;
      if (items.length === 0 || page * size >= body.total_count) return;
    }
  }
}

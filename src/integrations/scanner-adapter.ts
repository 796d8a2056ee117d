/**
 * The spec's VulnerabilityScannerAdapter (tenable-integration-data-model.md, "Vulnerability Scanner
 * Adapter Pattern"): one interface over Tenable VM, Tenable Security Center and Nessus, so a sync
 * runs any of them through the same import and rollover.
 *
 * Deliberate differences from the spec's sketch: findings come as a stream of the same ParseEvents
 * a file import produces (never an array: an export can hold millions of findings), a fetch covers
 * the whole product scope (the spec's per-asset `getVulnerabilities(assetId)` would be one request
 * per asset), and `capabilities` says how absence from the stream must be read, which differs per
 * product (see ScannerCapabilities.resolution).
 *
 *   const adapter = createScannerAdapter({ product: 'tenable-sc', url, accessKey, secretKey });
 *   if (!(await adapter.authenticateConnection())) …
 *   for await (const event of adapter.vulnerabilities()) …
 */
import { isIP } from 'node:net';
import { DomainError } from '../domain/errors.ts';
import type { ParseEvent } from '../importers/importer.ts';
import { NessusClient, type NessusExportOptions } from './nessus/index.ts';
import type { RetryEvent } from './tenable/client/http.ts';
import { TenableApiError, TenableClient, type ExportOptions } from './tenable/client/index.ts';
import type { RateLimitOptions, Now, Sleep } from './tenable/client/rate-limiter.ts';
import type { RetryPolicy } from './tenable/client/retry.ts';
import { toParseEvents } from './tenable/mapper/index.ts';
import type { AssetV1 } from './tenable/tenable.api-types.ts';
import { ScApiError, TenableScClient, scParseEvents } from './tenable-sc/index.ts';

/** Products HexTrackr knows of; `tenable-ot` is named so it can be refused clearly. */
export const SCANNER_PRODUCTS = ['tenable-vm', 'tenable-sc', 'nessus', 'tenable-ot'] as const;
export type ScannerProduct = (typeof SCANNER_PRODUCTS)[number];
export const SUPPORTED_SCANNER_PRODUCTS = ['tenable-vm', 'tenable-sc', 'nessus'] as const;
export type SupportedScannerProduct = (typeof SUPPORTED_SCANNER_PRODUCTS)[number];

/** The spec's ScannerType names. */
export const SCANNER_TYPES = {
  'tenable-vm': 'Tenable.io',
  'tenable-sc': 'Tenable.sc',
  'tenable-ot': 'Tenable.ot',
  nessus: 'Nessus',
} as const satisfies Record<ScannerProduct, string>;
export type ScannerType = (typeof SCANNER_TYPES)[ScannerProduct];

const PRODUCT_LABELS: Record<ScannerProduct, string> = {
  'tenable-vm': 'Tenable Vulnerability Management (tenable-vm)',
  'tenable-sc': 'Tenable Security Center (tenable-sc)',
  nessus: 'Nessus (nessus)',
  'tenable-ot': 'Tenable OT Security (tenable-ot)',
};

export interface ScannerCapabilities {
  /**
   * How the rollover must read a finding's absence from the stream.
   * - `state`: the stream is incremental and carries the scanner's own OPEN/REOPENED/FIXED state;
   *   only FIXED resolves (Tenable VM).
   * - `hosts`: the stream is everything the scanner currently knows about each host it names;
   *   a finding missing on a named host is gone, hosts not named are not touched (Tenable.sc
   *   cumulative data, a Nessus scan's results).
   */
  resolution: 'state' | 'hosts';
  /** Can fetch only what changed since a time (VulnerabilityRequest.since). */
  incremental: boolean;
  /** Has an asset inventory (`assets()`). */
  assets: boolean;
  /** Fetches one scan's results, so a request must name the scan (Nessus). */
  requiresScan: boolean;
}

export interface VulnerabilityRequest {
  /** Incremental adapters: changes since this time (epoch seconds); 0 or absent = everything. */
  since?: number | undefined;
  /** Scan-based adapters: the scan (Nessus scan id). */
  scanId?: number | string | undefined;
  /** Scan-based adapters: one past run of the scan (default: the latest). */
  historyId?: number | undefined;
}

/** A vulnerability fetch in progress: iterate it once for ParseEvents; cancel frees server-side work. */
export interface VulnerabilityStream extends AsyncIterable<ParseEvent> {
  /** What is being fetched, for the import history ("Nessus scan 42 export (.nessus)"). */
  readonly description: string;
  cancel(): Promise<void>;
}

/** One host of a product's asset inventory, in the terms every product shares. */
export interface ScannerAsset {
  uuid?: string | undefined;
  hostname?: string | undefined;
  fqdn?: string | undefined;
  ipAddresses: string[];
  macAddresses: string[];
  operatingSystem?: string | undefined;
  lastSeen?: string | undefined;
}

export interface VulnerabilityScannerAdapter {
  readonly product: SupportedScannerProduct;
  readonly scannerType: ScannerType;
  /** Recorded as the import's format (tenable-vm-api, tenable-sc-api, nessus-api). */
  readonly apiFormat: string;
  readonly capabilities: ScannerCapabilities;
  /**
   * True when the scanner accepts the keys, false when it refuses them (401/403, SC error 74,
   * SC's 400 for invalid keys). Any other failure (unreachable, 5xx after retries) throws, so
   * "wrong keys" is never confused with "scanner down".
   */
  authenticateConnection(): Promise<boolean>;
  vulnerabilities(request?: VulnerabilityRequest): VulnerabilityStream;
  /** Present when capabilities.assets (scan-based products list the hosts of the requested scan). */
  assets?(request?: VulnerabilityRequest): AsyncIterable<ScannerAsset>;
}

/** A product HexTrackr cannot sync from (Tenable.ot), or a name it does not know. */
export class ScannerNotSupportedError extends DomainError {
  constructor(readonly product: string) {
    const known = (SCANNER_PRODUCTS as readonly string[]).includes(product);
    const supported = SUPPORTED_SCANNER_PRODUCTS.map((p) => PRODUCT_LABELS[p]).join(', ');
    super(
      'validation_error',
      known
        ? `${PRODUCT_LABELS[product as ScannerProduct]} is not supported: HexTrackr syncs from ${supported}`
        : `unknown scanner product "${product}": HexTrackr syncs from ${supported}`,
      { product, supported: [...SUPPORTED_SCANNER_PRODUCTS] },
    );
    this.name = 'ScannerNotSupportedError';
  }
}

export interface ScannerAdapterConfig {
  product: ScannerProduct | string;
  /** Tenable VM: https://cloud.tenable.com; SC: https://sc.example.com; Nessus: https://nessus:8834. */
  url: string;
  accessKey: string;
  secretKey: string;
  /** Build in the User-Agent. */
  version?: string;
  rateLimit?: Partial<RateLimitOptions>;
  retry?: Partial<RetryPolicy>;
  maxConcurrentRequests?: number;
  timeoutMs?: number;
  sleep?: Sleep;
  now?: Now;
  onRetry?: (event: RetryEvent) => void;
  /** Tenable VM export pacing, and assets per chunk (default 500). */
  tenableExports?: ExportOptions & { assetsPerChunk?: number };
  /** Tenable.sc records per analysis page (default 1000, at most 10,000). */
  scPageSize?: number;
  /** Nessus export polling. */
  nessusExports?: NessusExportOptions;
}

/** One factory for every product; Tenable.ot and unknown names throw ScannerNotSupportedError. */
export function createScannerAdapter(config: ScannerAdapterConfig): VulnerabilityScannerAdapter {
  const http = {
    baseUrl: config.url,
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    ...(config.version !== undefined ? { version: config.version } : {}),
    ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.maxConcurrentRequests !== undefined ? { maxConcurrentRequests: config.maxConcurrentRequests } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.sleep ? { sleep: config.sleep } : {}),
    ...(config.now ? { now: config.now } : {}),
    ...(config.onRetry ? { onRetry: config.onRetry } : {}),
  };
  switch (config.product) {
    case 'tenable-vm': {
      const { assetsPerChunk, ...exports } = config.tenableExports ?? {};
      return new TenableVmAdapter(new TenableClient({ ...http, exports }), assetsPerChunk);
    }
    case 'tenable-sc':
      return new TenableScAdapter(new TenableScClient(http), config.scPageSize);
    case 'nessus':
      return new NessusAdapter(new NessusClient({ ...http, ...(config.nessusExports ? { exports: config.nessusExports } : {}) }));
    default:
      throw new ScannerNotSupportedError(String(config.product));
  }
}

/** Refused keys read as `false`; everything else propagates. */
function refusedKeys(error: unknown): boolean {
  if (error instanceof ScApiError) return error.isAuthentication || error.status === 400 || error.status === 401;
  if (error instanceof TenableApiError) return error.status === 401 || error.status === 403;
  return false;
}

async function accepted(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    if (refusedKeys(error)) return false;
    throw error;
  }
}

/** A stream over a lazily started async generator, closed by cancel. */
function stream(description: string, start: () => AsyncGenerator<ParseEvent>, onCancel: () => Promise<void> = async () => undefined): VulnerabilityStream {
  let generator: AsyncGenerator<ParseEvent> | undefined;
  let iterated = false;
  return {
    description,
    async cancel() {
      // Never started: nothing to stop (and cancelling a Tenable export handle would first create one).
      if (!generator) return;
      await generator.return(undefined);
      await onCancel();
    },
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error('a vulnerability stream can be iterated once');
      iterated = true;
      generator = start();
      return generator;
    },
  };
}

/** Tenable VM: a thin wrapper over TenableClient's vulnerability export and its mapper. */
export class TenableVmAdapter implements VulnerabilityScannerAdapter {
  readonly product = 'tenable-vm';
  readonly scannerType = SCANNER_TYPES['tenable-vm'];
  readonly apiFormat = 'tenable-vm-api';
  readonly capabilities: ScannerCapabilities = { resolution: 'state', incremental: true, assets: true, requiresScan: false };

  constructor(
    readonly client: TenableClient,
    private readonly assetsPerChunk = 500,
  ) {}

  authenticateConnection(): Promise<boolean> {
    return accepted(() => this.client.listScans());
  }

  vulnerabilities(request: VulnerabilityRequest = {}): VulnerabilityStream {
    // since = 0 asks for all time: without a time filter Tenable applies its default 30-day window.
    const since = request.since ?? 0;
    const handle = this.client.exportVulns({ num_assets: this.assetsPerChunk, filters: { since, state: ['OPEN', 'REOPENED', 'FIXED'] } });
    const description = since > 0 ? `Tenable VM vulnerability export since ${new Date(since * 1000).toISOString()}` : 'Tenable VM vulnerability export (full)';
    return stream(description, () => toParseEvents(handle), () => handle.cancel().catch(() => undefined));
  }

  async *assets(): AsyncGenerator<ScannerAsset> {
    for await (const asset of this.client.exportAssets({ chunk_size: 1000 })) yield fromTenableAsset(asset);
  }
}

function fromTenableAsset(asset: AssetV1): ScannerAsset {
  return {
    uuid: asset.id,
    hostname: asset.hostnames?.[0] ?? asset.netbios_names?.[0],
    fqdn: asset.fqdns?.[0],
    ipAddresses: [...(asset.ipv4s ?? []), ...(asset.ipv6s ?? [])],
    macAddresses: asset.mac_addresses ?? [],
    operatingSystem: asset.operating_systems?.[0],
    lastSeen: asset.last_seen ?? undefined,
  };
}

/**
 * Tenable.sc: the cumulative database through `/rest/analysis` vulndetails, paged. Cumulative
 * data is every active finding of every host SC knows, so the stream is a full picture of each
 * host it names (resolution 'hosts'); it is fetched whole, unfiltered, for that reason — a
 * severity or time filter would make absent findings look fixed.
 */
export class TenableScAdapter implements VulnerabilityScannerAdapter {
  readonly product = 'tenable-sc';
  readonly scannerType = SCANNER_TYPES['tenable-sc'];
  readonly apiFormat = 'tenable-sc-api';
  readonly capabilities: ScannerCapabilities = { resolution: 'hosts', incremental: false, assets: false, requiresScan: false };

  constructor(
    readonly client: TenableScClient,
    private readonly pageSize?: number,
  ) {}

  authenticateConnection(): Promise<boolean> {
    return accepted(() => this.client.testConnection());
  }

  vulnerabilities(): VulnerabilityStream {
    const pages = () => this.client.vulnDetails({ sourceType: 'cumulative', ...(this.pageSize !== undefined ? { pageSize: this.pageSize } : {}) });
    return stream('Tenable.sc cumulative vulnerabilities (analysis vulndetails)', () => scParseEvents(pages()));
  }
}

/**
 * Nessus: one scan's results, exported as .nessus and parsed as it downloads. A scan result is
 * everything the scan saw on each host it scanned (resolution 'hosts'): a finding missing from a
 * scanned host is fixed there, and hosts outside the scan keep their findings.
 */
export class NessusAdapter implements VulnerabilityScannerAdapter {
  readonly product = 'nessus';
  readonly scannerType = SCANNER_TYPES.nessus;
  readonly apiFormat = 'nessus-api';
  readonly capabilities: ScannerCapabilities = { resolution: 'hosts', incremental: false, assets: true, requiresScan: true };

  constructor(readonly client: NessusClient) {}

  /** The hosts of a scan run, as its details list them (Nessus keeps no inventory beyond its scans). */
  async *assets(request: VulnerabilityRequest = {}): AsyncGenerator<ScannerAsset> {
    const scanId = requireScanId(request);
    const details = await this.client.scanDetails(scanId, request.historyId);
    for (const host of details.hosts ?? []) {
      const name = host.hostname?.trim() || undefined;
      const isIp = name !== undefined && isIP(name) !== 0;
      yield { uuid: host.uuid || undefined, hostname: isIp ? undefined : name, ipAddresses: isIp ? [name] : [], macAddresses: [] };
    }
  }

  authenticateConnection(): Promise<boolean> {
    return accepted(() => this.client.listScans());
  }

  vulnerabilities(request: VulnerabilityRequest = {}): VulnerabilityStream {
    const scanId = requireScanId(request);
    const { historyId } = request;
    const run = historyId === undefined ? 'latest run' : `run ${historyId}`;
    return stream(`Nessus scan ${scanId} export (.nessus, ${run})`, () => this.client.scanFindings(scanId, { historyId }));
  }
}

function requireScanId(request: VulnerabilityRequest): number | string {
  const { scanId } = request;
  if (scanId === undefined || String(scanId).trim() === '') throw new DomainError('validation_error', 'a Nessus sync needs the scan id (scanId) whose results to export');
  return scanId;
}

/**
 * Importing a scan file: detect its format, stream its rows into staging (every row is
 * either staged or recorded as rejected with line, field and reason), then apply the
 * rollover in one transaction. The same code path serves the CLI, the HTTP API and the
 * benchmark.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseHandle, Writer } from '../db/database.ts';
import {
  findImport,
  insertImport,
  insertRejections,
  listRunningImports,
  markImportFailed,
  type Rejection,
  updateImportProgress,
} from '../db/repositories/imports.repository.ts';
import { applyRollover, type RolloverCounts } from '../db/repositories/rollover.repository.ts';
import {
  createStagingTables,
  releaseStagingTables,
  type StagedAsset,
  type StagedPlugin,
  StagingWriter,
} from '../db/repositories/staging.repository.ts';
import type { ImportRow, RolloverScope } from '../db/schema.ts';
import { textDigest48 } from '../domain/digest.ts';
import { DomainError } from '../domain/errors.ts';
import { findingKey, normalizeHost } from '../domain/finding-identity.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { FormatId, ParsedFinding, ParseEvent } from '../importers/importer.ts';
import { formatIds, getFormat, openImportFile } from '../importers/registry.ts';
import type { ImportProgress } from '../shared/import-progress.ts';
import type { ImportWorkerData, RecordedFileImport } from './import-worker-protocol.ts';
import { runImportInWorker } from './import-worker-runner.ts';
import { collectGarbage } from './heap.ts';

export interface ImportRequest {
  filePath: string;
  /** Name shown in the import history (an upload's original name); defaults to the file's base name. */
  fileName?: string | undefined;
  /** YYYY-MM-DD. Default: a date in the file name (2025-01-31 or 20250131), else today (UTC). */
  scanDate?: string | undefined;
  /** A format id (see formatIds()) or 'auto'. */
  format?: string | undefined;
  scope?: RolloverScope | undefined;
  source?: 'cli' | 'api' | 'bench' | undefined;
}

/** Findings that arrive as a stream rather than a file (an API export mapped to ParseEvents). */
export interface StreamImportRequest {
  events: AsyncIterable<ParseEvent>;
  /** Shown in the import history, e.g. "Tenable VM vulnerability export". */
  sourceName: string;
  /** Recorded as the import's format, e.g. tenable-vm-api. */
  format: string;
  /** The product the stream came from; incremental syncs find their last run by it. */
  source: 'tenable' | 'tenable-sc' | 'nessus';
  scanDate?: string | undefined;
  scope?: RolloverScope | undefined;
}

export interface ImportSummary extends RolloverCounts {
  importId: number;
  fileName: string;
  /** A file format id, or the API the findings came from (e.g. tenable-vm-api). */
  format: string;
  scanDate: string;
  scope: RolloverScope;
  rowsRead: number;
  rejected: number;
  seconds: number;
  /** Time spent reading the file into staging, and applying the rollover. */
  stagingSeconds: number;
  applySeconds: number;
}

/** An import whose file was recognised and whose record exists; `run` does the work. */
export interface PreparedImport {
  readonly importId: number;
  readonly fileName: string;
  readonly format: string;
  readonly scanDate: string;
  readonly scope: RolloverScope;
  run(): Promise<ImportSummary>;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PROGRESS_INTERVAL_MS = 500;
const REJECTION_BATCH = 1000;
/** Per asset, so a host with thousands of addresses cannot grow memory without bound. */
const MAX_ADDRESSES_PER_ASSET = 64;

/** The given scan date, validated; today (UTC) when none is given. */
function checkedScanDate(value: string | undefined): string {
  const scanDate = value ?? new Date().toISOString().slice(0, 10);
  if (!isValidIsoDate(scanDate)) throw new DomainError('invalid_scan_date', `scan date "${scanDate}" is not a valid YYYY-MM-DD date`);
  return scanDate;
}

export function isValidIsoDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** A scan date embedded in a file name, as 2025-01-31 or 20250131. */
export function scanDateFromFileName(fileName: string): string | undefined {
  const match = /(20\d{2})-?([01]\d)-?([0-3]\d)/.exec(path.basename(fileName));
  if (!match) return undefined;
  const candidate = `${match[1]}-${match[2]}-${match[3]}`;
  return isValidIsoDate(candidate) ? candidate : undefined;
}

function owner(): string {
  return `${os.hostname()}:${process.pid}`;
}

export interface ImportServiceOptions {
  /** How often progress is published and the heartbeat written while parsing (default 500 ms). */
  progressIntervalMs?: number;
  /**
   * Run file imports in a worker thread with its own connection (the server does, so its event
   * loop keeps serving while SQLite applies a rollover). Plain connection settings for that thread.
   */
  worker?: { database: ImportWorkerData['database'] };
  /** Files of at least this many bytes are parsed in a thread beside the import (default PARSE_AHEAD_MIN_BYTES). */
  parseAheadFromBytes?: number;
}

export class ImportScanService {
  private readonly progressIntervalMs: number;
  private readonly worker: ImportServiceOptions['worker'];
  private readonly parseAheadFromBytes: number | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly events?: EventBus,
    options: ImportServiceOptions = {},
  ) {
    this.progressIntervalMs = options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    this.worker = options.worker;
    this.parseAheadFromBytes = options.parseAheadFromBytes;
  }

  /** Detects the format (failing fast on an unrecognised file) and records the import as running. */
  async prepare(request: ImportRequest): Promise<PreparedImport> {
    const fileName = request.fileName ?? path.basename(request.filePath);
    const scanDate = checkedScanDate(request.scanDate ?? scanDateFromFileName(fileName));
    const format = request.format ?? 'auto';
    if (format !== 'auto' && !getFormat(format)) {
      throw new DomainError('validation_error', `unknown format "${format}"; use auto or one of: ${formatIds().join(', ')}`);
    }
    const { size } = await stat(request.filePath).catch((err: NodeJS.ErrnoException) => {
      throw new DomainError('file_not_found', `cannot read ${request.filePath}: ${err.code ?? err.message}`);
    });
    const opened = await openImportFile(request.filePath, { format: format as FormatId | 'auto', fileName, ...this.parseAheadOption() });
    const prepared = await this.record({
      fileName,
      formatId: opened.format.id,
      source: request.source ?? 'api',
      scanDate,
      scope: request.scope ?? 'all',
      totalBytes: size,
      events: opened.events,
      bytesRead: opened.bytesRead,
    });
    const { worker } = this;
    if (!worker) return prepared;
    const job: RecordedFileImport = {
      importId: prepared.importId,
      filePath: request.filePath,
      fileName,
      formatId: opened.format.id,
      scanDate,
      scope: prepared.scope,
    };
    return {
      ...prepared,
      run: () =>
        runImportInWorker({ database: worker.database, progressIntervalMs: this.progressIntervalMs, job }, this.events).catch(async (err: unknown) => {
          // The worker marks its own failures; this covers a worker that died without a word.
          await markImportFailed(this.database.bookkeeping, job.importId, err instanceof Error ? err.message : String(err), new Date().toISOString());
          throw err;
        }),
    };
  }

  private parseAheadOption(): { parseAheadFromBytes?: number } {
    return this.parseAheadFromBytes === undefined ? {} : { parseAheadFromBytes: this.parseAheadFromBytes };
  }

  /** Runs an import recorded by prepare() in another thread (see import-worker.ts). */
  async runRecorded(job: RecordedFileImport): Promise<ImportSummary> {
    const { size } = await stat(job.filePath);
    const opened = await openImportFile(job.filePath, { format: job.formatId as FormatId, fileName: job.fileName, ...this.parseAheadOption() });
    return this.run({
      importId: job.importId,
      fileName: job.fileName,
      scanDate: job.scanDate,
      scope: job.scope,
      formatId: job.formatId,
      totalBytes: size,
      events: opened.events,
      bytesRead: opened.bytesRead,
    });
  }

  /** Records an import whose findings come from a stream (an API export) instead of a file. */
  async prepareStream(request: StreamImportRequest): Promise<PreparedImport> {
    return this.record({
      fileName: request.sourceName,
      formatId: request.format,
      source: request.source,
      scanDate: checkedScanDate(request.scanDate),
      scope: request.scope ?? 'state',
      totalBytes: 0,
      events: request.events,
      bytesRead: () => 0,
    });
  }

  private async record(input: Omit<RunContext, 'importId'> & { source: string }): Promise<PreparedImport> {
    const { source, ...rest } = input;
    const now = new Date().toISOString();
    const importId = await insertImport(this.database.bookkeeping, {
      file_name: input.fileName,
      format: input.formatId,
      source,
      scan_date: input.scanDate,
      scope: input.scope,
      mode: null,
      status: 'running',
      phase: 'parsing',
      error: null,
      owner: owner(),
      heartbeat_at: now,
      bytes_total: input.totalBytes,
      started_at: now,
      finished_at: null,
    });
    const context: RunContext = { importId, ...rest };
    return {
      importId,
      fileName: input.fileName,
      format: input.formatId,
      scanDate: input.scanDate,
      scope: input.scope,
      run: () => this.run(context),
    };
  }

  /** prepare + run, for callers that need nothing in between. */
  async importFile(request: ImportRequest): Promise<ImportSummary> {
    return (await this.prepare(request)).run();
  }

  /**
   * Marks imports whose process is gone as failed: same host and the pid is dead, or
   * (another host, PostgreSQL) no heartbeat for `staleAfterMs`. Returns the ids failed.
   */
  async recoverInterrupted(staleAfterMs = 120_000): Promise<number[]> {
    const failed: number[] = [];
    const now = Date.now();
    for (const running of await listRunningImports(this.database.db)) {
      const [host, pidText] = (running.owner ?? '').split(':');
      const pid = Number(pidText);
      let gone: boolean;
      if (host === os.hostname() && Number.isInteger(pid) && pid > 0) {
        gone = pid !== process.pid && !processAlive(pid);
      } else {
        const beat = running.heartbeat_at ? Date.parse(running.heartbeat_at) : 0;
        gone = now - beat > staleAfterMs;
      }
      if (gone) {
        await markImportFailed(this.database.bookkeeping, running.id, 'interrupted: the process running this import stopped before it finished; nothing was applied', new Date().toISOString());
        failed.push(running.id);
      }
    }
    return failed;
  }

  async get(importId: number): Promise<ImportRow | undefined> {
    return findImport(this.database.db, importId);
  }

  private async run(context: RunContext): Promise<ImportSummary> {
    const started = performance.now();
    const tracker = new ProgressTracker(context, this.progressIntervalMs, (progress) => this.report(progress));
    try {
      const { counts, rowsRead, rejected, stagedAt } = await this.database.withWriter(async (writer) => {
        await createStagingTables(writer);
        try {
          const staged = await this.stage(writer, context, tracker);
          const stagedAt = performance.now();
          tracker.phase('applying');
          // Staging's garbage would stay resident through the rollover, where no JavaScript runs.
          collectGarbage();
          await this.heartbeat(context.importId, tracker);
          const counts = await applyRollover(writer, {
            importId: context.importId,
            scanDate: context.scanDate,
            scope: context.scope,
            now: new Date().toISOString(),
          });
          return { counts, ...staged, stagedAt };
        } finally {
          await releaseStagingTables(writer).catch(() => undefined);
        }
      });
      const finished = performance.now();
      tracker.phase('completed');
      return {
        ...counts,
        importId: context.importId,
        fileName: context.fileName,
        format: context.formatId,
        scanDate: context.scanDate,
        scope: context.scope,
        rowsRead,
        rejected,
        seconds: (finished - started) / 1000,
        stagingSeconds: (stagedAt - started) / 1000,
        applySeconds: (finished - stagedAt) / 1000,
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await markImportFailed(this.database.bookkeeping, context.importId, message, new Date().toISOString()).catch(() => undefined);
      tracker.fail(message);
      throw err;
    }
  }

  private async stage(writer: Writer, context: RunContext, tracker: ProgressTracker): Promise<{ rowsRead: number; rejected: number }> {
    const staging = new StagingWriter(writer);
    const assets = new AssetRegistry();
    const seenPlugins = new Set<string>();
    const seenPluginCves = new Set<string>();
    let pendingRejections: Rejection[] = [];
    let storedRejections = 0;
    let seq = 0;

    const flushRejections = async () => {
      if (pendingRejections.length === 0) return;
      await staging.commit();
      await insertRejections(writer.db, context.importId, storedRejections, pendingRejections);
      storedRejections += pendingRejections.length;
      pendingRejections = [];
    };

    for await (const event of context.events) {
      if (event.kind === 'rejected') {
        pendingRejections.push(event.issue);
        tracker.rejected += 1;
        if (pendingRejections.length >= REJECTION_BATCH) await flushRejections();
      } else {
        const finding = event.finding;
        const hostKey = normalizeHost(finding.hostname, finding.ipAddress);
        const asset = assets.record(hostKey, finding);
        if (!seenPlugins.has(finding.pluginId)) {
          seenPlugins.add(own(finding.pluginId));
          await staging.addPlugin(toStagedPlugin(finding));
        }
        const cves: (string | null)[] = finding.cves.length > 0 ? finding.cves : [null];
        const output = finding.output ?? null;
        const outputHash = output === null ? null : textDigest48(output);
        for (let i = 0; i < cves.length; i++) {
          const cve = cves[i] ?? null;
          if (cve !== null) {
            const link = `${finding.pluginId}|${cve}`;
            if (!seenPluginCves.has(link)) {
              seenPluginCves.add(own(link));
              await staging.addPluginCve(finding.pluginId, cve);
            }
          }
          const written = staging.addRow({
            seq: seq++,
            uniqueKey: findingKey(hostKey, cve ?? undefined, finding.pluginId, finding.description),
            assetRef: asset.assetRef,
            hostKey,
            pluginId: finding.pluginId,
            cve,
            severity: finding.severity,
            vprScore: finding.vprScore ?? null,
            cvssBaseScore: finding.cvssBaseScore ?? null,
            cvss3BaseScore: finding.cvss3BaseScore ?? null,
            portProtocol: finding.port === undefined ? null : `${finding.port}/${finding.protocol ?? 'tcp'}`,
            scannerState: finding.state ?? null,
            fixed: finding.state === 'FIXED' ? 1 : 0,
            firstSeen: finding.firstSeen ?? null,
            output,
            outputHash,
            vprCounted: i === 0 ? 1 : 0,
          });
          if (written) await written;
        }
        tracker.rowsRead += 1;
      }
      if (tracker.due()) {
        tracker.bytesRead = context.bytesRead();
        tracker.emit();
        await this.heartbeat(context.importId, tracker);
      }
    }
    await flushRejections();
    await staging.finish(assets.staged());
    tracker.bytesRead = context.totalBytes;
    return { rowsRead: tracker.rowsRead, rejected: tracker.rejected };
  }

  private async heartbeat(importId: number, tracker: ProgressTracker): Promise<void> {
    await updateImportProgress(this.database.db, importId, {
      phase: tracker.current,
      rowsRead: tracker.rowsRead,
      rejected: tracker.rejected,
      heartbeatAt: new Date().toISOString(),
    });
  }

  private report(progress: ImportProgress): void {
    this.events?.publish('import.progress', progress);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface RunContext {
  importId: number;
  fileName: string;
  scanDate: string;
  scope: RolloverScope;
  formatId: string;
  events: AsyncIterable<ParseEvent>;
  totalBytes: number;
  bytesRead(): number;
}

class ProgressTracker {
  rowsRead = 0;
  rejected = 0;
  bytesRead = 0;
  current: ImportProgress['phase'] = 'parsing';
  private readonly startedAt = performance.now();
  private lastEmit = 0;

  constructor(
    private readonly context: RunContext,
    private readonly intervalMs: number,
    private readonly sink: (progress: ImportProgress) => void,
  ) {}

  due(): boolean {
    // Checked per row: the clock is read only every 1024 rows.
    if ((this.rowsRead + this.rejected) % 1024 !== 0) return false;
    const now = performance.now();
    if (now - this.lastEmit < this.intervalMs) return false;
    this.lastEmit = now;
    return true;
  }

  phase(phase: ImportProgress['phase']): void {
    this.current = phase;
    this.emit();
  }

  fail(error: string): void {
    this.current = 'failed';
    this.emit(error);
  }

  emit(error?: string): void {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const rowsPerSecond = seconds > 0 ? this.rowsRead / seconds : 0;
    const bytesPerSecond = seconds > 0 ? this.bytesRead / seconds : 0;
    const remaining = this.context.totalBytes - this.bytesRead;
    this.sink({
      importId: this.context.importId,
      fileName: this.context.fileName,
      phase: this.current,
      rowsRead: this.rowsRead,
      rejected: this.rejected,
      bytesRead: this.bytesRead,
      totalBytes: this.context.totalBytes,
      rowsPerSecond: Math.round(rowsPerSecond),
      etaSeconds: this.current === 'parsing' && bytesPerSecond > 0 ? Math.round(remaining / bytesPerSecond) : null,
      ...(error ? { error } : {}),
    });
  }
}

interface AssetAccumulator {
  asset: StagedAsset;
  ips: Set<string>;
  macs: Set<string>;
}

/**
 * The hosts of one import, by Tenable UUID (any case) or normalised host name. Bounded by
 * the estate, not the file. Looked up by the raw UUID first, so the common row builds no string.
 */
class AssetRegistry {
  private readonly byRef = new Map<string, AssetAccumulator>();
  private readonly byRawUuid = new Map<string, AssetAccumulator>();

  /** Folds one row's host details into its asset; returns the asset. */
  record(hostKey: string, finding: ParsedFinding): StagedAsset {
    const entry = this.entryFor(hostKey, finding);
    const { asset } = entry;
    // The latest row wins for names; addresses accumulate. Kept values are copied (own): a
    // parser string is a slice of a whole read buffer, which it would otherwise keep alive.
    if (asset.hostKey !== hostKey) asset.hostKey = own(hostKey);
    if (finding.hostname && asset.hostname !== finding.hostname) asset.hostname = own(finding.hostname);
    if (finding.fqdn && asset.fqdn !== finding.fqdn) asset.fqdn = own(finding.fqdn);
    if (finding.netbiosName && asset.netbiosName !== finding.netbiosName) asset.netbiosName = own(finding.netbiosName);
    if (finding.operatingSystem && asset.operatingSystem !== finding.operatingSystem) asset.operatingSystem = own(finding.operatingSystem);
    const ip = finding.ipAddress;
    if (ip && asset.ipAddress !== ip) {
      asset.ipAddress = own(ip);
      if (entry.ips.size < MAX_ADDRESSES_PER_ASSET) entry.ips.add(asset.ipAddress);
    }
    if (finding.macAddress && entry.macs.size < MAX_ADDRESSES_PER_ASSET) {
      const mac = finding.macAddress.toLowerCase();
      if (!entry.macs.has(mac)) entry.macs.add(own(mac));
    }
    return asset;
  }

  staged(): StagedAsset[] {
    return Array.from(this.byRef.values(), (entry) => ({
      ...entry.asset,
      ipAddresses: [...entry.ips].sort(),
      macAddresses: [...entry.macs].sort(),
    }));
  }

  private entryFor(hostKey: string, finding: ParsedFinding): AssetAccumulator {
    const rawUuid = finding.assetUuid;
    if (rawUuid) {
      const known = this.byRawUuid.get(rawUuid);
      if (known) return known;
      const uuid = own(rawUuid.toLowerCase());
      const entry = this.create(`u:${uuid}`, uuid, hostKey);
      this.byRawUuid.set(own(rawUuid), entry);
      return entry;
    }
    return this.create(`h:${hostKey}`, null, hostKey);
  }

  private create(assetRef: string, tenableUuid: string | null, hostKey: string): AssetAccumulator {
    const existing = this.byRef.get(assetRef);
    if (existing) return existing;
    const entry: AssetAccumulator = {
      asset: {
        assetRef: own(assetRef),
        tenableUuid,
        hostKey: own(hostKey),
        hostname: null,
        fqdn: null,
        netbiosName: null,
        ipAddress: null,
        ipAddresses: [],
        macAddresses: [],
        operatingSystem: null,
      },
      ips: new Set(),
      macs: new Set(),
    };
    this.byRef.set(entry.asset.assetRef, entry);
    return entry;
  }
}


/** A copy of the string that shares no memory with the parser's buffers. */
function own(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function toStagedPlugin(finding: ParsedFinding): StagedPlugin {
  return {
    pluginId: finding.pluginId,
    pluginName: finding.pluginName,
    pluginFamily: finding.pluginFamily ?? null,
    synopsis: finding.synopsis ?? null,
    description: finding.description ?? null,
    solution: finding.solution ?? null,
    seeAlso: finding.seeAlso ?? [],
    cvssBaseScore: finding.cvssBaseScore ?? null,
    cvss3BaseScore: finding.cvss3BaseScore ?? null,
    vprScore: finding.vprScore ?? null,
    exploitAvailable: finding.exploitAvailable ? (1 as const) : (0 as const),
  };
}

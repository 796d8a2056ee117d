/**
 * Export jobs (vulnerabilities and assets): the status lifecycle of tenable-api.md §2.6.
 *
 *   POST → QUEUED → PROCESSING (chunks_available grows, out of order) → FINISHED
 *                 └ chunk failure → chunks_failed + the rest chunks_cancelled → ERROR
 *                 └ cancel → CANCELLED (finished chunks stay downloadable 3 days)
 *
 * Jobs advance when their status is polled (one step per poll), so a client's polling loop
 * drives them and tests never wait on time. A job is pinned to the estate day it was created
 * on; chunks are generated lazily, record by record, when downloaded.
 */
import { Readable } from 'node:stream';
import type { AssetExportJob, AssetExportStatusBody, ExportStatus, VulnExportFilterEcho, VulnExportJob, VulnExportStatusBody } from '../tenable.api-types.ts';
import { DAY_MS, HOUR_MS, type SimClock } from './clock.ts';
import type { Estate } from './estate.ts';
import type { SimulatorFaults } from './faults.ts';
import { type AssetExportPlan, type AssetFilter, type VulnExportPlan, type VulnFilter, matchesAsset, matchesVuln } from './filters.ts';
import { Prng, hash } from './random.ts';
import { BufferWriter, assetV1, assetV2, vulnAssetJson, writeVulnRecord } from './records.ts';

export interface ExportPacing {
  /** Status polls that still answer QUEUED. */
  queuedPolls: number;
  /** Chunks that finish per status poll while PROCESSING; null = a third of the export. */
  chunksPerPoll: number | null;
  /** Finish chunks in a shuffled order (ids still listed ascending). */
  outOfOrder: boolean;
  /** An active job older than this (simulated) ends in ERROR "timed out". */
  timeoutMs: number;
}

export const DEFAULT_PACING: Readonly<ExportPacing> = Object.freeze({ queuedPolls: 1, chunksPerPoll: null, outOfOrder: true, timeoutMs: 6 * HOUR_MS });

export type ExportKind = 'vulns' | 'assets';

const REASON_ERROR = 'An unexpected error occurred while processing the export. Try again later.';
const REASON_TIMEOUT = 'The export request timed out. Try again.';
const CANCELLED_TTL_MS = 3 * DAY_MS;

export interface ExportJob {
  uuid: string;
  kind: ExportKind;
  model: 'v1' | 'v2';
  status: ExportStatus;
  createdMs: number;
  day: number;
  key: string;
  numPerChunk: number;
  vulnFilter?: VulnFilter;
  assetFilter?: AssetFilter;
  includeOpenPorts: boolean;
  vulnEcho?: VulnExportFilterEcho;
  assetEcho?: string;
  polls: number;
  /** Asset index boundaries: chunk c covers assets [boundaries[c-1], boundaries[c]). */
  boundaries: number[];
  order: number[];
  next: number;
  available: Map<number, number>;
  failed: number[];
  cancelled: number[];
  failAfter: number | null;
  reason?: string;
  endedMs?: number;
  cancelledMs?: number;
}

export type CreateResult = { job: ExportJob } | { duplicate: ExportJob } | { tooMany: true };
export type ChunkResult = { stream: Readable; job: ExportJob } | { error: 'not-found' | 'not-ready' | 'expired' };

const TERMINAL = new Set<ExportStatus>(['FINISHED', 'CANCELLED', 'ERROR']);
const MAX_JOBS = 2000;

export class ExportManager {
  private readonly jobs = new Map<string, ExportJob>();
  private readonly rng: Prng;

  constructor(
    private readonly estate: Estate,
    private readonly clock: SimClock,
    private readonly faults: () => SimulatorFaults,
    private readonly pacing: () => ExportPacing,
  ) {
    this.rng = new Prng(hash(estate.seed, 0xe4907));
  }

  get(uuid: string, kind: ExportKind): ExportJob | undefined {
    const job = this.jobs.get(uuid);
    if (!job || job.kind !== kind) return undefined;
    this.checkTimeout(job);
    return job;
  }

  private active(kind: ExportKind): ExportJob[] {
    const list: ExportJob[] = [];
    for (const job of this.jobs.values()) {
      if (job.kind !== kind) continue;
      this.checkTimeout(job);
      if (!TERMINAL.has(job.status)) list.push(job);
    }
    return list;
  }

  private checkTimeout(job: ExportJob): void {
    if (TERMINAL.has(job.status)) return;
    const now = this.clock.now();
    if (now - job.createdMs < this.pacing().timeoutMs) return;
    job.status = 'ERROR';
    job.reason = REASON_TIMEOUT;
    job.cancelled = job.order.slice(job.next).sort((a, b) => a - b);
    job.next = job.order.length;
    job.endedMs = now;
  }

  private admit(kind: ExportKind, key: string): { duplicate: ExportJob } | { tooMany: true } | undefined {
    const active = this.active(kind);
    if (this.faults().rejectDuplicateExports) {
      const duplicate = active.find((j) => j.key === key);
      if (duplicate) return { duplicate };
    }
    if (active.length >= this.faults().maxConcurrentExports) return { tooMany: true };
    return undefined;
  }

  private newJob(kind: ExportKind, model: 'v1' | 'v2', key: string, numPerChunk: number): ExportJob {
    const now = this.clock.now();
    const job: ExportJob = {
      uuid: this.rng.uuid(),
      kind,
      model,
      status: 'QUEUED',
      createdMs: now,
      day: this.estate.dayAt(now),
      key,
      numPerChunk,
      includeOpenPorts: false,
      polls: 0,
      boundaries: [0],
      order: [],
      next: 0,
      available: new Map(),
      failed: [],
      cancelled: [],
      failAfter: this.faults().exportErrorAfterChunks,
    };
    this.jobs.set(job.uuid, job);
    this.prune();
    return job;
  }

  createVulnExport(plan: VulnExportPlan): CreateResult {
    const refused = this.admit('vulns', plan.key);
    if (refused) return refused;
    const job = this.newJob('vulns', 'v1', plan.key, plan.numAssets);
    job.vulnFilter = plan.filter;
    job.vulnEcho = plan.echo;
    return { job };
  }

  createAssetExport(plan: AssetExportPlan, model: 'v1' | 'v2'): CreateResult {
    const refused = this.admit('assets', plan.key);
    if (refused) return refused;
    const job = this.newJob('assets', model, plan.key, plan.chunkSize);
    job.assetFilter = plan.filter;
    job.assetEcho = plan.echo;
    job.includeOpenPorts = plan.includeOpenPorts;
    return { job };
  }

  /** One status poll: advance the job one step, then report. */
  poll(job: ExportJob): void {
    this.checkTimeout(job);
    if (TERMINAL.has(job.status)) return;
    job.polls++;
    const pacing = this.pacing();
    if (job.status === 'QUEUED') {
      if (job.polls <= pacing.queuedPolls) return;
      job.status = 'PROCESSING';
      this.plan(job);
      if (job.order.length === 0) this.finish(job);
      return;
    }
    const total = job.order.length;
    const perPoll = pacing.chunksPerPoll ?? Math.max(1, Math.ceil(total / 3));
    const now = this.clock.now();
    for (let i = 0; i < perPoll && job.next < total; i++) {
      const id = job.order[job.next]!;
      if (job.failAfter !== null && job.next >= job.failAfter) {
        job.failed = [id];
        job.cancelled = job.order.slice(job.next + 1).sort((a, b) => a - b);
        job.next = total;
        job.status = 'ERROR';
        job.reason = REASON_ERROR;
        job.endedMs = now;
        return;
      }
      job.available.set(id, now);
      job.next++;
    }
    if (job.next >= total) this.finish(job);
  }

  private finish(job: ExportJob): void {
    job.status = 'FINISHED';
    job.endedMs = this.clock.now();
  }

  /** Group matching assets into chunks of `numPerChunk` (a vulnerability chunk holds all findings of its assets). */
  private plan(job: ExportJob): void {
    const estate = this.estate;
    const boundaries = [0];
    let inChunk = 0;
    for (let a = 0; a < estate.assetCount; a++) {
      let match = false;
      if (job.kind === 'vulns') {
        const filter = job.vulnFilter!;
        estate.forEachFinding(a, job.day, (f) => {
          if (!matchesVuln(f, filter)) return true;
          match = true;
          return false;
        });
      } else {
        match = matchesAsset(estate, estate.asset(a, job.day), job.assetFilter!);
      }
      if (!match) continue;
      if (++inChunk === job.numPerChunk) {
        boundaries.push(a + 1);
        inChunk = 0;
      }
    }
    if (inChunk > 0) boundaries.push(estate.assetCount);
    job.boundaries = boundaries;
    const ids = Array.from({ length: boundaries.length - 1 }, (_, i) => i + 1);
    job.order = this.pacing().outOfOrder ? new Prng(hash(this.estate.seed, 0xc4a9c, job.createdMs % 0x7fffffff, job.polls)).shuffle(ids) : ids;
  }

  cancel(job: ExportJob): 'cancelled' | 'not-cancellable' {
    this.checkTimeout(job);
    if (job.status === 'CANCELLED') return 'cancelled';
    if (TERMINAL.has(job.status)) return 'not-cancellable';
    const now = this.clock.now();
    job.status = 'CANCELLED';
    job.cancelled = job.order.slice(job.next).sort((a, b) => a - b);
    job.next = job.order.length;
    job.cancelledMs = now;
    job.endedMs = now;
    return 'cancelled';
  }

  private expiresAt(job: ExportJob, chunkCreatedMs: number): number {
    const ttl = chunkCreatedMs + this.faults().chunkTtlSeconds * 1000;
    return job.cancelledMs !== undefined ? Math.max(ttl, job.cancelledMs + CANCELLED_TTL_MS) : ttl;
  }

  chunk(job: ExportJob, id: number): ChunkResult {
    this.checkTimeout(job);
    const created = job.available.get(id);
    if (created === undefined) {
      const pending = !TERMINAL.has(job.status) && Number.isInteger(id) && (job.status === 'QUEUED' || (id >= 1 && id <= job.order.length));
      return { error: pending ? 'not-ready' : 'not-found' };
    }
    if (this.clock.now() >= this.expiresAt(job, created)) return { error: 'expired' };
    const lines = job.kind === 'vulns' ? this.vulnChunk(job, id) : this.assetChunk(job, id);
    return { job, stream: Readable.from(lines, { objectMode: false }) };
  }

  private *vulnChunk(job: ExportJob, id: number): Generator<Buffer> {
    const estate = this.estate;
    const filter = job.vulnFilter!;
    const out = new BufferWriter();
    out.text('[');
    let first = true;
    for (let a = job.boundaries[id - 1]!; a < job.boundaries[id]!; a++) {
      const scans = new Map<number, string>();
      let assetBytes: Buffer | undefined;
      estate.forEachFinding(a, job.day, (f) => {
        if (!matchesVuln(f, filter)) return;
        assetBytes ??= Buffer.from(vulnAssetJson(f.asset));
        if (!first) out.text(',');
        first = false;
        writeVulnRecord(out, estate, f, assetBytes, scans);
      });
      yield* out.take();
    }
    out.text(']');
    yield* out.end();
  }

  private *assetChunk(job: ExportJob, id: number): Generator<string> {
    const estate = this.estate;
    yield '[';
    let first = true;
    for (let a = job.boundaries[id - 1]!; a < job.boundaries[id]!; a++) {
      const asset = estate.asset(a, job.day);
      if (!matchesAsset(estate, asset, job.assetFilter!)) continue;
      const record = job.model === 'v1' ? assetV1(estate, asset, { includeOpenPorts: job.includeOpenPorts }) : assetV2(estate, asset, { includeOpenPorts: job.includeOpenPorts });
      yield (first ? '' : ',') + JSON.stringify(record);
      first = false;
    }
    yield ']';
  }

  vulnStatus(job: ExportJob): VulnExportStatusBody {
    const available = [...job.available.keys()].sort((a, b) => a - b);
    const body: VulnExportStatusBody = {
      uuid: job.uuid,
      status: job.status,
      chunks_available: available,
      chunks_failed: job.failed,
      chunks_cancelled: job.cancelled,
      total_chunks: job.order.length,
      chunks_available_count: available.length,
      empty_chunks_count: 0,
      finished_chunks: available.length,
      filters: job.vulnEcho!,
      num_assets_per_chunk: job.numPerChunk,
      created: job.createdMs,
    };
    if (job.reason) body.reason = job.reason;
    return body;
  }

  assetStatus(job: ExportJob): AssetExportStatusBody {
    const body: AssetExportStatusBody = { status: job.status, chunks_available: [...job.available.keys()].sort((a, b) => a - b) };
    if (job.reason) body.reason = job.reason;
    return body;
  }

  /** At most 1,000 most recent jobs; finished ones only for 3 days. */
  private listed(kind: ExportKind): ExportJob[] {
    const now = this.clock.now();
    const list: ExportJob[] = [];
    for (const job of this.jobs.values()) {
      if (job.kind !== kind) continue;
      this.checkTimeout(job);
      if (job.endedMs !== undefined && now - job.endedMs > 3 * DAY_MS) continue;
      list.push(job);
    }
    return list.sort((a, b) => b.createdMs - a.createdMs).slice(0, 1000);
  }

  vulnJobs(): VulnExportJob[] {
    return this.listed('vulns').map((job) => {
      const { chunks_available: _a, chunks_failed: _f, chunks_cancelled: _c, ...summary } = this.vulnStatus(job);
      return summary;
    });
  }

  assetJobs(): AssetExportJob[] {
    // Documented shape: no total_chunks on ERROR, finished_chunks only once some finished.
    return this.listed('assets').map((job) => ({
      uuid: job.uuid,
      status: job.status,
      ...(job.status === 'ERROR' ? {} : { total_chunks: job.order.length }),
      filters: job.assetEcho!,
      ...(job.available.size > 0 ? { finished_chunks: job.available.size } : {}),
      num_assets_per_chunk: job.numPerChunk,
      created: job.createdMs,
    }));
  }

  /** Drop the oldest ended jobs beyond MAX_JOBS, so memory stays bounded. */
  private prune(): void {
    if (this.jobs.size <= MAX_JOBS) return;
    const ended = [...this.jobs.values()].filter((j) => TERMINAL.has(j.status)).sort((a, b) => a.createdMs - b.createdMs);
    for (const job of ended.slice(0, this.jobs.size - MAX_JOBS)) this.jobs.delete(job.uuid);
  }
}

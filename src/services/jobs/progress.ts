/**
 * Progress of one running job: merges what the handler reports, publishes a JobProgressUpdate at
 * most every `intervalMs` (at once on a phase change, an error or the end), writes the row at
 * the same pace, and appends to the progress log on phase changes and errors.
 */
import type { JobPhase, JobProgressUpdate, JobStatusName, JobType } from '../../shared/job-progress.ts';
import type { ProgressInput } from './job-handler.ts';

const RECENT_ERRORS = 5;

export interface ProgressSnapshot {
  phase: JobPhase;
  percentage: number;
  currentOperation: string;
  assetsProcessed: number;
  vulnerabilitiesProcessed: number;
  importId: number | null;
}

export interface ProgressLogEntry {
  phase: JobPhase;
  percentage: number;
  message: string;
  level: 'info' | 'warn' | 'error';
}

export interface ProgressSinks {
  publish(update: JobProgressUpdate): void;
  /** Persist the snapshot (and heartbeat); may be called often, never concurrently. */
  write(snapshot: ProgressSnapshot): Promise<void>;
  log(entry: ProgressLogEntry): Promise<void>;
  queueSize(): number;
  now(): number;
}

export class JobProgress {
  private readonly state: ProgressSnapshot;
  private total: number | null = null;
  private readonly startedAt: number;
  private lastFlush = 0;
  private errors: string[] = [];
  private errorCount = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobId: number,
    private readonly jobType: JobType,
    private readonly sinks: ProgressSinks,
    private readonly intervalMs: number,
    initial: Partial<ProgressSnapshot> = {},
  ) {
    this.startedAt = sinks.now();
    this.state = { phase: 'Initializing', percentage: 0, currentOperation: 'Starting', assetsProcessed: 0, vulnerabilitiesProcessed: 0, importId: null, ...initial };
  }

  snapshot(): ProgressSnapshot {
    return { ...this.state };
  }

  report(input: ProgressInput): void {
    const phaseChanged = input.phase !== undefined && input.phase !== this.state.phase;
    if (input.phase !== undefined) this.state.phase = input.phase;
    if (input.percentage !== undefined) this.state.percentage = Math.max(0, Math.min(100, Math.round(input.percentage)));
    if (input.currentOperation !== undefined) this.state.currentOperation = input.currentOperation;
    if (input.assetsProcessed !== undefined) this.state.assetsProcessed = input.assetsProcessed;
    if (input.vulnerabilitiesProcessed !== undefined) this.state.vulnerabilitiesProcessed = input.vulnerabilitiesProcessed;
    if (input.vulnerabilitiesTotal !== undefined) this.total = input.vulnerabilitiesTotal;
    if (input.importId !== undefined) this.state.importId = input.importId;
    if (input.error !== undefined) {
      this.errorCount++;
      this.errors = [...this.errors, input.error].slice(-RECENT_ERRORS);
    }
    // Entries are built now: the state moves on before the queued write runs.
    const { phase, percentage, currentOperation } = this.state;
    if (phaseChanged) this.enqueue(() => this.sinks.log({ phase, percentage, message: currentOperation, level: 'info' }));
    const error = input.error;
    if (error !== undefined) this.enqueue(() => this.sinks.log({ phase, percentage, message: error, level: 'warn' }));
    const now = this.sinks.now();
    if (phaseChanged || input.error !== undefined || now - this.lastFlush >= this.intervalMs) this.flush('running');
  }

  /** Publishes and writes now (heartbeats, the end of a run). */
  flush(status: JobStatusName, write = true): void {
    this.lastFlush = this.sinks.now();
    this.sinks.publish(this.update(status));
    if (write) {
      const snapshot = this.snapshot();
      this.enqueue(() => this.sinks.write(snapshot));
    }
  }

  /**
   * Ends the run: once the pending writes are done, `close` stores the job's final status with
   * this closing log line, and the final update is published if the job was still ours.
   */
  async finish<T>(status: JobStatusName, message: string, level: ProgressLogEntry['level'], close: (line: ProgressLogEntry) => Promise<T | undefined>): Promise<T | undefined> {
    if (status === 'completed') {
      this.state.phase = 'Completed';
      this.state.percentage = 100;
    }
    this.state.currentOperation = message;
    if (level === 'error') {
      this.errorCount++;
      this.errors = [...this.errors, message].slice(-RECENT_ERRORS);
    }
    const { phase, percentage } = this.state;
    await this.settled();
    const closed = await close({ phase, percentage, message, level });
    if (closed !== undefined) this.flush(status, false);
    return closed;
  }

  /** Waits for pending writes. */
  async settled(): Promise<void> {
    await this.chain;
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch(() => undefined);
  }

  update(status: JobStatusName): JobProgressUpdate {
    const now = this.sinks.now();
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    const vulnRate = this.state.vulnerabilitiesProcessed / seconds;
    const left = this.total !== null ? Math.max(0, this.total - this.state.vulnerabilitiesProcessed) : null;
    const etaSeconds = status === 'running' && left !== null && vulnRate > 0 ? Math.round(left / vulnRate) : null;
    return {
      job_id: this.jobId,
      import_id: this.state.importId,
      job_type: this.jobType,
      status,
      phase: this.state.phase,
      progress_percentage: this.state.percentage,
      current_operation: this.state.currentOperation,
      assets_processed: this.state.assetsProcessed,
      vulnerabilities_processed: this.state.vulnerabilitiesProcessed,
      estimated_completion: etaSeconds === null ? null : new Date(now + etaSeconds * 1000).toISOString(),
      eta_seconds: etaSeconds,
      performance_metrics: {
        assets_per_second: round1(this.state.assetsProcessed / seconds),
        vulnerabilities_per_second: round1(vulnRate),
        memory_usage_mb: Math.round(process.memoryUsage.rss() / 1048576),
        database_queue_size: this.sinks.queueSize(),
      },
      ...(this.errorCount > 0 ? { error_summary: { error_count: this.errorCount, recent_errors: [...this.errors] } } : {}),
      at: new Date(now).toISOString(),
    };
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

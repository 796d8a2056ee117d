/**
 * Who gets to run which queued job. The `jobs` row stays the source of truth; a dispatcher only
 * tells workers that a job id is ready, and the worker's atomic claim (queued → running) makes
 * sure it runs once even if it is announced twice.
 *
 * - SQLite: workers in this process poll the table (woken at once on enqueue).
 * - PostgreSQL: pg-boss carries job ids between server processes (SKIP LOCKED fetch), in its
 *   own schema beside the app's, so test schemas stay isolated.
 */
import PgBoss from 'pg-boss';
import type { Logger } from '../../logging/logger.ts';

export interface Dispatcher {
  /** Announces jobs that became queued. */
  dispatch(jobIds: readonly number[]): Promise<void>;
  /**
   * Starts `concurrency` worker loops. `run(id)` runs that job if it can still be claimed;
   * `run(undefined)` claims the most urgent due job; both resolve to whether a job ran.
   */
  startWorkers(concurrency: number, run: (jobId: number | undefined) => Promise<boolean>): Promise<void>;
  /** Stops taking new work (running handlers are the worker's business). */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export class LocalDispatcher implements Dispatcher {
  private wake: (() => void)[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly pollMs: number) {}

  async dispatch(): Promise<void> {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }

  async startWorkers(concurrency: number, run: (jobId: number | undefined) => Promise<boolean>): Promise<void> {
    this.stopped = false;
    for (let i = 0; i < concurrency; i++) {
      this.loops.push(
        (async () => {
          while (!this.stopped) {
            const ran = await run(undefined).catch(() => false);
            if (!ran && !this.stopped) await this.idle();
          }
        })(),
      );
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake.push(done);
    });
  }

  async stopWorkers(): Promise<void> {
    this.stopped = true;
    await this.dispatch();
    await Promise.all(this.loops);
    this.loops = [];
  }

  async close(): Promise<void> {
    await this.stopWorkers();
  }
}

const QUEUE = 'hextrackr-jobs';

export class PgBossDispatcher implements Dispatcher {
  private boss: PgBoss | undefined;
  private starting: Promise<PgBoss> | undefined;
  private workerIds: string[] = [];
  private stopping = false;

  constructor(
    private readonly connectionString: string,
    /** pg-boss's own schema, e.g. `<app schema>_pgboss`. */
    readonly schema: string,
    private readonly logger: Logger,
  ) {}

  private started(): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = new PgBoss({ connectionString: this.connectionString, schema: this.schema, max: 3, schedule: false });
      boss.on('error', (error: Error) => this.logger.warn('jobs', 'job queue error', { error: error.message }));
      await boss.start();
      await boss.createQueue(QUEUE).catch(async (error: Error) => {
        if (!(await boss.getQueue(QUEUE))) throw error;
      });
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }

  async dispatch(jobIds: readonly number[]): Promise<void> {
    if (jobIds.length === 0) return;
    const boss = await this.started();
    // The row holds priority and retries; pg-boss only delivers the id, once, within a day.
    await boss.insert(jobIds.map((jobId) => ({ name: QUEUE, data: { jobId }, retryLimit: 0, expireInSeconds: 23 * 3600 })));
  }

  async startWorkers(concurrency: number, run: (jobId: number | undefined) => Promise<boolean>): Promise<void> {
    const boss = await this.started();
    this.stopping = false;
    for (let i = 0; i < concurrency; i++) {
      const id = await boss.work<{ jobId: number }>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([delivery]) => {
        if (!delivery) return;
        if (this.stopping) {
          // Fetched while shutting down: hand the id back for another process.
          await this.dispatch([delivery.data.jobId]);
          return;
        }
        await run(delivery.data.jobId);
      });
      this.workerIds.push(id);
    }
  }

  async stopWorkers(): Promise<void> {
    this.stopping = true;
    if (this.boss) for (const id of this.workerIds) await this.boss.offWork({ id });
    this.workerIds = [];
  }

  async close(): Promise<void> {
    await this.stopWorkers();
    const boss = this.boss ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    await boss?.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}

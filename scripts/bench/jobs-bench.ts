/**
 * npm run bench:jobs -- --findings 100000 --assets 2000 [--db sqlite|postgres]
 *
 * Starts the Tenable simulator and HexTrackr with its job worker in this process, runs a full
 * vulnerability sync as a job and prints: enqueue → running latency, wall seconds, findings/s,
 * progress updates received, peak RSS (simulator included), then cancels a second sync mid-export
 * and prints how long the cancel took to end the job.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openApplication } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { TenableClient } from '../../src/integrations/tenable/client/index.ts';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import type { JobProgressUpdate } from '../../src/shared/job-progress.ts';

const { values } = parseArgs({
  options: {
    findings: { type: 'string', default: '100000' },
    assets: { type: 'string', default: '2000' },
    db: { type: 'string', default: 'sqlite' },
  },
  allowPositionals: true,
});
const findings = Number(values.findings);
const assets = Number(values.assets);
if (!Number.isInteger(findings) || findings < 100) throw new Error('--findings must be an integer >= 100');
if (!Number.isInteger(assets) || assets < 10) throw new Error('--assets must be an integer >= 10');
if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db must be sqlite or postgres');

const dir = mkdtempSync(path.join(tmpdir(), 'hextrackr-jobs-bench-'));
const pgUrl = process.env.HEXTRACKR_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `jobs_bench_${process.pid}`;
async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(statement).finally(() => client.end());
}
if (values.db === 'postgres') await pgAdmin(`CREATE SCHEMA ${schema}`);

const sim = await startTenableSimulator({ assets, findings, seed: 1 });
const client = () =>
  new TenableClient({ baseUrl: sim.url, accessKey: sim.accessKey, secretKey: sim.secretKey, exports: { pollIntervalMs: 50, maxPollIntervalMs: 200 } });
const config = loadConfig({}, { dataDir: dir, sqlitePath: path.join(dir, 'bench.db'), databaseUrl: values.db === 'postgres' ? pgUrl : undefined, logLevel: 'silent' });
const hex = await openApplication(config, silentLogger(), { jobWorker: true, tenableClient: client, ...(values.db === 'postgres' ? { pgSchema: schema } : {}) });

function watch(jobId: number) {
  const updates: JobProgressUpdate[] = [];
  const waiters: { predicate: (u: JobProgressUpdate) => boolean; resolve: (at: number) => void }[] = [];
  const stop = hex.events.subscribe('job.progress', (u) => {
    if (u.job_id !== jobId) return;
    updates.push(u);
    for (const w of waiters.splice(0)) {
      if (w.predicate(u)) w.resolve(performance.now());
      else waiters.push(w);
    }
  });
  const until = (predicate: (u: JobProgressUpdate) => boolean) =>
    new Promise<number>((resolve) => {
      if (updates.some(predicate)) resolve(performance.now());
      else waiters.push({ predicate, resolve });
    });
  return { updates, until, stop };
}

try {
  const enqueuedAt = performance.now();
  const job = await hex.jobs.enqueue({ jobType: 'tenable_vulnerability_sync', payload: { full: true }, createdBy: 'bench' });
  const w = watch(job.id);
  const runningAt = await w.until((u) => u.status === 'running');
  const endedAt = await w.until((u) => ['completed', 'failed'].includes(u.status));
  w.stop();
  const detail = await hex.jobs.get(job.id);
  const sync = (detail.result as { sync?: { rows_read: number } } | null)?.sync;
  const seconds = (endedAt - enqueuedAt) / 1000;

  sim.setFaults({ slowChunkMs: 300 });
  const second = await hex.jobs.enqueue({ jobType: 'tenable_vulnerability_sync', payload: { full: true, assets_per_chunk: 50 }, createdBy: 'bench' });
  const c = watch(second.id);
  await c.until((u) => u.phase === 'Processing Vulnerabilities' && u.vulnerabilities_processed > 0);
  const cancelAt = performance.now();
  await hex.jobs.cancel(second.id, 'bench');
  const cancelledAt = await c.until((u) => u.status === 'cancelled' || u.status === 'completed');
  c.stop();

  console.log(
    JSON.stringify(
      {
        db: values.db,
        findings: sync?.rows_read ?? null,
        status: detail.status,
        enqueueToRunningMs: Math.round(runningAt - enqueuedAt),
        wallSeconds: Math.round(seconds * 10) / 10,
        findingsPerSecond: sync ? Math.round(sync.rows_read / seconds) : null,
        progressUpdates: w.updates.length,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        cancelToEndedMs: Math.round(cancelledAt - cancelAt),
        cancelledStatus: c.updates.at(-1)?.status,
      },
      null,
      2,
    ),
  );
} finally {
  await hex.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  if (values.db === 'postgres') {
    await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
    await pgAdmin(`DROP SCHEMA IF EXISTS ${schema}_pgboss CASCADE`);
  }
}

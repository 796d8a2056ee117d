/**
 * Jobs survive their process: a server (child process) killed with SIGKILL in the middle of a
 * Tenable sync leaves its job to be taken over after a restart, which ends with exactly the
 * findings the simulator holds (no loss, no duplicates); a graceful stop hands a running job
 * back to the queue, and the next start finishes it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Application, openApplication } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { expectedOpenKeys, openKeys, type Simulator, simulatorClient, waitFor } from '../helpers/jobs.ts';
import { createTestLocation, DIALECTS, PG_URL, type TestLocation } from '../helpers/test-db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FAST = { heartbeatMs: 100, retryBaseMs: 100, sweepMs: 50, progressIntervalMs: 50 };

describe.each(DIALECTS)('job recovery on %s', (dialect) => {
  let sim: Simulator;
  let expected: string[];
  let everyKey: string[];
  let location: TestLocation;
  const apps: Application[] = [];

  beforeAll(async () => {
    sim = await startTenableSimulator({ assets: 200, findings: 3000, seed: 9 });
    expected = await expectedOpenKeys(sim);
    everyKey = await expectedOpenKeys(sim, true);
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    sim.setFaults({ slowChunkMs: 0 });
    for (const app of apps.splice(0)) await app.close();
    await location.remove();
  });

  async function open(worker: boolean, scanPollMs = 20): Promise<Application> {
    const config = loadConfig({}, { dataDir: location.dir, sqlitePath: location.options.sqlitePath, databaseUrl: location.options.databaseUrl, logLevel: 'silent', tenableScanPollMs: scanPollMs });
    const app = await openApplication(config, silentLogger(), {
      ...(location.options.pgSchema ? { pgSchema: location.options.pgSchema } : {}),
      jobWorker: worker,
      jobSettings: FAST,
      tenableClient: () => simulatorClient(sim),
    });
    apps.push(app);
    return app;
  }

  const jobRow = (app: Application, id: number) => app.database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('takes over a sync whose server was killed mid-way and ends with exactly the simulator findings', async () => {
    location = await createTestLocation(dialect);
    const control = await open(false);
    sim.setFaults({ slowChunkMs: 250 });
    const job = await control.jobs.enqueue({ jobType: 'tenable_vulnerability_sync', payload: { full: true, assets_per_chunk: 50 }, createdBy: 'test' });

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HEXTRACKR_DATA_DIR: location.dir,
      HEXTRACKR_PORT: '0',
      HEXTRACKR_LOG_LEVEL: 'silent',
      HEXTRACKR_JOB_HEARTBEAT_MS: '200',
      TENABLE_URL: sim.url,
      TENABLE_ACCESS_KEY: sim.accessKey,
      TENABLE_SECRET_KEY: sim.secretKey,
      ...(location.options.pgSchema
        ? { DATABASE_URL: `${PG_URL}?options=-c%20search_path%3D${location.options.pgSchema}` }
        : { HEXTRACKR_SQLITE_PATH: location.options.sqlitePath }),
    };
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), 'serve'], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    try {
      const midway = await waitFor('the child to be streaming findings', async () => {
        const row = await jobRow(control, job.id);
        return row.status === 'running' && row.vulnerabilities_processed > 0 ? row : undefined;
      }, 90_000);
      expect(midway.locked_by).toContain(`:${child.pid}:`);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    expect((await jobRow(control, job.id)).status).toBe('running');
    expect(await openKeys(control.database)).toEqual([]);

    // Restart: a new server finds the dead worker's job and runs it again from the start.
    sim.setFaults({ slowChunkMs: 0 });
    const restarted = await open(true);
    const done = await waitFor('the resumed job to end', async () => {
      const row = await jobRow(restarted, job.id);
      return ['completed', 'failed'].includes(row.status) ? row : undefined;
    }, 90_000);
    const log = await restarted.jobs.get(job.id);
    // Should the job have run a third time, say why: what its attempts logged beyond progress.
    const trouble = log.progress_log.filter((l) => l.level !== 'info').map(({ level, message }) => ({ level, message }));
    expect(done, JSON.stringify({ trouble, error: done.error })).toMatchObject({ status: 'completed', attempts: 2 });
    expect(done.locked_by).toBeNull();
    expect(log.progress_log.some((l) => /interrupted \(its process .* is gone\); queued to resume/.test(l.message))).toBe(true);

    const keys = await openKeys(restarted.database);
    expect(keys).toEqual(expected);
    const findings = Number((await restarted.database.db.selectFrom('findings').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    // One finding per key the export named (FIXED ones are stored resolved): nothing twice.
    expect(findings).toBe(everyKey.length);
    const imports = await restarted.database.db.selectFrom('imports').select(['status', 'error']).orderBy('id').execute();
    expect(imports.map((i) => i.status)).toEqual(['failed', 'completed']);
    expect(imports[0]!.error).toMatch(/interrupted/);
  }, 240_000);

  it('hands a running job back to the queue on a graceful stop; the next start finishes it', async () => {
    location = await createTestLocation(dialect);
    const first = await open(true);
    sim.setFaults({ slowChunkMs: 500 });
    const job = await first.jobs.enqueue({ jobType: 'tenable_vulnerability_sync', payload: { full: true, assets_per_chunk: 50 }, createdBy: 'test' });
    await waitFor('the sync to stream', async () => (await jobRow(first, job.id)).current_phase === 'Processing Vulnerabilities');
    await first.jobs.stopWorker();
    const handedBack = await jobRow(first, job.id);
    expect(handedBack).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });
    expect(handedBack.current_operation).toMatch(/Interrupted \(the server is stopping\); will resume/);
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    sim.setFaults({ slowChunkMs: 0 });
    const second = await open(true);
    const done = await waitFor('the job to complete after the restart', async () => {
      const row = await jobRow(second, job.id);
      return row.status === 'completed' ? row : undefined;
    }, 90_000);
    expect(done.attempts).toBe(1);
    expect(await openKeys(second.database)).toEqual(expected);
  }, 180_000);

  it('resumes a scan job after a stop by following the scan it launched, not launching another', async () => {
    location = await createTestLocation(dialect);
    const first = await open(true, 2000);
    const scanId = sim.estate.scans[0]!.id;
    const job = await first.jobs.enqueue({ jobType: 'tenable_scan', payload: { scan_id: scanId }, createdBy: 'test' });
    await waitFor('the scan to run on Tenable', async () => /is (pending|running) on Tenable/.test((await jobRow(first, job.id)).current_operation));
    await first.jobs.stopWorker();
    const handedBack = await jobRow(first, job.id);
    expect(handedBack.status).toBe('queued');
    const launched = JSON.parse(handedBack.checkpoint!) as { scan_uuid: string };
    await first.close();
    apps.splice(apps.indexOf(first), 1);

    const second = await open(true);
    const done = await waitFor('the resumed scan job to end', async () => {
      const row = await jobRow(second, job.id);
      return ['completed', 'failed'].includes(row.status) ? row : undefined;
    }, 90_000);
    expect(done.status).toBe('completed');
    expect(JSON.parse(done.result!)).toMatchObject({ scan_id: scanId, scan_uuid: launched.scan_uuid, scan_status: 'completed' });
    const log = await second.jobs.get(job.id);
    expect(log.progress_log.some((l) => l.message.includes(`Following scan ${scanId} run ${launched.scan_uuid} launched by an earlier attempt`))).toBe(true);
  }, 180_000);
});

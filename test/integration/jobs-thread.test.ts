/**
 * Jobs run in worker threads, as `hextrackr serve` runs them: the server's event loop keeps
 * answering while a sync's rollover runs, and cancel, failures, checkpoints and progress cross
 * the thread boundary. Against the Tenable simulator on loopback, with the client the job thread
 * builds itself from the configured TENABLE_* settings.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/env.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { expectedOpenKeys, expectNothingApplied, FAST_JOB_SETTINGS, jobDetail, jobInStatus, jobSocket, launchFirstScan, openKeys, simulatorFixture, startSlowSync } from '../helpers/jobs.ts';
import { DIALECTS } from '../helpers/test-db.ts';

describe.each(DIALECTS)('jobs in worker threads on %s', (dialect) => {
  const fx = simulatorFixture({ assets: 400, findings: 8000, seed: 11 });

  async function start(config: Partial<Config> = {}): Promise<TestServer> {
    return fx.serve(await startTestServer(dialect, {
      config: { tenableUrl: fx.sim.url, tenableAccessKey: fx.sim.accessKey, tenableSecretKey: fx.sim.secretKey, tenableScanPollMs: 20, ...config },
      app: {
        jobWorker: true,
        jobsInThreads: true,
        tenableClientDefaults: { exports: { pollIntervalMs: 10, maxPollIntervalMs: 50 } },
        jobSettings: FAST_JOB_SETTINGS,
      },
    }));
  }

  const job = jobDetail;

  it('syncs in a thread: the same findings, progress over the WebSocket, and the event loop never held by the rollover', async () => {
    const s = await start();
    const ws = await jobSocket(s);
    // The rollover runs between the import's 'applying' and 'completed' reports. A ticker records
    // how long the event loop went between turns; on the server's thread the rollover's synchronous
    // statements would make one gap as long as the rollover itself.
    let applyStarted = 0;
    let applyEnded = 0;
    const stop = s.hex.events.subscribe('import.progress', (progress) => {
      if (progress.phase === 'applying' && applyStarted === 0) applyStarted = performance.now();
      else if (progress.phase === 'completed' && applyStarted > 0) applyEnded = performance.now();
    });
    const gaps: { from: number; to: number }[] = [];
    let lastTurn = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push({ from: lastTurn, to: now });
      lastTurn = now;
    }, 5);
    try {
      const accepted = await s.api<{ job_id: number }>('POST', '/api/tenable/sync', { as: 'analyst', body: { full: true, scan_date: '2026-02-01', assets_per_chunk: 50 } });
      expect(accepted.status).toBe(202);
      const id = accepted.body.job_id;
      const done = await ws.until('the completed update', (u) => u.job_id === id && u.status === 'completed');
      expect(done).toMatchObject({ job_type: 'tenable_vulnerability_sync', phase: 'Completed', progress_percentage: 100, import_id: expect.any(Number) });
      const phases = new Set(ws.updates.filter((u) => u.job_id === id).map((u) => u.phase));
      expect([...phases]).toEqual(expect.arrayContaining(['Correlating Assets', 'Processing Vulnerabilities', 'Completed']));
      expect(ws.updates.some((u) => u.job_id === id && u.phase === 'Processing Vulnerabilities' && u.vulnerabilities_processed > 0)).toBe(true);
      expect(await openKeys(s.hex.database)).toEqual(await expectedOpenKeys(fx.sim));

      const detail = await job(s, id);
      expect(detail.progress_log.filter((l) => l.level === 'error')).toEqual([]);
      expect(detail).toMatchObject({ status: 'completed', attempts: 1 });
      expect(applyEnded).toBeGreaterThan(applyStarted);
      const applyMs = applyEnded - applyStarted;
      const longestStallMs = Math.max(...gaps.filter((g) => g.to >= applyStarted && g.from <= applyEnded).map((g) => g.to - g.from));
      expect(longestStallMs).toBeLessThan(applyMs / 2);
    } finally {
      clearInterval(ticker);
      stop();
      ws.close();
    }
  });

  it('cancels a sync running in a thread promptly, and nothing is applied', async () => {
    const s = await start();
    const body = { job_id: await startSlowSync(s, fx.sim) };
    const requested = Date.now();
    expect((await s.api('POST', `/api/jobs/${body.job_id}/cancel`, { as: 'analyst' })).status).toBe(202);
    const ended = await jobInStatus(s, body.job_id, 'cancelled', 'completed', 'failed');
    expect(ended.status).toBe('cancelled');
    expect(ended.error).toMatch(/cancelled by request during processing vulnerabilities/i);
    expect(Date.now() - requested).toBeLessThan(10_000);
    await expectNothingApplied(s.hex.database);
  });

  it('carries a failure no retry can fix (keys Tenable refuses) out of the thread: failed at once, not retried', async () => {
    const s = await start({ tenableSecretKey: 'f'.repeat(64) });
    const { body } = await s.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true } });
    const failed = await jobInStatus(s, body.job_id, 'failed', 'retrying', 'completed');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toMatch(/401/);
    // The status and the line that explains it are written together.
    expect(failed.progress_log.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/not retried/) });
  });

  it('launches a scan from a thread: its checkpoint reaches the job row, and its findings are synced', async () => {
    const s = await start();
    const { done } = await launchFirstScan(s, fx.sim);
    const row = await s.hex.database.db.selectFrom('jobs').select(['checkpoint']).where('id', '=', done.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.checkpoint ?? '{}')).toMatchObject({ scan_uuid: (done.result as { scan_uuid: string }).scan_uuid });
    expect(await openKeys(s.hex.database)).toEqual(await expectedOpenKeys(fx.sim));
  });
});

/**
 * Several server processes on one PostgreSQL schema share the job queue: every job runs exactly
 * once (pg-boss delivers each id once; the row claim refuses a second run), and progress reaches
 * WebSocket clients of every process through LISTEN/NOTIFY, whichever process runs the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { jobSocket, type Simulator, simulatorClient, waitFor } from '../helpers/jobs.ts';
import { PG_URL } from '../helpers/test-db.ts';

const FAST = { heartbeatMs: 100, retryBaseMs: 100, sweepMs: 50, progressIntervalMs: 50 };

describe.runIf(PG_URL)('two server processes on one PostgreSQL schema', () => {
  let sim: Simulator;
  let a: TestServer;
  let b: TestServer;
  let observer: TestServer;

  beforeAll(async () => {
    sim = await startTenableSimulator({ assets: 60, findings: 600, seed: 3, faults: { rejectDuplicateExports: false } });
    const app = { jobWorker: true, jobSettings: FAST, tenableClient: () => simulatorClient(sim) };
    a = await startTestServer('postgres', { app });
    const shared = { pgSchema: a.location.options.pgSchema! };
    b = await startTestServer('postgres', { app: { ...app, ...shared } });
    // A third server runs no jobs: it only serves WebSocket clients.
    observer = await startTestServer('postgres', { app: { ...app, jobWorker: false, ...shared } });
  });
  afterAll(async () => {
    await observer?.close();
    await b?.close();
    await a?.close();
    await sim.close();
  });

  it('runs each job once across the processes and relays progress to clients of a process that ran none', async () => {
    const ws = await jobSocket(observer);
    try {
      const ids: number[] = [];
      for (let i = 0; i < 4; i++) {
        const { status, body } = await observer.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true } });
        expect(status).toBe(202);
        ids.push(body.job_id);
      }
      for (const id of ids) await ws.until(`job ${id} completed`, (u) => u.job_id === id && u.status === 'completed', 120_000);
      const rows = await a.hex.database.db.selectFrom('jobs').select(['id', 'status', 'attempts']).orderBy('id').execute();
      // Should a job have run twice, say why: what its attempts logged beyond progress.
      const trouble = await a.hex.database.db.selectFrom('job_progress_log').select(['job_id', 'level', 'message']).where('level', '<>', 'info').execute();
      expect(rows, JSON.stringify(trouble)).toEqual(ids.map((id) => ({ id, status: 'completed', attempts: 1 })));
      // One import per job: none ran twice.
      const imports = await a.hex.database.db.selectFrom('imports').select('status').execute();
      expect(imports.map((i) => i.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      // The observer runs no jobs: every running update it saw was relayed from a or b.
      const running = ws.updates.filter((u) => u.status === 'running' && ids.includes(u.job_id ?? -1));
      expect(running.length).toBeGreaterThan(0);
    } finally {
      ws.close();
    }
  });

  it('cancels a job running in another process at once (the cancel travels by NOTIFY)', async () => {
    sim.setFaults({ slowChunkMs: 600 });
    try {
      const { body } = await observer.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true, assets_per_chunk: 50 } });
      const running = await waitFor('the job to stream in a or b', async () => {
        const row = await observer.hex.database.db.selectFrom('jobs').selectAll().where('id', '=', body.job_id).executeTakeFirstOrThrow();
        return row.status === 'running' && row.current_phase === 'Processing Vulnerabilities' ? row : undefined;
      });
      expect([a.hex.jobs.workerId, b.hex.jobs.workerId]).toContain(running.locked_by);
      expect((await observer.api('POST', `/api/jobs/${body.job_id}/cancel`)).status).toBe(202);
      const ended = await waitFor('the job to end', async () => {
        const row = await observer.hex.database.db.selectFrom('jobs').selectAll().where('id', '=', body.job_id).executeTakeFirstOrThrow();
        return ['cancelled', 'completed', 'failed'].includes(row.status) ? row : undefined;
      });
      expect(ended.status).toBe('cancelled');
    } finally {
      sim.setFaults({ slowChunkMs: 0 });
    }
  });
});

/**
 * Background jobs end to end, on a real server with the worker running, against the Tenable
 * simulator on loopback: progress over a real WebSocket, cancel, retry with backoff, scans,
 * scan windows, cron schedules, webhook and email notifications, and the HTTP contract.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../src/services/jobs/job.service.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { expectedOpenKeys, expectNothingApplied, FAST_JOB_SETTINGS, jobDetail, jobInStatus, jobSocket, launchFirstScan, openKeys, simulatorClient, simulatorFixture, startSlowSync, waitFor } from '../helpers/jobs.ts';
import { DIALECTS } from '../helpers/test-db.ts';

describe.each(DIALECTS)('background jobs on %s', (dialect) => {
  const fx = simulatorFixture({ assets: 120, findings: 1500, seed: 5 });

  async function start(options: { scanPollMs?: number; now?: () => number; worker?: boolean; mail?: Transporter } = {}): Promise<TestServer> {
    return fx.serve(await startTestServer(dialect, {
      config: { tenableScanPollMs: options.scanPollMs ?? 20 },
      app: {
        jobWorker: options.worker ?? true,
        tenableClient: () => simulatorClient(fx.sim),
        jobSettings: { ...FAST_JOB_SETTINGS, ...(options.now ? { now: options.now } : {}) },
        ...(options.mail ? { mailTransport: options.mail } : {}),
      },
    }));
  }

  const job = jobDetail;

  it('runs a vulnerability sync to completion and streams its progress over the WebSocket', async () => {
    const s = await start();
    const ws = await jobSocket(s);
    try {
      const accepted = await s.api<{ job_id: number }>('POST', '/api/tenable/sync', { as: 'analyst', body: { full: true, scan_date: '2026-01-05' } });
      expect(accepted.status).toBe(202);
      const id = accepted.body.job_id;
      const done = await ws.until('the completed update', (u) => u.job_id === id && u.status === 'completed');
      expect(done).toMatchObject({ job_type: 'tenable_vulnerability_sync', phase: 'Completed', progress_percentage: 100 });
      expect(done.vulnerabilities_processed).toBeGreaterThan(1000);
      expect(done.import_id).toEqual(expect.any(Number));
      const mine = ws.updates.filter((u) => u.job_id === id);
      const phases = [...new Set(mine.map((u) => u.phase))];
      expect(phases).toEqual(expect.arrayContaining(['Initializing', 'Connecting to Tenable', 'Processing Vulnerabilities', 'Finalizing', 'Completed']));
      expect(phases.indexOf('Connecting to Tenable')).toBeLessThan(phases.indexOf('Processing Vulnerabilities'));
      const running = mine.find((u) => u.status === 'running' && u.phase === 'Processing Vulnerabilities' && u.vulnerabilities_processed > 0);
      expect(running?.performance_metrics.memory_usage_mb).toBeGreaterThan(0);
      expect(running?.performance_metrics.vulnerabilities_per_second).toBeGreaterThan(0);

      const detail = await job(s, id);
      expect(detail).toMatchObject({ status: 'completed', attempts: 1, progress_percentage: 100, created_by: 'test-analyst' });
      expect((detail.result as { sync: { created: number } }).sync.created).toBeGreaterThan(1000);
      expect(detail.progress_log.map((l) => l.phase)).toEqual(expect.arrayContaining(['Connecting to Tenable', 'Processing Vulnerabilities', 'Finalizing', 'Completed']));
      expect(await openKeys(s.hex.database)).toEqual(await expectedOpenKeys(fx.sim));

      const listed = await s.api<{ jobs: JobView[]; total: number }>('GET', '/api/jobs?status=completed&type=tenable_vulnerability_sync', { as: 'viewer' });
      expect(listed.body.total).toBe(1);
      expect(listed.body.jobs[0]!.id).toBe(id);
    } finally {
      ws.close();
    }
  });

  it('cancels a running sync promptly: the export stops, nothing is applied, the job says so', async () => {
    const s = await start();
    const body = { job_id: await startSlowSync(s, fx.sim) };
    const cancelled = await s.api<{ job: JobView }>('POST', `/api/jobs/${body.job_id}/cancel`, { as: 'analyst' });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.job.cancel_requested).toBe(true);
    const ended = await jobInStatus(s, body.job_id, 'cancelled', 'completed', 'failed');
    expect(ended.status).toBe('cancelled');
    expect(ended.error).toMatch(/cancelled by request during processing vulnerabilities/i);
    expect(ended.progress_log.some((l) => /cancel requested by test-analyst/.test(l.message))).toBe(true);
    await expectNothingApplied(s.hex.database);
    // Cancelling again is a conflict, not a silent success.
    expect((await s.api('POST', `/api/jobs/${body.job_id}/cancel`)).status).toBe(409);
  });

  it('retries with backoff after an export that ends in ERROR, then completes with exactly the simulator findings', async () => {
    const s = await start();
    fx.sim.setFaults({ exportErrorAfterChunks: 1 });
    const { body } = await s.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true, assets_per_chunk: 50 } });
    const retrying = await jobInStatus(s, body.job_id, 'retrying', 'failed', 'completed');
    expect(retrying.status).toBe('retrying');
    expect(retrying.error).toMatch(/ended ERROR/);
    expect(Date.parse(retrying.run_after)).toBeGreaterThan(Date.parse(retrying.updated_at) - 1);
    fx.sim.setFaults({ exportErrorAfterChunks: null });
    const done = await jobInStatus(s, body.job_id, 'completed', 'failed');
    expect(done).toMatchObject({ status: 'completed', attempts: 2 });
    expect(done.progress_log.some((l) => l.level === 'error' && /Attempt 1 of 3 failed: .*ERROR.*retrying in/.test(l.message))).toBe(true);
    expect(await openKeys(s.hex.database)).toEqual(await expectedOpenKeys(fx.sim));
  });

  it('fails after its last attempt and can be retried by hand', async () => {
    const s = await start();
    fx.sim.setFaults({ exportErrorAfterChunks: 0 });
    const created = await s.api<{ job_id: number }>('POST', '/api/jobs', { body: { job_type: 'tenable_vulnerability_sync', payload: { full: true }, max_attempts: 2 } });
    const failed = await jobInStatus(s, created.body.job_id, 'failed', 'completed');
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    fx.sim.setFaults({ exportErrorAfterChunks: null });
    const retried = await s.api<{ job: JobView }>('POST', `/api/jobs/${created.body.job_id}/retry`, { as: 'analyst' });
    expect(retried.status).toBe(202);
    expect(retried.body.job).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await jobInStatus(s, created.body.job_id, 'completed', 'failed')).status).toBe('completed');
    expect((await s.api('POST', `/api/jobs/${created.body.job_id}/retry`)).status).toBe(409);
  });

  it('launches a scan, follows it to completion on Tenable and syncs its findings', async () => {
    const s = await start();
    const { scanId, done } = await launchFirstScan(s, fx.sim);
    expect(done.tenable_scan_id).toBe(String(scanId));
    expect(done.progress_log.map((l) => l.phase)).toEqual(expect.arrayContaining(['Connecting to Tenable', 'Fetching Scan Results', 'Processing Vulnerabilities', 'Completed']));
    expect(await openKeys(s.hex.database)).toEqual(await expectedOpenKeys(fx.sim));
    const status = await s.api<{ tenable: { status: string }; job: JobView }>('GET', `/api/tenable/scans/${scanId}/status`, { as: 'viewer' });
    expect(status.body.tenable.status).toBe('completed');
    expect(status.body.job.id).toBe(done.id);
  });

  it('fails a job at once when no retry can help (an unknown scan)', async () => {
    const s = await start();
    const started = await s.api<{ job_id: number }>('POST', '/api/tenable/scans/start', { body: { scan_id: 987654 } });
    const failed = await jobInStatus(s, started.body.job_id, 'failed', 'retrying', 'completed');
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    // The status and the line that explains it are written together.
    expect(failed.progress_log.at(-1)).toMatchObject({ level: 'error', message: expect.stringMatching(/not retried/) });
  });

  it('cancelling a scan job stops the scan on Tenable', async () => {
    const s = await start({ scanPollMs: 1500 });
    const scanId = fx.sim.estate.scans[0]!.id;
    const started = await s.api<{ job_id: number }>('POST', '/api/tenable/scans/start', { body: { scan_id: scanId } });
    await waitFor('the scan to be running on Tenable', async () => /is (pending|running) on Tenable/.test((await job(s, started.body.job_id)).current_operation));
    const cancel = await s.api<{ job: JobView }>('POST', `/api/tenable/scans/${scanId}/cancel`, { as: 'analyst' });
    expect(cancel.status).toBe(202);
    const ended = await jobInStatus(s, started.body.job_id, 'cancelled', 'completed', 'failed');
    expect(ended.status).toBe('cancelled');
    const onTenable = await simulatorClient(fx.sim).scanStatus(scanId);
    expect(['stopping', 'canceled']).toContain(onTenable);
    expect(await simulatorClient(fx.sim).scanStatus(scanId)).toBe('canceled');
  });

  it('holds a job outside its scan window (spanning midnight) as waiting, then runs it when the window opens', async () => {
    let now = Date.parse('2026-03-02T12:00:00Z');
    const s = await start({ now: () => now });
    const created = await s.api<{ job_id: number; job: JobView }>('POST', '/api/jobs', {
      body: { job_type: 'tenable_vulnerability_sync', payload: { full: true }, window: { start: '22:00', end: '06:00' } },
    });
    expect(created.body.job).toMatchObject({ status: 'waiting', run_after: '2026-03-02T22:00:00.000Z', window: { start: '22:00', end: '06:00' } });
    // Sweeps pass with the clock outside the window: it keeps waiting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await job(s, created.body.job_id)).status).toBe('waiting');
    now = Date.parse('2026-03-02T23:30:00Z');
    const done = await jobInStatus(s, created.body.job_id, 'completed', 'failed');
    expect(done.status).toBe('completed');
    expect(done.started_at).toBe('2026-03-02T23:30:00.000Z');
  });

  it('fires a cron schedule once per due time even with two workers sweeping together', async () => {
    let now = Date.parse('2026-03-02T10:02:00Z');
    const a = await start({ now: () => now, worker: false });
    const b = await startTestServer(dialect, {
      app: { ...(a.location.options.pgSchema ? { pgSchema: a.location.options.pgSchema } : {}), jobSettings: { ...FAST_JOB_SETTINGS, now: () => now }, tenableClient: () => simulatorClient(fx.sim) },
      config: { sqlitePath: a.location.options.sqlitePath, databaseUrl: a.location.options.databaseUrl },
    });
    try {
      const created = await a.api<{ id: number; next_run_at: string }>('POST', '/api/jobs/schedules', {
        as: 'analyst',
        body: { name: 'every five minutes', job_type: 'tenable_vulnerability_sync', cron: '*/5 * * * *', payload: {} },
      });
      expect(created.status).toBe(201);
      expect(created.body.next_run_at).toBe('2026-03-02T10:05:00.000Z');
      const fired = async () =>
        (await a.hex.database.db.selectFrom('jobs').select(['id', 'created_by']).where('schedule_id', '=', created.body.id).execute()).map((r) => r.created_by);
      await Promise.all([a.hex.jobs.sweep(), b.hex.jobs.sweep()]);
      expect(await fired()).toEqual([]);
      now = Date.parse('2026-03-02T10:05:30Z');
      await Promise.all([a.hex.jobs.sweep(), b.hex.jobs.sweep(), a.hex.jobs.sweep(), b.hex.jobs.sweep()]);
      expect(await fired()).toEqual(['schedule:every five minutes']);
      now = Date.parse('2026-03-02T10:11:00Z');
      await Promise.all([b.hex.jobs.sweep(), a.hex.jobs.sweep()]);
      expect(await fired()).toHaveLength(2);
      const [schedule] = (await a.api<{ schedules: { next_run_at: string; last_run_at: string }[] }>('GET', '/api/jobs/schedules', { as: 'viewer' })).body.schedules;
      expect(schedule).toMatchObject({ next_run_at: '2026-03-02T10:15:00.000Z', last_run_at: '2026-03-02T10:11:00.000Z' });
    } finally {
      await b.close();
    }
  });

  it('validates jobs and schedules with errors naming the field', async () => {
    const s = await start({ worker: false });
    const badCron = await s.api<{ error: { code: string; message: string; details: { field: string } } }>('POST', '/api/jobs/schedules', {
      body: { name: 'nightly', job_type: 'tenable_vulnerability_sync', cron: '61 * * * *' },
    });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error.details.field).toBe('cron');
    expect(badCron.body.error.message).toMatch(/cron "61 \* \* \* \*"/);
    const badType = await s.api<{ error: { message: string } }>('POST', '/api/jobs', { body: { job_type: 'mine_bitcoin' } });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/job_type "mine_bitcoin".*tenable_vulnerability_sync/);
    const badPayload = await s.api<{ error: { message: string } }>('POST', '/api/jobs', { body: { job_type: 'tenable_scan', payload: { scan_id: -1 } } });
    expect(badPayload.status).toBe(400);
    expect(badPayload.body.error.message).toMatch(/payload\.scan_id/);
    const badWindow = await s.api<{ error: { details: { field: string }[] } }>('POST', '/api/jobs', { body: { job_type: 'tenable_vulnerability_sync', window: { start: '25:00', end: '06:00' } } });
    expect(badWindow.status).toBe(400);
    expect(badWindow.body.error.details[0]!.field).toBe('body.window.start');
    expect((await s.api('GET', '/api/jobs/999')).status).toBe(404);

    const schedule = await s.api<{ id: number }>('POST', '/api/jobs/schedules', { body: { name: 'nightly', job_type: 'tenable_vulnerability_sync', cron: '0 2 * * *' } });
    expect(schedule.status).toBe(201);
    const patched = await s.api<{ cron: string; enabled: boolean; next_run_at: string | null }>('PATCH', `/api/jobs/schedules/${schedule.body.id}`, { body: { enabled: false } });
    expect(patched.body).toMatchObject({ cron: '0 2 * * *', enabled: false, next_run_at: null });
    const badPatch = await s.api<{ error: { details: { field: string } } }>('PATCH', `/api/jobs/schedules/${schedule.body.id}`, { body: { cron: 'every day' } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.details.field).toBe('cron');
    expect((await s.api('DELETE', `/api/jobs/schedules/${schedule.body.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/api/jobs/schedules/${schedule.body.id}`)).status).toBe(404);

    // An empty body asks for an incremental sync.
    const incremental = await fetch(`${s.base}/api/tenable/sync`, { method: 'POST', headers: await s.headersFor('analyst') });
    expect(incremental.status).toBe(202);
    const { job_id: incrementalId } = (await incremental.json()) as { job_id: number };
    expect((await job(s, incrementalId)).payload).toEqual({});

    // A queued job is cancelled at once (no worker runs here).
    const queued = await s.api<{ job_id: number }>('POST', '/api/jobs', { body: { job_type: 'tenable_vulnerability_sync', priority: 'high' } });
    const cancelled = await s.api<{ job: JobView }>('POST', `/api/jobs/${queued.body.job_id}/cancel`);
    expect(cancelled.body.job).toMatchObject({ status: 'cancelled', priority: 3 });
  });

  it('notifies a webhook (retrying once) and by email when a job ends', async () => {
    const received: { body: unknown; attempt: number }[] = [];
    let attempts = 0;
    const hook: Server = createServer((request: IncomingMessage, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        attempts++;
        // The first delivery fails: the notifier retries once.
        response.statusCode = attempts === 1 ? 503 : 204;
        response.end();
        received.push({ body: JSON.parse(text) as unknown, attempt: attempts });
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const mail = nodemailer.createTransport({ jsonTransport: true });
    const sent: { to: string; subject: string; text: string }[] = [];
    const sendMail = mail.sendMail.bind(mail);
    mail.sendMail = (async (message: SendMailOptions) => {
      const info = (await sendMail(message)) as { message: string };
      sent.push(JSON.parse(info.message) as { to: string; subject: string; text: string });
      return info;
    }) as typeof mail.sendMail;
    try {
      const s = await start({ mail });
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const { body } = await s.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true, notification: { webhook_url: url, email: 'soc@example.com', on: ['completed'] } } });
      await jobInStatus(s, body.job_id, 'completed', 'failed');
      await waitFor('the webhook retry', () => received.length === 2, 15_000);
      expect(received[1]!.body).toMatchObject({ event: 'job.completed', job: { id: body.job_id, job_type: 'tenable_vulnerability_sync', status: 'completed', attempts: 1 } });
      expect(received[0]!.body).toEqual(received[1]!.body);
      await waitFor('the email', () => sent.length === 1, 15_000);
      expect(sent[0]).toMatchObject({ to: [{ address: 'soc@example.com' }], subject: `HexTrackr job ${body.job_id} (tenable_vulnerability_sync) completed` });
      expect(sent[0]!.text).toMatch(/created/);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});

describe.each(DIALECTS)('file import progress on the job channel on %s', (dialect) => {
  it('relays an uploaded import as job.progress while import.progress keeps working', async () => {
    const s = await startTestServer(dialect, { app: { importsInWorker: true } });
    const ws = await jobSocket(s);
    try {
      const dir = tempDir();
      const rows = Array.from({ length: 50 }, (_, i) => ({ hostname: `host${i % 7}`, severity: 'High', pluginId: String(1000 + i) }));
      const form = new FormData();
      form.append('file', new Blob([readFileSync(writeSimpleCsv(dir, 'scan-2026-01-05.csv', rows))]), 'scan-2026-01-05.csv');
      const upload = await fetch(`${s.base}/api/vulnerabilities/import`, { method: 'POST', body: form, headers: await s.headersFor('analyst') });
      expect(upload.status).toBe(202);
      const { importId } = (await upload.json()) as { importId: number };
      const done = await ws.until('the import as a completed job update', (u) => u.import_id === importId && u.status === 'completed');
      expect(done).toMatchObject({ job_id: null, job_type: 'import_file', phase: 'Completed', progress_percentage: 100, vulnerabilities_processed: 50 });
      await waitFor('the legacy import.progress message', () => ws.messages.some((m) => m.type === 'import.progress' && (m.data as { phase: string }).phase === 'completed'));
    } finally {
      ws.close();
      await s.close();
    }
  });
});

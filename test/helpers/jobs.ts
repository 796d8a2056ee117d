/** Helpers for job tests: a simulator-backed Tenable client, a WebSocket watcher, polling. */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import { findingKey, normalizeHost } from '../../src/domain/finding-identity.ts';
import { TenableClient } from '../../src/integrations/tenable/client/index.ts';
import { toParseEvents } from '../../src/integrations/tenable/mapper/index.ts';
import { startTenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import type { JobView } from '../../src/services/jobs/job.service.ts';
import type { JobProgressUpdate } from '../../src/shared/job-progress.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { TestServer } from './http-server.ts';

export type Simulator = Awaited<ReturnType<typeof startTenableSimulator>>;

export type JobDetail = JobView & { progress_log: { phase: string; message: string; level: string }[] };

/** Job timings short enough for tests: heartbeats, retries and sweeps in tens of milliseconds. */
export const FAST_JOB_SETTINGS = { heartbeatMs: 100, retryBaseMs: 150, sweepMs: 50, progressIntervalMs: 50 };

/**
 * One simulator for a describe block (started before its tests, stopped after), whose faults are
 * cleared and whose test server (see `serve`) is closed after each test.
 */
export function simulatorFixture(options: Parameters<typeof startTenableSimulator>[0]) {
  let sim: Simulator | undefined;
  let server: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    sim = await startTenableSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
  });
  afterEach(async () => {
    sim?.setFaults({ slowChunkMs: 0, exportErrorAfterChunks: null, serverErrorRate: 0 });
    await server?.close();
    server = undefined;
  });
  return {
    get sim(): Simulator {
      if (!sim) throw new Error('the simulator starts in beforeAll');
      return sim;
    },
    /** Closes this server after the current test. */
    serve<T extends { close(): Promise<void> }>(started: T): T {
      server = started;
      return started;
    },
  };
}

/** Posts a full sync whose export chunks arrive slowly (50 assets each), and waits until it streams them; returns its job id. */
export async function startSlowSync(server: JobApi, sim: Simulator): Promise<number> {
  sim.setFaults({ slowChunkMs: 400 });
  const { body } = await server.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true, assets_per_chunk: 50 } });
  await waitFor('the export to stream', async () => {
    const current = await jobDetail(server, body.job_id);
    return current.current_phase === 'Processing Vulnerabilities' && current.status === 'running';
  });
  return body.job_id;
}

/** Launches the simulator's first scan as a job and waits for the job to complete; returns the scan id and the ended job. */
export async function launchFirstScan(server: JobApi, sim: Simulator): Promise<{ scanId: number; done: JobDetail }> {
  const scanId = sim.estate.scans[0]!.id;
  const started = await server.api<{ job_id: number }>('POST', '/api/tenable/scans/start', { as: 'analyst', body: { scan_id: scanId, full: true } });
  expect(started.status).toBe(202);
  const done = await jobInStatus(server, started.body.job_id, 'completed', 'failed');
  expect(done.status).toBe('completed');
  expect(done.result).toMatchObject({ scan_id: scanId, scan_status: 'completed', scan_uuid: expect.any(String) });
  return { scanId, done };
}

/** An interrupted sync applied nothing: no open finding, and its import is recorded failed. */
export async function expectNothingApplied(database: DatabaseHandle): Promise<void> {
  expect(await openKeys(database)).toEqual([]);
  const imports = await database.db.selectFrom('imports').select(['status']).execute();
  expect(imports.map((i) => i.status)).toEqual(['failed']);
}

type JobApi = Pick<TestServer, 'api'>;

export async function jobDetail(server: JobApi, id: number): Promise<JobDetail> {
  return (await server.api<JobDetail>('GET', `/api/jobs/${id}`)).body;
}

export function jobInStatus(server: JobApi, id: number, ...statuses: string[]): Promise<JobDetail> {
  return waitFor(`job ${id} to be ${statuses.join(' or ')}`, async () => {
    const current = await jobDetail(server, id);
    return statuses.includes(current.status) ? current : undefined;
  });
}

export function simulatorClient(sim: Simulator): TenableClient {
  return new TenableClient({
    baseUrl: sim.url,
    accessKey: sim.accessKey,
    secretKey: sim.secretKey,
    // Retry waits move the simulator's clock; export polls stay short and real.
    sleep: async (ms: number) => {
      sim.advanceTime(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    },
    exports: { pollIntervalMs: 10, maxPollIntervalMs: 50 },
  });
}

/**
 * The keys HexTrackr should hold open: every OPEN/REOPENED finding of a full export, keyed as the
 * rollover keys them (with `includeFixed`, every finding the export names, FIXED ones too).
 */
export async function expectedOpenKeys(sim: Simulator, includeFixed = false): Promise<string[]> {
  const handle = simulatorClient(sim).exportVulns({ num_assets: 500, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } });
  const keys = new Set<string>();
  for await (const event of toParseEvents(handle)) {
    if (event.kind !== 'finding' || (event.finding.state === 'FIXED' && !includeFixed)) continue;
    const f = event.finding;
    const host = normalizeHost(f.hostname, f.ipAddress);
    for (const cve of f.cves.length > 0 ? f.cves : [undefined]) keys.add(findingKey(host, cve, f.pluginId, f.description));
  }
  return [...keys].sort();
}

export async function openKeys(database: DatabaseHandle): Promise<string[]> {
  return (await database.db.selectFrom('vulnerabilities_current').select('unique_key').execute()).map((r) => r.unique_key).sort();
}

/** Polls until `check` returns a value (not undefined/false), or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export interface JobSocket {
  socket: WebSocket;
  updates: JobProgressUpdate[];
  messages: { type: string; data?: unknown }[];
  send(message: unknown): Promise<void>;
  until(what: string, predicate: (update: JobProgressUpdate) => boolean, timeoutMs?: number): Promise<JobProgressUpdate>;
  close(): void;
}

/** A WebSocket client of /ws, signed in as a viewer; `subscribe` is sent and acknowledged before this resolves. */
export async function jobSocket(
  server: { base: string; headersFor(role: 'viewer'): Promise<Record<string, string>> },
  subscribe: unknown = { type: 'subscribe', all: true },
): Promise<JobSocket> {
  const socket = new WebSocket(`${server.base.replace('http', 'ws')}/ws`, { headers: await server.headersFor('viewer') });
  const updates: JobProgressUpdate[] = [];
  const messages: { type: string; data?: unknown }[] = [];
  let acks = 0;
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; data?: unknown };
    messages.push(message);
    if (message.type === 'job.progress') updates.push(message.data as JobProgressUpdate);
    if (message.type === 'subscribed') acks++;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const send = async (message: unknown) => {
    const before = acks;
    socket.send(JSON.stringify(message));
    await waitFor('the subscription acknowledgement', () => acks > before, 10_000, 5);
  };
  await send(subscribe);
  return {
    socket,
    updates,
    messages,
    send,
    until: (what, predicate, timeoutMs = 60_000) => waitFor(what, () => updates.find(predicate), timeoutMs, 10),
    close: () => socket.close(),
  };
}

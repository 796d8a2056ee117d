/**
 * The HTTP API on a real listening server: multipart upload, 202 + background import,
 * progress over a real WebSocket, import report, dashboard figures, and the error shape.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ImportProgress } from '../../src/shared/import-progress.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { DIALECTS } from '../helpers/test-db.ts';

describe.each(DIALECTS)('HTTP API on %s', (dialect) => {
  let test: TestServer;
  let base: string;
  let files: string;
  /** An analyst's token: uploads need analyst, reads viewer. */
  let auth: Record<string, string>;

  beforeAll(async () => {
    test = await startTestServer(dialect, { app: { importsInWorker: true } });
    base = test.base;
    auth = await test.headersFor('analyst');
    files = tempDir();
  });
  afterAll(async () => {
    await test.close();
  });

  const get = (path: string) => fetch(`${base}${path}`, { headers: auth });

  async function upload(file: string, fields: Record<string, string>): Promise<Response> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([readFileSync(file)]), file.split('/').pop());
    return fetch(`${base}/api/vulnerabilities/import`, { method: 'POST', body: form, headers: auth });
  }

  function watch(): Promise<{ socket: WebSocket; events: ImportProgress[]; completed: (importId: number) => Promise<ImportProgress> }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: auth });
      const events: ImportProgress[] = [];
      const waiters: { importId: number; resolve: (p: ImportProgress) => void }[] = [];
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { type: string; data: ImportProgress };
        if (message.type !== 'import.progress') return;
        events.push(message.data);
        if (message.data.phase === 'completed' || message.data.phase === 'failed') {
          for (const w of waiters.filter((x) => x.importId === message.data.importId)) w.resolve(message.data);
        }
      });
      socket.on('open', () =>
        resolve({
          socket,
          events,
          completed: (importId) =>
            new Promise((done) => {
              const seen = events.find((e) => e.importId === importId && (e.phase === 'completed' || e.phase === 'failed'));
              if (seen) done(seen);
              else waiters.push({ importId, resolve: done });
            }),
        }),
      );
      socket.on('error', reject);
    });
  }

  it('imports an uploaded file in the background and reports progress over the WebSocket', async () => {
    const ws = await watch();
    const rows = Array.from({ length: 300 }, (_, i) => ({
      hostname: `host${i % 30}.example.com`,
      severity: ['Low', 'Medium', 'High', 'Critical'][i % 4]!,
      vpr: (i % 10) + 0.5,
      pluginId: String(10_000 + (i % 50)),
      cve: i % 3 === 0 ? `CVE-2024-${1000 + i}` : undefined,
    }));
    const file = writeSimpleCsv(files, 'scan.csv', [...rows, { hostname: '', severity: 'High', pluginId: '1' }]);
    const response = await upload(file, { scan_date: '2025-04-01', scope: 'all' });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { importId: number; format: string; scanDate: string };
    expect(accepted).toMatchObject({ format: 'hextrackr-csv', scanDate: '2025-04-01' });

    const done = await ws.completed(accepted.importId);
    expect(done).toMatchObject({ phase: 'completed', rowsRead: 300, rejected: 1, fileName: 'scan.csv' });
    expect(ws.events.some((e) => e.importId === accepted.importId && e.phase === 'applying')).toBe(true);
    ws.socket.close();

    const report = (await (await get(`/api/imports/${accepted.importId}`)).json()) as Record<string, unknown>;
    expect(report).toMatchObject({ status: 'completed', rows_read: 300, rejected_count: 1, scan_date: '2025-04-01' });
    const expectedKeys = new Set(rows.map((r) => `${r.hostname.split('.')[0]}|${r.cve ?? r.pluginId}`));
    expect(Number(report.created_count)).toBe(expectedKeys.size);
    expect(report.rejections).toEqual([{ line: 302, field: 'hostname', reason: expect.any(String) }]);

    const list = (await (await get(`/api/imports`)).json()) as { items: { id: number }[]; total: number };
    expect(list.items.map((i) => i.id)).toContain(accepted.importId);

    const summary = (await (await get(`/api/dashboard/summary`)).json()) as { latest: { scanDate: string; total: { count: number } } };
    expect(summary.latest.scanDate).toBe('2025-04-01');
    expect(summary.latest.total.count).toBe(Number(report.created_count));

    const trends = (await (await get(`/api/dashboard/trends?from=2025-01-01&to=2025-12-31`)).json()) as { items: { scanDate: string }[] };
    expect(trends.items.map((d) => d.scanDate)).toEqual(['2025-04-01']);
  });

  it('filters progress to the imports a client subscribed to', async () => {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: auth });
    await new Promise((r) => socket.on('open', r));
    const received: ImportProgress[] = [];
    const subscribed = new Promise((r) => socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; data: ImportProgress };
      if (message.type === 'subscribed') r(undefined);
      if (message.type === 'import.progress') received.push(message.data);
    }));
    socket.send(JSON.stringify({ action: 'subscribe', importId: 999_999 }));
    await subscribed;
    const file = writeSimpleCsv(files, 'other.csv', [{ hostname: 'x1', severity: 'Low', pluginId: '7' }]);
    const accepted = (await (await upload(file, { scan_date: '2025-04-02' })).json()) as { importId: number };
    for (let i = 0; i < 100; i++) {
      const row = (await (await get(`/api/imports/${accepted.importId}`)).json()) as { status: string };
      if (row.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    socket.close();
    expect(received.filter((p) => p.importId === accepted.importId)).toEqual([]);
  });

  it('answers bad requests with one error shape naming the problem', async () => {
    const bogus = writeSimpleCsv(files, 'bogus.csv', []);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bogus, 'alpha,beta\n1,2\n');
    const unrecognised = await upload(bogus, { scan_date: '2025-04-01' });
    expect(unrecognised.status).toBe(400);
    const body = (await unrecognised.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('import_format_error');
    expect(body.error.message).toContain('bogus.csv');
    expect(body.error.message).toContain('tenable-vm-csv');

    const badDate = await upload(writeSimpleCsv(files, 'ok.csv', [{ hostname: 'a', severity: 'Low', pluginId: '1' }]), { scan_date: '2025-13-45' });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { error: { code: string } }).error.code).toBe('invalid_scan_date');

    const noFile = await fetch(`${base}/api/vulnerabilities/import`, { method: 'POST', body: new FormData(), headers: auth });
    expect(noFile.status).toBeGreaterThanOrEqual(400);

    const missing = await get('/api/imports/424242');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const badQuery = await get('/api/dashboard/trends?from=yesterday');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: { details: { field: string }[] } }).error.details[0]?.field).toBe('querystring.from');
  });
});

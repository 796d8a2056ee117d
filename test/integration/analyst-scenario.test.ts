/**
 * Issue 3's analyst scenario over real HTTP, as a browser would do it: sign in with a password
 * (cookie + CSRF), import two scan days, filter, assign, mark a false positive, see the next
 * import respect it, and export the filtered list as CSV.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieClient } from '../helpers/cookie-client.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { type SimpleRow, tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { DIALECTS } from '../helpers/test-db.ts';

interface Item {
  id: number;
  hostname: string;
  cve: string | null;
  severity: number;
  status: string;
  assigned_to: string | null;
  lifecycle: string;
}

const DAY1: SimpleRow[] = [
  { hostname: 'web01', severity: 'Critical', pluginId: '1001', cve: 'CVE-2025-0001' },
  { hostname: 'web02', severity: 'Critical', pluginId: '1001', cve: 'CVE-2025-0001' },
  { hostname: 'db01', severity: 'High', pluginId: '2002', cve: 'CVE-2025-0002' },
  { hostname: 'db01', severity: 'Low', pluginId: '3003', cve: 'CVE-2025-0003' },
];
// Day 2: everything still there except db01's Low finding, plus a new Critical on web03.
const DAY2: SimpleRow[] = [...DAY1.slice(0, 3), { hostname: 'web03', severity: 'Critical', pluginId: '1001', cve: 'CVE-2025-0001' }];

describe.each(DIALECTS)('an analyst over HTTP on %s', (dialect) => {
  let t: TestServer;
  let analyst: CookieClient;
  const dir = tempDir();

  beforeAll(async () => {
    t = await startTestServer(dialect, { app: { importsInWorker: true } });
    await t.hex.auth.createUser({ username: 'ana', role: 'analyst', password: 'analyst password 42' }, { actor: 'test' });
    analyst = new CookieClient(t.base);
  });
  afterAll(async () => {
    await t.close();
  });

  async function importDay(name: string, rows: SimpleRow[], scanDate: string): Promise<void> {
    const form = new FormData();
    form.append('scan_date', scanDate);
    form.append('file', new Blob([readFileSync(writeSimpleCsv(dir, name, rows))]), name);
    const accepted = await analyst.request<{ importId: number }>('POST', '/api/vulnerabilities/import', { form });
    expect(accepted.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const report = await analyst.request<{ status: string; error: string | null }>('GET', `/api/imports/${accepted.body.importId}`);
      if (report.body.status === 'completed') return;
      if (report.body.status === 'failed') throw new Error(`import failed: ${report.body.error}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the import did not finish');
  }

  it('signs in, imports, filters, assigns, marks a false positive that the next import respects, and exports', async () => {
    expect((await analyst.request('GET', '/api/vulnerabilities')).status).toBe(401);
    const login = await analyst.request<{ user: { role: string } }>('POST', '/api/auth/login', { body: { username: 'ana', password: 'analyst password 42' }, csrf: false });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('analyst');

    await importDay('day1.csv', DAY1, '2025-03-01');
    const critical = await analyst.request<{ items: Item[]; total: number }>('GET', '/api/vulnerabilities?severity=critical&sort_by=hostname&sort_order=asc');
    expect(critical.body.total).toBe(2);
    const [web01, web02] = critical.body.items;
    expect([web01?.hostname, web02?.hostname]).toEqual(['web01', 'web02']);

    // A state change without the CSRF token is refused; with it, it goes through.
    expect((await analyst.request('PATCH', `/api/vulnerabilities/${web01!.id}`, { body: { assigned_to: 'alice' }, csrf: false })).status).toBe(403);
    const assigned = await analyst.request<{ workflow: { status: string; assigned_to: string } }>('PATCH', `/api/vulnerabilities/${web01!.id}`, { body: { assigned_to: 'alice' } });
    expect(assigned.status).toBe(200);
    expect(assigned.body.workflow).toMatchObject({ status: 'Assigned', assigned_to: 'alice' });
    const noReason = await analyst.request<{ error: { message: string } }>('PATCH', `/api/vulnerabilities/${web02!.id}`, { body: { status: 'False Positive' } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/false_positive_reason/);
    expect((await analyst.request('PATCH', `/api/vulnerabilities/${web02!.id}`, { body: { status: 'False Positive', false_positive_reason: 'compensating WAF rule' } })).status).toBe(200);

    await importDay('day2.csv', DAY2, '2025-03-02');
    const after = await analyst.request<{ items: Item[] }>('GET', '/api/vulnerabilities?severity=critical&sort_by=hostname&sort_order=asc');
    expect(after.body.items.map((i) => [i.hostname, i.status, i.assigned_to])).toEqual([
      ['web01', 'Assigned', 'alice'],
      ['web02', 'False Positive', null],
      ['web03', 'New', null],
    ]);
    const fp = await analyst.request<{ history: { field: string; source: string }[] }>('GET', `/api/vulnerabilities/${web02!.id}`);
    expect(fp.body.history.filter((h) => h.field === 'status').map((h) => h.source)).toEqual(['user']);
    const resolved = await analyst.request<{ items: Item[] }>('GET', '/api/vulnerabilities?lifecycle=resolved');
    expect(resolved.body.items.map((i) => i.hostname)).toEqual(['db01']);

    const csv = await analyst.request<string>('GET', '/api/vulnerabilities/export?format=csv&status=False%20Positive');
    expect(csv.status).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('web02');
    expect(lines[1]).toContain('compensating WAF rule');
  });
});

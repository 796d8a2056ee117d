/**
 * The findings API read side over HTTP, on data imported through the real import path:
 * every filter, sorts, offset and cursor paging, totals, detail and 404, assets and hosts
 * summary, dashboard figures (checked against values computed here from the seeded rows),
 * streamed CSV / JSON export, and validation errors.
 */
import { sql } from 'kysely';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimpleRow, tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { DIALECTS } from '../helpers/test-db.ts';

const SEVERITIES = ['Info', 'Low', 'Medium', 'High', 'Critical'] as const;
const HOSTS = 60;
const PLUGINS = 40;
/** Plugin names that a spreadsheet would run as formulas, or that need CSV quoting. */
const SPECIAL_NAMES: Record<number, string> = {
  39: '=HYPERLINK("http://evil.example","click")',
  38: '-2+3 cmd',
  37: '@SUM(A1)',
  36: 'Multi, "quoted"\nline name',
};

interface Seeded extends SimpleRow {
  host: number;
  plugin: number;
}

function pluginName(p: number): string {
  return SPECIAL_NAMES[p] ?? `Plugin ${p} ${['OpenSSL', 'Apache', 'Windows', 'Kernel', 'Java'][p % 5]} update`;
}

function row(h: number, p: number): Seeded {
  return {
    host: h,
    plugin: p,
    hostname: `host-${h}.corp.example.com`,
    ip: `10.0.${h >> 8}.${h & 255}`,
    severity: SEVERITIES[(h * 7 + p * 3) % 5]!,
    vpr: (h + p) % 11 === 0 ? undefined : ((h * 13 + p * 7) % 100) / 10 + 0.1,
    pluginId: String(20_000 + p),
    pluginName: pluginName(p),
    cve: p % 3 === 0 ? `CVE-2024-${1000 + p}` : undefined,
  };
}

// Day 1: every host has every plugin. Day 2: some disappear (resolved), one new plugin appears everywhere.
const day1: Seeded[] = [];
for (let h = 0; h < HOSTS; h++) for (let p = 0; p < PLUGINS; p++) day1.push(row(h, p));
const gone = (r: Seeded) => (r.host + r.plugin) % 7 === 0;
const day2: Seeded[] = [...day1.filter((r) => !gone(r)), ...Array.from({ length: HOSTS }, (_, h) => row(h, PLUGINS))];

interface Item {
  id: number;
  asset_id: number;
  host_key: string;
  hostname: string;
  plugin_id: string;
  plugin_name: string;
  cve: string | null;
  severity: number;
  severity_name: string;
  vpr_score: number | null;
  cvss3_base_score: number | null;
  first_seen: string;
  last_seen: string;
  lifecycle: string;
  status: string;
  assigned_to: string | null;
  due_date: string | null;
  correlation_confidence: number;
  manual_review_required: boolean;
}
interface Page {
  items: Item[];
  total: number;
  next_cursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { field: string; message: string }[] };
}

describe.each(DIALECTS)('findings API on %s', (dialect) => {
  let t: TestServer;
  let all: Item[];
  const get = <T = Page>(path: string) => t.api<T>('GET', path, { as: 'viewer' });

  beforeAll(async () => {
    t = await startTestServer(dialect);
    const dir = tempDir();
    await t.hex.imports.importFile({ filePath: writeSimpleCsv(dir, 'day1.csv', day1), scanDate: '2025-03-01' });
    await t.hex.imports.importFile({ filePath: writeSimpleCsv(dir, 'day2.csv', day2), scanDate: '2025-03-02' });
    // One statement applying workflow(id) to every finding.
    await sql`UPDATE findings SET
      status = CASE WHEN id % 11 = 0 THEN 'False Positive' WHEN id % 7 = 0 THEN 'In Progress' WHEN id % 5 = 0 THEN 'Assigned' ELSE 'New' END,
      assigned_to = CASE WHEN id % 7 = 0 THEN 'bob' WHEN id % 5 = 0 THEN 'alice' ELSE NULL END,
      due_date = CASE WHEN id % 3 = 0 THEN '2020-01-01' WHEN id % 3 = 1 THEN '2099-01-01' ELSE NULL END,
      correlation_confidence = CASE WHEN id % 4 = 0 THEN 60 ELSE 100 END,
      manual_review_required = CASE WHEN id % 9 = 0 THEN 1 ELSE 0 END`.execute(t.hex.database.db);
    // Everything, through the API's own widest query (checked against the seeded rows below).
    const everything = await get(`/api/vulnerabilities?lifecycle=all&limit=500&sort_by=id&sort_order=asc`);
    all = everything.body.items;
    let cursor = everything.body.next_cursor;
    while (cursor) {
      const next = await get(`/api/vulnerabilities?lifecycle=all&limit=500&sort_by=id&sort_order=asc&cursor=${cursor}`);
      all.push(...next.body.items);
      cursor = next.body.next_cursor;
    }
  });
  afterAll(async () => t?.close());

  const active = () => all.filter((f) => f.lifecycle === 'active');
  const ids = (items: Item[]) => items.map((i) => i.id).sort((a, b) => a - b);

  /** Every page of a query, by cursor. */
  async function walk(query: string, limit: number): Promise<{ items: Item[]; totals: number[] }> {
    const items: Item[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page } = await get(`/api/vulnerabilities?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      totals.push(page.body.total);
      cursor = page.body.next_cursor;
    } while (cursor);
    return { items, totals };
  }

  it('stores what was imported: one finding per host and plugin, resolved when gone', () => {
    expect(all).toHaveLength(day1.length + HOSTS);
    expect(active()).toHaveLength(day2.length);
    expect(all.filter((f) => f.lifecycle === 'resolved')).toHaveLength(day1.filter(gone).length);
  });

  it('lists active findings by default, severity first, with total and plugin name', async () => {
    const { status, body } = await get('/api/vulnerabilities?limit=25');
    expect(status).toBe(200);
    expect(body.total).toBe(day2.length);
    expect(body.items).toHaveLength(25);
    expect(body.items.every((i) => i.lifecycle === 'active')).toBe(true);
    expect(body.items[0]!.severity).toBe(4);
    const seeded = day2.find((r) => `host-${r.host}` === body.items[0]!.host_key && r.pluginId === body.items[0]!.plugin_id)!;
    expect(body.items[0]!.plugin_name).toBe(seeded.pluginName);
    expect(body.items[0]!.last_seen).toBe('2025-03-02');
  });

  const filterCases: [string, string, (f: Item) => boolean][] = [
    ['severity names, repeated', 'severity=critical&severity=HIGH', (f) => f.lifecycle === 'active' && f.severity >= 3],
    ['severity numbers, comma list', 'severity=0,1', (f) => f.lifecycle === 'active' && f.severity <= 1],
    ['status', 'status=In Progress,assigned', (f) => f.lifecycle === 'active' && (f.status === 'In Progress' || f.status === 'Assigned')],
    ['assignee', 'assignee=alice', (f) => f.lifecycle === 'active' && f.assigned_to === 'alice'],
    ['plugin', 'plugin=20005', (f) => f.lifecycle === 'active' && f.plugin_id === '20005'],
    ['cve', 'cve=cve-2024-1003', (f) => f.lifecycle === 'active' && f.cve === 'CVE-2024-1003'],
    ['asset by FQDN', 'asset=HOST-7.corp.example.com', (f) => f.lifecycle === 'active' && f.host_key === 'host-7'],
    ['first_seen_after', 'first_seen_after=2025-03-02', (f) => f.lifecycle === 'active' && f.first_seen >= '2025-03-02'],
    ['last_seen_before with lifecycle=all', 'last_seen_before=2025-03-01&lifecycle=all', (f) => f.last_seen <= '2025-03-01'],
    ['correlation_confidence_min', 'correlation_confidence_min=80', (f) => f.lifecycle === 'active' && f.correlation_confidence >= 80],
    ['manual_review_required', 'manual_review_required=true', (f) => f.lifecycle === 'active' && f.manual_review_required],
    [
      'overdue',
      'overdue=true',
      (f) => f.lifecycle === 'active' && f.due_date !== null && f.due_date < new Date().toISOString().slice(0, 10) && !['Remediated', 'False Positive', 'Accepted Risk'].includes(f.status),
    ],
    ['lifecycle resolved', 'lifecycle=resolved', (f) => f.lifecycle === 'resolved'],
    ['q: host name prefix', 'q=host-1', (f) => f.lifecycle === 'active' && f.host_key.startsWith('host-1')],
    ['q: CVE prefix', 'q=cve-2024-100', (f) => f.lifecycle === 'active' && (f.cve ?? '').startsWith('CVE-2024-100')],
    ['q: plugin name substring', 'q=openssl', (f) => f.lifecycle === 'active' && f.plugin_name.toLowerCase().includes('openssl')],
    ['spec aliases', 'assigned_to=bob&plugin_id=20010', (f) => f.lifecycle === 'active' && f.assigned_to === 'bob' && f.plugin_id === '20010'],
  ];

  it.each(filterCases)('filters: %s', async (_name, query, expected) => {
    const want = all.filter(expected);
    expect(want.length).toBeGreaterThan(0);
    const { items, totals } = await walk(query, 200);
    expect(ids(items)).toEqual(ids(want));
    expect(new Set(totals)).toEqual(new Set([want.length]));
  });

  it('filters by asset id and by Tenable-less host short name alike', async () => {
    const assetId = active().find((f) => f.host_key === 'host-3')!.asset_id;
    const byId = await get(`/api/vulnerabilities?asset=${assetId}&limit=500`);
    const byName = await get('/api/vulnerabilities?asset=host-3&limit=500');
    expect(byId.body.total).toBe(active().filter((f) => f.host_key === 'host-3').length);
    expect(ids(byName.body.items)).toEqual(ids(byId.body.items));
  });

  const sortValue: Record<string, (f: Item) => string | number> = {
    severity: (f) => f.severity,
    vpr_score: (f) => f.vpr_score ?? -1,
    cvss3_base_score: (f) => f.cvss3_base_score ?? -1,
    first_seen: (f) => f.first_seen,
    last_seen: (f) => f.last_seen,
    hostname: (f) => f.host_key,
    plugin_id: (f) => f.plugin_id,
    due_date: (f) => f.due_date ?? '9999-12-31',
    status: (f) => f.status,
    id: (f) => f.id,
  };

  it.each(Object.keys(sortValue).flatMap((key) => [[key, 'asc'], [key, 'desc']]))('sorts by %s %s and pages by cursor without gaps or duplicates', async (key, order) => {
    const query = `lifecycle=all&sort_by=${key}&sort_order=${order}`;
    const { items } = await walk(query, 97);
    expect(items).toHaveLength(all.length);
    expect(new Set(items.map((i) => i.id)).size).toBe(all.length);
    const sign = order === 'asc' ? 1 : -1;
    const value = sortValue[key]!;
    for (let i = 1; i < items.length; i++) {
      const a = value(items[i - 1]!);
      const b = value(items[i]!);
      const cmp = a < b ? -1 : a > b ? 1 : items[i - 1]!.id - items[i]!.id;
      expect(sign * cmp, `${key} ${order} at ${i}`).toBeLessThan(0);
    }
    // Offset paging agrees with cursor paging.
    const byOffset = await get(`/api/vulnerabilities?${query}&limit=50&offset=150`);
    expect(byOffset.body.items.map((i) => i.id)).toEqual(items.slice(150, 200).map((i) => i.id));
  });

  it('returns one finding with plugin, CVE links, output, asset and snapshots timeline; 404 when missing; also under /api/tenable', async () => {
    const survivor = active().find((f) => f.first_seen === '2025-03-01' && f.cve !== null)!;
    const { status, body } = await get<Record<string, unknown> & { plugin: Record<string, unknown>; cves: { cve_id: string }[]; asset: Record<string, unknown>; snapshots: { scan_date: string; severity: number }[] }>(
      `/api/vulnerabilities/${survivor.id}`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: survivor.id, plugin_id: survivor.plugin_id, host_key: survivor.host_key });
    expect(body.plugin).toMatchObject({ plugin_id: survivor.plugin_id, plugin_name: survivor.plugin_name, description: `Description of ${survivor.plugin_id}`, solution: 'Patch it.' });
    expect(body.cves.map((c) => c.cve_id)).toContain(survivor.cve);
    expect(body.asset).toMatchObject({ id: survivor.asset_id, ip_addresses: expect.arrayContaining([expect.stringMatching(/^10\.0\./)]) });
    expect(body.snapshots.map((s) => s.scan_date)).toEqual(['2025-03-01', '2025-03-02']);
    expect(body.snapshots[0]!.severity).toBe(survivor.severity);

    const resolved = all.find((f) => f.lifecycle === 'resolved')!;
    const timeline = await get<{ snapshots: { scan_date: string }[] }>(`/api/vulnerabilities/${resolved.id}`);
    expect(timeline.body.snapshots.map((s) => s.scan_date)).toEqual(['2025-03-01']);

    const tenable = await get<{ id: number }>(`/api/tenable/vulnerabilities/${survivor.id}`);
    expect(tenable.body.id).toBe(survivor.id);
    const tenableList = await get('/api/tenable/vulnerabilities?severity=critical&limit=5');
    expect(tenableList.body.total).toBe(active().filter((f) => f.severity === 4).length);

    const missing = await get<ErrorBody>('/api/vulnerabilities/987654');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    expect(missing.body.error.message).toContain('987654');
  });

  it('lists and searches assets with open counts, and shows one asset with its open findings', async () => {
    const list = await get<{ items: { id: number; host_key: string; open: Record<string, number> }[]; total: number }>('/api/assets?limit=500');
    expect(list.body.total).toBe(HOSTS);
    const host5 = list.body.items.find((a) => a.host_key === 'host-5')!;
    const open5 = day2.filter((r) => r.host === 5);
    expect(host5.open.total).toBe(open5.length);
    expect(host5.open.critical).toBe(open5.filter((r) => r.severity === 'Critical').length);

    const search = await get<{ items: { host_key: string }[]; total: number }>('/api/assets?q=host-1');
    expect(search.body.items.map((a) => a.host_key).sort()).toEqual(['host-1', ...Array.from({ length: 10 }, (_, i) => `host-1${i}`)].sort());
    const byIp = await get<{ items: { host_key: string }[] }>('/api/assets?q=10.0.0.42');
    expect(byIp.body.items.map((a) => a.host_key)).toEqual(['host-42']);

    const detail = await get<{ id: number; open: { total: number }; findings: Page }>(`/api/assets/${host5.id}?limit=10`);
    expect(detail.body.findings.total).toBe(open5.length);
    expect(detail.body.findings.items.every((f) => f.host_key === 'host-5')).toBe(true);
    expect((await get('/api/assets/99999')).status).toBe(404);
  });

  it('summarises hosts by risk: counts per severity and VPR sum', async () => {
    const summary = await get<{ items: { host_key: string; critical: number; high: number; medium: number; low: number; info: number; total: number; vpr_sum: number }[]; total: number }>(
      '/api/hosts/summary?limit=500',
    );
    expect(summary.body.total).toBe(HOSTS);
    for (const item of summary.body.items) {
      const rows = day2.filter((r) => `host-${r.host}` === item.host_key);
      expect(item.total).toBe(rows.length);
      expect(item.critical).toBe(rows.filter((r) => r.severity === 'Critical').length);
      expect(item.info).toBe(rows.filter((r) => r.severity === 'Info').length);
      expect(item.vpr_sum).toBeCloseTo(rows.reduce((s, r) => s + (r.vpr ?? 0), 0), 1);
    }
    const ranks = summary.body.items.map((i) => [i.critical, i.high, i.medium, i.low]);
    const sorted = [...ranks].sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]! || b[2]! - a[2]! || b[3]! - a[3]!);
    expect(ranks).toEqual(sorted);
  });

  it('computes the dashboard figures the seeded data implies', async () => {
    const current = active();
    const summary = await get<Record<string, number | string | null>>('/api/dashboard/vulnerability-summary');
    expect(summary.body).toMatchObject({
      total_vulnerabilities: day2.length,
      critical_count: day2.filter((r) => r.severity === 'Critical').length,
      low_count: day2.filter((r) => r.severity === 'Low').length,
      new_count: current.filter((f) => f.status === 'New').length,
      assigned_count: current.filter((f) => f.status === 'Assigned').length,
      in_progress_count: current.filter((f) => f.status === 'In Progress').length,
      manual_review_count: current.filter((f) => f.manual_review_required).length,
      most_recent_scan: '2025-03-02',
    });
    expect(summary.body.avg_correlation_confidence).toBeCloseTo(current.reduce((s, f) => s + f.correlation_confidence, 0) / current.length, 1);

    const trends = await get<{ items: { scanDate: string; total: { count: number }; newCount: number; resolvedCount: number }[] }>('/api/dashboard/trends?from=2024-03-02&to=2025-03-02');
    expect(trends.body.items.map((d) => [d.scanDate, d.total.count, d.newCount, d.resolvedCount])).toEqual([
      ['2025-03-01', day1.length, day1.length, 0],
      ['2025-03-02', day2.length, HOSTS, day1.filter(gone).length],
    ]);

    const cves = await get<{ items: { cve: string; findings: number; hosts: number }[] }>('/api/dashboard/top-cves?limit=3');
    const cveCounts = new Map<string, number>();
    for (const r of day2) if (r.cve) cveCounts.set(r.cve, (cveCounts.get(r.cve) ?? 0) + 1);
    const expectedCves = [...cveCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
    expect(cves.body.items.map((c) => [c.cve, c.findings, c.hosts])).toEqual(expectedCves.map(([cve, n]) => [cve, n, n]));

    const plugins = await get<{ items: { plugin_id: string; plugin_name: string; findings: number }[] }>('/api/dashboard/top-plugins?limit=2');
    const pluginCounts = new Map<string, number>();
    for (const r of day2) pluginCounts.set(r.pluginId, (pluginCounts.get(r.pluginId) ?? 0) + 1);
    const expectedPlugins = [...pluginCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 2);
    expect(plugins.body.items.map((p) => [p.plugin_id, p.findings])).toEqual(expectedPlugins);

    const hosts = await get<{ items: { host_key: string }[] }>('/api/dashboard/top-hosts?limit=3');
    const ranked = await get<{ items: { host_key: string }[] }>('/api/hosts/summary?limit=3');
    expect(hosts.body.items).toEqual(ranked.body.items);

    const today = '2026-01-01';
    const sla = await get<{ bySeverity: { severity: string; open: number; overdue: number; within_sla: number; no_due_date: number }[] }>(`/api/dashboard/sla?today=${today}`);
    for (const figure of sla.body.bySeverity) {
      const open = current.filter((f) => f.severity_name === figure.severity && !['Remediated', 'False Positive', 'Accepted Risk'].includes(f.status));
      expect(figure).toMatchObject({
        open: open.length,
        overdue: open.filter((f) => f.due_date !== null && f.due_date < today).length,
        within_sla: open.filter((f) => f.due_date !== null && f.due_date >= today).length,
        no_due_date: open.filter((f) => f.due_date === null).length,
      });
    }
  });

  it('exports CSV for Excel: BOM, header, CRLF, RFC 4180 quoting, formulas defused, every row', async () => {
    const response = await fetch(`${t.base}/api/vulnerabilities/export?format=csv&lifecycle=all`, { headers: await t.headersFor('viewer') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="hextrackr-vulnerabilities-\d{4}-\d{2}-\d{2}\.csv"/);
    const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n')[0]).toMatch(/^\uFEFFid,hostname,ip_address,/);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true, newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(all.length);
    expect(new Set(parsed.data.map((r) => Number(r.id)))).toEqual(new Set(all.map((f) => f.id)));
    const names = new Set(parsed.data.map((r) => r.plugin_name));
    expect(names).toContain(`'${SPECIAL_NAMES[39]}`);
    expect(names).toContain(`'${SPECIAL_NAMES[38]}`);
    expect(names).toContain(`'${SPECIAL_NAMES[37]}`);
    expect(names).toContain(SPECIAL_NAMES[36]);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect([...names].some((n) => /^[=+\-@]/.test(n!))).toBe(false);
  });

  it('streams the JSON export as one array, with the list filters', async () => {
    const response = await fetch(`${t.base}/api/vulnerabilities/export?format=json&lifecycle=all`, { headers: await t.headersFor('viewer') });
    expect(response.headers.get('content-disposition')).toContain('.json');
    const items = (await response.json()) as Item[];
    expect(items).toHaveLength(all.length);
    expect(items.length).toBeGreaterThan(2000);
    expect(items.map((i) => i.id)).toEqual(ids(all));
    const filtered = (await (await fetch(`${t.base}/api/vulnerabilities/export?format=json&severity=critical&assignee=alice`, { headers: await t.headersFor('viewer') })).json()) as Item[];
    expect(ids(filtered)).toEqual(ids(active().filter((f) => f.severity === 4 && f.assigned_to === 'alice')));
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/vulnerabilities?severity=urgent', 'querystring.severity'],
      ['/api/vulnerabilities?sort_by=plugin_name', 'querystring.sort_by'],
      ['/api/vulnerabilities?limit=501', 'querystring.limit'],
      ['/api/vulnerabilities?status=Done', 'querystring.status'],
      ['/api/vulnerabilities?first_seen_after=March', 'querystring.first_seen_after'],
      ['/api/vulnerabilities/export?format=xlsx', 'querystring.format'],
      ['/api/dashboard/trends?from=2025-05-01&to=2025-01-01', 'querystring.from'],
    ];
    for (const [path, field] of cases) {
      const { status, body } = await get<ErrorBody>(path);
      expect(status, path).toBe(400);
      expect(body.error.code).toBe('validation_error');
      expect(body.error.details?.map((d) => d.field.replace(/\.\d+$/, ''))).toContain(field);
    }
    const first = await get('/api/vulnerabilities?limit=5&sort_by=vpr_score');
    const foreign = await get<ErrorBody>(`/api/vulnerabilities?limit=5&sort_by=id&cursor=${first.body.next_cursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.message).toContain('cursor');
    const garbage = await get<ErrorBody>('/api/vulnerabilities?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    // A hand-made cursor with a text value for a numeric sort is refused, not sent to the database.
    const forged = Buffer.from(JSON.stringify(['vpr_score', 'desc', "1' OR 1=1", 5])).toString('base64url');
    const refused = await get<ErrorBody>(`/api/vulnerabilities?sort_by=vpr_score&cursor=${forged}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_error');
  });
});

describe.each(DIALECTS)('findings totals kept between imports on %s', (dialect) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(dialect);
  });
  afterAll(async () => t?.close());

  it('recomputes totals and top lists once an import completes; workflow filters are never stale', async () => {
    const dir = tempDir();
    const rowsOf = (hosts: number) => Array.from({ length: hosts * 3 }, (_, i) => row(i % hosts, i % 3));
    await t.hex.imports.importFile({ filePath: writeSimpleCsv(dir, 'a.csv', rowsOf(10)), scanDate: '2025-05-01' });
    const first = await t.api<Page>('GET', '/api/vulnerabilities?severity=0,1,2,3,4&limit=1', { as: 'viewer' });
    const hosts = await t.api<{ total: number }>('GET', '/api/hosts/summary', { as: 'viewer' });
    expect([first.body.total, hosts.body.total]).toEqual([30, 10]);

    await t.hex.imports.importFile({ filePath: writeSimpleCsv(dir, 'b.csv', rowsOf(4)), scanDate: '2025-05-02' });
    const second = await t.api<Page>('GET', '/api/vulnerabilities?severity=0,1,2,3,4&limit=1', { as: 'viewer' });
    const hostsAfter = await t.api<{ total: number }>('GET', '/api/hosts/summary', { as: 'viewer' });
    expect([second.body.total, hostsAfter.body.total]).toEqual([12, 4]);

    const assigned = () => t.api<Page>('GET', '/api/vulnerabilities?status=assigned&limit=1', { as: 'viewer' });
    expect((await assigned()).body.total).toBe(0);
    await sql`UPDATE findings SET status = 'Assigned' WHERE lifecycle = 'active'`.execute(t.hex.database.db);
    expect((await assigned()).body.total).toBe(12);
  });
});

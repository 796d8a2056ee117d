/**
 * npm run bench:api -- --rows 1000000 [--db sqlite|postgres] [--keep] [--duration 10]
 *
 * Seeds current findings through the real import path (the bench generator's Tenable VM CSV,
 * days 1 and 2, imported by the CLI's import code in a child process), starts the real HTTP
 * server in another child process, and measures with autocannon: p50/p95 of a list page with
 * filter + sort + total, of the dashboard summary + 365-day trend, of a single PATCH, and
 * requests/s at 50 connections on the list. The seeded database is cached in .bench/ and
 * reused with --keep.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { generateDay } from './generate-tenable-csv.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'sqlite' },
    dir: { type: 'string', default: '.bench' },
    keep: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    port: { type: 'string', default: '8791' },
  },
  allowPositionals: true,
});

const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be an integer >= 1000');
const duration = Number(values.duration);
const root = path.resolve(import.meta.dirname, '../..');
const dir = path.resolve(values.dir);
mkdirSync(dir, { recursive: true });
if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db must be sqlite or postgres');
const postgres = values.db === 'postgres';
const sqlitePath = path.join(dir, `api-bench-${rows}.db`);
const PG_SCHEMA = 'hextrackr_api_bench';
const pgUrl = process.env.HEXTRACKR_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seededMarker = postgres ? path.join(dir, `api-bench-pg-${rows}.seeded`) : `${sqlitePath}.seeded`;
/** The database the import child and the server use. */
const databaseEnv: Record<string, string> = postgres
  ? { DATABASE_URL: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=-c%20search_path%3D${PG_SCHEMA}`, HEXTRACKR_DATA_DIR: dir }
  : { HEXTRACKR_SQLITE_PATH: sqlitePath, HEXTRACKR_DATA_DIR: dir };
const openDatabase = () => createDatabase({ databaseUrl: postgres ? pgUrl : undefined, sqlitePath, sqliteCacheMb: 64, ...(postgres ? { pgSchema: PG_SCHEMA } : {}) });
const base = `http://127.0.0.1:${values.port}`;
const DAYS: Record<1 | 2, string> = { 1: '2025-06-01', 2: '2025-06-02' };

let benchToken = '';

/** Every request the benchmark sends carries these headers: an admin API token minted by mintBenchToken. */
function benchAuthHeaders(): Record<string, string> {
  return { authorization: `Bearer ${benchToken}` };
}

/** Creates the benchmark's admin (once per database) and an API token for it, through the real CLI. */
function mintBenchToken(): void {
  const cli = (args: string[], input?: string) =>
    execFileSync(process.execPath, [path.join(root, 'bin/hextrackr.mjs'), 'user', ...args], {
      env: { ...process.env, ...databaseEnv, HEXTRACKR_LOG_LEVEL: 'warn' },
      ...(input === undefined ? {} : { input }),
      encoding: 'utf8',
    });
  const users = JSON.parse(cli(['list', '--json'])) as { username: string }[];
  if (!users.some((u) => u.username === 'bench-admin')) cli(['create', '--admin', '--username', 'bench-admin', '--password-stdin'], `${randomUUID()}\n`);
  benchToken = cli(['token', 'bench-admin', '--role', 'admin', '--expires-days', '1', '--name', 'bench:api']).trim();
}

async function ensureCsv(day: 1 | 2): Promise<string> {
  const file = path.join(dir, `tenable-vm-${rows}-day${day}.csv`);
  const marker = `${file}.rows`;
  if (existsSync(file) && existsSync(marker)) return file;
  const written = await generateDay(file, rows, day, DAYS[day]);
  writeFileSync(marker, `${written}\n`);
  console.log(`generated ${path.basename(file)} (${written} rows)`);
  return file;
}

function importInChild(file: string, scanDate: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/hextrackr-bench.mjs'), 'import-child', file, scanDate], {
      env: { ...process.env, ...databaseEnv, HEXTRACKR_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import of ${file} exited with ${code}: ${out}`))));
  });
}

/**
 * Analysts' work on top of the imported estate (a share of findings assigned, in progress, with
 * due dates), and 363 earlier days of daily totals so the trend spans a year. The findings
 * themselves come only from the imports.
 */
async function addWorkflowAndHistory(): Promise<void> {
  const handle = openDatabase();
  const db = handle.db;
  const dueDate = postgres ? sql`to_char(DATE '2025-06-01' + (id % 120)::int, 'YYYY-MM-DD')` : sql`date('2025-06-01', '+' || (id % 120) || ' days')`;
  await sql`UPDATE findings SET
      status = CASE WHEN id % 10 = 0 THEN 'Assigned' WHEN id % 10 = 1 THEN 'In Progress' WHEN id % 50 = 2 THEN 'False Positive' ELSE status END,
      assigned_to = CASE WHEN id % 10 IN (0, 1) THEN 'analyst-' || (id % 7) ELSE assigned_to END,
      false_positive_reason = CASE WHEN id % 10 NOT IN (0, 1) AND id % 50 = 2 THEN 'bench: compensating control' ELSE false_positive_reason END,
      due_date_source = CASE WHEN id % 4 = 0 THEN 'user' ELSE due_date_source END,
      due_date = CASE WHEN id % 4 = 0 THEN ${dueDate} ELSE due_date END`.execute(db);
  for (let back = 1; back <= 363; back++) {
    const day = new Date(Date.parse(`${DAYS[1]}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
    await sql`INSERT INTO daily_totals
      SELECT ${day}, total_count, critical_count, high_count, medium_count, low_count, info_count,
        total_vpr, critical_vpr, high_vpr, medium_vpr, low_vpr, info_vpr, new_count, resolved_count, reopened_count, updated_at
      FROM daily_totals WHERE scan_date = ${DAYS[1]} ON CONFLICT (scan_date) DO NOTHING`.execute(db);
  }
  await handle.close();
  // What autovacuum would have done by the time anyone reads (statistics, visibility map for index-only counts).
  if (postgres) execFileSync('psql', [pgUrl, '-q', '-c', `VACUUM ANALYZE ${PG_SCHEMA}.findings`]);
}

async function seed(): Promise<void> {
  if (values.keep && existsSync(seededMarker) && (postgres || existsSync(sqlitePath))) {
    console.log(`reusing the seeded ${postgres ? `PostgreSQL schema ${PG_SCHEMA}` : path.relative(process.cwd(), sqlitePath)} (--keep)`);
    return;
  }
  rmSync(seededMarker, { force: true });
  if (postgres) execFileSync('psql', [pgUrl, '-q', '-c', `DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE; CREATE SCHEMA ${PG_SCHEMA};`]);
  else for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
  for (const day of [1, 2] as const) {
    const file = await ensureCsv(day);
    const started = performance.now();
    await importInChild(file, DAYS[day]);
    console.log(`imported day ${day} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await addWorkflowAndHistory();
  writeFileSync(seededMarker, new Date().toISOString());
}

async function startServer(): Promise<ChildProcess> {
  const server = spawn(process.execPath, [path.join(root, 'bin/hextrackr.mjs'), 'serve', '--port', values.port], {
    env: { ...process.env, ...databaseEnv, HEXTRACKR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The first start on a fresh database builds the query indexes (migrations), which takes a while at 1M rows.
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill();
  throw new Error('the server did not start');
}

interface Latency {
  p50: number;
  p95: number;
  requests: number;
  non2xx: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

/**
 * One connection, requests back to back, each request's time taken from autocannon's response
 * event; `group` consecutive responses make one sample (e.g. summary + trend = one dashboard load).
 */
async function latency(requests: autocannon.Request[], options: { group?: number; body?: string } = {}): Promise<Latency> {
  const group = options.group ?? 1;
  const samples: number[] = [];
  let pending = 0;
  let count = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections: 1,
        duration,
        headers: { ...benchAuthHeaders(), ...(options.body ? { 'content-type': 'application/json' } : {}) },
        requests,
      },
      (err: unknown, done: autocannon.Result) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      pending += responseTime;
      count += 1;
      if (count % group === 0) {
        samples.push(pending);
        pending = 0;
      }
    });
  });
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), requests: result.requests.total, non2xx: result.non2xx };
}

async function throughput(pathAndQuery: string, connections: number): Promise<{ rps: number; p50: number; p97_5: number; non2xx: number }> {
  const result = await autocannon({ url: `${base}${pathAndQuery}`, connections, duration, headers: benchAuthHeaders() });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p97_5: result.latency.p97_5, non2xx: result.non2xx };
}

async function estate(idCount: number): Promise<{ active: number; ids: number[] }> {
  const handle = openDatabase();
  const active = await sql<{ n: number | string }>`SELECT count(*) AS n FROM findings WHERE lifecycle = 'active'`.execute(handle.db);
  const ids = await sql<{ id: number }>`SELECT id FROM findings WHERE lifecycle = 'active' ORDER BY id LIMIT ${idCount}`.execute(handle.db);
  await handle.close();
  return { active: Number(active.rows[0]?.n ?? 0), ids: ids.rows.map((r) => Number(r.id)) };
}

/** Anonymous resident memory (heap, buffers): SQLite's memory-mapped file pages are left out, they are the OS page cache. */
function rssMb(pid: number | undefined): number {
  const status = pid ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  return Math.round(Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Streams the whole CSV export, sampling the server's resident memory as it goes. */
async function exportAll(pid: number | undefined): Promise<{ seconds: number; megabytes: number; lines: number; rssBefore: number; rssPeak: number }> {
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 200);
  const started = performance.now();
  const response = await fetch(`${base}/api/vulnerabilities/export?format=csv`, { headers: benchAuthHeaders() });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  clearInterval(sampler);
  return { seconds: (performance.now() - started) / 1000, megabytes: Math.round(bytes / 1e6), lines, rssBefore, rssPeak };
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1) : '-');

await seed();
const { active: findings, ids } = await estate(100_000);
const loadBefore = loadavg()[0]!;
mintBenchToken();
const server = await startServer();
try {
  const trendFrom = '2024-06-03';
  const LIST = '/api/vulnerabilities?severity=critical&sort_by=vpr_score&sort_order=desc&limit=50';
  const scenarios: [string, autocannon.Request[], number, string][] = [
    ['list: severity=critical, sort vpr_score desc, limit 50, total', [{ path: LIST }], 1, '50'],
    ['list: status=Assigned,In Progress, sort due_date asc, total', [{ path: '/api/vulnerabilities?status=Assigned&status=In%20Progress&sort_by=due_date&sort_order=asc&limit=50' }], 1, '-'],
    ['list: default (all active, severity desc), total', [{ path: '/api/vulnerabilities?limit=50' }], 1, '-'],
    ['list: q=host-123 (host prefix / CVE / plugin name)', [{ path: '/api/vulnerabilities?q=host-123&limit=50' }], 1, '-'],
    ['dashboard: summary + 365-day trend', [{ path: '/api/dashboard/summary' }, { path: `/api/dashboard/trends?from=${trendFrom}&to=${DAYS[2]}` }], 2, '20'],
    ['dashboard: vulnerability-summary (spec view)', [{ path: '/api/dashboard/vulnerability-summary' }], 1, '500 (spec)'],
  ];
  // Warm the caches once per path, as a running server would be.
  for (const [, requests] of scenarios) for (const r of requests) await fetch(`${base}${r.path}`, { headers: benchAuthHeaders() });

  const results: [string, Latency, string][] = [];
  for (const [name, requests, group, target] of scenarios) results.push([name, await latency(requests, { group }), target]);

  const probe = await fetch(`${base}/api/vulnerabilities/${ids[0]}`, {
    method: 'PATCH',
    headers: { ...benchAuthHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify({ assigned_to: 'bench' }),
  });
  let patch: Latency | undefined;
  if (probe.status !== 404) {
    let next = 0;
    patch = await latency([
      {
        method: 'PATCH',
        body: JSON.stringify({ assigned_to: 'bench' }),
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, path: `/api/vulnerabilities/${ids[next++ % ids.length]}` }),
      },
    ]);
  }
  const rps = await throughput(LIST, 50);
  const loadAfter = loadavg()[0]!;
  const exported = await exportAll(server.pid);

  console.log(`\nbench:api  db=${values.db}  active findings=${findings}  node=${process.version}  duration=${duration}s per scenario`);
  console.log(`load average (1 min) before ${loadBefore.toFixed(1)}, after ${loadAfter.toFixed(1)} on ${cpus().length} cores (other processes share the CPU)`);
  console.log('scenario                                                   |  p50 ms |  p95 ms | requests | target p95 ms');
  for (const [name, r, target] of results) {
    console.log(`${name.padEnd(58)} | ${fmt(r.p50).padStart(7)} | ${fmt(r.p95).padStart(7)} | ${String(r.requests).padStart(8)} | ${target}${r.non2xx ? `  (${r.non2xx} non-2xx!)` : ''}`);
  }
  if (patch) {
    console.log(`${'PATCH /api/vulnerabilities/:id {"assigned_to":"bench"}'.padEnd(58)} | ${fmt(patch.p50).padStart(7)} | ${fmt(patch.p95).padStart(7)} | ${String(patch.requests).padStart(8)} | 5${patch.non2xx ? `  (${patch.non2xx} non-2xx!)` : ''}`);
  } else {
    console.log('PATCH route not available');
  }
  console.log(
    `export CSV of every active finding: ${exported.lines - 1} rows, ${exported.megabytes} MB in ${exported.seconds.toFixed(1)} s; server anonymous RSS ${exported.rssBefore} MB before, ${exported.rssPeak} MB peak`,
  );
  console.log(`list at 50 connections: ${rps.rps} requests/s (latency p50 ${rps.p50} ms, p97.5 ${rps.p97_5} ms${rps.non2xx ? `, ${rps.non2xx} non-2xx!` : ''})`);
} finally {
  server.kill('SIGTERM');
}
if (!values.keep) {
  rmSync(seededMarker, { force: true });
  if (postgres) execFileSync('psql', [pgUrl, '-q', '-c', `DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`]);
  else for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
}

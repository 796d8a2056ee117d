/**
 * npm run bench:ui -- [--rows 1000000] [--runs 5] [--port 8792]
 *
 * Time until the first rows of the findings grid are visible, measured in Debian's chromium with
 * the page's own performance timings (milliseconds since navigation start). The database holds
 * `rows` current findings, seeded through the real import path: it reuses bench:api's cached
 * database (.bench/api-bench-<rows>.db) when present, else imports day 1 of the bench generator's
 * Tenable VM CSV into .bench/ui-bench-<rows>.db (cached). The server is the real one (`hextrackr
 * serve`, which serves the built web application) in a child process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_MISSING, CHROMIUM_PATH, launchBrowser } from '../../test/helpers/browser.ts';
import { generateDay } from './generate-tenable-csv.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    dir: { type: 'string', default: '.bench' },
    port: { type: 'string', default: '8792' },
  },
  allowPositionals: true,
});

const rows = Number(values.rows);
const runs = Number(values.runs);
if (!Number.isInteger(rows) || rows < 1000) throw new Error('--rows must be an integer >= 1000');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING);
const root = path.resolve(import.meta.dirname, '../..');
const dir = path.resolve(values.dir);
mkdirSync(dir, { recursive: true });
const base = `http://127.0.0.1:${values.port}`;
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password' };
const SCAN_DATE = '2025-06-01';

async function seededDatabase(): Promise<string> {
  const shared = path.join(dir, `api-bench-${rows}.db`);
  if (existsSync(shared) && existsSync(`${shared}.seeded`)) return shared;
  const own = path.join(dir, `ui-bench-${rows}.db`);
  if (existsSync(own) && existsSync(`${own}.seeded`)) return own;
  const csv = path.join(dir, `tenable-vm-${rows}-day1.csv`);
  if (!existsSync(csv) || !existsSync(`${csv}.rows`)) {
    const written = await generateDay(csv, rows, 1, SCAN_DATE);
    writeFileSync(`${csv}.rows`, `${written}\n`);
  }
  const started = performance.now();
  execFileSync(process.execPath, [path.join(root, 'bin/hextrackr-bench.mjs'), 'import-child', csv, SCAN_DATE], {
    env: { ...process.env, HEXTRACKR_SQLITE_PATH: own, HEXTRACKR_DATA_DIR: dir, HEXTRACKR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`seeded ${path.relative(process.cwd(), own)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  writeFileSync(`${own}.seeded`, new Date().toISOString());
  return own;
}

async function startServer(sqlitePath: string): Promise<ChildProcess> {
  const server = spawn(process.execPath, [path.join(root, 'bin/hextrackr.mjs'), 'serve', '--port', values.port], {
    env: {
      ...process.env,
      HEXTRACKR_SQLITE_PATH: sqlitePath,
      HEXTRACKR_DATA_DIR: dir,
      HEXTRACKR_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 1200; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return server;
    } catch {
      // not listening yet (migrations may build indexes on a large database)
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  server.kill();
  throw new Error('the server did not start');
}

/** Records, in the page, when the first grid cell with text appears (ms since navigation start). */
const OBSERVE_FIRST_ROWS = `
  new MutationObserver((_, observer) => {
    const cell = document.querySelector('.ag-row .ag-cell[col-id="hostname"]');
    if (cell && cell.textContent && cell.textContent.trim()) {
      window.__firstRowsMs = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** The benchmark's administrator, created (or given the benchmark's password) through the real CLI. */
function ensureAdmin(sqlitePath: string): void {
  const cli = (args: string[], input?: string) =>
    execFileSync(process.execPath, [path.join(root, 'bin/hextrackr.mjs'), 'user', ...args], {
      env: { ...process.env, HEXTRACKR_SQLITE_PATH: sqlitePath, HEXTRACKR_DATA_DIR: dir, HEXTRACKR_LOG_LEVEL: 'warn' },
      ...(input === undefined ? {} : { input }),
      encoding: 'utf8',
    });
  const users = JSON.parse(cli(['list', '--json'])) as { username: string }[];
  if (users.some((u) => u.username === ADMIN.username)) cli(['reset-password', ADMIN.username, '--password-stdin'], `${ADMIN.password}\n`);
  else cli(['create', '--admin', '--username', ADMIN.username, '--password-stdin'], `${ADMIN.password}\n`);
}

execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'inherit' });
const sqlitePath = await seededDatabase();
ensureAdmin(sqlitePath);
const server = await startServer(sqlitePath);
const browser = await launchBrowser({ viewport: { width: 1440, height: 900 } });
try {
  const page = await browser.context.newPage();
  await page.addInitScript(OBSERVE_FIRST_ROWS);
  await page.goto(`${base}/`);
  const signIn = page.getByRole('heading', { name: 'Sign in to HexTrackr' });
  const signedIn = page.getByRole('navigation', { name: 'Main' });
  await Promise.race([signIn.waitFor(), signedIn.waitFor()]);
  if (await signIn.isVisible()) {
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signedIn.waitFor();
  }
  const total = await page.evaluate(async () => ((await (await fetch('/api/vulnerabilities?limit=1')).json()) as { total?: number }).total ?? null);

  const samples: { firstRows: number; api: number; domContentLoaded: number }[] = [];
  for (let run = 0; run <= runs; run++) {
    // A fresh page load each time (run 0 warms the server's and the browser's caches).
    await page.goto(`${base}/findings`, { waitUntil: 'commit' });
    await page.waitForFunction('window.__firstRowsMs !== undefined', undefined, { timeout: 60_000 });
    // Evaluated in the page (DOM types are not part of this Node project).
    const timing = await page.evaluate<{ firstRows: number; api: number; domContentLoaded: number }>(`(() => {
      const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/vulnerabilities?'));
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        firstRows: window.__firstRowsMs,
        api: api ? api.responseEnd - api.startTime : -1,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1,
      };
    })()`);
    if (run > 0) samples.push(timing);
    else console.log(`cold load: first rows visible after ${timing.firstRows.toFixed(0)} ms`);
  }
  const firstRows = samples.map((s) => s.firstRows);
  console.log(`\nbench:ui  findings=${total ?? '?'}  runs=${runs}  chromium headless  node=${process.version}`);
  console.log(`first grid rows visible: median ${median(firstRows).toFixed(0)} ms (min ${Math.min(...firstRows).toFixed(0)}, max ${Math.max(...firstRows).toFixed(0)}); target <= 1000 ms`);
  console.log(`  of which /api/vulnerabilities (first block): median ${median(samples.map((s) => s.api)).toFixed(0)} ms; DOMContentLoaded: median ${median(samples.map((s) => s.domContentLoaded)).toFixed(0)} ms`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}

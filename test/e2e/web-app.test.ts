/**
 * The web application in a real browser (Debian's chromium via playwright-core) against a real
 * HexTrackr server on a fresh SQLite database: sign-in, two scan days imported through the UI, the
 * dashboard moving, the findings grid filtered, a finding assigned and marked false positive, a Tenable
 * sync against the simulator, a job cancelled. Selectors are roles and accessible names, so the test
 * doubles as an accessibility check. Screenshots of every page go to test-artifacts/screenshots/.
 * Steps whose API is not on this server yet are skipped with the route they need.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationOptions } from '../../src/composition.ts';
import { TenableClient } from '../../src/integrations/tenable/client/index.ts';
import { startTenableSimulator, type TenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { type Browser, CHROMIUM_MISSING, chromiumMissing, ensureWebBuild, launchBrowser } from '../helpers/browser.ts';
import { corpusDir } from '../helpers/corpus.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-artifacts/screenshots');
const skip = chromiumMissing();
if (skip) console.warn(`skipping the browser tests: ${CHROMIUM_MISSING}`);

const ADMIN = { username: 'e2e-admin', password: 'correct horse battery staple' };

/** Two scan days: the corpus when present, else the repository's small fixtures. */
function scanDays(): { file: string; date: string; expectRows: number }[] {
  const corpus = corpusDir();
  if (corpus) {
    return [
      { file: path.join(corpus, 'scans/defectdojo/nessus_many_vuln2-all.csv'), date: '2025-03-01', expectRows: 30 },
      { file: path.join(corpus, 'scans/defectdojo/nessus_new.csv'), date: '2025-03-02', expectRows: 99 },
    ];
  }
  const fixtures = path.resolve(import.meta.dirname, '../fixtures/scans/tenable-vm-csv');
  return [
    { file: path.join(fixtures, 'one.csv'), date: '2025-03-01', expectRows: 1 },
    { file: path.join(fixtures, 'many.csv'), date: '2025-03-02', expectRows: 0 },
  ];
}

describe.skipIf(skip)('web application in chromium', () => {
  let server: TestServer;
  let sim: TenableSimulator;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  async function routeExists(method: string, route: string): Promise<boolean> {
    const response = await fetch(`${server.base}${route}`, { method });
    if (response.status !== 404) return true;
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    return !body.error?.message?.startsWith('no route for');
  }

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function open(pathname: string): Promise<void> {
    await page.goto(`${server.base}${pathname}`);
  }

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SCREENSHOTS, { recursive: true });
    sim = await startTenableSimulator({ assets: 40, findings: 400, seed: 5 });
    // The client polls the simulator's exports quickly and lets retry waits move the simulator's clock.
    const app: ApplicationOptions = {
      importsInWorker: true,
      jobWorker: true,
      jobSettings: { heartbeatMs: 200, retryBaseMs: 200, sweepMs: 100, progressIntervalMs: 100 },
      tenableClient: () =>
        new TenableClient({
          baseUrl: sim.url,
          accessKey: sim.accessKey,
          secretKey: sim.secretKey,
          sleep: async (ms: number) => {
            sim.advanceTime(ms);
            await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
          },
          exports: { pollIntervalMs: 50, maxPollIntervalMs: 200 },
        }),
    };
    server = await startTestServer('sqlite', {
      app,
      config: { tenableUrl: sim.url, tenableAccessKey: sim.accessKey, tenableSecretKey: sim.secretKey },
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await sim?.close();
  });

  it('serves the application and deep links from the HexTrackr server', async () => {
    const response = await page.goto(`${server.base}/findings?severity=critical`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toContain('HexTrackr');
    const api404 = await fetch(`${server.base}/api/no-such-route`);
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('creates the first administrator, signs out and signs in again', async (ctx) => {
    if (!(await routeExists('GET', '/api/auth/status'))) ctx.skip(); // needs feat/auth
    await open('/');
    await page.getByRole('heading', { name: 'Create the first administrator' }).waitFor();
    await shot('sign-in-setup');
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Repeat password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();

    await page.getByRole('button', { name: new RegExp(ADMIN.username) }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to HexTrackr' }).waitFor();
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await shot('sign-in-error');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  it('shows an empty dashboard that says what to do next', async () => {
    await open('/');
    await page.getByText('No scan data yet').waitFor();
    await expect(page.getByRole('link', { name: 'Import a scan' }).isVisible()).resolves.toBe(true);
    await shot('dashboard-empty');
  });

  it('imports two scan days by drag-and-drop with live progress, then shows their reports', async () => {
    await open('/imports');
    await page.getByText('No imports yet — drop a Tenable CSV here').waitFor();
    await shot('imports-empty');
    for (const [index, day] of scanDays().entries()) {
      await page.getByLabel('Scan files', { exact: true }).setInputFiles(day.file);
      const name = path.basename(day.file);
      await page.getByLabel(`Scan date of ${name}`).fill(day.date);
      await page.getByRole('button', { name: /^Import 1 file$/ }).click();
      const card = page.getByLabel(`Import of ${name}`);
      await card.getByLabel('Import counts').waitFor({ timeout: 60_000 });
      await expect(card.getByRole('alert').count()).resolves.toBe(0);
      if (index === 0) await shot('imports-report');
    }
    const rows = page.getByRole('table').last().getByRole('row');
    await expect.poll(() => rows.count()).toBe(3); // header + 2 imports
    await shot('imports-history');
  });

  it('shows the dashboard figures of the latest scan date and their change', async () => {
    const summary = await server.api<{ latest: { scanDate: string; bySeverity: Record<string, { count: number }> } | null; change: unknown }>('GET', '/api/dashboard/summary');
    expect(summary.body.latest?.scanDate).toBe('2025-03-02');
    expect(summary.body.change).not.toBeNull();
    await open('/');
    for (const severity of ['Critical', 'High', 'Medium', 'Low', 'Info']) {
      const count = summary.body.latest!.bySeverity[severity]!.count;
      await page.getByRole('button', { name: `${severity}: ${count.toLocaleString('en-US')} open findings; show them` }).waitFor();
    }
    await page.getByText('compared with 2025-03-01').waitFor();
    await page.getByRole('img', { name: /Trend of finding counts per severity/ }).waitFor();
    await page.getByRole('button', { name: 'VPR', exact: true }).click();
    await page.getByRole('img', { name: /Trend of VPR per severity/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('metric')).toBe('vpr');
    await shot('dashboard');
  });

  it('opens the findings grid filtered from a dashboard figure, and filters it further', async (ctx) => {
    if (!(await routeExists('GET', '/api/vulnerabilities'))) ctx.skip(); // needs feat/findings
    const summary = await server.api<{ latest: { bySeverity: Record<string, { count: number }> } }>('GET', '/api/dashboard/summary');
    const [severity, figure] = Object.entries(summary.body.latest.bySeverity).find(([, f]) => f.count > 0)!;
    await open('/');
    await page.getByRole('button', { name: new RegExp(`^${severity}: `) }).click();
    await page.waitForURL(new RegExp(`/findings\\?severity=${severity.toLowerCase()}`));
    await page.getByText(`${figure.count.toLocaleString('en-US')} finding`).first().waitFor();
    await page.locator('.ag-row .ag-cell[col-id="hostname"]').first().waitFor();
    await page.getByRole('button', { name: severity === 'Critical' ? 'High' : 'Critical', exact: true }).click();
    await page.waitForURL(/severity=\w+(%2C|,)\w+/);
    await page.getByLabel('Search').fill('zzz-no-such-host');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No findings match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator('.ag-row').first().waitFor();
    await shot('findings');
  });

  it('assigns a finding, then refuses a false positive without a reason and accepts one with it', async (ctx) => {
    if (!(await routeExists('GET', '/api/vulnerabilities'))) ctx.skip(); // needs feat/findings
    if (!(await routeExists('PATCH', '/api/vulnerabilities/1'))) ctx.skip(); // needs feat/workflow
    await open('/findings?sort_by=vpr_score&sort_order=desc');
    await page.locator('.ag-row .ag-cell[col-id="hostname"]').first().click();
    const detail = page.getByRole('complementary', { name: 'Finding detail' });
    await detail.getByRole('tab', { name: 'Workflow' }).click();
    await detail.getByLabel('Assignee').fill('alice');
    await detail.getByLabel('Status').selectOption('Assigned');
    await detail.getByRole('button', { name: 'Save workflow' }).click();
    await detail.getByText('Saved.').waitFor();
    const id = new URL(page.url()).searchParams.get('selected');
    const saved = await server.api<Record<string, unknown>>('GET', `/api/vulnerabilities/${id}`);
    const finding = (saved.body.finding ?? saved.body) as Record<string, unknown>;
    expect(finding.assigned_to).toBe('alice');
    expect(finding.status).toBe('Assigned');

    await detail.getByLabel('Status').selectOption('False Positive');
    await detail.getByLabel('False positive reason').fill('');
    await detail.getByRole('button', { name: 'Save workflow' }).click();
    await detail.getByRole('alert').getByText(/reason is required/).waitFor();
    await detail.getByLabel('False positive reason').fill('Compensating control: host is air-gapped');
    await detail.getByRole('button', { name: 'Save workflow' }).click();
    await detail.getByText('Saved.').waitFor();
    await shot('finding-detail');
    const after = await server.api<Record<string, unknown>>('GET', `/api/vulnerabilities/${id}`);
    expect(((after.body.finding ?? after.body) as Record<string, unknown>).status).toBe('False Positive');
  });

  it('runs a Tenable sync against the simulator and shows its progress until it completes', async (ctx) => {
    if (!(await routeExists('POST', '/api/tenable/sync'))) ctx.skip(); // needs feat/jobs
    const importsBefore = (await server.api<{ total: number }>('GET', '/api/imports')).body.total;
    await open('/tenable');
    await page.getByRole('button', { name: 'Start sync' }).click();
    await page.waitForURL(/job=\d+/);
    const jobId = Number(new URL(page.url()).searchParams.get('job'));
    const job = page.getByLabel(`Job ${jobId}`, { exact: true });
    await job.waitFor();
    await shot('tenable-sync-running');
    await job.getByText('completed', { exact: true }).waitFor({ timeout: 60_000 });
    await shot('tenable');
    const done = await server.api<{ status: string; import_id: number | null }>('GET', `/api/jobs/${jobId}`);
    expect(done.body.status).toBe('completed');
    expect((await server.api<{ total: number }>('GET', '/api/imports')).body.total).toBeGreaterThan(importsBefore);
  });

  it('cancels a running job from the jobs page', async (ctx) => {
    if (!(await routeExists('POST', '/api/tenable/sync'))) ctx.skip(); // needs feat/jobs
    sim.setFaults({ slowChunkMs: 5000 });
    try {
      const started = await server.api<{ job_id: number }>('POST', '/api/tenable/sync', { body: { full: true } });
      expect(started.status).toBe(202);
      const jobId = started.body.job_id;
      await open('/jobs');
      const row = page.getByRole('row', { name: `Job ${jobId}`, exact: true });
      await row.getByRole('button', { name: `Cancel job ${jobId}` }).click();
      await page.getByText(`Cancellation of job ${jobId} requested.`).waitFor();
      await row.getByText('cancelled', { exact: true }).waitFor({ timeout: 60_000 });
      await shot('jobs');
      expect((await server.api<{ status: string }>('GET', `/api/jobs/${jobId}`)).body.status).toBe('cancelled');
      await expect(row.getByRole('button', { name: `Retry job ${jobId}` }).isVisible()).resolves.toBe(true);
    } finally {
      sim.setFaults({ slowChunkMs: 0 });
    }
  });

  it('shows every other page without errors', async () => {
    for (const [pathname, heading, name] of [
      ['/findings', 'Findings', 'findings-all'],
      ['/assets', 'Assets', 'assets'],
      ['/assets?tab=review', 'Assets', 'assets-review'],
      ['/tenable', 'Tenable', 'tenable-page'],
      ['/jobs', 'Jobs', 'jobs-page'],
      ['/admin', 'Admin', 'admin-users'],
      ['/admin?tab=tokens', 'Admin', 'admin-tokens'],
      ['/admin?tab=sla', 'Admin', 'admin-sla'],
      ['/admin?tab=audit', 'Admin', 'admin-audit'],
    ] as const) {
      await open(pathname);
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await shot(name);
    }
  });

  it('switches to the dark theme and keeps it', async () => {
    await open('/');
    await page.getByRole('button', { name: 'Use dark theme' }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.reload();
    await page.getByRole('button', { name: 'Use light theme' }).waitFor();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    await shot('dashboard-dark');
    if (await routeExists('GET', '/api/vulnerabilities')) {
      await open('/findings');
      await page.locator('.ag-row .ag-cell[col-id="hostname"]').first().waitFor();
      await shot('findings-dark');
    }
    await page.getByRole('button', { name: 'Use light theme' }).click();
  });

  it('logged no uncaught errors in the browser console', () => {
    // 404s of routes not yet on this server are expected while the API is incomplete.
    const unexpected = consoleErrors.filter((text) => !/404|Failed to load resource/.test(text));
    expect(unexpected).toEqual([]);
  });
});

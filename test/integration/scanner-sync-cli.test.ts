/**
 * `hextrackr sync tenable-sc` and `hextrackr sync nessus` in a child process against the simulator:
 * JSON summaries, exit codes, keys from the environment and never printed.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTenableSimulator, type TenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/scan-files.ts';

describe('hextrackr sync tenable-sc / nessus', () => {
  let sim: TenableSimulator;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sim = await startTenableSimulator({ seed: 6, assets: 30, findings: 300 });
    const dir = tempDir('hextrackr-sync-cli-');
    env = {
      ...process.env,
      HEXTRACKR_DATA_DIR: dir,
      HEXTRACKR_SQLITE_PATH: path.join(dir, 'cli.db'),
      DATABASE_URL: '',
      HEXTRACKR_SC_ACCESS_KEY: sim.sc.accessKey,
      HEXTRACKR_SC_SECRET_KEY: sim.sc.secretKey,
      HEXTRACKR_NESSUS_ACCESS_KEY: sim.accessKey,
      HEXTRACKR_NESSUS_SECRET_KEY: sim.secretKey,
    };
  });
  afterAll(async () => {
    await sim.close();
  });

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => startCli(['sync', ...args], { ...env, ...extraEnv }).done;

  it('syncs Security Center and a Nessus scan, printing one JSON summary each', async () => {
    const sc = await cli(['tenable-sc', '--url', sim.url, '--page-size', '100', '--scan-date', '2026-01-05', '--json']);
    expect(sc.status).toBe(0);
    const scSummary = JSON.parse(sc.stdout) as Record<string, unknown>;
    expect(scSummary).toMatchObject({ ok: true, format: 'tenable-sc-api', scope: 'hosts', scanDate: '2026-01-05', rejected: 0 });
    expect(scSummary.created).toBeGreaterThan(0);

    const nessus = await cli(['nessus', '--url', sim.url, '--scan-id', String(sim.estate.scans[0]!.id), '--scan-date', '2026-01-05', '--json']);
    expect(nessus.status).toBe(0);
    expect(JSON.parse(nessus.stdout)).toMatchObject({ ok: true, format: 'nessus-api', scope: 'hosts', fileName: `Nessus scan ${sim.estate.scans[0]!.id} export (.nessus, latest run)` });
    for (const run of [sc, nessus]) for (const secret of [sim.sc.secretKey, sim.secretKey]) expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('exits 1 with the scanner\'s reason, 2 on missing keys or options', async () => {
    const refused = await cli(['tenable-sc', '--url', sim.url, '--json'], { HEXTRACKR_SC_SECRET_KEY: '0'.repeat(32) });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({ ok: false, error: 'Tenable.sc POST /analysis: error_code 74 (HTTP 400): Invalid API key.' });

    const noKeys = await cli(['nessus', '--url', sim.url, '--scan-id', '40'], { HEXTRACKR_NESSUS_ACCESS_KEY: '' });
    expect(noKeys.status).toBe(2);
    expect(noKeys.stderr).toMatch(/HEXTRACKR_NESSUS_ACCESS_KEY and HEXTRACKR_NESSUS_SECRET_KEY/);

    const noScan = await cli(['nessus', '--url', sim.url]);
    expect(noScan.status).not.toBe(0);
    expect(noScan.stderr).toMatch(/--scan-id/);

    const badUrl = await cli(['tenable-sc', '--url', 'sc.example.com']);
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toMatch(/--url must be a URL/);
  });
});

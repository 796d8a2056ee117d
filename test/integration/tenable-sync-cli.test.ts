/**
 * `hextrackr sync tenable` in a child process against the simulator: it stores what the simulator
 * holds, prints a JSON summary, never prints the keys, and a Ctrl-C cancels it with nothing applied.
 * The sync runs in a thread of that process (src/cli/sync-thread.ts).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/database.ts';
import { startTenableSimulator, type TenableSimulator } from '../../src/integrations/tenable/simulator/server.ts';
import { expectedOpenKeys, expectNothingApplied, openKeys, waitFor } from '../helpers/jobs.ts';
import { startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/scan-files.ts';

describe('hextrackr sync tenable', () => {
  let sim: TenableSimulator;
  const dbEnv = () => {
    const dir = tempDir('hextrackr-tenable-cli-');
    return { HEXTRACKR_DATA_DIR: dir, HEXTRACKR_SQLITE_PATH: path.join(dir, 'cli.db'), DATABASE_URL: '' };
  };
  beforeAll(async () => {
    sim = await startTenableSimulator({ seed: 8, assets: 40, findings: 400, faults: { rejectDuplicateExports: false } });
  });
  afterAll(async () => {
    await sim.close();
  });

  const start = (env: Record<string, string>, args: string[]) =>
    startCli(['sync', 'tenable', ...args], { ...process.env, ...env, TENABLE_URL: sim.url, TENABLE_ACCESS_KEY: sim.accessKey, TENABLE_SECRET_KEY: sim.secretKey });

  it('stores every open finding the simulator holds and prints one JSON summary', async () => {
    const env = dbEnv();
    const run = await start(env, ['--full', '--json']).done;
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { ok: boolean; vulnerabilities: { rejected: number; findings: number }; assets: { exported: number } };
    expect(summary.ok).toBe(true);
    expect(summary.assets.exported).toBe(40);
    expect(summary.vulnerabilities.rejected).toBe(0);
    for (const secret of [sim.accessKey, sim.secretKey]) expect(run.stdout + run.stderr).not.toContain(secret);
    const database = createDatabase({ sqlitePath: env.HEXTRACKR_SQLITE_PATH, sqliteCacheMb: 8 });
    try {
      const expected = await expectedOpenKeys(sim);
      expect(await openKeys(database)).toEqual(expected);
      expect(summary.vulnerabilities.findings).toBe(expected.length);
    } finally {
      await database.close();
    }
  });

  it('stops at Ctrl-C, says so, exits 1 and applies nothing', async () => {
    const env = dbEnv();
    sim.setFaults({ slowChunkMs: 400 });
    try {
      const { child, done } = start(env, ['--full', '--json']);
      const database = createDatabase({ sqlitePath: env.HEXTRACKR_SQLITE_PATH, sqliteCacheMb: 8 });
      try {
        // Interrupt once the vulnerability export is under way (its import is recorded as running).
        await waitFor('the vulnerability import to start', async () => {
          const running = await database.db.selectFrom('imports').select('id').where('status', '=', 'running').executeTakeFirst().catch(() => undefined);
          return running ?? undefined;
        });
        child.kill('SIGINT');
        const run = await done;
        expect(run.status).toBe(1);
        expect(JSON.parse(run.stdout)).toEqual({ ok: false, error: 'sync cancelled: interrupted' });
        await expectNothingApplied(database);
      } finally {
        await database.close();
      }
    } finally {
      sim.setFaults({ slowChunkMs: 0 });
    }
  });
});

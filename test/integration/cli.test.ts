/** The real `hextrackr` command in a child process: summaries, exit codes, migrations. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeSimpleCsv } from '../helpers/scan-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('hextrackr CLI', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = tempDir('hextrackr-cli-');
    env = { ...process.env, HEXTRACKR_DATA_DIR: dir, HEXTRACKR_SQLITE_PATH: path.join(dir, 'cli.db'), DATABASE_URL: '' };
  });

  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), ...args], { env, encoding: 'utf8', timeout: 60_000 });

  it('migrates an empty database', () => {
    const result = cli('db', 'migrate');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/applied: 2026_11_23_1600_core_schema/);
    expect(cli('db', 'migrate').stdout).toMatch(/up to date/);
  });

  it('imports several files, prints one JSON summary each, and exits non-zero when one fails', () => {
    const good = writeSimpleCsv(dir, 'scan-2025-05-01.csv', [
      { hostname: 'app01', severity: 'High', vpr: 7.1, pluginId: '1', cve: 'CVE-2024-1111' },
      { hostname: 'app02', severity: 'Low', pluginId: '2' },
    ]);
    const bad = path.join(dir, 'notes.csv');
    writeFileSync(bad, 'title,body\nhello,world\n');
    const result = cli('import', good, bad, '--json');
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ ok: true, scanDate: '2025-05-01', format: 'hextrackr-csv', created: 2, rowsRead: 2 });
    expect(lines[1]).toMatchObject({ ok: false });
    expect(String(lines[1]?.error)).toContain('notes.csv');
  });

  it('prints a summary table without --json and reports a bad option clearly', () => {
    const file = writeSimpleCsv(dir, 'scan.csv', [{ hostname: 'app03', severity: 'Medium', pluginId: '3' }]);
    const table = cli('import', file, '--scan-date', '2025-05-02', '--scope', 'hosts');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/created[\s\S]*hextrackr-csv[\s\S]*2025-05-02/);
    const wrong = cli('import', file, '--scope', 'everything');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/everything/);
  });
});

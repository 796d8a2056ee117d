/** `hextrackr user …` in a child process: the first admin from stdin, roles, list, reset, tokens printed once. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/scan-files.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('hextrackr user', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    const dir = tempDir('hextrackr-cli-user-');
    env = { ...process.env, HEXTRACKR_DATA_DIR: dir, HEXTRACKR_SQLITE_PATH: path.join(dir, 'cli.db'), DATABASE_URL: '' };
  });

  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), 'user', ...args], { env, input: input ?? '', encoding: 'utf8', timeout: 60_000 });

  it('creates the first admin with a password from stdin, refusing weak passwords and missing roles', () => {
    const weak = cli(['create', '--admin', '--username', 'root', '--password-stdin'], 'short\n');
    expect(weak.status).not.toBe(0);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    const noRole = cli(['create', '--username', 'someone', '--password-stdin'], 'long enough password\n');
    expect(noRole.status).not.toBe(0);
    expect(noRole.stderr).toMatch(/--admin, or --role/);
    // Without a terminal and without --password-stdin there is nobody to ask: never a default password.
    const noTty = cli(['create', '--admin', '--username', 'root']);
    expect(noTty.status).not.toBe(0);
    expect(noTty.stderr).toMatch(/--password-stdin/);

    const created = cli(['create', '--admin', '--username', 'root', '--password-stdin'], 'root password 123\n');
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/created admin root/);
    expect(cli(['create', '--role', 'viewer', '--username', 'ROOT', '--password-stdin'], 'another password 1\n').stderr).toMatch(/already taken/);
    expect(cli(['create', '--role', 'analyst', '--username', 'ann', '--display-name', 'Ann A.', '--password-stdin'], 'ann password 1234').status).toBe(0);

    const listed = JSON.parse(cli(['list', '--json']).stdout) as { username: string; role: string; display_name: string }[];
    expect(listed.map((u) => [u.username, u.role, u.display_name])).toEqual([
      ['root', 'admin', 'root'],
      ['ann', 'analyst', 'Ann A.'],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/argon2|password/);
  });

  it('prints a token once on stdout, never above the user\'s role, and resets passwords', () => {
    const token = cli(['token', 'ann', '--role', 'viewer', '--expires-days', '30', '--name', 'ci']);
    expect(token.status).toBe(0);
    expect(token.stdout.trim()).toMatch(/^htk_[A-Za-z0-9_-]{43}$/);
    expect(token.stderr).toMatch(/role viewer, expires/);
    const tooHigh = cli(['token', 'ann', '--role', 'admin']);
    expect(tooHigh.status).not.toBe(0);
    expect(tooHigh.stderr).toMatch(/cannot exceed analyst/);
    expect(cli(['token', 'nobody', '--role', 'viewer']).stderr).toMatch(/no user named nobody/);

    const reset = cli(['reset-password', 'ANN', '--password-stdin'], 'new ann password\n');
    expect(reset.status).toBe(0);
    expect(reset.stdout).toMatch(/password of ann reset/);
  });
});

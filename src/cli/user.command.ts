/** `hextrackr user …`: create users (the first admin too), list them, reset a password, mint an API token. */
import Table from 'cli-table3';
import { loadConfig } from '../config/env.ts';
import { type Application, openApplication } from '../composition.ts';
import { DomainError } from '../domain/errors.ts';
import { createLogger } from '../logging/logger.ts';
import type { Role } from '../shared/roles.ts';

const CLI_ACTOR = { actor: 'cli' };

export interface UserCreateOptions {
  username: string;
  admin?: boolean | undefined;
  role?: Role | undefined;
  displayName?: string | undefined;
  passwordStdin?: boolean | undefined;
}

export interface UserTokenOptions {
  role: Role;
  expiresDays?: number | undefined;
  name?: string | undefined;
}

/** Reads the whole of stdin; one trailing newline (from `echo` or a file) is not part of the password. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    let typed = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on('data', onData);
  });
}

async function readPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readStdin();
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the password: pipe it in with --password-stdin');
  const first = await promptHidden('Password (at least 12 characters): ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function withApplication<T>(fn: (hex: Application) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const hex = await openApplication(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
  try {
    return await fn(hex);
  } finally {
    await hex.close();
  }
}

async function report(fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return err instanceof DomainError && err.code === 'validation_error' ? 2 : 1;
  }
}

export function runUserCreate(options: UserCreateOptions): Promise<number> {
  return report(async () => {
    if (options.admin && options.role && options.role !== 'admin') throw new Error('--admin and --role disagree: give one of them');
    const role: Role | undefined = options.admin ? 'admin' : options.role;
    if (!role) throw new Error('choose the role: --admin, or --role analyst|viewer');
    const password = await readPassword(options.passwordStdin);
    await withApplication(async (hex) => {
      const user = await hex.auth.createUser({ username: options.username, displayName: options.displayName, role, password }, CLI_ACTOR);
      console.log(`created ${user.role} ${user.username} (id ${user.id})`);
    });
  });
}

export function runUserList(options: { json?: boolean | undefined }): Promise<number> {
  return report(() =>
    withApplication(async (hex) => {
      const users = await hex.auth.listUsers();
      if (options.json) {
        console.log(JSON.stringify(users));
        return;
      }
      const table = new Table({ head: ['id', 'username', 'display name', 'role', 'state', 'last sign-in'] });
      for (const u of users) {
        const state = u.disabled ? 'disabled' : u.locked_until && u.locked_until > new Date().toISOString() ? 'locked' : 'active';
        table.push([u.id, u.username, u.display_name, u.role, state, u.last_login_at ?? '']);
      }
      console.log(users.length ? table.toString() : 'no users yet: hextrackr user create --admin --username NAME');
    }),
  );
}

export function runUserResetPassword(username: string, options: { passwordStdin?: boolean | undefined }): Promise<number> {
  return report(async () => {
    const password = await readPassword(options.passwordStdin);
    await withApplication(async (hex) => {
      const user = await hex.auth.findUser(username);
      if (!user) throw new Error(`no user named ${username}`);
      await hex.auth.updateUser(user.id, { password }, CLI_ACTOR);
      console.log(`password of ${user.username} reset; their sessions were ended`);
    });
  });
}

export function runUserToken(username: string, options: UserTokenOptions): Promise<number> {
  return report(() =>
    withApplication(async (hex) => {
      const user = await hex.auth.findUser(username);
      if (!user) throw new Error(`no user named ${username}`);
      const { token, record } = await hex.auth.createToken(
        user.id,
        { name: options.name ?? `cli ${new Date().toISOString().slice(0, 10)}`, role: options.role, expiresInDays: options.expiresDays },
        undefined,
        CLI_ACTOR,
      );
      console.log(token);
      console.error(
        `token ${record.id} for ${record.username}, role ${record.role}, ${record.expires_at ? `expires ${record.expires_at}` : 'no expiry'}: store it now, it is not shown again`,
      );
    }),
  );
}

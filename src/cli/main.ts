/** `hextrackr` command line: serve, import, db migrate. Thin: parse arguments, call a service, print. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, redactedConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { buildHttpServer } from '../http/app.ts';
import { createLogger } from '../logging/logger.ts';
import { runImportCommand } from './import.command.ts';
import { runPruneSnapshotsCommand, runTenableSyncCommand, type SyncCommandOptions } from './sync.command.ts';
import { runScannerSyncCommand, type ScannerSyncCommandOptions } from './scanner-sync.command.ts';
import { FAULT_HELP } from '../integrations/tenable/simulator/faults.ts';
import { runTenableSimCommand, type TenableSimCliOptions } from './tenable-sim.command.ts';
import { runUserCreate, runUserList, runUserResetPassword, runUserToken, type UserCreateOptions, type UserTokenOptions } from './user.command.ts';
import { ROLES } from '../shared/roles.ts';

const program = new Command('hextrackr').description('HexTrackr vulnerability management').showHelpAfterError();

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return port;
}

program
  .command('serve')
  .description('start the HTTP server (API + WebSocket progress)')
  .option('--host <host>', 'address to listen on (HEXTRACKR_HOST)')
  .option('--port <port>', 'port to listen on (HEXTRACKR_PORT)', portNumber)
  .action(async (options: { host?: string; port?: number }) => {
    const config = loadConfig(process.env, { host: options.host, port: options.port });
    const logger = createLogger(config.logLevel);
    logger.info('lifecycle', 'starting', { config: redactedConfig(config) });
    const hex = await openApplication(config, logger, { importsInWorker: true, jobWorker: true, jobsInThreads: true, periodicSweeps: true });
    const firstAdmin = await hex.auth.bootstrapAdmin({ username: config.adminUsername, password: config.adminPassword });
    if (firstAdmin === 'created') logger.info('lifecycle', 'first admin created from HEXTRACKR_ADMIN_USERNAME', { username: config.adminUsername });
    if (firstAdmin === 'needs-setup') {
      logger.warn(
        'lifecycle',
        'no user exists yet: the first visitor must complete setup at /api/auth/setup (the web UI does this), or run `hextrackr user create --admin --username NAME`',
      );
    }
    const server = await buildHttpServer(hex);
    const address = await server.listen({ host: config.host, port: config.port });
    logger.info('lifecycle', `HexTrackr listening on ${address}`, { dialect: hex.database.dialect });
    const stop = async (signal: string) => {
      logger.info('lifecycle', 'stopping', { signal });
      await server.close();
      await hex.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('import')
  .description('import scan files (format detected from the header) and roll findings over')
  .argument('<files...>', 'scan files: Tenable VM/io/SC CSV, Nessus CSV or .nessus, Tenable export JSON, HexTrackr CSV')
  .option('--scan-date <date>', 'scan date YYYY-MM-DD (default: a date in the file name, else today)')
  .addOption(new Option('--format <format>', 'file format').default('auto'))
  .addOption(
    new Option('--scope <scope>', 'which findings an absent row may resolve: all, only on the file\'s hosts, or none (state: FIXED rows only)')
      .choices(['all', 'hosts', 'state'])
      .default('all'),
  )
  .option('--json', 'print one JSON summary per file instead of a table')
  .action(async (files: string[], options: { scanDate?: string; format: string; scope: 'all' | 'hosts' | 'state'; json?: boolean }) => {
    process.exitCode = await runImportCommand(files, options);
  });

program
  .command('tenable-sim')
  .description('start the Tenable API simulator (Tenable VM, Security Center, Nessus export) for demos and rehearsals')
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('--port <port>', 'port to listen on, 0 = any free port (default 8600)')
  .option('--assets <n>', 'number of assets (default 500)')
  .option('--findings <m>', 'findings on day 0 (default 20000)')
  .option('--seed <s>', 'same seed and day give the same data (default 1)')
  .option('--start-date <date>', 'day 0, YYYY-MM-DD (default today, UTC)')
  .option('--clock <mode>', 'wall (time flows) or manual (only /_simulator/advance-day moves it) (default wall)')
  .option('--access-key <hex>', 'Tenable VM access key, 64 hex (default random)')
  .option('--secret-key <hex>', 'Tenable VM secret key, 64 hex (default random)')
  .option('--sc-username <name>', 'Security Center login (default secmanager)')
  .option('--sc-password <password>', 'Security Center password (default random)')
  .option('--faults <list>', `comma-separated name[=value]: ${FAULT_HELP.map((fault) => fault.name).join(', ')} (see README)`)
  .option('--json', 'print the URL and keys as one JSON line')
  .action(async (options: TenableSimCliOptions) => {
    const sim = await runTenableSimCommand(options);
    const stop = () => void sim.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const sync = program.command('sync').description('pull findings from a scanner API into HexTrackr');

sync
  .command('tenable')
  .description('Tenable VM assets, vulnerabilities (incremental since the last sync) and plugins; keys from POST /api/tenable/configure, else TENABLE_URL, TENABLE_ACCESS_KEY, TENABLE_SECRET_KEY')
  .option('--full', 'export everything, not only what changed since the last successful sync')
  .option('--scan-date <date>', 'scan date for snapshots and totals (default today)')
  .option('--json', 'print the summary as JSON')
  .action(async (options: SyncCommandOptions) => {
    process.exitCode = await runTenableSyncCommand(options);
  });

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number, 1 or more');
  return n;
}

const user = program.command('user').description('users and API tokens');
user
  .command('create')
  .description('create a user; the first admin: user create --admin --username NAME')
  .requiredOption('--username <name>', 'sign-in name (letters, digits, . _ @ -; case-insensitive)')
  .option('--admin', 'make the user an admin')
  .addOption(new Option('--role <role>', 'role').choices([...ROLES]))
  .option('--display-name <name>', 'name shown in the UI (default: the username)')
  .option('--password-stdin', 'read the password from stdin instead of asking on the terminal')
  .action(async (options: UserCreateOptions) => {
    process.exitCode = await runUserCreate(options);
  });
user
  .command('list')
  .description('list users')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    process.exitCode = await runUserList(options);
  });
user
  .command('reset-password')
  .description("set a user's password (ends their sessions, lifts a lockout)")
  .argument('<username>')
  .option('--password-stdin', 'read the password from stdin instead of asking on the terminal')
  .action(async (username: string, options: { passwordStdin?: boolean }) => {
    process.exitCode = await runUserResetPassword(username, options);
  });
user
  .command('token')
  .description('create an API token for a user and print it (once) on stdout')
  .argument('<username>')
  .addOption(new Option('--role <role>', "the token's role, at most the user's").choices([...ROLES]).makeOptionMandatory())
  .option('--expires-days <n>', 'expire after N days (default: never)', positiveInteger)
  .option('--name <name>', 'what the token is for (default: cli and the date)')
  .action(async (username: string, options: UserTokenOptions) => {
    process.exitCode = await runUserToken(username, options);
  });

sync
  .command('tenable-sc')
  .description('Tenable Security Center cumulative vulnerabilities (HEXTRACKR_SC_ACCESS_KEY, HEXTRACKR_SC_SECRET_KEY); resolves only on the hosts it lists')
  .requiredOption('--url <url>', 'Security Center address, e.g. https://sc.example.com')
  .option('--page-size <n>', 'records per /rest/analysis page (default 1000, at most 10000)', positiveInteger)
  .option('--scan-date <date>', 'scan date for snapshots and totals (default today)')
  .option('--json', 'print the summary as JSON')
  .action(async (options: ScannerSyncCommandOptions) => {
    process.exitCode = await runScannerSyncCommand('tenable-sc', options);
  });

sync
  .command('nessus')
  .description('one Nessus scan\'s results, exported as .nessus (HEXTRACKR_NESSUS_ACCESS_KEY, HEXTRACKR_NESSUS_SECRET_KEY); resolves only on the scanned hosts')
  .requiredOption('--url <url>', 'Nessus address, e.g. https://nessus.example.com:8834')
  .requiredOption('--scan-id <id>', 'the scan whose results to export')
  .option('--history-id <id>', 'a past run of the scan (default: the latest)', positiveInteger)
  .option('--scan-date <date>', 'scan date for snapshots and totals (default today)')
  .option('--json', 'print the summary as JSON')
  .action(async (options: ScannerSyncCommandOptions) => {
    process.exitCode = await runScannerSyncCommand('nessus', options);
  });

const db = program.command('db').description('database maintenance');
db.command('migrate')
  .description('apply pending migrations')
  .action(async () => {
    const config = loadConfig();
    const database = createDatabase(config);
    try {
      const applied = await migrateToLatest(database.db);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await database.close();
    }
  });

db.command('prune-snapshots')
  .description('delete finding snapshot rows older than N days (daily totals and monthly summaries keep the trends)')
  .option('--days <n>', 'retention in days (default HEXTRACKR_SNAPSHOT_RETENTION_DAYS)', (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of days, 1 or more');
    return n;
  })
  .action(async (options: { days?: number }) => {
    process.exitCode = await runPruneSnapshotsCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

/**
 * Configuration is read once, from an optional JSON file (HEXTRACKR_CONFIG) overlaid by
 * environment variables, validated as a whole (every problem reported at once) and frozen.
 * Only this module reads process.env.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const HEX64 = /^[0-9a-fA-F]{64}$/;
const FLAG_WORDS: Record<string, boolean> = { true: true, '1': true, yes: true, on: true, false: false, '0': false, no: false, off: false };
const Flag = z.preprocess(
  (value) => (typeof value === 'string' ? (FLAG_WORDS[value.trim().toLowerCase()] ?? value) : value),
  z.boolean({ error: 'must be true or false' }),
);
const HEX32 = /^[0-9a-fA-F]{32}$/;

const ConfigSchema = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded SQLite database)')
    .optional(),
  sqlitePath: z.string().min(1),
  sqliteCacheMb: z.coerce.number().int().min(2).max(65536),
  uploadDir: z.string().min(1),
  logLevel: z.enum(LOG_LEVELS),
  maxUploadMb: z.coerce.number().int().min(1),
  slowQueryMs: z.coerce.number().int().min(0),
  tenableUrl: z.string().url('must be a URL such as https://cloud.tenable.com'),
  tenableAccessKey: z.string().regex(HEX64, 'must be 64 hexadecimal characters').optional(),
  tenableSecretKey: z.string().regex(HEX64, 'must be 64 hexadecimal characters').optional(),
  /** Mark the session cookie Secure: set when browsers reach HexTrackr over https (directly or through a proxy). */
  secureCookies: Flag,
  sessionIdleHours: z.coerce.number().positive(),
  sessionMaxDays: z.coerce.number().positive(),
  loginMaxAttempts: z.coerce.number().int().min(1),
  loginLockoutMinutes: z.coerce.number().positive(),
  /** First admin created at server start when no user exists (both or neither). */
  adminUsername: z.string().min(1).optional(),
  adminPassword: z.string().min(1).optional(),
  scAccessKey: z.string().regex(HEX32, 'must be 32 hexadecimal characters (a Tenable.sc API key)').optional(),
  scSecretKey: z.string().regex(HEX32, 'must be 32 hexadecimal characters (a Tenable.sc API key)').optional(),
  nessusAccessKey: z.string().regex(HEX64, 'must be 64 hexadecimal characters').optional(),
  nessusSecretKey: z.string().regex(HEX64, 'must be 64 hexadecimal characters').optional(),
  jobConcurrency: z.coerce.number().int().min(1).max(32),
  jobHeartbeatMs: z.coerce.number().int().min(50),
  jobStaleMs: z.coerce.number().int().min(1000),
  jobRetryBaseMs: z.coerce.number().int().min(0),
  tenableScanPollMs: z.coerce.number().int().min(0),
  smtpUrl: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  smtpFrom: z.string().min(3).optional(),
  masterKey: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hexadecimal characters or 44 base64 characters')
    .optional(),
  snapshotRetentionDays: z.coerce.number().int().min(1).optional(),
  correlationThreshold: z.coerce.number().int().min(0).max(100),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

type Source = Record<string, string | undefined>;

const ENV_NAMES: Record<keyof z.infer<typeof ConfigSchema>, string> = {
  host: 'HEXTRACKR_HOST',
  port: 'HEXTRACKR_PORT',
  dataDir: 'HEXTRACKR_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  sqlitePath: 'HEXTRACKR_SQLITE_PATH',
  sqliteCacheMb: 'HEXTRACKR_SQLITE_CACHE_MB',
  uploadDir: 'HEXTRACKR_UPLOAD_DIR',
  logLevel: 'HEXTRACKR_LOG_LEVEL',
  maxUploadMb: 'HEXTRACKR_MAX_UPLOAD_MB',
  slowQueryMs: 'HEXTRACKR_SLOW_QUERY_MS',
  tenableUrl: 'TENABLE_URL',
  tenableAccessKey: 'TENABLE_ACCESS_KEY',
  tenableSecretKey: 'TENABLE_SECRET_KEY',
  secureCookies: 'HEXTRACKR_SECURE_COOKIES',
  sessionIdleHours: 'HEXTRACKR_SESSION_IDLE_HOURS',
  sessionMaxDays: 'HEXTRACKR_SESSION_MAX_DAYS',
  loginMaxAttempts: 'HEXTRACKR_LOGIN_MAX_ATTEMPTS',
  loginLockoutMinutes: 'HEXTRACKR_LOGIN_LOCKOUT_MINUTES',
  adminUsername: 'HEXTRACKR_ADMIN_USERNAME',
  adminPassword: 'HEXTRACKR_ADMIN_PASSWORD',
  scAccessKey: 'HEXTRACKR_SC_ACCESS_KEY',
  scSecretKey: 'HEXTRACKR_SC_SECRET_KEY',
  nessusAccessKey: 'HEXTRACKR_NESSUS_ACCESS_KEY',
  nessusSecretKey: 'HEXTRACKR_NESSUS_SECRET_KEY',
  jobConcurrency: 'HEXTRACKR_JOB_CONCURRENCY',
  jobHeartbeatMs: 'HEXTRACKR_JOB_HEARTBEAT_MS',
  jobStaleMs: 'HEXTRACKR_JOB_STALE_MS',
  jobRetryBaseMs: 'HEXTRACKR_JOB_RETRY_BASE_MS',
  tenableScanPollMs: 'HEXTRACKR_TENABLE_SCAN_POLL_MS',
  smtpUrl: 'HEXTRACKR_SMTP_URL',
  smtpFrom: 'HEXTRACKR_SMTP_FROM',
  masterKey: 'HEXTRACKR_MASTER_KEY',
  snapshotRetentionDays: 'HEXTRACKR_SNAPSHOT_RETENTION_DAYS',
  correlationThreshold: 'HEXTRACKR_CORRELATION_THRESHOLD',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`HEXTRACKR_CONFIG: cannot read ${file}: ${(err as Error).message}`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`HEXTRACKR_CONFIG: ${file} is not valid JSON: ${(err as Error).message}`]);
  }
}

/** Builds the configuration from the given environment (default: process.env) and overrides. */
export function loadConfig(env: Source = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const fromFile = env.HEXTRACKR_CONFIG ? readConfigFile(env.HEXTRACKR_CONFIG) : {};
  const pick = (key: keyof Config): unknown => overrides[key] ?? env[ENV_NAMES[key]] ?? fromFile[key];
  const dataDir = String(pick('dataDir') ?? './data');
  const raw = {
    host: pick('host') ?? '127.0.0.1',
    port: pick('port') ?? 8080,
    dataDir,
    databaseUrl: pick('databaseUrl') || undefined,
    sqlitePath: pick('sqlitePath') ?? path.join(dataDir, 'hextrackr.db'),
    sqliteCacheMb: pick('sqliteCacheMb') ?? 256,
    uploadDir: pick('uploadDir') ?? path.join(dataDir, 'uploads'),
    logLevel: pick('logLevel') ?? 'info',
    maxUploadMb: pick('maxUploadMb') ?? 4096,
    slowQueryMs: pick('slowQueryMs') ?? 0,
    tenableUrl: pick('tenableUrl') ?? 'https://cloud.tenable.com',
    tenableAccessKey: pick('tenableAccessKey') || undefined,
    tenableSecretKey: pick('tenableSecretKey') || undefined,
    secureCookies: pick('secureCookies') ?? false,
    sessionIdleHours: pick('sessionIdleHours') ?? 12,
    sessionMaxDays: pick('sessionMaxDays') ?? 7,
    loginMaxAttempts: pick('loginMaxAttempts') ?? 5,
    loginLockoutMinutes: pick('loginLockoutMinutes') ?? 15,
    adminUsername: pick('adminUsername') || undefined,
    adminPassword: pick('adminPassword') || undefined,
    scAccessKey: pick('scAccessKey') || undefined,
    scSecretKey: pick('scSecretKey') || undefined,
    nessusAccessKey: pick('nessusAccessKey') || undefined,
    nessusSecretKey: pick('nessusSecretKey') || undefined,
    jobConcurrency: pick('jobConcurrency') ?? 1,
    jobHeartbeatMs: pick('jobHeartbeatMs') ?? 5000,
    jobStaleMs: pick('jobStaleMs') ?? 60_000,
    jobRetryBaseMs: pick('jobRetryBaseMs') ?? 30_000,
    tenableScanPollMs: pick('tenableScanPollMs') ?? 10_000,
    smtpUrl: pick('smtpUrl') || undefined,
    smtpFrom: pick('smtpFrom') || undefined,
    masterKey: pick('masterKey') || undefined,
    snapshotRetentionDays: pick('snapshotRetentionDays') || undefined,
    correlationThreshold: pick('correlationThreshold') ?? 80,
  };
  const result = ConfigSchema.safeParse(raw);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => {
        const key = issue.path[0] as keyof Config;
        return `${ENV_NAMES[key] ?? String(key)} (${String(key)}): ${issue.message}`;
      });
  if (result.success && (result.data.adminUsername === undefined) !== (result.data.adminPassword === undefined)) {
    problems.push('HEXTRACKR_ADMIN_USERNAME and HEXTRACKR_ADMIN_PASSWORD: set both to create the first admin at start, or neither');
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

/** The configuration with secrets masked, for start-up logs. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const mask = (value: string | undefined) => (value ? '***' : undefined);
  return {
    ...config,
    databaseUrl: maskUrlPassword(config.databaseUrl),
    tenableAccessKey: mask(config.tenableAccessKey),
    tenableSecretKey: mask(config.tenableSecretKey),
    adminPassword: mask(config.adminPassword),
    scAccessKey: mask(config.scAccessKey),
    scSecretKey: mask(config.scSecretKey),
    nessusAccessKey: mask(config.nessusAccessKey),
    nessusSecretKey: mask(config.nessusSecretKey),
    smtpUrl: maskUrlPassword(config.smtpUrl),
    masterKey: mask(config.masterKey),
  };
}

/** A URL with its password replaced by ***, for logs and messages. */
export function maskUrlPassword(url: string | undefined): string | undefined {
  return url?.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, '//$1:***@');
}

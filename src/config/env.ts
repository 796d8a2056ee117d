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
    masterKey: pick('masterKey') || undefined,
    snapshotRetentionDays: pick('snapshotRetentionDays') || undefined,
    correlationThreshold: pick('correlationThreshold') ?? 80,
  };
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path[0] as keyof Config;
        return `${ENV_NAMES[key] ?? String(key)} (${String(key)}): ${issue.message}`;
      }),
    );
  }
  return Object.freeze(result.data);
}

/** The configuration with secrets masked, for start-up logs. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const mask = (value: string | undefined) => (value ? '***' : undefined);
  return {
    ...config,
    databaseUrl: config.databaseUrl?.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, '//$1:***@'),
    tenableAccessKey: mask(config.tenableAccessKey),
    tenableSecretKey: mask(config.tenableSecretKey),
    masterKey: mask(config.masterKey),
  };
}

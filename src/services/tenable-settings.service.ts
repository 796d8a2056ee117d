/**
 * Tenable credentials: validated, tested against Tenable before they are kept, stored encrypted
 * (secret-box.ts), never returned (the access key only masked) and never logged. `client()` is the
 * one place that builds a TenableClient, from the stored keys, else from the environment.
 */
import type { Config } from '../config/env.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { deleteSettings, readSettings, writeSettings } from '../db/repositories/tenable-settings.repository.ts';
import { DomainError } from '../domain/errors.ts';
import { TenableApiError, TenableClient, type TenableClientOptions, TenableNetworkError } from '../integrations/tenable/client/index.ts';
import type { Logger } from '../logging/logger.ts';
import { SecretBox, loadMasterKey } from './secret-box.ts';

export const HEXTRACKR_VERSION = '0.1.0';

const HEX64 = /^[0-9a-fA-F]{64}$/;
const NAMES = {
  url: 'credentials.url',
  accessKey: 'credentials.access_key',
  secretKey: 'credentials.secret_key',
  configuredBy: 'credentials.configured_by',
  lastTest: 'connection.last_test',
} as const;

export interface ConnectionTest {
  ok: boolean;
  message: string;
  /** Tenable's HTTP status when it answered with an error. */
  status?: number | undefined;
  tested_at: string;
}

export interface TenableConfiguration {
  configured: boolean;
  /** Where the keys the sync uses come from. */
  source: 'stored' | 'environment' | 'none';
  url: string;
  access_key: string | null;
  configured_at: string | null;
  configured_by: string | null;
  last_test: ConnectionTest | null;
}

export interface TenableCredentialsInput {
  access_key: string;
  secret_key: string;
  url?: string | undefined;
}

/** `••••…` and the last four characters: enough to recognise a key, useless to use it. */
export function maskKey(key: string): string {
  return `••••…${key.slice(-4)}`;
}

/** One cheap authenticated call: does Tenable accept these keys? */
export async function authenticateConnection(client: TenableClient): Promise<{ ok: true } | { ok: false; status?: number; reason: string }> {
  try {
    await client.listPluginFamilies();
    return { ok: true };
  } catch (err) {
    if (err instanceof TenableApiError) return { ok: false, status: err.status, reason: err.detail || err.message };
    if (err instanceof TenableNetworkError) return { ok: false, reason: err.message };
    throw err;
  }
}

export interface TenableSettingsOptions {
  /** Passed to every client built here (tests inject sleep, polling and retry settings). */
  clientDefaults?: Partial<TenableClientOptions>;
}

export class TenableSettingsService {
  private box: SecretBox | undefined;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly options: TenableSettingsOptions = {},
  ) {}

  /** Validates, tests and stores the keys; refuses keys Tenable rejects. */
  async configure(input: TenableCredentialsInput, actor: string): Promise<TenableConfiguration> {
    for (const field of ['access_key', 'secret_key'] as const) {
      if (!HEX64.test(input[field] ?? '')) throw new DomainError('validation_error', `${field} must be 64 hexadecimal characters`, { field });
    }
    const url = (input.url ?? (await this.storedUrl()) ?? this.config.tenableUrl).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/\s]+/.test(url)) throw new DomainError('validation_error', 'url must be an http(s) URL such as https://cloud.tenable.com', { field: 'url' });
    const accessKey = input.access_key.toLowerCase();
    const secretKey = input.secret_key.toLowerCase();
    const test = await this.test(this.build({ url, accessKey, secretKey }, { retry: { maxRetries: 1 }, timeoutMs: 15_000 }));
    if (!test.ok) {
      this.logger.warn('tenable', 'Tenable refused the keys offered; nothing stored', { url, status: test.status, reason: test.message });
      throw new DomainError('validation_error', `Tenable rejected the keys: ${test.message}`, { field: 'access_key', tenable_status: test.status ?? null });
    }
    const box = this.secretBox();
    const now = new Date().toISOString();
    await writeSettings(
      this.database.db,
      {
        [NAMES.url]: url,
        [NAMES.accessKey]: box.seal(NAMES.accessKey, accessKey),
        [NAMES.secretKey]: box.seal(NAMES.secretKey, secretKey),
        [NAMES.configuredBy]: actor,
        [NAMES.lastTest]: JSON.stringify(test),
      },
      now,
    );
    this.logger.info('tenable', 'Tenable credentials stored', { url, accessKeyHint: maskKey(accessKey), by: actor });
    return this.configuration();
  }

  async configuration(): Promise<TenableConfiguration> {
    const stored = await readSettings(this.database.db, Object.values(NAMES));
    const lastTest = stored.get(NAMES.lastTest);
    const common = { last_test: lastTest ? (JSON.parse(lastTest.value) as ConnectionTest) : null };
    const accessKey = stored.get(NAMES.accessKey);
    if (accessKey) {
      return {
        configured: true,
        source: 'stored',
        url: stored.get(NAMES.url)?.value ?? this.config.tenableUrl,
        access_key: maskKey(this.secretBox().open(NAMES.accessKey, accessKey.value)),
        configured_at: accessKey.updatedAt,
        configured_by: stored.get(NAMES.configuredBy)?.value ?? null,
        ...common,
      };
    }
    if (this.config.tenableAccessKey && this.config.tenableSecretKey) {
      return { configured: true, source: 'environment', url: this.config.tenableUrl, access_key: maskKey(this.config.tenableAccessKey), configured_at: null, configured_by: null, ...common };
    }
    return { configured: false, source: 'none', url: this.config.tenableUrl, access_key: null, configured_at: null, configured_by: null, ...common };
  }

  /** Tests the keys in use and remembers the result. */
  async testConnection(): Promise<ConnectionTest> {
    const test = await this.test(await this.client({ retry: { maxRetries: 1 }, timeoutMs: 15_000 }));
    await writeSettings(this.database.db, { [NAMES.lastTest]: JSON.stringify(test) }, test.tested_at);
    return test;
  }

  /** Forgets the stored keys (the environment's, if any, apply again). */
  async deleteConfiguration(actor: string): Promise<boolean> {
    const removed = await deleteSettings(this.database.db, Object.values(NAMES));
    if (removed > 0) this.logger.info('tenable', 'Tenable credentials deleted', { by: actor });
    return removed > 0;
  }

  /** A client on the stored credentials, else TENABLE_URL / TENABLE_ACCESS_KEY / TENABLE_SECRET_KEY. */
  async client(overrides: Partial<TenableClientOptions> = {}): Promise<TenableClient> {
    const stored = await readSettings(this.database.db, [NAMES.url, NAMES.accessKey, NAMES.secretKey]);
    const access = stored.get(NAMES.accessKey);
    const secret = stored.get(NAMES.secretKey);
    if (access && secret) {
      const box = this.secretBox();
      return this.build(
        { url: stored.get(NAMES.url)?.value ?? this.config.tenableUrl, accessKey: box.open(NAMES.accessKey, access.value), secretKey: box.open(NAMES.secretKey, secret.value) },
        overrides,
      );
    }
    if (this.config.tenableAccessKey && this.config.tenableSecretKey) {
      return this.build({ url: this.config.tenableUrl, accessKey: this.config.tenableAccessKey, secretKey: this.config.tenableSecretKey }, overrides);
    }
    throw new DomainError('validation_error', 'Tenable is not configured: POST /api/tenable/configure, or set TENABLE_ACCESS_KEY and TENABLE_SECRET_KEY', { field: 'access_key' });
  }

  private async storedUrl(): Promise<string | undefined> {
    return (await readSettings(this.database.db, [NAMES.url])).get(NAMES.url)?.value;
  }

  private build(credentials: { url: string; accessKey: string; secretKey: string }, overrides: Partial<TenableClientOptions>): TenableClient {
    return new TenableClient({
      version: HEXTRACKR_VERSION,
      onRetry: (event) => this.logger.warn('tenable', 'Tenable request retried', { ...event }),
      ...this.options.clientDefaults,
      ...overrides,
      baseUrl: credentials.url,
      accessKey: credentials.accessKey,
      secretKey: credentials.secretKey,
    });
  }

  private async test(client: TenableClient): Promise<ConnectionTest> {
    const result = await authenticateConnection(client);
    const tested_at = new Date().toISOString();
    return result.ok ? { ok: true, message: 'Tenable accepted the keys', tested_at } : { ok: false, message: result.reason, status: result.status, tested_at };
  }

  private secretBox(): SecretBox {
    this.box ??= new SecretBox(loadMasterKey({ envValue: this.config.masterKey, dataDir: this.config.dataDir }).key);
    return this.box;
  }
}

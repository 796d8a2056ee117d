/**
 * The one place jobs get a Tenable client. Today from the environment (TENABLE_URL,
 * TENABLE_ACCESS_KEY, TENABLE_SECRET_KEY, as `hextrackr sync tenable`); the credential store
 * replaces this at merge.
 */
import type { Config } from '../config/env.ts';
import { DomainError } from '../domain/errors.ts';
import { TenableClient } from '../integrations/tenable/client/index.ts';
import type { Logger } from '../logging/logger.ts';

export function tenableClientFor(hex: { config: Config; logger: Logger }): TenableClient {
  const { config, logger } = hex;
  if (!config.tenableAccessKey || !config.tenableSecretKey) {
    throw new DomainError('validation_error', 'Tenable is not configured: set TENABLE_ACCESS_KEY and TENABLE_SECRET_KEY (TENABLE_URL for another server than cloud.tenable.com)');
  }
  return new TenableClient({
    baseUrl: config.tenableUrl,
    accessKey: config.tenableAccessKey,
    secretKey: config.tenableSecretKey,
    version: '0.1.0',
    onRetry: (event) => logger.warn('jobs', 'Tenable request retried', { ...event }),
  });
}

/**
 * `hextrackr sync tenable-sc` and `hextrackr sync nessus`: pull a scanner's findings through the
 * same import and rollover as a file, with the same progress bar and summary as `sync tenable`.
 */
import { loadConfig, type Config } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { createScannerAdapter, type VulnerabilityScannerAdapter } from '../integrations/scanner-adapter.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { ScannerSyncService } from '../services/scanner-sync.service.ts';
import { showProgress, summaryTable } from './import.command.ts';

export interface ScannerSyncCommandOptions {
  url: string;
  scanDate?: string | undefined;
  json?: boolean | undefined;
  /** Tenable.sc: records per analysis page. */
  pageSize?: number | undefined;
  /** Nessus: the scan whose results to export, and optionally one past run of it. */
  scanId?: string | undefined;
  historyId?: number | undefined;
}

type Product = 'tenable-sc' | 'nessus';

const PRODUCTS: Record<Product, { label: string; keys: (config: Config) => [string | undefined, string | undefined]; variables: string }> = {
  'tenable-sc': {
    label: 'Tenable.sc',
    keys: (config) => [config.scAccessKey, config.scSecretKey],
    variables: 'HEXTRACKR_SC_ACCESS_KEY and HEXTRACKR_SC_SECRET_KEY (Tenable.sc API keys, 32 hex characters each)',
  },
  nessus: {
    label: 'Nessus',
    keys: (config) => [config.nessusAccessKey, config.nessusSecretKey],
    variables: 'HEXTRACKR_NESSUS_ACCESS_KEY and HEXTRACKR_NESSUS_SECRET_KEY (Nessus API keys, 64 hex characters each)',
  },
};

function adapterFor(product: Product, options: ScannerSyncCommandOptions, keys: [string, string], logger: Logger): VulnerabilityScannerAdapter {
  return createScannerAdapter({
    product,
    url: options.url,
    accessKey: keys[0],
    secretKey: keys[1],
    version: '0.1.0',
    ...(options.pageSize !== undefined ? { scPageSize: options.pageSize } : {}),
    onRetry: (event) => logger.warn('cli', `${PRODUCTS[product].label} request retried`, { ...event }),
  });
}

export async function runScannerSyncCommand(product: Product, options: ScannerSyncCommandOptions): Promise<number> {
  const config = loadConfig();
  const { label, keys, variables } = PRODUCTS[product];
  const [accessKey, secretKey] = keys(config);
  if (!accessKey || !secretKey) {
    console.error(`set ${variables}`);
    return 2;
  }
  let adapter: VulnerabilityScannerAdapter;
  try {
    new URL(options.url);
  } catch {
    console.error(`--url must be a URL such as https://${product === 'nessus' ? 'nessus.example.com:8834' : 'sc.example.com'}, got "${options.url}"`);
    return 2;
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  try {
    adapter = adapterFor(product, options, [accessKey, secretKey], logger);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const hex = await openApplication(config, logger);
  const stopProgress = process.stderr.isTTY && !options.json ? showProgress(hex.events, label) : () => undefined;
  try {
    const summary = await new ScannerSyncService(hex.database, hex.imports).sync(adapter, {
      scanDate: options.scanDate,
      scanId: options.scanId,
      historyId: options.historyId,
    });
    stopProgress();
    console.log(options.json ? JSON.stringify({ ok: true, ...summary }) : summaryTable([summary]));
    return 0;
  } catch (err) {
    stopProgress();
    const message = err instanceof Error ? err.message : String(err);
    console.log(options.json ? JSON.stringify({ ok: false, error: message }) : `${label} sync failed: ${message}`);
    return 1;
  } finally {
    await hex.close();
  }
}

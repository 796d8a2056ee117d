/**
 * Where `hextrackr sync tenable` runs its sync: a worker thread with the young generation a job
 * thread of `hextrackr serve` gets (JOB_THREAD_YOUNG_GENERATION_MB), so a sync started from the
 * command line needs the memory a sync started by the server does. Progress and the outcome go
 * to the command's thread; a message from it cancels the sync.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../config/env.ts';
import { openApplication } from '../composition.ts';
import { createLogger } from '../logging/logger.ts';
import type { SyncAllResult, SyncProgress } from '../services/tenable-sync.service.ts';

export interface SyncThreadRequest {
  full?: boolean | undefined;
  scanDate?: string | undefined;
}

export type SyncThreadMessage = { type: 'progress'; progress: SyncProgress } | { type: 'done'; result: SyncAllResult } | { type: 'failed'; message: string };

async function main(port: MessagePort, request: SyncThreadRequest): Promise<void> {
  const post = (message: SyncThreadMessage) => port.postMessage(message);
  const abort = new AbortController();
  port.on('message', () => abort.abort('interrupted'));
  let hex: Awaited<ReturnType<typeof openApplication>> | undefined;
  try {
    const config = loadConfig();
    hex = await openApplication(config, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
    const client = await hex.tenableSettings.client();
    const result = await hex.tenableSync.syncAll(client, {
      full: request.full,
      scanDate: request.scanDate,
      signal: abort.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
  } finally {
    await hex?.close();
    port.close();
  }
}

if (parentPort) await main(parentPort, workerData as SyncThreadRequest);

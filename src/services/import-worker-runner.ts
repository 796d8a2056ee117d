/** Starts an import's worker thread and relays its progress onto the server's event bus. */
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../shared/thread-entry.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { ImportSummary } from './import-scan.service.ts';
import type { ImportWorkerData, ImportWorkerMessage } from './import-worker-protocol.ts';

export function runImportInWorker(data: ImportWorkerData, events: EventBus | undefined): Promise<ImportSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadEntry(import.meta.url, 'import-worker'), { workerData: data });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    worker.on('message', (message: ImportWorkerMessage) => {
      if (message.type === 'progress') events?.publish('import.progress', message.progress);
      else if (message.type === 'done') settle(() => resolve(message.summary));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the import worker stopped before finishing (exit code ${code})`))));
  });
}

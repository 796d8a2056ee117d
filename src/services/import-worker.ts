/**
 * Runs one recorded file import in a worker thread, so the server's event loop keeps
 * answering HTTP and WebSocket while SQLite (synchronous) applies a large rollover.
 * Progress events are relayed to the parent thread; the result or the error comes back last.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createDatabase } from '../db/database.ts';
import { EventBus } from '../events/event-bus.ts';
import { ImportScanService } from './import-scan.service.ts';
import type { ImportWorkerData, ImportWorkerMessage } from './import-worker-protocol.ts';

async function main(port: NonNullable<typeof parentPort>, data: ImportWorkerData): Promise<void> {
  const post = (message: ImportWorkerMessage) => port.postMessage(message);
  const events = new EventBus();
  events.subscribe('import.progress', (progress) => post({ type: 'progress', progress }));
  const database = createDatabase(data.database);
  try {
    const summary = await new ImportScanService(database, events, { progressIntervalMs: data.progressIntervalMs }).runRecorded(data.job);
    post({ type: 'done', summary });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  } finally {
    await database.close();
    port.close();
  }
}

if (parentPort) await main(parentPort, workerData as ImportWorkerData);

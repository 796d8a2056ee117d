/** Messages between the server and an import's worker thread. */
import type { DatabaseOptions } from '../db/database.ts';
import type { RolloverScope } from '../db/schema.ts';
import type { ImportProgress } from '../shared/import-progress.ts';
import type { ImportSummary } from './import-scan.service.ts';

/** An import already recorded as running, whose file is already recognised. */
export interface RecordedFileImport {
  importId: number;
  filePath: string;
  fileName: string;
  formatId: string;
  scanDate: string;
  scope: RolloverScope;
}

export interface ImportWorkerData {
  /** Plain connection settings (no callbacks: they cannot cross threads). */
  database: Pick<DatabaseOptions, 'databaseUrl' | 'sqlitePath' | 'sqliteCacheMb' | 'pgSchema'>;
  progressIntervalMs: number;
  job: RecordedFileImport;
}

export type ImportWorkerMessage =
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'done'; summary: ImportSummary }
  | { type: 'error'; message: string };

/** Background job progress as pushed to WebSocket clients (the spec's JobProgressUpdate). */

export const JOB_TYPES = ['tenable_vulnerability_sync', 'tenable_scan', 'import_file'] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATUSES = ['queued', 'waiting', 'retrying', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

/** The spec's ScanProcessingPhase, in order. */
export const JOB_PHASES = [
  'Initializing',
  'Connecting to Tenable',
  'Fetching Scan Results',
  'Correlating Assets',
  'Processing Vulnerabilities',
  'Updating Plugin Mappings',
  'Finalizing',
  'Completed',
] as const;
export type JobPhase = (typeof JOB_PHASES)[number];

/** 1 low, 2 normal, 3 high, 4 critical (the spec's JobPriority). */
export const JOB_PRIORITIES = { low: 1, normal: 2, high: 3, critical: 4 } as const;

export interface JobProgressUpdate {
  /** null for a file import, which is tracked by import_id only. */
  job_id: number | null;
  /** The import a sync or file import writes through (link to GET /api/imports/:id). */
  import_id: number | null;
  job_type: JobType;
  status: JobStatusName;
  phase: JobPhase;
  progress_percentage: number;
  current_operation: string;
  assets_processed: number;
  vulnerabilities_processed: number;
  /** ISO time; null when unknown. */
  estimated_completion: string | null;
  eta_seconds: number | null;
  performance_metrics: {
    assets_per_second: number;
    vulnerabilities_per_second: number;
    memory_usage_mb: number;
    database_queue_size: number;
  };
  error_summary?: { error_count: number; recent_errors: string[] };
  /** ISO time of this update. */
  at: string;
}

/** Progress of a running import, as pushed to WebSocket clients and the CLI progress bar. */
export interface ImportProgress {
  importId: number;
  fileName: string;
  phase: 'parsing' | 'applying' | 'completed' | 'failed';
  rowsRead: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
  rowsPerSecond: number;
  /** Seconds left while parsing, estimated from bytes read; null when unknown. */
  etaSeconds: number | null;
  error?: string;
}

/**
 * `tenable_scan`: launch a Tenable scan, follow its latest status until it ends, then sync the
 * vulnerabilities it found. The launched scan is checkpointed, so a job resumed after a restart
 * follows the same run instead of launching another. Cancelling stops the scan on Tenable too.
 */
import { z } from 'zod';
import { TenableApiError } from '../../../integrations/tenable/client/index.ts';
import { JobInterruption, type JobHandler, sleepUnlessInterrupted, throwIfInterrupted } from '../job-handler.ts';
import { permanentTenableFailure, runVulnerabilitySync, summarize, type TenableJobDeps } from './tenable-vulnerability-sync.handler.ts';

export const ScanJobPayload = z
  .object({
    scan_id: z.union([z.number().int().positive(), z.string().regex(/^[0-9a-zA-Z-]{1,64}$/, 'must be a scan id or schedule uuid')]).describe("Tenable scan id (or schedule uuid)"),
    full: z.boolean().optional().describe('after the scan, sync every finding instead of what changed'),
  })
  .strict();
export type ScanJobPayload = z.infer<typeof ScanJobPayload>;

/** How far along the scan is per Tenable status (the scan takes the first half of the job). */
const STATUS_PERCENT: Record<string, number> = { initializing: 8, pending: 12, resuming: 20, running: 25, publishing: 40, stopping: 45, processing: 40 };
const SUCCESS = new Set(['completed', 'imported']);
const ENDED = new Set(['canceled', 'aborted', 'stopped', 'empty']);

interface ScanCheckpoint {
  scan_uuid: string;
  launched_at: string;
}

export function tenableScanHandler(deps: TenableJobDeps): JobHandler<ScanJobPayload> {
  return {
    type: 'tenable_scan',
    payload: ScanJobPayload,
    tenableScanId: (payload) => String(payload.scan_id),
    permanentFailure: permanentTenableFailure,
    async run(context) {
      const scanId = context.payload.scan_id;
      const client = await deps.client();
      let checkpoint = context.checkpoint as ScanCheckpoint | undefined;
      try {
        if (!checkpoint?.scan_uuid) {
          throwIfInterrupted(context.signal);
          context.report({ phase: 'Connecting to Tenable', percentage: 2, currentOperation: `Launching scan ${scanId}` });
          const launched = await client.launchScan(scanId);
          checkpoint = { scan_uuid: launched.scan_uuid, launched_at: new Date().toISOString() };
          await context.saveCheckpoint({ ...checkpoint });
        } else {
          context.report({ phase: 'Connecting to Tenable', percentage: 2, currentOperation: `Following scan ${scanId} run ${checkpoint.scan_uuid} launched by an earlier attempt` });
        }
        for (;;) {
          const status = await client.scanStatus(scanId);
          if (SUCCESS.has(status)) break;
          if (ENDED.has(status)) throw new Error(`scan ${scanId} ended "${status}" on Tenable`);
          context.report({ phase: 'Fetching Scan Results', percentage: STATUS_PERCENT[status] ?? 25, currentOperation: `Scan ${scanId} is ${status} on Tenable` });
          await sleepUnlessInterrupted(deps.scanPollMs, context.signal);
        }
        context.report({ phase: 'Fetching Scan Results', percentage: 50, currentOperation: `Scan ${scanId} completed; syncing its findings` });
        const summary = await runVulnerabilitySync(deps, context, client, { full: context.payload.full }, 50);
        return { scan_id: scanId, scan_uuid: checkpoint.scan_uuid, scan_status: 'completed', sync: summarize(summary) };
      } catch (error) {
        const reason: unknown = context.signal.reason;
        if (context.signal.aborted && reason instanceof JobInterruption && reason.kind === 'cancel' && checkpoint) {
          await client.stopScan(scanId).then(
            () => context.report({ currentOperation: `Stop requested for scan ${scanId} on Tenable` }),
            (stopError: unknown) => {
              // 409: the scan was not running any more (already ended or not yet started).
              if (!(stopError instanceof TenableApiError && stopError.status === 409)) context.report({ error: `could not stop scan ${scanId} on Tenable: ${(stopError as Error).message}` });
            },
          );
        }
        throw error;
      }
    },
  };
}

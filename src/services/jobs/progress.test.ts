import { describe, expect, it } from 'vitest';
import type { JobProgressUpdate } from '../../shared/job-progress.ts';
import { fitPayload } from './channel.ts';
import { JobProgress, type ProgressLogEntry, type ProgressSnapshot } from './progress.ts';

function harness() {
  let now = 1_000_000;
  const published: JobProgressUpdate[] = [];
  const written: ProgressSnapshot[] = [];
  const logged: { phase: string; message: string; level: string }[] = [];
  const progress = new JobProgress(7, 'tenable_vulnerability_sync', {
    publish: (u) => published.push(u),
    write: async (s) => {
      written.push(s);
    },
    log: async (e) => {
      logged.push(e);
    },
    queueSize: () => 3,
    now: () => now,
  }, 500);
  return { progress, published, written, logged, advance: (ms: number) => (now += ms) };
}

describe('job progress', () => {
  it('publishes and writes at most every interval, but at once on a phase change or an error', async () => {
    const h = harness();
    h.progress.report({ phase: 'Processing Vulnerabilities', vulnerabilitiesProcessed: 0, vulnerabilitiesTotal: 1000 });
    for (let i = 1; i <= 10; i++) {
      h.advance(100);
      h.progress.report({ vulnerabilitiesProcessed: i * 50 });
    }
    await h.progress.settled();
    // 1 for the phase change, then one per 500 ms of the 1000 ms that passed.
    expect(h.published).toHaveLength(3);
    expect(h.written).toHaveLength(3);
    h.progress.report({ error: 'HTTP 503, retried' });
    h.progress.report({ phase: 'Finalizing' });
    await h.progress.settled();
    expect(h.published).toHaveLength(5);
    expect(h.logged.map((l) => `${l.level}:${l.phase}`)).toEqual(['info:Processing Vulnerabilities', 'warn:Processing Vulnerabilities', 'info:Finalizing']);
    const last = h.published.at(-1)!;
    expect(last).toMatchObject({ job_id: 7, phase: 'Finalizing', vulnerabilities_processed: 500, error_summary: { error_count: 1, recent_errors: ['HTTP 503, retried'] } });
    expect(last.performance_metrics).toMatchObject({ vulnerabilities_per_second: 500, database_queue_size: 3 });
    // 500 left at 500/s.
    expect(last.eta_seconds).toBe(1);
  });

  it('ends completed at 100 %, closing after the pending log lines, and publishes only a job still held', async () => {
    const h = harness();
    h.progress.report({ phase: 'Finalizing', percentage: 90 });
    const closings: { line: ProgressLogEntry; loggedBefore: number }[] = [];
    const ended = await h.progress.finish('completed', 'Completed', 'info', async (line) => {
      closings.push({ line, loggedBefore: h.logged.length });
      return 'row';
    });
    expect(ended).toBe('row');
    expect(closings).toEqual([{ line: { phase: 'Completed', percentage: 100, message: 'Completed', level: 'info' }, loggedBefore: 1 }]);
    // The closing line goes with the status, not through the log sink.
    expect(h.logged.map((l) => l.phase)).toEqual(['Finalizing']);
    expect(h.published.at(-1)).toMatchObject({ status: 'completed', phase: 'Completed', progress_percentage: 100 });

    const lost = harness();
    lost.progress.report({ phase: 'Finalizing', percentage: 90 });
    const publishedBefore = lost.published.length;
    expect(await lost.progress.finish('failed', 'Failed after 3 attempt(s): boom', 'error', async () => undefined)).toBeUndefined();
    expect(lost.published).toHaveLength(publishedBefore);
  });
});

describe('NOTIFY payloads', () => {
  it('stay under 8000 bytes however long the errors are', () => {
    const update = harness().progress.update('running');
    const huge: JobProgressUpdate = { ...update, current_operation: 'x'.repeat(20_000), error_summary: { error_count: 5, recent_errors: Array.from({ length: 5 }, () => 'e'.repeat(5000)) } };
    const text = fitPayload({ k: 'p', u: huge });
    expect(Buffer.byteLength(text)).toBeLessThan(8000);
    const parsed = JSON.parse(text) as { u: JobProgressUpdate };
    expect(parsed.u.job_id).toBe(7);
    expect(parsed.u.error_summary?.error_count).toBe(5);
    const small = fitPayload({ k: 'p', u: update });
    expect(JSON.parse(small)).toEqual({ k: 'p', u: update });
  });
});

/**
 * Job notifications: when a job ends in a status its settings name, a JSON POST to its webhook
 * (timeout, one retry) and an email when SMTP is configured. Failures are logged, never thrown:
 * a notification must not change a job's outcome. The SMTP URL (with its password) is never logged.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import type { JobRow } from '../../db/schema.ts';
import type { Logger } from '../../logging/logger.ts';

export const NotificationSettings = z.object({
  webhook_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  email: z.email().optional(),
  on: z.array(z.enum(['completed', 'failed', 'cancelled'])).min(1).default(['completed', 'failed']),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export interface NotifierOptions {
  /** A nodemailer transport; built from smtpUrl when absent. */
  transport?: Transporter;
  smtpUrl?: string | undefined;
  smtpFrom?: string | undefined;
  webhookTimeoutMs?: number;
  webhookRetryDelayMs?: number;
}

export interface JobOutcome {
  event: 'job.completed' | 'job.failed' | 'job.cancelled';
  job: {
    id: number;
    job_type: string;
    status: string;
    error: string | null;
    result: unknown;
    attempts: number;
    created_by: string;
    started_at: string | null;
    finished_at: string | null;
  };
}

export class JobNotifier {
  private readonly transport: Transporter | undefined;
  private readonly from: string;

  constructor(
    private readonly logger: Logger,
    private readonly options: NotifierOptions = {},
  ) {
    this.transport = options.transport ?? (options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined);
    this.from = options.smtpFrom ?? 'HexTrackr <hextrackr@localhost>';
  }

  /** Sends what the job's settings ask for; resolves when done (never rejects). */
  async notify(job: JobRow): Promise<void> {
    if (!job.notification) return;
    const parsed = NotificationSettings.safeParse(JSON.parse(job.notification));
    if (!parsed.success) return;
    const settings = parsed.data;
    const status = job.status;
    if (status !== 'completed' && status !== 'failed' && status !== 'cancelled') return;
    if (!settings.on.includes(status)) return;
    const outcome: JobOutcome = {
      event: `job.${status}`,
      job: {
        id: job.id,
        job_type: job.job_type,
        status,
        error: job.error,
        result: job.result ? (JSON.parse(job.result) as unknown) : null,
        attempts: job.attempts,
        created_by: job.created_by,
        started_at: job.started_at,
        finished_at: job.finished_at,
      },
    };
    await Promise.all([
      settings.webhook_url ? this.postWebhook(settings.webhook_url, outcome) : undefined,
      settings.email ? this.sendEmail(settings.email, outcome) : undefined,
    ]);
  }

  private async postWebhook(url: string, outcome: JobOutcome): Promise<void> {
    const timeoutMs = this.options.webhookTimeoutMs ?? 10_000;
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'HexTrackr-Jobs/1' },
          body: JSON.stringify(outcome),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt === 2) {
          this.logger.warn('jobs', 'job webhook failed', { jobId: outcome.job.id, host: safeHost(url), error: message });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.webhookRetryDelayMs ?? 1000));
      }
    }
  }

  private async sendEmail(to: string, outcome: JobOutcome): Promise<void> {
    if (!this.transport) {
      this.logger.warn('jobs', 'job email skipped: HEXTRACKR_SMTP_URL is not set', { jobId: outcome.job.id });
      return;
    }
    const { job } = outcome;
    try {
      await this.transport.sendMail({
        from: this.from,
        to,
        subject: `HexTrackr job ${job.id} (${job.job_type}) ${job.status}`,
        text: [
          `Job ${job.id} (${job.job_type}) ${job.status} at ${job.finished_at ?? 'an unknown time'} after ${job.attempts} attempt(s).`,
          job.error ? `Error: ${job.error}` : '',
          job.result ? `Result: ${JSON.stringify(job.result, null, 2)}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
      });
    } catch (error) {
      this.logger.warn('jobs', 'job email failed', { jobId: job.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

/** Dashboard: totals per scan date (summary, trends) and current-state figures (spec summary, top lists, SLA). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { SEVERITY_NAMES } from '../../shared/severity.ts';
import { ErrorSchema } from '../schemas/findings.schemas.ts';
import { HostSummarySchema } from './assets.routes.ts';

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const TrendsQuery = z
  .object({ from: Day.optional().describe('first scan date, inclusive'), to: Day.optional().describe('last scan date, inclusive') })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] });
const TopQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
const SlaQuery = z.object({ today: Day.optional().describe('the day overdue is judged against (default: today, UTC)') });

const Figure = z.object({ count: z.number(), vpr: z.number() });
const DayTotalsSchema = z.object({
  scanDate: z.string(),
  total: Figure,
  bySeverity: z.object(Object.fromEntries(SEVERITY_NAMES.map((n) => [n, Figure])) as Record<(typeof SEVERITY_NAMES)[number], typeof Figure>),
  newCount: z.number(),
  resolvedCount: z.number(),
  reopenedCount: z.number(),
});
const SlaFigure = z.object({
  open: z.number().int(),
  overdue: z.number().int(),
  within_sla: z.number().int(),
  no_due_date: z.number().int(),
  compliance_percent: z.number().nullable(),
});

export async function dashboardRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['dashboard'];

  app.get(
    '/api/dashboard/trends',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Daily totals per scan date: counts and VPR per severity, new / resolved / reopened',
        querystring: TrendsQuery,
        response: { 200: z.object({ items: z.array(DayTotalsSchema) }), 400: ErrorSchema },
      },
    },
    async (request) => ({ items: await hex.dashboard.trends(request.query) }),
  );

  app.get(
    '/api/dashboard/summary',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "Latest scan date's totals per severity (count + VPR), the previous date's, and the change",
        response: { 200: z.object({ latest: DayTotalsSchema.nullable(), previous: DayTotalsSchema.nullable(), change: z.object({ total: Figure, bySeverity: DayTotalsSchema.shape.bySeverity }).nullable() }) },
      },
    },
    async () => hex.dashboard.summary(),
  );

  app.get(
    '/api/dashboard/vulnerability-summary',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "The spec's vulnerability_dashboard_summary over current findings: per severity, per status, correlation, latest scan",
        response: {
          200: z.object({
            total_vulnerabilities: z.number().int(),
            critical_count: z.number().int(),
            high_count: z.number().int(),
            medium_count: z.number().int(),
            low_count: z.number().int(),
            info_count: z.number().int(),
            new_count: z.number().int(),
            assigned_count: z.number().int(),
            in_progress_count: z.number().int(),
            remediated_count: z.number().int(),
            false_positive_count: z.number().int(),
            accepted_risk_count: z.number().int(),
            retest_requested_count: z.number().int(),
            avg_correlation_confidence: z.number().nullable(),
            manual_review_count: z.number().int(),
            most_recent_scan: z.string().nullable(),
          }),
        },
      },
    },
    async () => hex.dashboard.vulnerabilitySummary(),
  );

  app.get(
    '/api/dashboard/top-hosts',
    {
      config: { access: 'viewer' },
      schema: { tags, summary: 'Hosts with the most risk among open findings', querystring: TopQuery, response: { 200: z.object({ items: z.array(HostSummarySchema) }), 400: ErrorSchema } },
    },
    async (request) => ({ items: await hex.dashboard.topHosts(request.query.limit) }),
  );

  app.get(
    '/api/dashboard/top-cves',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'CVEs with the most open findings',
        querystring: TopQuery,
        response: {
          200: z.object({ items: z.array(z.object({ cve: z.string(), findings: z.number().int(), hosts: z.number().int(), max_severity: z.enum(SEVERITY_NAMES), max_vpr: z.number().nullable() })) }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => ({ items: await hex.dashboard.topCves(request.query.limit) }),
  );

  app.get(
    '/api/dashboard/top-plugins',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Plugins with the most open findings',
        querystring: TopQuery,
        response: {
          200: z.object({
            items: z.array(z.object({ plugin_id: z.string(), plugin_name: z.string(), plugin_family: z.string().nullable(), findings: z.number().int(), hosts: z.number().int(), max_severity: z.enum(SEVERITY_NAMES) })),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => ({ items: await hex.dashboard.topPlugins(request.query.limit) }),
  );

  app.get(
    '/api/dashboard/sla',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'SLA compliance: open findings overdue and within SLA per severity (by due date)',
        querystring: SlaQuery,
        response: { 200: z.object({ today: z.string(), bySeverity: z.array(SlaFigure.extend({ severity: z.enum(SEVERITY_NAMES) })), total: SlaFigure }), 400: ErrorSchema },
      },
    },
    async (request) => hex.dashboard.sla(request.query.today),
  );
}

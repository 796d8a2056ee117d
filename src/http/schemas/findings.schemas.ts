/** Query and response schemas of the findings API (they validate requests and document /api/openapi.json). */
import { z } from 'zod';
import { FINDING_SORT_KEYS, LIFECYCLES, WORKFLOW_STATUSES, type FindingFilter, type WorkflowStatus } from '../../domain/finding-query.ts';
import { parseSeverity } from '../../domain/severity.ts';
import { SEVERITY_NAMES, type SeverityLevel } from '../../shared/severity.ts';

export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');

/** A parameter given repeated (`a=1&a=2`), as a comma list (`a=1,2`), or both. */
export function listParam<T extends z.ZodType<unknown, string>>(item: T, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    )
    .pipe(z.array(item))
    .optional()
    .describe(description);
}

const SeverityValue = z.string().transform((text, ctx): SeverityLevel => {
  const level = /^(critical|high|medium|low|info|[0-4])$/i.test(text) ? parseSeverity(text) : undefined;
  if (level === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a severity: use critical, high, medium, low, info or 0-4` });
    return z.NEVER;
  }
  return level;
});

const squash = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');
const StatusValue = z.string().transform((text, ctx): WorkflowStatus => {
  const status = WORKFLOW_STATUSES.find((s) => squash(s) === squash(text));
  if (!status) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a status: use one of ${WORKFLOW_STATUSES.join(', ')}` });
    return z.NEVER;
  }
  return status;
});

const Flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The filters shared by the list and the export (the spec's VulnerabilitySearchQuery, plus aliases it names). */
export const FindingFilterQuery = z.object({
  asset: z.string().min(1).optional().describe('asset id, host name (FQDN, short name or IP) or Tenable asset UUID'),
  asset_uuid: z.string().min(1).optional().describe('alias of asset (the spec\'s name)'),
  plugin: z.string().min(1).optional().describe('plugin id'),
  plugin_id: z.string().min(1).optional().describe('alias of plugin'),
  severity: listParam(SeverityValue, `severity names (${SEVERITY_NAMES.join(', ').toLowerCase()}) or 0-4; repeat or comma-separate`),
  status: listParam(StatusValue, `workflow statuses (${WORKFLOW_STATUSES.join(', ')}); repeat or comma-separate`),
  assignee: z.string().min(1).optional().describe('assigned_to, exact'),
  assigned_to: z.string().min(1).optional().describe('alias of assignee'),
  cve: z.string().min(1).optional().describe('CVE id, exact'),
  cve_id: z.string().min(1).optional().describe('alias of cve'),
  first_seen_after: Day.optional().describe('first seen on or after this day'),
  last_seen_before: Day.optional().describe('last seen on or before this day'),
  correlation_confidence_min: z.coerce.number().int().min(0).max(100).optional(),
  manual_review_required: Flag.optional(),
  overdue: Flag.optional().describe('due date before today, still active, and not Remediated / False Positive / Accepted Risk'),
  lifecycle: z.enum(LIFECYCLES).default('active').describe('active (default), resolved, or all'),
  q: z.string().trim().max(200).optional().describe('free text: host name prefix, CVE prefix, or plugin name substring'),
});

export type FindingFilterInput = z.output<typeof FindingFilterQuery>;

export function toFindingFilter(query: FindingFilterInput, today: string): FindingFilter {
  return {
    lifecycle: query.lifecycle,
    asset: query.asset ?? query.asset_uuid,
    plugin: query.plugin ?? query.plugin_id,
    severity: query.severity,
    status: query.status,
    assignee: query.assignee ?? query.assigned_to,
    cve: query.cve ?? query.cve_id,
    firstSeenAfter: query.first_seen_after,
    lastSeenBefore: query.last_seen_before,
    correlationConfidenceMin: query.correlation_confidence_min,
    manualReviewRequired: query.manual_review_required,
    overdue: query.overdue,
    q: query.q === '' ? undefined : query.q,
    today,
  };
}

export const FindingListQuery = FindingFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0).describe('for shallow paging; use cursor for deep paging'),
  cursor: z.string().min(1).optional().describe('next_cursor of the previous page (same filters and sort)'),
  sort_by: z.enum(FINDING_SORT_KEYS).default('severity'),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
});

export const ExportQuery = FindingFilterQuery.extend({
  format: z.enum(['csv', 'json']).default('csv'),
});

export const IdParams = z.object({ id: z.coerce.number().int().min(1) });

export const FindingItemSchema = z.object({
  id: z.number().int(),
  asset_id: z.number().int().nullable(),
  hostname: z.string().nullable(),
  host_key: z.string(),
  ip_address: z.string().nullable(),
  plugin_id: z.string(),
  plugin_name: z.string(),
  plugin_family: z.string().nullable(),
  cve: z.string().nullable(),
  severity: z.number().int().min(0).max(4),
  severity_name: z.enum(SEVERITY_NAMES),
  vpr_score: z.number().nullable(),
  cvss_base_score: z.number().nullable(),
  cvss3_base_score: z.number().nullable(),
  ports: z.string().nullable(),
  scanner_state: z.string().nullable(),
  first_seen: z.string(),
  last_seen: z.string().nullable(),
  lifecycle: z.string(),
  resolved_on: z.string().nullable(),
  reopened_count: z.number().int(),
  status: z.string(),
  assigned_to: z.string().nullable(),
  assigned_team: z.string().nullable(),
  priority: z.string(),
  due_date: z.string().nullable(),
  remediation_date: z.string().nullable(),
  false_positive_reason: z.string().nullable(),
  accepted_risk_reason: z.string().nullable(),
  accepted_risk_expires: z.string().nullable(),
  business_justification: z.string().nullable(),
  remediation_notes: z.string(),
  custom_tags: z.array(z.string()),
  sla_breach_date: z.string().nullable(),
  last_modified_by: z.string().nullable(),
  last_modified_at: z.string().nullable(),
  correlation_method: z.string().nullable(),
  correlation_confidence: z.number(),
  manual_review_required: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const FindingPageSchema = z.object({
  items: z.array(FindingItemSchema),
  total: z.number().int(),
  next_cursor: z.string().nullable(),
});

/** Loose: the workflow side adds `history` to the detail. */
/** An asset as the API shows it (services/findings-query.service.ts AssetView). */
export const AssetViewSchema = z.object({
  id: z.number().int(),
  tenable_uuid: z.string().nullable(),
  hostname: z.string().nullable(),
  host_key: z.string(),
  fqdn: z.string().nullable(),
  netbios_name: z.string().nullable(),
  ip_addresses: z.array(z.string()),
  mac_addresses: z.array(z.string()),
  operating_system: z.string().nullable(),
  system_type: z.string().nullable(),
  agent_installed: z.boolean(),
  tags: z.array(z.unknown()),
  asset_criticality: z.string().nullable(),
  correlation_method: z.string().nullable(),
  correlation_confidence: z.number(),
  first_seen: z.string(),
  last_seen: z.string(),
});

export const FindingDetailSchema = FindingItemSchema.extend({
  plugin: z
    .object({
      plugin_id: z.string(),
      plugin_name: z.string(),
      plugin_family: z.string().nullable(),
      synopsis: z.string().nullable(),
      description: z.string().nullable(),
      solution: z.string().nullable(),
      see_also: z.array(z.string()),
      cvss_base_score: z.number().nullable(),
      cvss3_base_score: z.number().nullable(),
      vpr_score: z.number().nullable(),
      exploit_available: z.boolean(),
      exploit_ease: z.string().nullable(),
      risk_factor: z.string().nullable(),
      patch_publication_date: z.string().nullable(),
      vulnerability_publication_date: z.string().nullable(),
      plugin_modification_date: z.string().nullable(),
    })
    .nullable(),
  cves: z.array(z.object({ cve_id: z.string(), correlation_confidence: z.number(), correlation_source: z.string() })),
  output: z.string().nullable(),
  asset: AssetViewSchema.nullable(),
  snapshots: z.array(
    z.object({ scan_date: z.string(), severity: z.number().int(), severity_name: z.enum(SEVERITY_NAMES), vpr_score: z.number().nullable(), import_id: z.number().int() }),
  ),
  history: z.array(
    z.object({
      id: z.number().int(),
      changed_at: z.string(),
      changed_by: z.string(),
      source: z.enum(['user', 'import', 'sync', 'system']),
      field: z.string(),
      old_value: z.string().nullable(),
      new_value: z.string().nullable(),
    }),
  ),
  history_total: z.number().int(),
}).loose();

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

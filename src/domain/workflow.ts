/**
 * Split ownership: the scanner owns what it measures (severity, scores, CVEs, state, dates
 * seen, output, ...), users own the workflow (status, assignment, priority, dates, reasons,
 * notes, tags). This module validates a user's patch and works out, for one finding, what
 * it changes — with the rules a security team expects:
 *
 * - False Positive and Accepted Risk need a reason; an acceptance may expire (a future date)
 *   and then returns to the open status it came from (kept in status_before_acceptance).
 * - Remediated without a date is remediated today; assigning someone to a New finding
 *   makes it Assigned unless the patch gives a status.
 * - A due date set by a user wins over the SLA policy; clearing it returns to the policy.
 */
import { z } from 'zod';
import type { SeverityLevel } from '../shared/severity.ts';
import { OPEN_STATUSES, PRIORITIES, type Priority, type SlaPolicy, WORKFLOW_STATUSES, type WorkflowStatus } from '../shared/workflow.ts';
import { DomainError } from './errors.ts';
import { breachDateOf, policyDueDates } from './workflow-sla.ts';

/** Fields the scanner owns: written only by imports and syncs. */
export const SCANNER_OWNED_FIELDS: readonly string[] = [
  'unique_key', 'asset_id', 'asset_uuid', 'tenable_uuid', 'host_key', 'hostname', 'ip_address', 'fqdn', 'netbios_name',
  'operating_system', 'plugin_id', 'plugin_name', 'plugin_family', 'cve', 'cves', 'cve_ids', 'severity', 'vpr_score',
  'cvss_base_score', 'cvss3_base_score', 'cvss_temporal_score', 'ports', 'port', 'protocol', 'service', 'scanner_state',
  'state', 'output', 'output_hash', 'first_seen', 'last_seen', 'last_import_id', 'lifecycle', 'resolved_on',
  'reopened_count', 'solution', 'synopsis', 'description', 'see_also', 'exploit_available', 'exploitability_ease',
  'correlation_method', 'correlation_confidence', 'manual_review_required', 'correlation_notes',
];

/** Fields HexTrackr derives itself: never set directly. */
export const SYSTEM_MANAGED_FIELDS: readonly string[] = [
  'id', 'sla_breach_date', 'due_date_source', 'status_before_acceptance', 'last_modified_by', 'last_modified_at', 'created_at', 'updated_at',
];

/** User-owned fields, in the order history lists them. */
export const USER_OWNED_FIELDS = [
  'status', 'assigned_to', 'assigned_team', 'priority', 'due_date', 'remediation_date', 'false_positive_reason',
  'accepted_risk_reason', 'accepted_risk_expires', 'business_justification', 'remediation_notes', 'custom_tags',
] as const;
export type UserOwnedField = (typeof USER_OWNED_FIELDS)[number];

/** Not a field: the optimistic-concurrency token a client may send with a single update. */
const CONCURRENCY_TOKEN = 'expected_updated_at';

const MAX_TAGS = 50;

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date')
  .refine((value) => new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value, 'is not a calendar date');

/** Free text: trimmed, and an empty string means "none". */
const Text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((value) => (value.trim() === '' ? null : value.trim()))
    .nullable();

/** The body of a workflow update (user-owned fields only); every field is optional. */
export const WorkflowPatchSchema = z.strictObject({
  status: z.enum(WORKFLOW_STATUSES).optional(),
  assigned_to: Text(200).optional(),
  assigned_team: Text(100).optional(),
  priority: z.enum(PRIORITIES).optional(),
  due_date: Day.nullable().optional(),
  remediation_date: Day.nullable().optional(),
  false_positive_reason: Text(1000).optional(),
  accepted_risk_reason: Text(1000).optional(),
  accepted_risk_expires: Day.nullable().optional(),
  business_justification: Text(2000).optional(),
  remediation_notes: z.string().max(5000, 'must be at most 5000 characters').optional(),
  custom_tags: z
    .array(z.string().trim().min(1, 'a tag cannot be empty').max(100, 'a tag is at most 100 characters'))
    .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
    .optional(),
});
export type WorkflowPatch = z.output<typeof WorkflowPatchSchema>;

export interface FieldIssue {
  field: string;
  message: string;
}

function invalid(message: string, issues: FieldIssue[]): DomainError {
  return new DomainError('validation_error', message, { fields: issues.map((i) => i.field), issues });
}

/**
 * Checks a patch as a client sent it: refuses scanner-owned, system-managed and unknown
 * fields by name, then validates the values. Returns the patch and the concurrency token.
 */
export function parseWorkflowPatch(input: unknown): { patch: WorkflowPatch; expectedUpdatedAt: string | undefined } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid('the update must be a JSON object of workflow fields', [{ field: '(body)', message: 'must be an object' }]);
  }
  const body = { ...(input as Record<string, unknown>) };
  const token = body[CONCURRENCY_TOKEN];
  delete body[CONCURRENCY_TOKEN];
  if (token !== undefined && typeof token !== 'string') {
    throw invalid(`${CONCURRENCY_TOKEN} must be the finding's updated_at as returned`, [{ field: CONCURRENCY_TOKEN, message: 'must be a string' }]);
  }

  const refused: FieldIssue[] = [];
  for (const key of Object.keys(body)) {
    if (SCANNER_OWNED_FIELDS.includes(key)) refused.push({ field: key, message: 'owned by the scanner: only imports and syncs change it' });
    else if (SYSTEM_MANAGED_FIELDS.includes(key)) refused.push({ field: key, message: 'managed by HexTrackr: it cannot be set' });
    else if (!(USER_OWNED_FIELDS as readonly string[]).includes(key)) refused.push({ field: key, message: 'unknown field' });
  }
  if (refused.length > 0) {
    const scanner = refused.filter((r) => SCANNER_OWNED_FIELDS.includes(r.field)).map((r) => r.field);
    const others = refused.filter((r) => !SCANNER_OWNED_FIELDS.includes(r.field)).map((r) => r.field);
    const parts = [
      ...(scanner.length ? [`scanner-owned field(s) cannot be changed: ${scanner.join(', ')}`] : []),
      ...(others.length ? [`not a workflow field: ${others.join(', ')} (allowed: ${USER_OWNED_FIELDS.join(', ')})`] : []),
    ];
    throw invalid(parts.join('; '), refused);
  }

  const parsed = WorkflowPatchSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
    throw invalid(`the update is not valid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, issues);
  }
  const patch = parsed.data;
  if (Object.keys(patch).length === 0) {
    throw invalid(`the update names no field; give at least one of: ${USER_OWNED_FIELDS.join(', ')}`, [{ field: '(body)', message: 'no field' }]);
  }
  return { patch, expectedUpdatedAt: token };
}

/** The user-owned state of one finding, plus the columns HexTrackr derives from it. */
export interface WorkflowState {
  status: WorkflowStatus;
  assigned_to: string | null;
  assigned_team: string | null;
  priority: Priority;
  due_date: string | null;
  remediation_date: string | null;
  false_positive_reason: string | null;
  accepted_risk_reason: string | null;
  accepted_risk_expires: string | null;
  business_justification: string | null;
  remediation_notes: string;
  custom_tags: string[];
  sla_breach_date: string | null;
  due_date_source: 'sla' | 'user' | null;
  status_before_acceptance: WorkflowStatus | null;
}

/** What the scanner says about the finding that the rules need. */
export interface FindingFacts {
  severity: SeverityLevel;
  first_seen: string;
}

export interface FieldChange {
  field: UserOwnedField;
  old_value: string | null;
  new_value: string | null;
}

export interface WorkflowPlan {
  /** The state after the update. */
  next: WorkflowState;
  /** Columns whose value changes (user-owned and derived). */
  columns: Partial<WorkflowState>;
  /** One entry per user-owned field that changes, for the history. */
  changes: FieldChange[];
}

/** A field's value as history stores it: text, tags as a JSON array. */
export function historyValue(field: keyof WorkflowState, state: WorkflowState): string | null {
  const value = state[field];
  if (value === null) return null;
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

function isOpen(status: WorkflowStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)];
}

/**
 * Applies a (parsed) patch to one finding's workflow state. Throws a validation error naming
 * the field when a rule refuses it; returns the next state and what changed otherwise.
 */
export function planWorkflowUpdate(
  current: WorkflowState,
  facts: FindingFacts,
  patch: WorkflowPatch,
  context: { today: string; policy: SlaPolicy },
): WorkflowPlan {
  const next: WorkflowState = { ...current };
  for (const field of USER_OWNED_FIELDS) {
    const value = patch[field];
    if (value === undefined) continue;
    if (field === 'custom_tags') next.custom_tags = uniqueTags(value as string[]);
    else (next as unknown as Record<string, unknown>)[field] = value;
  }

  if (patch.status === undefined && patch.assigned_to && current.status === 'New') next.status = 'Assigned';
  const entering = next.status !== current.status;
  const issues: FieldIssue[] = [];

  if (next.status === 'False Positive') {
    if (entering && !patch.false_positive_reason) {
      issues.push({ field: 'false_positive_reason', message: 'is required to mark a finding False Positive' });
    } else if (!next.false_positive_reason) {
      issues.push({ field: 'false_positive_reason', message: 'cannot be empty while the finding is a False Positive' });
    }
  }
  if (next.status === 'Accepted Risk') {
    if (entering && !patch.accepted_risk_reason) {
      issues.push({ field: 'accepted_risk_reason', message: 'is required to accept a risk' });
    } else if (!next.accepted_risk_reason) {
      issues.push({ field: 'accepted_risk_reason', message: 'cannot be empty while the risk is accepted' });
    }
    if (entering) next.status_before_acceptance = isOpen(current.status) ? current.status : null;
  } else if (current.status === 'Accepted Risk') {
    // The acceptance ends: its expiry and the status to return to no longer apply.
    if (patch.accepted_risk_expires) issues.push({ field: 'accepted_risk_expires', message: 'applies only to an Accepted Risk finding' });
    next.accepted_risk_expires = null;
    next.status_before_acceptance = null;
  } else if (patch.accepted_risk_expires) {
    issues.push({ field: 'accepted_risk_expires', message: 'applies only to an Accepted Risk finding' });
  }
  if (next.status === 'Accepted Risk' && patch.accepted_risk_expires && patch.accepted_risk_expires !== current.accepted_risk_expires) {
    if (patch.accepted_risk_expires <= context.today) {
      issues.push({ field: 'accepted_risk_expires', message: `must be in the future (after ${context.today})` });
    }
  }

  if (next.status === 'Remediated' && entering && patch.remediation_date === undefined) next.remediation_date = context.today;
  if (patch.remediation_date && patch.remediation_date > context.today) {
    issues.push({ field: 'remediation_date', message: `cannot be in the future (after ${context.today})` });
  }

  if (patch.due_date !== undefined) {
    if (patch.due_date === null) {
      const policy = policyDueDates(context.policy, facts.severity, facts.first_seen);
      next.due_date = policy.due_date;
      next.sla_breach_date = policy.sla_breach_date;
      next.due_date_source = 'sla';
    } else {
      next.due_date_source = 'user';
      next.sla_breach_date = breachDateOf(patch.due_date);
    }
  }

  if (issues.length > 0) {
    throw invalid(issues.map((i) => `${i.field} ${i.message}`).join('; '), issues);
  }

  const columns: Partial<WorkflowState> = {};
  for (const key of Object.keys(next) as (keyof WorkflowState)[]) {
    if (historyValue(key, next) !== historyValue(key, current)) (columns as Record<string, unknown>)[key] = next[key];
  }
  const changes: FieldChange[] = [];
  for (const field of USER_OWNED_FIELDS) {
    const oldValue = historyValue(field, current);
    const newValue = historyValue(field, next);
    if (oldValue !== newValue) changes.push({ field, old_value: oldValue, new_value: newValue });
  }
  return { next, columns, changes };
}

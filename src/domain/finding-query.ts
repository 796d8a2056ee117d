/**
 * The findings search (the spec's VulnerabilitySearchQuery), as the services and repositories
 * see it once the transport has validated it: filters, a whitelisted sort, and a page given by
 * offset or by an opaque keyset cursor.
 */
import type { SeverityLevel } from '../shared/severity.ts';
import { WORKFLOW_STATUSES, type WorkflowStatus } from '../shared/workflow.ts';
import { DomainError } from './errors.ts';

export { WORKFLOW_STATUSES, type WorkflowStatus };

/** Statuses that end the analyst's work on a finding: such findings are never overdue. */
export const CLOSED_STATUSES: readonly WorkflowStatus[] = ['Remediated', 'False Positive', 'Accepted Risk'];

export const FINDING_SORT_KEYS = ['severity', 'vpr_score', 'cvss3_base_score', 'first_seen', 'last_seen', 'hostname', 'plugin_id', 'due_date', 'status', 'id'] as const;
export type FindingSortKey = (typeof FINDING_SORT_KEYS)[number];

/** Sort keys whose values are numbers (the others are text). */
const NUMERIC_SORT_KEYS: ReadonlySet<FindingSortKey> = new Set(['severity', 'vpr_score', 'cvss3_base_score', 'id']);
export type SortOrder = 'asc' | 'desc';

export const ASSET_SORT_KEYS = ['hostname', 'last_seen', 'first_seen', 'id'] as const;
export type AssetSortKey = (typeof ASSET_SORT_KEYS)[number];

/** risk: critical, then high, medium and low counts, then VPR sum, all descending. */
export const HOST_SORT_KEYS = ['risk', 'vpr_sum', 'total', 'hostname'] as const;
export type HostSortKey = (typeof HOST_SORT_KEYS)[number];

export const LIFECYCLES = ['active', 'resolved', 'all'] as const;
export type LifecycleFilter = (typeof LIFECYCLES)[number];

export interface FindingFilter {
  lifecycle: LifecycleFilter;
  /** An asset id, a host name (any form: FQDN, short, IP) or a Tenable asset UUID. */
  asset?: string | undefined;
  plugin?: string | undefined;
  severity?: readonly SeverityLevel[] | undefined;
  status?: readonly WorkflowStatus[] | undefined;
  assignee?: string | undefined;
  cve?: string | undefined;
  /** YYYY-MM-DD, inclusive bounds. */
  firstSeenAfter?: string | undefined;
  lastSeenBefore?: string | undefined;
  correlationConfidenceMin?: number | undefined;
  manualReviewRequired?: boolean | undefined;
  /** Due before `today`, active, and not in a closed status. */
  overdue?: boolean | undefined;
  /** Free text: host name prefix, CVE prefix, or plugin name substring. */
  q?: string | undefined;
  /** YYYY-MM-DD the overdue filter compares with (the service sets it). */
  today: string;
}

export interface FindingSort {
  by: FindingSortKey;
  order: SortOrder;
}

/** Where the previous page ended: the last row's sort value and id. */
export interface FindingCursor {
  by: FindingSortKey;
  order: SortOrder;
  value: string | number;
  id: number;
}

export function encodeCursor(cursor: FindingCursor): string {
  return Buffer.from(JSON.stringify([cursor.by, cursor.order, cursor.value, cursor.id])).toString('base64url');
}

/** Decodes a cursor and checks it belongs to the same sort; a foreign or damaged one is a validation error naming `cursor`. */
export function decodeCursor(text: string, sort: FindingSort): FindingCursor {
  const invalid = (why: string) => new DomainError('validation_error', `cursor is not valid: ${why}`, { field: 'cursor' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor returned by this API');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalid('not a cursor returned by this API');
  const [by, order, value, id] = parsed as unknown[];
  if (by !== sort.by || order !== sort.order) throw invalid(`it was issued for sort_by=${String(by)}&sort_order=${String(order)}; repeat the same sort`);
  const typed = NUMERIC_SORT_KEYS.has(sort.by) ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
  if (!typed || typeof id !== 'number' || !Number.isInteger(id)) throw invalid('not a cursor returned by this API');
  return { by: sort.by, order: sort.order, value: value as string | number, id };
}

/** Days are compared as text; `today` in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

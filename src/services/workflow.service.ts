/**
 * The remediation workflow: user edits of one finding or many (same rules, one transaction,
 * one history row per changed field), workflow history, sync conflicts, the SLA policy and
 * the expiry of accepted risks. Rules live in domain/workflow*.ts; SQL in the repository.
 */
import type { DatabaseHandle } from '../db/database.ts';
import {
  appendHistory,
  countFindingHistory,
  expireAcceptedRisks,
  findConflictForUpdate,
  findingExists,
  findingHistory,
  type FindingWorkflowRow,
  type HistoryEntry,
  listConflicts,
  loadForUpdate,
  markConflictResolved,
  readSetting,
  readSlaPolicy,
  recomputePolicyDueDates,
  SLA_POLICY_KEY,
  slaDaysBySeverity,
  type WorkflowColumns,
  writeSetting,
  writeWorkflowColumns,
} from '../db/repositories/workflow.repository.ts';
import { DatabaseBusyError, withWriteTransaction } from '../db/repositories/write-transaction.ts';
import type { FindingHistoryRow } from '../db/schema.ts';
import { DomainError } from '../domain/errors.ts';
import {
  type FieldChange,
  parseWorkflowPatch,
  planWorkflowUpdate,
  type WorkflowPatch,
  type WorkflowPlan,
  type WorkflowState,
} from '../domain/workflow.ts';
import { parseSlaPolicy } from '../domain/workflow-sla.ts';
import type { SeverityLevel } from '../shared/severity.ts';
import {
  DEFAULT_SLA_POLICY,
  type HistorySource,
  type Priority,
  RESOLUTION_STRATEGIES,
  type ResolutionStrategy,
  type SlaPolicy,
  type WorkflowStatus,
} from '../shared/workflow.ts';

/** At most this many findings per bulk update (one transaction). */
export const MAX_BULK_IDS = 10_000;

/** A finding's workflow fields as the API returns them. */
export interface WorkflowView {
  status: WorkflowStatus;
  assigned_to: string | null;
  assigned_team: string | null;
  priority: Priority;
  due_date: string | null;
  due_date_source: 'sla' | 'user' | null;
  sla_breach_date: string | null;
  remediation_date: string | null;
  false_positive_reason: string | null;
  accepted_risk_reason: string | null;
  accepted_risk_expires: string | null;
  business_justification: string | null;
  remediation_notes: string;
  custom_tags: string[];
  last_modified_by: string | null;
  last_modified_at: string | null;
}

export interface UpdateResult {
  id: number;
  /** Send back as expected_updated_at to refuse an update that would overwrite someone else's. */
  updated_at: string;
  changes: FieldChange[];
  workflow: WorkflowView;
}

export interface BulkUpdateResult {
  /** Findings changed. */
  updated: number;
  /** Findings already in the requested state. */
  unchanged: number;
  /** Findings not changed at all, and why (each finding is updated entirely or not at all). */
  failed: { id: number; code: string; error: string }[];
}

export interface HistoryItem {
  id: number;
  changed_at: string;
  changed_by: string;
  source: HistorySource;
  field: string;
  old_value: string | null;
  new_value: string | null;
}

export interface ConflictItem {
  id: number;
  finding_id: number;
  conflict_type: string;
  sync_action: string;
  resolution_strategy: string;
  import_id: number | null;
  detected_at: string;
  details: Record<string, unknown>;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  resolution_note: string | null;
  finding: { hostname: string | null; host_key: string; plugin_id: string; cve: string | null; severity: number; status: string };
}

export interface SlaPolicyView {
  policy: SlaPolicy;
  /** null while the defaults apply. */
  updated_at: string | null;
  updated_by: string | null;
}

export interface WorkflowServiceOptions {
  /** The clock (tests move it). */
  now?: () => Date;
}

function parseTags(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.map(String) : [];
  } catch {
    return [];
  }
}

function toState(row: FindingWorkflowRow): WorkflowState {
  return {
    status: row.status as WorkflowStatus,
    assigned_to: row.assigned_to,
    assigned_team: row.assigned_team,
    priority: row.priority as Priority,
    due_date: row.due_date,
    remediation_date: row.remediation_date,
    false_positive_reason: row.false_positive_reason,
    accepted_risk_reason: row.accepted_risk_reason,
    accepted_risk_expires: row.accepted_risk_expires,
    business_justification: row.business_justification,
    remediation_notes: row.remediation_notes,
    custom_tags: parseTags(row.custom_tags),
    sla_breach_date: row.sla_breach_date,
    due_date_source: row.due_date_source,
    status_before_acceptance: row.status_before_acceptance as WorkflowStatus | null,
  };
}

function toView(state: WorkflowState, modified: { by: string | null; at: string | null }): WorkflowView {
  return {
    status: state.status,
    assigned_to: state.assigned_to,
    assigned_team: state.assigned_team,
    priority: state.priority,
    due_date: state.due_date,
    due_date_source: state.due_date_source,
    sla_breach_date: state.sla_breach_date,
    remediation_date: state.remediation_date,
    false_positive_reason: state.false_positive_reason,
    accepted_risk_reason: state.accepted_risk_reason,
    accepted_risk_expires: state.accepted_risk_expires,
    business_justification: state.business_justification,
    remediation_notes: state.remediation_notes,
    custom_tags: state.custom_tags,
    last_modified_by: modified.by,
    last_modified_at: modified.at,
  };
}

function toColumns(plan: WorkflowPlan): WorkflowColumns {
  const { custom_tags: tags, ...rest } = plan.columns;
  return { ...rest, ...(tags !== undefined ? { custom_tags: JSON.stringify(tags) } : {}) } as WorkflowColumns;
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toHistoryItem(row: FindingHistoryRow): HistoryItem {
  return {
    id: row.id,
    changed_at: row.changed_at,
    changed_by: row.changed_by,
    source: row.source,
    field: row.field,
    old_value: row.old_value,
    new_value: row.new_value,
  };
}

/**
 * The new updated_at: now, but always later than every previous value, so it serves as a
 * concurrency token even for two updates within the same millisecond.
 */
function nextStamp(now: string, previous: readonly string[]): string {
  let latest = now;
  for (const value of previous) if (value >= latest) latest = new Date(Date.parse(value) + 1).toISOString();
  return latest;
}

function notFound(id: number): DomainError {
  return new DomainError('not_found', `finding ${id} does not exist`, { id });
}

/** Surfaces a lock held too long by an import as a retryable error, not a crash. */
async function retryable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof DatabaseBusyError) throw new DomainError('busy', err.message);
    throw err;
  }
}

export class WorkflowService {
  private readonly now: () => Date;

  constructor(
    private readonly database: DatabaseHandle,
    options: WorkflowServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  private clock(): { now: string; today: string } {
    const now = this.now().toISOString();
    return { now, today: now.slice(0, 10) };
  }

  /**
   * Updates one finding's workflow fields. 400 naming the field for a scanner-owned, unknown
   * or invalid one; 404 for a missing finding; 409 when `expected_updated_at` is given and
   * the finding changed since.
   */
  async update(id: number, input: unknown, actor: string): Promise<UpdateResult> {
    const { patch, expectedUpdatedAt } = parseWorkflowPatch(input);
    const { now, today } = this.clock();
    return retryable(
      withWriteTransaction(this.database, async (trx) => {
        const [row] = await loadForUpdate(trx, this.database.dialect, [id]);
        if (!row) throw notFound(id);
        if (expectedUpdatedAt !== undefined && expectedUpdatedAt !== row.updated_at) {
          throw new DomainError('conflict', `finding ${id} changed since ${expectedUpdatedAt} (now ${row.updated_at}); reload it and try again`, {
            id,
            expected_updated_at: expectedUpdatedAt,
            updated_at: row.updated_at,
          });
        }
        const policy = patch.due_date === null ? await readSlaPolicy(trx) : DEFAULT_SLA_POLICY;
        const plan = planWorkflowUpdate(toState(row), { severity: row.severity as SeverityLevel, first_seen: row.first_seen }, patch, { today, policy });
        if (plan.changes.length === 0 && Object.keys(plan.columns).length === 0) {
          return { id, updated_at: row.updated_at, changes: [], workflow: toView(plan.next, { by: row.last_modified_by, at: row.last_modified_at }) };
        }
        const stamp = nextStamp(now, [row.updated_at]);
        await writeWorkflowColumns(trx, [id], toColumns(plan), { actor, now: stamp });
        await appendHistory(trx, plan.changes.map((c) => ({ finding_id: id, ...c })), { actor, now: stamp, source: 'user' });
        return { id, updated_at: stamp, changes: plan.changes, workflow: toView(plan.next, { by: actor, at: stamp }) };
      }),
    );
  }

  /**
   * The same patch on many findings (up to 10 000) in one transaction, with the same rules as
   * a single update. A patch that is invalid as such fails the whole request; a finding that
   * is missing or refuses the patch is left untouched and listed in `failed`.
   */
  async bulkUpdate(ids: readonly number[], input: unknown, actor: string): Promise<BulkUpdateResult> {
    const unique = [...new Set(ids)];
    if (unique.length === 0 || unique.length > MAX_BULK_IDS) {
      throw new DomainError('validation_error', `ids must list 1 to ${MAX_BULK_IDS} findings (got ${unique.length})`, { fields: ['ids'] });
    }
    const bad = unique.find((id) => !Number.isSafeInteger(id) || id <= 0);
    if (bad !== undefined) throw new DomainError('validation_error', `ids must be positive integers (got ${bad})`, { fields: ['ids'] });
    const { patch } = parseWorkflowPatch(input);
    const { now, today } = this.clock();
    return retryable(
      withWriteTransaction(
        this.database,
        async (trx) => {
          const rows = new Map((await loadForUpdate(trx, this.database.dialect, unique)).map((r) => [r.id, r]));
          const policy = patch.due_date === null ? await readSlaPolicy(trx) : DEFAULT_SLA_POLICY;
          const result: BulkUpdateResult = { updated: 0, unchanged: 0, failed: [] };
          // Findings whose update writes the same values share one UPDATE ... WHERE id IN (...).
          const groups = new Map<string, { columns: WorkflowColumns; ids: number[] }>();
          const history: HistoryEntry[] = [];
          for (const id of unique) {
            const row = rows.get(id);
            if (!row) {
              result.failed.push({ id, code: 'not_found', error: `finding ${id} does not exist` });
              continue;
            }
            const plan = this.planOrFailure(row, patch, { today, policy });
            if (plan instanceof DomainError) {
              result.failed.push({ id, code: plan.code, error: plan.message });
              continue;
            }
            if (plan.changes.length === 0 && Object.keys(plan.columns).length === 0) {
              result.unchanged += 1;
              continue;
            }
            const columns = toColumns(plan);
            const key = JSON.stringify(columns);
            const group = groups.get(key) ?? { columns, ids: [] };
            group.ids.push(id);
            groups.set(key, group);
            for (const change of plan.changes) history.push({ finding_id: id, ...change });
            result.updated += 1;
          }
          const stamp = nextStamp(now, [...rows.values()].map((r) => r.updated_at));
          for (const group of groups.values()) await writeWorkflowColumns(trx, group.ids, group.columns, { actor, now: stamp });
          await appendHistory(trx, history, { actor, now: stamp, source: 'user' });
          return result;
        },
        { serialWithImports: true },
      ),
    );
  }

  private planOrFailure(row: FindingWorkflowRow, patch: WorkflowPatch, context: { today: string; policy: SlaPolicy }): WorkflowPlan | DomainError {
    try {
      return planWorkflowUpdate(toState(row), { severity: row.severity as SeverityLevel, first_seen: row.first_seen }, patch, context);
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  }

  /** A finding's workflow history, oldest first; 404 for a missing finding. */
  async history(findingId: number, page: { limit: number; offset: number }): Promise<{ items: HistoryItem[]; total: number }> {
    const db = this.database.db;
    if (!(await findingExists(db, findingId))) throw notFound(findingId);
    const [rows, total] = await Promise.all([findingHistory(db, findingId, page), countFindingHistory(db, findingId)]);
    return { items: rows.map(toHistoryItem), total };
  }

  async listConflicts(filter: { resolved?: boolean | undefined; findingId?: number | undefined; limit: number; offset: number }): Promise<{ items: ConflictItem[]; total: number }> {
    const { items, total } = await listConflicts(this.database.db, filter);
    return {
      total,
      items: items.map((c) => ({
        id: c.id,
        finding_id: c.finding_id,
        conflict_type: c.conflict_type,
        sync_action: c.sync_action,
        resolution_strategy: c.resolution_strategy,
        import_id: c.import_id,
        detected_at: c.detected_at,
        details: parseDetails(c.details),
        resolved_at: c.resolved_at,
        resolved_by: c.resolved_by,
        resolution: c.resolution,
        resolution_note: c.resolution_note,
        finding: { hostname: c.hostname, host_key: c.host_key, plugin_id: c.plugin_id, cve: c.cve, severity: c.severity, status: c.status },
      })),
    };
  }

  /**
   * Closes a conflict with one of the spec's resolution strategies. 'HexTrackr Wins' puts the
   * analyst's decision back (the finding returns to Remediated with its remediation date,
   * recorded as the caller's change); the others accept the finding as it is.
   */
  async resolveConflict(
    id: number,
    input: { resolution: ResolutionStrategy; note?: string | null | undefined },
    actor: string,
  ): Promise<{ id: number; resolved_at: string; resolved_by: string; resolution: ResolutionStrategy; resolution_note: string | null; changes: FieldChange[] }> {
    if (!RESOLUTION_STRATEGIES.includes(input.resolution)) {
      throw new DomainError('validation_error', `resolution must be one of: ${RESOLUTION_STRATEGIES.join(', ')}`, { fields: ['resolution'] });
    }
    const note = input.note?.trim() ? input.note.trim() : null;
    const { now, today } = this.clock();
    return retryable(
      withWriteTransaction(this.database, async (trx) => {
        const conflict = await findConflictForUpdate(trx, this.database.dialect, id);
        if (!conflict) throw new DomainError('not_found', `conflict ${id} does not exist`, { id });
        if (conflict.resolved_at !== null) {
          throw new DomainError('conflict', `conflict ${id} was already resolved by ${conflict.resolved_by} at ${conflict.resolved_at}`, { id });
        }
        let changes: FieldChange[] = [];
        if (input.resolution === 'HexTrackr Wins' && conflict.conflict_type === 'Remediation Date Conflict') {
          const [row] = await loadForUpdate(trx, this.database.dialect, [conflict.finding_id]);
          if (!row) throw notFound(conflict.finding_id);
          const remediated = parseDetails(conflict.details).remediation_date;
          const patch: WorkflowPatch = {
            status: 'Remediated',
            ...(typeof remediated === 'string' && remediated <= today ? { remediation_date: remediated } : {}),
          };
          const plan = planWorkflowUpdate(toState(row), { severity: row.severity as SeverityLevel, first_seen: row.first_seen }, patch, {
            today,
            policy: DEFAULT_SLA_POLICY,
          });
          if (plan.changes.length > 0) {
            const stamp = nextStamp(now, [row.updated_at]);
            await writeWorkflowColumns(trx, [row.id], toColumns(plan), { actor, now: stamp });
            await appendHistory(trx, plan.changes.map((c) => ({ finding_id: row.id, ...c })), { actor, now: stamp, source: 'user' });
          }
          changes = plan.changes;
        }
        await markConflictResolved(trx, id, { resolution: input.resolution, note, actor, now });
        return { id, resolved_at: now, resolved_by: actor, resolution: input.resolution, resolution_note: note, changes };
      }),
    );
  }

  async slaPolicy(): Promise<SlaPolicyView> {
    const stored = await readSetting(this.database.db, SLA_POLICY_KEY);
    return { policy: await readSlaPolicy(this.database.db), updated_at: stored?.updated_at ?? null, updated_by: stored?.updated_by ?? null };
  }

  /**
   * Replaces the SLA policy and recomputes, set-based, the due dates that came from it
   * (due dates set by users are kept). Returns the policy and how many findings changed.
   */
  async setSlaPolicy(input: unknown, actor: string): Promise<SlaPolicyView & { recomputed: number }> {
    const policy = parseSlaPolicy(input);
    const { now } = this.clock();
    const recomputed = await retryable(
      withWriteTransaction(
        this.database,
        async (trx) => {
          await writeSetting(trx, SLA_POLICY_KEY, policy, { actor, now });
          return recomputePolicyDueDates(trx, this.database.dialect, slaDaysBySeverity(policy));
        },
        { serialWithImports: true },
      ),
    );
    return { policy, updated_at: now, updated_by: actor, recomputed };
  }

  /**
   * Ends every risk acceptance that expired before `today` (default: today, UTC): the finding
   * returns to the open status it had (else New), recorded with source 'system'. Every import
   * does this too; the server also runs it hourly. Returns how many findings changed.
   */
  async expireAcceptedRisks(today?: string): Promise<number> {
    const clock = this.clock();
    return retryable(
      withWriteTransaction(this.database, (trx) => expireAcceptedRisks(trx, today ?? clock.today, clock.now), { serialWithImports: true }),
    );
  }
}

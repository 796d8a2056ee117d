/**
 * Remediation workflow SQL: short write transactions for user edits (primary-key reads and
 * updates only), the append-only history, sync conflicts, the SLA policy setting, and the
 * workflow rules an import applies inside its rollover transaction (set-based, each visiting
 * only the findings in the status it concerns, through the partial indexes of the workflow
 * migration).
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName, Writer } from '../database.ts';
import { storedSlaPolicy } from '../../domain/workflow-sla.ts';
import type { SlaPolicy } from '../../shared/workflow.ts';
import type { DatabaseSchema, FindingHistoryRow, ImportMode, SyncConflictRow } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

/** Everything a workflow update reads about one finding. */
export interface FindingWorkflowRow {
  id: number;
  severity: number;
  first_seen: string;
  updated_at: string;
  status: string;
  assigned_to: string | null;
  assigned_team: string | null;
  priority: string;
  due_date: string | null;
  due_date_source: 'sla' | 'user' | null;
  remediation_date: string | null;
  false_positive_reason: string | null;
  accepted_risk_reason: string | null;
  accepted_risk_expires: string | null;
  business_justification: string | null;
  remediation_notes: string;
  custom_tags: string;
  sla_breach_date: string | null;
  status_before_acceptance: string | null;
  last_modified_by: string | null;
  last_modified_at: string | null;
}

const WORKFLOW_COLUMNS = [
  'id', 'severity', 'first_seen', 'updated_at', 'status', 'assigned_to', 'assigned_team', 'priority', 'due_date',
  'due_date_source', 'remediation_date', 'false_positive_reason', 'accepted_risk_reason', 'accepted_risk_expires',
  'business_justification', 'remediation_notes', 'custom_tags', 'sla_breach_date', 'status_before_acceptance',
  'last_modified_by', 'last_modified_at',
] as const;

/** Columns a workflow update may write (user-owned and derived), as stored. */
export type WorkflowColumns = Partial<
  Pick<
    FindingWorkflowRow,
    | 'status' | 'assigned_to' | 'assigned_team' | 'priority' | 'due_date' | 'due_date_source' | 'remediation_date'
    | 'false_positive_reason' | 'accepted_risk_reason' | 'accepted_risk_expires' | 'business_justification'
    | 'remediation_notes' | 'custom_tags' | 'sla_breach_date' | 'status_before_acceptance'
  >
>;

export interface HistoryEntry {
  finding_id: number;
  field: string;
  old_value: string | null;
  new_value: string | null;
}

export type HistorySource = FindingHistoryRow['source'];

/** Statement parameters stay well under SQLite's and PostgreSQL's limits. */
const ID_CHUNK = 5000;
const HISTORY_CHUNK = 1000;
function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The findings' workflow rows, locked for update on PostgreSQL; missing ids are simply absent. */
export async function loadForUpdate(trx: Db, dialect: DialectName, ids: readonly number[]): Promise<FindingWorkflowRow[]> {
  const rows: FindingWorkflowRow[] = [];
  const sorted = [...ids].sort((a, b) => a - b);
  for (const chunk of chunks(sorted, ID_CHUNK)) {
    let query = trx.selectFrom('findings').select(WORKFLOW_COLUMNS).where('id', 'in', chunk).orderBy('id');
    if (dialect === 'postgres') query = query.forUpdate();
    for (const row of await query.execute()) rows.push({ ...row, id: Number(row.id), severity: Number(row.severity) } as FindingWorkflowRow);
  }
  return rows;
}

/** Writes the same column values to every finding in `ids`, with who and when. */
export async function writeWorkflowColumns(
  trx: Db,
  ids: readonly number[],
  columns: WorkflowColumns,
  meta: { actor: string; now: string },
): Promise<void> {
  for (const chunk of chunks(ids, ID_CHUNK)) {
    await trx
      .updateTable('findings')
      .set({ ...columns, last_modified_by: meta.actor, last_modified_at: meta.now, updated_at: meta.now })
      .where('id', 'in', chunk)
      .execute();
  }
}

export async function appendHistory(
  trx: Db,
  entries: readonly HistoryEntry[],
  meta: { actor: string; now: string; source: HistorySource },
): Promise<void> {
  for (const chunk of chunks(entries, HISTORY_CHUNK)) {
    await trx
      .insertInto('finding_history')
      .values(chunk.map((e) => ({ ...e, changed_at: meta.now, changed_by: meta.actor, source: meta.source })))
      .execute();
  }
}

export async function findingExists(db: Db, id: number): Promise<boolean> {
  return (await db.selectFrom('findings').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** A finding's workflow history, oldest first. The read API's detail endpoint calls this. */
export async function findingHistory(
  db: Db,
  findingId: number,
  page: { limit?: number; offset?: number } = {},
): Promise<FindingHistoryRow[]> {
  let query = db.selectFrom('finding_history').selectAll().where('finding_id', '=', findingId).orderBy('id');
  if (page.limit !== undefined) query = query.limit(page.limit).offset(page.offset ?? 0);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), finding_id: Number(r.finding_id) }));
}

export async function countFindingHistory(db: Db, findingId: number): Promise<number> {
  const row = await db.selectFrom('finding_history').select(sql<number>`count(*)`.as('n')).where('finding_id', '=', findingId).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------
// Settings

export async function readSetting(db: Db, key: string): Promise<{ value: unknown; updated_at: string; updated_by: string } | undefined> {
  const row = await db.selectFrom('settings').selectAll().where('key', '=', key).executeTakeFirst();
  if (!row) return undefined;
  return { value: JSON.parse(row.value) as unknown, updated_at: row.updated_at, updated_by: row.updated_by };
}

export async function writeSetting(trx: Db, key: string, value: unknown, meta: { actor: string; now: string }): Promise<void> {
  const text = JSON.stringify(value);
  await trx
    .insertInto('settings')
    .values({ key, value: text, updated_at: meta.now, updated_by: meta.actor })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: meta.now, updated_by: meta.actor }))
    .execute();
}

export const SLA_POLICY_KEY = 'sla_policy';

/** Days per severity level (0 Info .. 4 Critical); null: no due date. */
export type SlaDaysBySeverity = Record<0 | 1 | 2 | 3 | 4, number | null>;

function plusDays(dialect: DialectName, date: RawBuilder<unknown>, days: number): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`to_char((${date})::date + ${sql.lit(days)}, 'YYYY-MM-DD')`
    : sql<string>`date(${date}, ${sql.lit(`+${days} days`)})`;
}

/** firstSeen + the policy's days for the severity (+ extraDays), or NULL. Literals only: no per-row parameters. */
function policyDateFor(dialect: DialectName, days: SlaDaysBySeverity, extraDays: number, severity: RawBuilder<unknown>, firstSeen: RawBuilder<unknown>): RawBuilder<string | null> {
  const arms = ([4, 3, 2, 1, 0] as const)
    .filter((level) => days[level] !== null)
    .map((level) => sql`WHEN ${sql.lit(level)} THEN ${plusDays(dialect, firstSeen, days[level]! + extraDays)}`);
  if (arms.length === 0) return sql<null>`NULL`;
  return sql<string | null>`CASE ${severity} ${sql.join(arms, sql` `)} ELSE NULL END`;
}

function policyDateSql(dialect: DialectName, days: SlaDaysBySeverity, extraDays: number): RawBuilder<string | null> {
  return policyDateFor(dialect, days, extraDays, sql.ref('findings.severity'), sql.ref('findings.first_seen'));
}

/**
 * The due date and SLA breach date of a finding being created, for the rollover's INSERT: new
 * findings are written once, with their dates, instead of inserted then rewritten.
 */
export function policyDueDates(
  dialect: DialectName,
  days: SlaDaysBySeverity,
  severity: RawBuilder<unknown>,
  firstSeen: RawBuilder<unknown>,
): { due: RawBuilder<string | null>; breach: RawBuilder<string | null> } {
  return { due: policyDateFor(dialect, days, 0, severity, firstSeen), breach: policyDateFor(dialect, days, 1, severity, firstSeen) };
}

/**
 * Due dates of every finding whose due date comes from the policy, recomputed (set-based).
 * Returns how many changed.
 */
export async function recomputePolicyDueDates(trx: Db, dialect: DialectName, days: SlaDaysBySeverity): Promise<number> {
  const due = policyDateSql(dialect, days, 0);
  const breach = policyDateSql(dialect, days, 1);
  const result = await sql`
    UPDATE findings SET due_date = ${due}, sla_breach_date = ${breach}
    WHERE due_date_source = 'sla' AND (due_date IS DISTINCT FROM ${due} OR sla_breach_date IS DISTINCT FROM ${breach})`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Findings still without a due date source get the policy's due dates. The rollover's INSERT
 * already dates the findings it creates, so this finds nothing after an import; it remains for
 * findings created another way. SQLite visits them through findings_sla_pending.
 */
async function assignPendingPolicyDueDates(trx: Db, dialect: DialectName, days: SlaDaysBySeverity): Promise<number> {
  const set = sql`due_date_source = 'sla', due_date = ${policyDateSql(dialect, days, 0)}, sla_breach_date = ${policyDateSql(dialect, days, 1)}`;
  const result = await sql`UPDATE findings SET ${set} WHERE due_date_source IS NULL`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

// ---------------------------------------------------------------------------------------------
// Rules applied by the system (imports, syncs, the expiry sweep)

export interface SystemChangeMeta {
  now: string;
  source: HistorySource;
}

/** Appends one history row per (finding matching `where`, field) from the rows as they are before the update. */
async function historyFromRows(
  trx: Db,
  meta: SystemChangeMeta,
  where: RawBuilder<unknown>,
  fields: { field: string; oldValue: RawBuilder<unknown>; newValue: RawBuilder<unknown> }[],
): Promise<void> {
  const selects = fields.map(
    (f) => sql`SELECT id, CAST(${meta.now} AS TEXT), CAST('system' AS TEXT), CAST(${meta.source} AS TEXT), CAST(${f.field} AS TEXT),
                 CAST(${f.oldValue} AS TEXT), CAST(${f.newValue} AS TEXT)
               FROM findings WHERE ${where} AND ${f.oldValue} IS DISTINCT FROM ${f.newValue}`,
  );
  await sql`INSERT INTO finding_history (finding_id, changed_at, changed_by, source, field, old_value, new_value)
            ${sql.join(selects, sql` UNION ALL `)}`.execute(trx);
}

const REOPENED_STATUS = sql`CASE WHEN assigned_to IS NOT NULL THEN 'Assigned' ELSE 'New' END`;

/**
 * Accepted risks whose acceptance expired before `today` return to the open status they came
 * from (else New), recorded with source 'system'. Visits only accepted risks (partial index).
 */
export async function expireAcceptedRisks(trx: Db, today: string, now: string): Promise<number> {
  const where = sql`status = 'Accepted Risk' AND accepted_risk_expires < ${today}`;
  const restored = sql`coalesce(status_before_acceptance, 'New')`;
  await historyFromRows(trx, { now, source: 'system' }, where, [
    { field: 'status', oldValue: sql`status`, newValue: restored },
    { field: 'accepted_risk_expires', oldValue: sql`accepted_risk_expires`, newValue: sql`NULL` },
  ]);
  const result = await sql`
    UPDATE findings SET status = ${restored}, accepted_risk_expires = NULL, status_before_acceptance = NULL,
      last_modified_by = 'system', last_modified_at = ${now}, updated_at = ${now}
    WHERE ${where}`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}

export interface ImportWorkflowInput {
  importId: number;
  scanDate: string;
  mode: ImportMode;
  /** The rollover's timestamp: rows it resolved carry it in updated_at. */
  now: string;
}

export interface ImportWorkflowCounts {
  /** Remediated findings the import still saw: conflict recorded, reopened. */
  reopenedRemediated: number;
  /** In Progress / Retest Requested findings the import resolved: now Remediated. */
  autoRemediated: number;
  /** New findings given the policy's due date. */
  dueDatesSet: number;
  /** Accepted risks whose acceptance expired. */
  expiredAcceptances: number;
}

/**
 * The workflow rules of one import, inside the rollover's transaction (call after the
 * findings and sightings were written). Imports never write user-owned fields otherwise:
 * a False Positive stays one whatever the scanner says.
 *
 * - A Remediated finding this import still saw (remediated on or before the scan date) is a
 *   'Remediation Date Conflict': recorded (sync action 'Merge with Conflicts', strategy
 *   'Tenable Wins': the scanner's sighting wins) and reopened for the analyst, as Assigned
 *   when someone is assigned, else New.
 * - An In Progress or Retest Requested finding this import resolved (absent, or FIXED)
 *   becomes Remediated on the scan date.
 * - New findings get the SLA policy's due date; expired risk acceptances end.
 * History rows name 'system' with source 'sync' for Tenable API syncs, else 'import'.
 */
export async function applyImportWorkflowRules(writer: Writer, input: ImportWorkflowInput): Promise<ImportWorkflowCounts> {
  const db = writer.db;
  const { importId, scanDate, now } = input;
  const imported = await db.selectFrom('imports').select('source').where('id', '=', importId).executeTakeFirst();
  const meta: SystemChangeMeta = { now, source: imported?.source === 'tenable' ? 'sync' : 'import' };
  const counts: ImportWorkflowCounts = { reopenedRemediated: 0, autoRemediated: 0, dueDatesSet: 0, expiredAcceptances: 0 };

  if (input.mode === 'current') {
    const seenRemediated = sql`status = 'Remediated' AND (remediation_date IS NULL OR remediation_date <= ${scanDate})
      AND EXISTS (SELECT 1 FROM finding_sightings s WHERE s.finding_id = findings.id AND s.last_import_id = ${importId})`;
    const details =
      writer.dialect === 'postgres'
        ? sql`json_build_object('previous_status', status, 'remediation_date', remediation_date, 'reopened_status', ${REOPENED_STATUS},
                'scan_date', CAST(${scanDate} AS TEXT), 'scanner_state', scanner_state, 'remediated_by', last_modified_by)::text`
        : sql`json_object('previous_status', status, 'remediation_date', remediation_date, 'reopened_status', ${REOPENED_STATUS},
                'scan_date', ${scanDate}, 'scanner_state', scanner_state, 'remediated_by', last_modified_by)`;
    await sql`
      INSERT INTO sync_conflicts (finding_id, conflict_type, sync_action, resolution_strategy, import_id, detected_at, details)
      SELECT id, 'Remediation Date Conflict', 'Merge with Conflicts', 'Tenable Wins', CAST(${importId} AS INTEGER), CAST(${now} AS TEXT), ${details}
      FROM findings WHERE ${seenRemediated} ORDER BY id`.execute(db);
    await historyFromRows(db, meta, seenRemediated, [
      { field: 'status', oldValue: sql`status`, newValue: REOPENED_STATUS },
      { field: 'remediation_date', oldValue: sql`remediation_date`, newValue: sql`NULL` },
    ]);
    const reopened = await sql`
      UPDATE findings SET status = ${REOPENED_STATUS}, remediation_date = NULL,
        last_modified_by = 'system', last_modified_at = ${now}, updated_at = ${now}
      WHERE ${seenRemediated}`.execute(db);
    counts.reopenedRemediated = Number(reopened.numAffectedRows ?? 0n);

    const resolvedNow = sql`status IN ('In Progress', 'Retest Requested') AND resolved_on = ${scanDate}
      AND lifecycle = 'resolved' AND updated_at = ${now}`;
    await historyFromRows(db, meta, resolvedNow, [
      { field: 'status', oldValue: sql`status`, newValue: sql`'Remediated'` },
      { field: 'remediation_date', oldValue: sql`remediation_date`, newValue: sql`CAST(${scanDate} AS TEXT)` },
    ]);
    const remediated = await sql`
      UPDATE findings SET status = 'Remediated', remediation_date = ${scanDate},
        last_modified_by = 'system', last_modified_at = ${now}
      WHERE ${resolvedNow}`.execute(db);
    counts.autoRemediated = Number(remediated.numAffectedRows ?? 0n);
  }

  counts.dueDatesSet = await assignPendingPolicyDueDates(db, writer.dialect, await readSlaDays(db));
  counts.expiredAcceptances = await expireAcceptedRisks(db, now.slice(0, 10), now);
  return counts;
}

/** The stored SLA policy (defaults where unset). */
export async function readSlaPolicy(db: Db): Promise<SlaPolicy> {
  return storedSlaPolicy((await readSetting(db, SLA_POLICY_KEY))?.value);
}

export function slaDaysBySeverity(policy: SlaPolicy): SlaDaysBySeverity {
  return { 0: policy.Info, 1: policy.Low, 2: policy.Medium, 3: policy.High, 4: policy.Critical };
}

async function readSlaDays(db: Db): Promise<SlaDaysBySeverity> {
  return slaDaysBySeverity(await readSlaPolicy(db));
}

// ---------------------------------------------------------------------------------------------
// Sync conflicts

export interface ConflictListItem extends SyncConflictRow {
  hostname: string | null;
  host_key: string;
  plugin_id: string;
  cve: string | null;
  severity: number;
  status: string;
}

export async function listConflicts(
  db: Db,
  filter: { resolved?: boolean | undefined; findingId?: number | undefined; limit: number; offset: number },
): Promise<{ items: ConflictListItem[]; total: number }> {
  let base = db.selectFrom('sync_conflicts as c');
  if (filter.resolved === false) base = base.where('c.resolved_at', 'is', null);
  if (filter.resolved === true) base = base.where('c.resolved_at', 'is not', null);
  if (filter.findingId !== undefined) base = base.where('c.finding_id', '=', filter.findingId);
  const rows = await base
    .innerJoin('findings as f', 'f.id', 'c.finding_id')
    .selectAll('c')
    .select(['f.hostname', 'f.host_key', 'f.plugin_id', 'f.cve', 'f.severity', 'f.status'])
    .orderBy('c.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const total = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({ ...r, id: Number(r.id), finding_id: Number(r.finding_id), severity: Number(r.severity), import_id: r.import_id === null ? null : Number(r.import_id) })),
    total: Number(total.n),
  };
}

export async function findConflictForUpdate(trx: Db, dialect: DialectName, id: number): Promise<SyncConflictRow | undefined> {
  let query = trx.selectFrom('sync_conflicts').selectAll().where('id', '=', id);
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? { ...row, id: Number(row.id), finding_id: Number(row.finding_id) } : undefined;
}

export async function markConflictResolved(
  trx: Db,
  id: number,
  resolution: { resolution: string; note: string | null; actor: string; now: string },
): Promise<void> {
  await trx
    .updateTable('sync_conflicts')
    .set({ resolved_at: resolution.now, resolved_by: resolution.actor, resolution: resolution.resolution, resolution_note: resolution.note })
    .where('id', '=', id)
    .execute();
}

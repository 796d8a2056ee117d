/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run on Kysely<any> by design: they must not depend on the current schema types */
/**
 * Indexes for the findings API: every whitelisted sort key has an index led by `lifecycle`
 * and ending in `id`, so a page is an index range scan in sort order (offset or keyset) and
 * its total an index-only count. Nullable sort columns are indexed through the same COALESCE
 * expression the queries sort on. Every index costs the import (a 1M-row first import pays for
 * each one whose order differs from the key order), so two sorts are left unindexed:
 * cvss3_base_score and last_seen (finding_sightings.last_seen is rewritten for
 * every finding at every import, and an index would also stop PostgreSQL's in-place updates).
 * Partial indexes over workflow exceptions cost an import nothing (new findings are New, fully
 * correlated, unassigned). Plugin-name search uses pg_trgm on PostgreSQL when available.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Shared by the queries: the sort and filter expressions must match the indexed ones exactly. */
const INDEXES: readonly [name: string, definition: string][] = [
  ['findings_q_severity_vpr', 'findings (lifecycle, severity, (COALESCE(vpr_score, -1)), id)'],
  ['findings_q_vpr', 'findings (lifecycle, (COALESCE(vpr_score, -1)), id)'],
  ['findings_q_first_seen', 'findings (lifecycle, first_seen, id)'],
  ['findings_q_due', "findings (lifecycle, (COALESCE(due_date, '9999-12-31')), id)"],
  ['findings_q_host', 'findings (lifecycle, host_key, id)'],
  ['findings_q_plugin', 'findings (lifecycle, plugin_id, id)'],
  ['findings_q_status', 'findings (lifecycle, status, id)'],
  ['findings_q_asset', 'findings (lifecycle, asset_id, severity, vpr_score)'],
  ['findings_q_cve', 'findings (cve, lifecycle)'],
  ['findings_q_assignee', 'findings (assigned_to, lifecycle) WHERE assigned_to IS NOT NULL'],
  ['findings_q_review', 'findings (lifecycle, id) WHERE manual_review_required = 1'],
  // The dashboard summary counts statuses and averages confidence over the exceptions only
  // (most findings are New and fully correlated), deriving the rest from the total.
  ['findings_q_triaged', "findings (lifecycle, status) WHERE status <> 'New'"],
  ['findings_q_low_confidence', 'findings (lifecycle, correlation_confidence) WHERE correlation_confidence < 100'],
];

/** SQLite's (lifecycle, severity) index already ends in the rowid (= id); PostgreSQL's does not. */
const PG_ONLY_INDEXES: readonly [string, string][] = [['findings_q_severity', 'findings (lifecycle, severity, id)']];

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** The schema holding pg_trgm, installing it in `public` when possible; undefined when unavailable. */
async function trigramSchema(db: Kysely<any>): Promise<string | undefined> {
  const installed = async () =>
    (await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`.execute(db)).rows[0]
      ?.schema;
  const existing = await installed();
  if (existing) return existing;
  const available = await sql`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`.execute(db);
  if (available.rows.length === 0) return undefined;
  try {
    // A savepoint keeps a refused CREATE EXTENSION (no privilege) from aborting the migration's transaction.
    await sql`SAVEPOINT trgm`.execute(db);
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`.execute(db);
    await sql`RELEASE SAVEPOINT trgm`.execute(db);
  } catch {
    // Refused, or created meanwhile by a concurrent migration (then it is visible now).
    await sql`ROLLBACK TO SAVEPOINT trgm`.execute(db).catch(() => undefined);
  }
  return installed();
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  for (const [name, definition] of [...INDEXES, ...(pg ? PG_ONLY_INDEXES : [])]) {
    await sql.raw(`CREATE INDEX ${name} ON ${definition}`).execute(db);
  }
  if (pg) {
    const schema = await trigramSchema(db);
    if (schema) await sql.raw(`CREATE INDEX plugins_q_name_trgm ON plugins USING gin ((lower(plugin_name)) "${schema}".gin_trgm_ops)`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of [...INDEXES, ...PG_ONLY_INDEXES, ['plugins_q_name_trgm']]) await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
}

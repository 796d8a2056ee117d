/**
 * The rollover: applies one import's staged rows to the real tables in a single
 * transaction, set-based (a handful of statements whatever the row count).
 *
 * Deviation from the spec, on purpose: stale findings are not deleted but resolved
 * (lifecycle = 'resolved', resolved_on = scan date), so analyst workflow data survives,
 * and a finding that comes back is reopened and counted.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DialectName, Writer } from '../database.ts';
import type { DatabaseSchema, ImportMode, RolloverScope } from '../schema.ts';
import { applyImportWorkflowRules, policyDueDates, readSlaPolicy, slaDaysBySeverity } from './workflow.repository.ts';
import { lockAgainstImports } from './write-transaction.ts';

export interface RolloverCounts {
  mode: ImportMode;
  findings: number;
  hosts: number;
  created: number;
  updated: number;
  unchanged: number;
  resolved: number;
  reopened: number;
}

export interface RolloverInput {
  importId: number;
  scanDate: string;
  scope: RolloverScope;
  /** ISO timestamp written to created_at / updated_at. */
  now: string;
}

/** Raised when the import row was no longer 'running' at commit time (marked failed by recovery). */
export class ImportNoLongerRunningError extends Error {
  constructor(importId: number) {
    super(`import ${importId} is no longer running (it was marked failed while it ran); its changes were rolled back`);
    this.name = 'ImportNoLongerRunningError';
  }
}

type Db = Kysely<DatabaseSchema>;

/** A scanner-owned field of a seen finding differs from what is stored (counted as updated). */
const SCANNER_FIELDS_CHANGED = sql`(
  prev_severity <> severity OR prev_vpr_score IS DISTINCT FROM vpr_score
  OR prev_cvss_base_score IS DISTINCT FROM cvss_base_score OR prev_cvss3_base_score IS DISTINCT FROM cvss3_base_score
  OR prev_ports IS DISTINCT FROM ports OR prev_plugin_id <> plugin_id OR prev_asset_id IS DISTINCT FROM asset_id
  OR prev_scanner_state IS DISTINCT FROM scanner_state)`;

/** The change touches an indexed column (severity, plugin, asset): the update pays index maintenance. */
const INDEXED_FIELDS_CHANGED = sql`(prev_severity <> severity OR prev_plugin_id <> plugin_id OR prev_asset_id IS DISTINCT FROM asset_id)`;

/** The stored row must still be rewritten (names, output, an earlier first_seen), without counting as updated. */
const ROW_NEEDS_REWRITE = sql`(
  prev_hostname IS DISTINCT FROM hostname OR prev_ip_address IS DISTINCT FROM ip_address
  OR (output_hash IS NOT NULL AND prev_output_hash IS DISTINCT FROM output_hash)
  OR (first_seen IS NOT NULL AND first_seen < prev_first_seen))`;

/** Everything the rollover reads from a staged row except the plugin output, in key order. */
const PICK_COLUMNS = [
  'unique_key', 'pick_order', 'port_protocol', 'asset_ref', 'host_key', 'plugin_id', 'cve', 'severity', 'vpr_score',
  'cvss_base_score', 'cvss3_base_score', 'scanner_state', 'fixed', 'first_seen', 'output_hash', 'vpr_counted',
];

async function run(db: Db, query: RawBuilder<unknown>): Promise<number> {
  const result = await query.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

async function scalar(db: Db, query: RawBuilder<unknown>): Promise<number> {
  const result = await query.execute(db);
  const row = result.rows[0] as Record<string, unknown> | undefined;
  const value = row ? Object.values(row)[0] : 0;
  return Number(value ?? 0);
}

async function text(db: Db, query: RawBuilder<unknown>): Promise<string | null> {
  const result = await query.execute(db);
  const row = result.rows[0] as Record<string, unknown> | undefined;
  const value = row ? Object.values(row)[0] : null;
  return value === null || value === undefined ? null : String(value);
}

async function begin(writer: Writer): Promise<void> {
  if (writer.dialect === 'sqlite') {
    // IMMEDIATE takes the write lock up front, so two imports queue instead of deadlocking.
    await sql`BEGIN IMMEDIATE`.execute(writer.db);
  } else {
    await sql`BEGIN`.execute(writer.db);
    // Several servers may share the database: one rollover at a time.
    await lockAgainstImports(writer.db);
    // The rollover sorts and hashes whole imports: the server's default work_mem (4 MB) sends each to disk.
    await sql`SET LOCAL work_mem = '64MB'`.execute(writer.db);
  }
}

/** Applies the staged import atomically; returns what changed. */
export async function applyRollover(writer: Writer, input: RolloverInput): Promise<RolloverCounts> {
  const db = writer.db;
  await begin(writer);
  try {
    const counts = await applyInTransaction(db, input, writer.dialect);
    await applyImportWorkflowRules(writer, { importId: input.importId, scanDate: input.scanDate, mode: counts.mode, now: input.now });
    const marked = await run(
      db,
      sql`UPDATE imports SET status = 'completed', phase = 'completed', mode = ${counts.mode},
            findings_count = ${counts.findings}, hosts_count = ${counts.hosts}, created_count = ${counts.created},
            updated_count = ${counts.updated}, unchanged_count = ${counts.unchanged}, resolved_count = ${counts.resolved},
            reopened_count = ${counts.reopened}, finished_at = ${input.now}, heartbeat_at = ${input.now}
          WHERE id = ${input.importId} AND status = 'running'`,
    );
    if (marked !== 1) throw new ImportNoLongerRunningError(input.importId);
    await refreshDailyTotals(db, input.scanDate, input.now);
    await sql`COMMIT`.execute(db);
    return counts;
  } catch (err) {
    await sql`ROLLBACK`.execute(db).catch(() => undefined);
    throw err;
  }
}

async function applyInTransaction(db: Db, input: RolloverInput, dialect: Writer['dialect']): Promise<RolloverCounts> {
  const { scanDate, importId, now } = input;
  const newest = await text(db, sql`SELECT max(scan_date) FROM imports WHERE status = 'completed' AND mode = 'current'`);
  const mode: ImportMode = newest !== null && scanDate < newest ? 'backfill' : 'current';

  // PostgreSQL never auto-analyzes temporary tables; without statistics it plans the joins blind.
  const analyze = async (table: string) => {
    if (dialect === 'postgres') await sql`ANALYZE ${sql.raw(table)}`.execute(db);
  };
  await analyze('stage_rows');
  await upsertPlugins(db, mode, now);
  const hosts = await upsertAssets(db, mode, scanDate, now);
  await analyze('stage_assets');
  await buildIncoming(db, dialect);
  await analyze('incoming');

  const counts = await tallyIncoming(db, scanDate);

  if (mode === 'backfill') {
    const nextDate = await text(db, sql`SELECT min(scan_date) FROM imports WHERE status = 'completed' AND mode = 'current' AND scan_date > ${scanDate}`);
    await insertNewFindings(db, dialect, { scanDate, importId, now, resolvedOn: nextDate ?? scanDate, newRows: counts.newRows });
    await writeOutputs(db);
    await run(db, sql`UPDATE findings SET first_seen = ${scanDate}, updated_at = ${now}
                      FROM incoming i WHERE findings.id = i.finding_id AND i.fixed = 0 AND findings.first_seen > ${scanDate}`);
    await writeSnapshots(db, scanDate, importId);
    return {
      mode, findings: counts.open, hosts, created: counts.created, updated: counts.backfilledEarlier,
      unchanged: counts.known - counts.backfilledEarlier, resolved: 0, reopened: 0,
    };
  }

  const unchanged = counts.all - counts.created - counts.reopened - counts.updated - counts.fixedNow;
  await insertNewFindings(db, dialect, { scanDate, importId, now, resolvedOn: scanDate, newRows: counts.newRows });
  await writeOutputs(db);
  await updateSeenFindings(db, scanDate, importId, now);
  await writeSnapshots(db, scanDate, importId);
  const stale = await resolveStale(db, input);
  return {
    mode, findings: counts.open, hosts, created: counts.created, updated: counts.updated, unchanged,
    resolved: stale + counts.fixedNow, reopened: counts.reopened,
  };
}

/** Classifies the incoming keys in one pass. */
async function tallyIncoming(db: Db, scanDate: string) {
  const result = await sql<Record<string, unknown>>`
    SELECT count(*) AS all_keys,
      sum(CASE WHEN fixed = 0 THEN 1 ELSE 0 END) AS open,
      sum(CASE WHEN finding_id IS NULL AND fixed = 0 THEN 1 ELSE 0 END) AS created,
      sum(CASE WHEN finding_id IS NOT NULL AND fixed = 0 AND prev_lifecycle = 'resolved' THEN 1 ELSE 0 END) AS reopened,
      sum(CASE WHEN finding_id IS NOT NULL AND fixed = 0 AND prev_lifecycle = 'active' AND changed = 1 THEN 1 ELSE 0 END) AS updated,
      sum(CASE WHEN finding_id IS NOT NULL AND fixed = 1 AND prev_lifecycle = 'active' THEN 1 ELSE 0 END) AS fixed_now,
      sum(CASE WHEN prev_lifecycle IS NOT NULL OR fixed = 1 THEN 1 ELSE 0 END) AS known,
      sum(CASE WHEN finding_id IS NULL THEN 1 ELSE 0 END) AS new_rows,
      sum(CASE WHEN finding_id IS NOT NULL AND fixed = 0 AND prev_first_seen > ${scanDate} THEN 1 ELSE 0 END) AS backfilled_earlier
    FROM incoming`.execute(db);
  const row = result.rows[0] ?? {};
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    all: n('all_keys'), open: n('open'), created: n('created'), reopened: n('reopened'), updated: n('updated'),
    fixedNow: n('fixed_now'), known: n('known'), backfilledEarlier: n('backfilled_earlier'), newRows: n('new_rows'),
  };
}

async function upsertPlugins(db: Db, mode: ImportMode, now: string): Promise<void> {
  const onConflict =
    mode === 'backfill'
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET plugin_name = excluded.plugin_name,
              plugin_family = coalesce(excluded.plugin_family, plugins.plugin_family),
              synopsis = coalesce(excluded.synopsis, plugins.synopsis),
              description = coalesce(excluded.description, plugins.description),
              solution = coalesce(excluded.solution, plugins.solution),
              see_also = CASE WHEN excluded.see_also = '[]' THEN plugins.see_also ELSE excluded.see_also END,
              cvss_base_score = coalesce(excluded.cvss_base_score, plugins.cvss_base_score),
              cvss3_base_score = coalesce(excluded.cvss3_base_score, plugins.cvss3_base_score),
              vpr_score = coalesce(excluded.vpr_score, plugins.vpr_score),
              exploit_available = CASE WHEN excluded.exploit_available = 1 THEN 1 ELSE plugins.exploit_available END,
              updated_at = excluded.updated_at`;
  await run(
    db,
    sql`INSERT INTO plugins (plugin_id, plugin_name, plugin_family, synopsis, description, solution, see_also,
          cvss_base_score, cvss3_base_score, vpr_score, exploit_available, created_at, updated_at)
        SELECT plugin_id, plugin_name, plugin_family, synopsis, description, solution, see_also,
          cvss_base_score, cvss3_base_score, vpr_score, exploit_available, ${now}, ${now}
        FROM stage_plugins WHERE true
        ON CONFLICT (plugin_id) ${onConflict}`,
  );
  await run(
    db,
    sql`INSERT INTO plugin_cves (cve_id, plugin_id, created_at)
        SELECT cve_id, plugin_id, ${now} FROM stage_plugin_cves WHERE true
        ON CONFLICT (cve_id, plugin_id) DO NOTHING`,
  );
}

/**
 * A Tenable asset renamed or re-addressed since the last import keeps its UUID but reports a new
 * host key, so its findings would come back under new unique keys while the old ones stay open
 * forever (an incremental export never reports them FIXED). Its findings follow it instead: the
 * host part of their keys is rewritten before the incoming rows are matched, so they are updated
 * in place with their workflow. A key already taken by another finding is left alone.
 */
async function rekeyRenamedAssets(db: Db, now: string): Promise<void> {
  await run(
    db,
    sql`UPDATE findings SET unique_key = r.new_key || substr(findings.unique_key, length(r.old_key) + 1),
          host_key = r.new_key, updated_at = ${now}
        FROM (SELECT a.id AS asset_id, a.host_key AS old_key, s.host_key AS new_key
              FROM stage_assets s JOIN assets a ON a.tenable_uuid = s.tenable_uuid
              WHERE s.tenable_uuid IS NOT NULL AND a.host_key <> s.host_key) r
        WHERE findings.asset_id = r.asset_id AND findings.host_key = r.old_key
          AND NOT EXISTS (SELECT 1 FROM findings taken
                          WHERE taken.unique_key = r.new_key || substr(findings.unique_key, length(r.old_key) + 1))`,
  );
}

/** Resolves every staged host to an asset: Tenable UUID first, else the normalised host name. Returns the host count. */
async function upsertAssets(db: Db, mode: ImportMode, scanDate: string, now: string): Promise<number> {
  const refresh =
    mode === 'backfill'
      ? sql`first_seen = CASE WHEN excluded.first_seen < assets.first_seen THEN excluded.first_seen ELSE assets.first_seen END`
      : sql`host_key = excluded.host_key, hostname = coalesce(excluded.hostname, assets.hostname),
            fqdn = coalesce(excluded.fqdn, assets.fqdn), netbios_name = coalesce(excluded.netbios_name, assets.netbios_name),
            ip_addresses = CASE WHEN excluded.ip_addresses = '[]' THEN assets.ip_addresses ELSE excluded.ip_addresses END,
            mac_addresses = CASE WHEN excluded.mac_addresses = '[]' THEN assets.mac_addresses ELSE excluded.mac_addresses END,
            operating_system = coalesce(excluded.operating_system, assets.operating_system),
            last_seen = excluded.last_seen, updated_at = excluded.updated_at`;
  if (mode === 'current') await rekeyRenamedAssets(db, now);
  await run(
    db,
    sql`INSERT INTO assets (tenable_uuid, host_key, hostname, fqdn, netbios_name, ip_addresses, mac_addresses,
          operating_system, correlation_method, correlation_confidence, first_seen, last_seen, created_at, updated_at)
        SELECT tenable_uuid, host_key, hostname, fqdn, netbios_name, ip_addresses, mac_addresses, operating_system,
          'UUID Exact Match', 100, ${scanDate}, ${scanDate}, ${now}, ${now}
        FROM stage_assets WHERE tenable_uuid IS NOT NULL
        ON CONFLICT (tenable_uuid) DO UPDATE SET ${refresh}`,
  );
  await run(db, sql`UPDATE stage_assets SET asset_id = (SELECT a.id FROM assets a WHERE a.tenable_uuid = stage_assets.tenable_uuid)
                    WHERE tenable_uuid IS NOT NULL`);
  // A host without a UUID joins the asset already known under its host name (tracked or not).
  await run(db, sql`UPDATE stage_assets SET asset_id = (SELECT min(a.id) FROM assets a WHERE a.host_key = stage_assets.host_key)
                    WHERE tenable_uuid IS NULL`);
  await run(
    db,
    sql`INSERT INTO assets (tenable_uuid, host_key, hostname, fqdn, netbios_name, ip_addresses, mac_addresses,
          operating_system, correlation_method, correlation_confidence, first_seen, last_seen, created_at, updated_at)
        SELECT NULL, host_key, hostname, fqdn, netbios_name, ip_addresses, mac_addresses, operating_system,
          NULL, 100, ${scanDate}, ${scanDate}, ${now}, ${now}
        FROM stage_assets WHERE tenable_uuid IS NULL AND asset_id IS NULL`,
  );
  await run(db, sql`UPDATE stage_assets SET asset_id = (SELECT a.id FROM assets a WHERE a.host_key = stage_assets.host_key AND a.tenable_uuid IS NULL)
                    WHERE asset_id IS NULL`);
  if (mode === 'current') {
    await run(
      db,
      sql`UPDATE assets SET last_seen = ${scanDate}, updated_at = ${now},
            ip_addresses = CASE WHEN s.ip_addresses = '[]' THEN assets.ip_addresses ELSE s.ip_addresses END,
            operating_system = coalesce(s.operating_system, assets.operating_system)
          FROM stage_assets s WHERE assets.id = s.asset_id AND s.tenable_uuid IS NULL`,
    );
  } else {
    await run(db, sql`UPDATE assets SET first_seen = ${scanDate}
                      FROM stage_assets s WHERE assets.id = s.asset_id AND s.tenable_uuid IS NULL AND assets.first_seen > ${scanDate}`);
  }
  return scalar(db, sql`SELECT count(DISTINCT asset_id) FROM stage_assets`);
}

/** The existing finding an incoming key matches, and its scanner-owned values to compare. */
const PREVIOUS_COLUMNS = sql`f.id AS finding_id, f.lifecycle AS prev_lifecycle, f.first_seen AS prev_first_seen, f.severity AS prev_severity,
  f.vpr_score AS prev_vpr_score, f.cvss_base_score AS prev_cvss_base_score, f.cvss3_base_score AS prev_cvss3_base_score,
  f.ports AS prev_ports, f.plugin_id AS prev_plugin_id, f.asset_id AS prev_asset_id, f.scanner_state AS prev_scanner_state,
  f.output_hash AS prev_output_hash, f.hostname AS prev_hostname, f.ip_address AS prev_ip_address`;

const CHANGE_FLAGS = sql`
  CASE WHEN finding_id IS NOT NULL AND ${SCANNER_FIELDS_CHANGED} THEN 1 ELSE 0 END AS changed,
  CASE WHEN finding_id IS NOT NULL AND ${INDEXED_FIELDS_CHANGED} THEN 1 ELSE 0 END AS index_changed,
  CASE WHEN finding_id IS NOT NULL AND NOT ${SCANNER_FIELDS_CHANGED} AND ${ROW_NEEDS_REWRITE} THEN 1 ELSE 0 END AS touched`;

/**
 * One row per unique key: the representative row is the most severe (then highest VPR,
 * then first in the file, see pickOrder); ports are every port/protocol the key was seen
 * on. Matched against the existing finding, keeping its scanner-owned values to compare.
 */
async function buildIncoming(db: Db, dialect: DialectName): Promise<void> {
  await sql`DROP TABLE IF EXISTS incoming`.execute(db);
  if (dialect === 'sqlite') {
    await buildIncomingSqlite(db);
    return;
  }
  // Covering index in key order: the group-then-seek below streams it (no sort, no lookups
  // into the staged rows) and probes findings in key order, which is close to their id order.
  await sql`CREATE INDEX stage_rows_pick ON stage_rows (${sql.raw(PICK_COLUMNS.join(', '))})`.execute(db);
  await sql`
    CREATE TEMP TABLE incoming AS
    SELECT m.*, ${CHANGE_FLAGS}
    FROM (
      SELECT r.unique_key, r.host_key, s.hostname, s.ip_address, r.plugin_id, r.cve, r.severity, r.vpr_score,
        r.cvss_base_score, r.cvss3_base_score, CASE WHEN g.row_count = 1 THEN r.port_protocol END AS ports,
        r.scanner_state, r.fixed, r.first_seen, r.seq AS source_seq, r.output_hash, r.vpr_counted, g.row_count, s.asset_id,
        ${PREVIOUS_COLUMNS}
      FROM (SELECT unique_key, min(pick_order) AS pick_order, count(*) AS row_count FROM stage_rows GROUP BY unique_key) g
      JOIN stage_rows r ON r.unique_key = g.unique_key AND r.pick_order = g.pick_order
      JOIN stage_assets s ON s.asset_ref = r.asset_ref
      LEFT JOIN findings f ON f.unique_key = r.unique_key
    ) m`.execute(db);
  // Keys seen on several rows (a plugin on several ports): their ports, then their flags again.
  await sql`
    UPDATE incoming SET ports = (
      SELECT string_agg(d.port_protocol, ',' ORDER BY d.port_protocol)
      FROM (SELECT DISTINCT port_protocol FROM stage_rows s
            WHERE s.unique_key = incoming.unique_key AND s.port_protocol IS NOT NULL) d)
    WHERE row_count > 1`.execute(db);
  await sql`
    UPDATE incoming SET
      changed = CASE WHEN ${SCANNER_FIELDS_CHANGED} THEN 1 ELSE 0 END,
      touched = CASE WHEN NOT ${SCANNER_FIELDS_CHANGED} AND ${ROW_NEEDS_REWRITE} THEN 1 ELSE 0 END
    WHERE row_count > 1 AND finding_id IS NOT NULL`.execute(db);
}

/**
 * SQLite does it in one sort: grouped by key, min(pick_order) makes the other plain columns come
 * from the representative row (SQLite's documented min()/max() rule), and the ports are
 * aggregated in the same pass. No index over the staged rows, no join back into them. The
 * groups come out in key order and the table is filled in that order, which the insert of new
 * findings relies on (for speed only).
 */
async function buildIncomingSqlite(db: Db): Promise<void> {
  await sql`
    CREATE TEMP TABLE incoming AS
    SELECT m.*, ${CHANGE_FLAGS}
    FROM (
      SELECT g.unique_key, g.host_key, s.hostname, s.ip_address, g.plugin_id, g.cve, g.severity, g.vpr_score,
        g.cvss_base_score, g.cvss3_base_score, CASE WHEN g.row_count = 1 THEN g.port_protocol ELSE g.all_ports END AS ports,
        g.scanner_state, g.fixed, g.first_seen, g.seq AS source_seq, g.output_hash, g.vpr_counted, g.row_count, s.asset_id,
        ${PREVIOUS_COLUMNS}
      FROM (SELECT min(pick_order) AS pick_order, count(*) AS row_count,
              group_concat(DISTINCT port_protocol ORDER BY port_protocol) AS all_ports,
              unique_key, host_key, asset_ref, plugin_id, cve, severity, vpr_score, cvss_base_score, cvss3_base_score,
              port_protocol, scanner_state, fixed, first_seen, seq, output_hash, vpr_counted
            FROM stage_rows GROUP BY unique_key) g
      JOIN stage_assets s ON s.asset_ref = g.asset_ref
      LEFT JOIN findings f ON f.unique_key = g.unique_key
    ) m`.execute(db);
}

/**
 * SQLite maintains every index of `findings` (15, most of them the findings API's) row by row, each
 * insert landing on a random page of each; with an import's bounded cache that was most of a large
 * first import (187 s of a 280 s rollover for 3.77M new findings). When an import adds at least as
 * many findings as the table holds, building each secondary index once, by sorting, after the rows
 * are in costs far less. It happens inside the rollover's transaction, so no reader ever sees the
 * table without its indexes, and a failed import rolls the drop back with everything else. The
 * unique key's index stays: the insert and the id lookup after it rely on it. Partial indexes stay
 * too: they cover workflow exceptions no new finding has (a status other than New, an assignee,
 * review), so the insert costs them nothing, while rebuilding each would scan the whole table.
 * Returns what puts the indexes back (nothing to do when they were kept).
 */
async function dropIndexesForBulkInsert(db: Db, dialect: DialectName, newRows: number): Promise<() => Promise<void>> {
  const keep = async () => undefined;
  if (dialect !== 'sqlite' || newRows === 0) return keep;
  // max(id) bounds the row count from above without counting: a table it may overstate keeps its indexes.
  if (newRows < (await scalar(db, sql`SELECT coalesce(max(id), 0) FROM findings`))) return keep;
  const indexes = (
    await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master
      WHERE type = 'index' AND tbl_name = 'findings' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
        AND sql NOT LIKE '% WHERE %'
      ORDER BY name`.execute(db)
  ).rows;
  for (const index of indexes) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  return async () => {
    for (const index of indexes) await sql.raw(index.sql).execute(db);
  };
}

async function insertNewFindings(
  db: Db,
  dialect: DialectName,
  args: { scanDate: string; importId: number; now: string; resolvedOn: string; /** Incoming keys with no finding yet (from the tally). */ newRows: number },
): Promise<void> {
  const { scanDate, importId, now, resolvedOn } = args;
  const restoreIndexes = await dropIndexesForBulkInsert(db, dialect, args.newRows);
  // Findings the scanner already reports FIXED (or that a back-filled day alone knew) are stored resolved.
  const resolvedWhen = args.resolvedOn === scanDate ? sql`i.fixed = 1` : sql`1 = 1`;
  const firstSeen = sql`CASE WHEN i.first_seen IS NOT NULL AND i.first_seen < ${scanDate} THEN i.first_seen ELSE ${scanDate} END`;
  const sla = policyDueDates(dialect, slaDaysBySeverity(await readSlaPolicy(db)), sql.ref('i.severity'), firstSeen);
  // Key order makes both of the table's B-trees (id, unique key) grow at their end. SQLite built
  // `incoming` in key order (see buildIncomingSqlite), so its rowid order is key order and needs no sort.
  const inKeyOrder = dialect === 'sqlite' ? sql`ORDER BY i.rowid` : sql`ORDER BY i.unique_key`;
  await run(
    db,
    sql`INSERT INTO findings (unique_key, asset_id, host_key, hostname, ip_address, plugin_id, cve, severity, vpr_score,
          cvss_base_score, cvss3_base_score, ports, scanner_state, output_hash, first_seen, lifecycle, resolved_on,
          due_date_source, due_date, sla_breach_date, created_at, updated_at)
        SELECT i.unique_key, i.asset_id, i.host_key, i.hostname, i.ip_address, i.plugin_id, i.cve, i.severity, i.vpr_score,
          i.cvss_base_score, i.cvss3_base_score, i.ports, i.scanner_state, i.output_hash,
          ${firstSeen},
          CASE WHEN ${resolvedWhen} THEN 'resolved' ELSE 'active' END,
          CASE WHEN ${resolvedWhen} THEN ${resolvedOn} ELSE NULL END,
          'sla', ${sla.due}, ${sla.breach},
          ${now}, ${now}
        FROM incoming i WHERE i.finding_id IS NULL
        ${inKeyOrder}`,
  );
  await restoreIndexes();
  // A join, not a correlated subquery: PostgreSQL hashes it instead of probing per row.
  await run(db, sql`UPDATE incoming SET finding_id = f.id FROM findings f
                    WHERE f.unique_key = incoming.unique_key AND incoming.finding_id IS NULL`);
  await run(
    db,
    sql`INSERT INTO finding_sightings (finding_id, last_seen, last_import_id)
        SELECT finding_id, ${scanDate}, CAST(${importId} AS INTEGER) FROM incoming WHERE prev_lifecycle IS NULL
        ORDER BY finding_id`,
  );
}

/** Plugin outputs of new findings, and of seen findings whose output changed (by digest). */
async function writeOutputs(db: Db): Promise<void> {
  await run(
    db,
    sql`INSERT INTO finding_outputs (finding_id, output)
        SELECT i.finding_id, r.output FROM incoming i JOIN stage_rows r ON r.seq = i.source_seq
        WHERE i.output_hash IS NOT NULL AND (i.prev_lifecycle IS NULL OR i.prev_output_hash IS DISTINCT FROM i.output_hash)
        ORDER BY i.finding_id
        ON CONFLICT (finding_id) DO UPDATE SET output = excluded.output`,
  );
}

/**
 * Scanner-owned columns only: the workflow columns are never touched by an import. A
 * finding's row is rewritten only when something about it changed (with index maintenance
 * only when an indexed column did); every sighting just moves its narrow last_seen row.
 */
async function updateSeenFindings(db: Db, scanDate: string, importId: number, now: string): Promise<void> {
  const touchesIndexes = sql`(i.index_changed = 1 OR i.fixed = 1 OR i.prev_lifecycle = 'resolved')`;
  await run(
    db,
    sql`UPDATE findings SET
          asset_id = i.asset_id, hostname = i.hostname, ip_address = i.ip_address, plugin_id = i.plugin_id,
          severity = i.severity, vpr_score = i.vpr_score, cvss_base_score = i.cvss_base_score,
          cvss3_base_score = i.cvss3_base_score, ports = i.ports, scanner_state = i.scanner_state,
          output_hash = coalesce(i.output_hash, findings.output_hash),
          first_seen = CASE WHEN i.first_seen IS NOT NULL AND i.first_seen < findings.first_seen THEN i.first_seen ELSE findings.first_seen END,
          lifecycle = CASE WHEN i.fixed = 1 THEN 'resolved' ELSE 'active' END,
          resolved_on = CASE WHEN i.fixed = 1 THEN coalesce(findings.resolved_on, ${scanDate}) ELSE NULL END,
          reopened_count = findings.reopened_count + CASE WHEN i.fixed = 0 AND findings.lifecycle = 'resolved' THEN 1 ELSE 0 END,
          updated_at = ${now}
        FROM incoming i
        WHERE findings.id = i.finding_id AND i.prev_lifecycle IS NOT NULL AND ${touchesIndexes}`,
  );
  await run(
    db,
    sql`UPDATE findings SET
          hostname = i.hostname, ip_address = i.ip_address, vpr_score = i.vpr_score, cvss_base_score = i.cvss_base_score,
          cvss3_base_score = i.cvss3_base_score, ports = i.ports, scanner_state = i.scanner_state,
          output_hash = coalesce(i.output_hash, findings.output_hash),
          first_seen = CASE WHEN i.first_seen IS NOT NULL AND i.first_seen < findings.first_seen THEN i.first_seen ELSE findings.first_seen END,
          updated_at = CASE WHEN i.changed = 1 THEN ${now} ELSE findings.updated_at END
        FROM incoming i
        WHERE findings.id = i.finding_id AND i.prev_lifecycle = 'active' AND NOT ${touchesIndexes}
          AND (i.changed = 1 OR i.touched = 1)`,
  );
  await run(
    db,
    sql`UPDATE finding_sightings SET last_seen = ${scanDate}, last_import_id = CAST(${importId} AS INTEGER)
        FROM incoming i
        WHERE finding_sightings.finding_id = i.finding_id AND i.prev_lifecycle IS NOT NULL AND i.fixed = 0`,
  );
}

async function writeSnapshots(db: Db, scanDate: string, importId: number): Promise<void> {
  await run(
    db,
    sql`INSERT INTO finding_snapshots (scan_date, finding_id, import_id, severity, vpr_score, vpr_counted)
        SELECT ${scanDate}, i.finding_id, CAST(${importId} AS INTEGER), i.severity, i.vpr_score, i.vpr_counted
        FROM incoming i WHERE i.fixed = 0
        ORDER BY i.finding_id
        ON CONFLICT (scan_date, finding_id) DO UPDATE SET
          import_id = excluded.import_id, severity = excluded.severity,
          vpr_score = excluded.vpr_score, vpr_counted = excluded.vpr_counted`,
  );
}

/** Active findings this scan did not see become resolved; with scope 'hosts' only on hosts the scan covered, with 'state' never. */
async function resolveStale(db: Db, input: RolloverInput): Promise<number> {
  // API data says itself what was fixed (FIXED rows); absence from an incremental export means nothing.
  if (input.scope === 'state') return 0;
  const hostFilter = input.scope === 'hosts' ? sql`AND asset_id IN (SELECT asset_id FROM stage_assets)` : sql``;
  // Driven by the narrow sightings table: only the stale findings' rows are visited.
  return run(
    db,
    sql`UPDATE findings SET lifecycle = 'resolved', resolved_on = ${input.scanDate}, updated_at = ${input.now}
        WHERE id IN (SELECT finding_id FROM finding_sightings WHERE last_seen < ${input.scanDate})
          AND lifecycle = 'active' ${hostFilter}`,
  );
}

/**
 * Recomputes one day's totals from its snapshots (so several files for one day add up).
 * A plugin's VPR is summed once per row even when the row was split into one finding per CVE.
 */
export async function refreshDailyTotals(db: Db, scanDate: string, now: string): Promise<void> {
  const count = (level: number) => sql`coalesce(sum(CASE WHEN severity = ${sql.lit(level)} THEN 1 ELSE 0 END), 0)`;
  const vpr = (level: number) =>
    sql`coalesce(sum(CASE WHEN severity = ${sql.lit(level)} THEN vpr_score * vpr_counted ELSE 0 END), 0)`;
  const fromImports = (column: string) =>
    sql`(SELECT coalesce(sum(${sql.ref(column)}), 0) FROM imports WHERE scan_date = ${scanDate} AND status = 'completed')`;
  await run(
    db,
    sql`INSERT INTO daily_totals (scan_date, total_count, critical_count, high_count, medium_count, low_count, info_count,
          total_vpr, critical_vpr, high_vpr, medium_vpr, low_vpr, info_vpr, new_count, resolved_count, reopened_count, updated_at)
        SELECT ${scanDate}, count(*), ${count(4)}, ${count(3)}, ${count(2)}, ${count(1)}, ${count(0)},
          coalesce(sum(vpr_score * vpr_counted), 0), ${vpr(4)}, ${vpr(3)}, ${vpr(2)}, ${vpr(1)}, ${vpr(0)},
          ${fromImports('created_count')}, ${fromImports('resolved_count')}, ${fromImports('reopened_count')}, ${now}
        FROM finding_snapshots WHERE scan_date = ${scanDate}
        ON CONFLICT (scan_date) DO UPDATE SET
          total_count = excluded.total_count, critical_count = excluded.critical_count, high_count = excluded.high_count,
          medium_count = excluded.medium_count, low_count = excluded.low_count, info_count = excluded.info_count,
          total_vpr = excluded.total_vpr, critical_vpr = excluded.critical_vpr, high_vpr = excluded.high_vpr,
          medium_vpr = excluded.medium_vpr, low_vpr = excluded.low_vpr, info_vpr = excluded.info_vpr,
          new_count = excluded.new_count, resolved_count = excluded.resolved_count,
          reopened_count = excluded.reopened_count, updated_at = excluded.updated_at`,
  );
}

/**
 * Staging: an import first streams its rows into temporary tables on its own connection
 * (SQLite spills them to a temp file; PostgreSQL temp tables skip the WAL). Nothing in the
 * real tables changes until the rollover applies the staged rows in one transaction, and a
 * crash loses only the temp tables, which the database drops by itself.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { type CopyStreamQuery, from as copyFrom } from 'pg-copy-streams';
import type { Writer } from '../database.ts';

/** One finding candidate: a parsed row split per CVE. */
export interface StagedRow {
  seq: number;
  uniqueKey: string;
  /** The staged asset this row belongs to (host names and addresses live there). */
  assetRef: string;
  hostKey: string;
  pluginId: string;
  cve: string | null;
  severity: number;
  vprScore: number | null;
  cvssBaseScore: number | null;
  cvss3BaseScore: number | null;
  /** "443/tcp"; null when the row names no port. */
  portProtocol: string | null;
  scannerState: string | null;
  /** 1 when the scanner reports the finding FIXED. */
  fixed: 0 | 1;
  firstSeen: string | null;
  output: string | null;
  /** Digest of output (textDigest48), to rewrite a stored output only when it changed. */
  outputHash: number | null;
  /** 1 on the first CVE of a row, 0 on the others: a plugin's VPR counts once per host in totals. */
  vprCounted: 0 | 1;
}

const SEQ_LIMIT = 100_000_000;

/**
 * Orders the rows of one unique key so the lowest value is its representative: open before
 * FIXED, then most severe, then highest VPR, then first in the file. The seq is the low part,
 * so `pick_order % 100000000` gives the row back without a window function.
 */
export function pickOrder(row: Pick<StagedRow, 'fixed' | 'severity' | 'vprScore' | 'seq'>): number {
  if (row.seq >= SEQ_LIMIT) throw new Error(`an import is limited to ${SEQ_LIMIT} staged rows`);
  const vprRank = row.vprScore === null ? 101 : 100 - Math.round(row.vprScore * 10);
  return row.fixed * 1e12 + (4 - row.severity) * 1e11 + vprRank * 1e8 + row.seq;
}

export interface StagedAsset {
  assetRef: string;
  tenableUuid: string | null;
  hostKey: string;
  hostname: string | null;
  fqdn: string | null;
  netbiosName: string | null;
  /** The address the latest row named. */
  ipAddress: string | null;
  ipAddresses: string[];
  macAddresses: string[];
  operatingSystem: string | null;
}

export interface StagedPlugin {
  pluginId: string;
  pluginName: string;
  pluginFamily: string | null;
  synopsis: string | null;
  description: string | null;
  solution: string | null;
  seeAlso: string[];
  cvssBaseScore: number | null;
  cvss3BaseScore: number | null;
  vprScore: number | null;
  exploitAvailable: 0 | 1;
}

const ROW_COLUMNS = [
  'seq', 'unique_key', 'asset_ref', 'host_key', 'plugin_id', 'cve', 'severity', 'vpr_score',
  'cvss_base_score', 'cvss3_base_score', 'port_protocol', 'scanner_state', 'fixed', 'first_seen', 'output', 'output_hash', 'vpr_counted', 'pick_order',
] as const;

function rowValues(r: StagedRow): unknown[] {
  return [
    r.seq, r.uniqueKey, r.assetRef, r.hostKey, r.pluginId, r.cve, r.severity, r.vprScore,
    r.cvssBaseScore, r.cvss3BaseScore, r.portProtocol, r.scannerState, r.fixed, r.firstSeen, r.output, r.outputHash, r.vprCounted, pickOrder(r),
  ];
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in PostgreSQL's COPY text format. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = String(value);
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] ?? c) : text;
}

/** Rows are sent to COPY in chunks of about this many characters. */
const COPY_CHUNK = 256 * 1024;

const PLUGIN_COLUMNS = [
  'plugin_id', 'plugin_name', 'plugin_family', 'synopsis', 'description', 'solution', 'see_also', 'cvss_base_score',
  'cvss3_base_score', 'vpr_score', 'exploit_available',
] as const;
const PLUGIN_PG_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'float8', 'int'];

function pluginValues(p: StagedPlugin): unknown[] {
  return [
    p.pluginId, p.pluginName, p.pluginFamily, p.synopsis, p.description, p.solution, JSON.stringify(p.seeAlso),
    p.cvssBaseScore, p.cvss3BaseScore, p.vprScore, p.exploitAvailable,
  ];
}

const ASSET_COLUMNS = [
  'asset_ref', 'tenable_uuid', 'host_key', 'hostname', 'fqdn', 'netbios_name', 'ip_address', 'ip_addresses', 'mac_addresses', 'operating_system',
] as const;
const ASSET_PG_TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text'];

function assetValues(a: StagedAsset): unknown[] {
  return [
    a.assetRef, a.tenableUuid, a.hostKey, a.hostname, a.fqdn, a.netbiosName, a.ipAddress, JSON.stringify(a.ipAddresses),
    JSON.stringify(a.macAddresses), a.operatingSystem,
  ];
}

const PLUGIN_CVE_COLUMNS = ['plugin_id', 'cve_id'] as const;

/** Plugins and CVE links are few: small batches keep memory flat without many round trips. */
const SIDE_BATCH = 200;

const STAGING_TABLES = ['stage_rows', 'stage_assets', 'stage_plugins', 'stage_plugin_cves', 'incoming'];

async function dropStagingTables(writer: Writer): Promise<void> {
  for (const table of STAGING_TABLES) await sql`DROP TABLE IF EXISTS ${sql.raw(table)}`.execute(writer.db);
}

/**
 * Frees the staging tables at the end of an import. SQLite's vanish with the import's own
 * connection; a pooled PostgreSQL connection outlives the import, and its temporary tables
 * would hold disk until the connection is reused.
 */
export async function releaseStagingTables(writer: Writer): Promise<void> {
  if (writer.dialect === 'postgres') await dropStagingTables(writer);
}

/** Creates the staging tables on the writer's connection (dropped first if a previous import on it left them). */
export async function createStagingTables(writer: Writer): Promise<void> {
  await dropStagingTables(writer);
  const real = writer.dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL';
  const key = writer.dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
  const statements = [
    `CREATE TEMP TABLE stage_rows (
      seq INTEGER PRIMARY KEY, unique_key ${key} NOT NULL, asset_ref ${key} NOT NULL, host_key ${key} NOT NULL, plugin_id ${key} NOT NULL, cve TEXT, severity INTEGER NOT NULL,
      vpr_score ${real}, cvss_base_score ${real}, cvss3_base_score ${real}, port_protocol TEXT, scanner_state TEXT,
      fixed INTEGER NOT NULL, first_seen TEXT, output TEXT, output_hash BIGINT, vpr_counted INTEGER NOT NULL, pick_order BIGINT NOT NULL)`,
    `CREATE TEMP TABLE stage_assets (
      asset_ref ${key} PRIMARY KEY, tenable_uuid ${key}, host_key ${key} NOT NULL, hostname TEXT, fqdn TEXT,
      netbios_name TEXT, ip_address TEXT, ip_addresses TEXT NOT NULL, mac_addresses TEXT NOT NULL, operating_system TEXT, asset_id INTEGER)`,
    `CREATE TEMP TABLE stage_plugins (
      plugin_id ${key} PRIMARY KEY, plugin_name TEXT NOT NULL, plugin_family TEXT, synopsis TEXT, description TEXT,
      solution TEXT, see_also TEXT NOT NULL, cvss_base_score ${real}, cvss3_base_score ${real}, vpr_score ${real},
      exploit_available INTEGER NOT NULL)`,
    `CREATE TEMP TABLE stage_plugin_cves (plugin_id ${key} NOT NULL, cve_id ${key} NOT NULL, PRIMARY KEY (plugin_id, cve_id))`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(writer.db);
}

/**
 * Writes staged records with the fastest bulk path each dialect has: on SQLite each row goes
 * straight into a prepared statement inside one transaction on the temporary tables; on
 * PostgreSQL rows stream into COPY (with back-pressure), the smaller tables into unnest() batches.
 */
export class StagingWriter {
  private copy: CopyStreamQuery | undefined;
  private copyChunk = '';
  private sqliteRowInsert: BetterSqlite3.Statement | undefined;
  private sqliteRowsInTransaction = 0;
  private plugins: StagedPlugin[] = [];
  private pluginCves: [string, string][] = [];
  private readonly batchSize: number;

  constructor(private readonly writer: Writer, batchSize = 5000) {
    this.batchSize = batchSize;
  }

  /**
   * Stages a row. On SQLite it is written at once and nothing is returned; on PostgreSQL a
   * promise is returned when COPY's buffer is full (await it: back-pressure for the parser).
   */
  addRow(row: StagedRow): Promise<void> | undefined {
    const { sqlite } = this.writer;
    if (sqlite) {
      if (!this.sqliteRowInsert) {
        this.sqliteRowInsert = sqlite.prepare(`INSERT INTO stage_rows (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`);
      }
      // Staging touches only temporary tables, so one transaction for all rows holds no lock
      // on the real tables; it is committed before anything else is written (see commit()).
      if (this.sqliteRowsInTransaction === 0) sqlite.exec('BEGIN');
      this.sqliteRowInsert.run(rowValues(row));
      this.sqliteRowsInTransaction += 1;
      return undefined;
    }
    this.copyChunk += `${rowValues(row).map(copyField).join('\t')}\n`;
    return this.copyChunk.length >= COPY_CHUNK ? this.sendCopyChunk() : undefined;
  }

  private sendCopyChunk(): Promise<void> | undefined {
    const client = this.writer.pg;
    if (!client) throw new Error('PostgreSQL staging needs the writer connection');
    if (!this.copy) {
      this.copy = client.query(copyFrom(`COPY stage_rows (${ROW_COLUMNS.join(', ')}) FROM STDIN`));
    }
    const chunk = this.copyChunk;
    this.copyChunk = '';
    // once() rejects if COPY fails while we wait, so a server error never leaves the parser hanging.
    return this.copy.write(chunk) ? undefined : once(this.copy, 'drain').then(() => undefined);
  }

  private async endCopy(): Promise<void> {
    if (this.copyChunk.length > 0) await this.sendCopyChunk();
    if (!this.copy) return;
    const copy = this.copy;
    this.copy = undefined;
    copy.end();
    await finished(copy);
  }

  /**
   * Ends the bulk write in progress (SQLite's staging transaction, PostgreSQL's COPY). Call it
   * before any other statement on the writer connection: SQLite would hold the real tables'
   * lock until staging ends, and PostgreSQL would queue the statement behind the COPY forever.
   */
  async commit(): Promise<void> {
    this.commitSqliteRows();
    await this.endCopy();
  }

  private commitSqliteRows(): void {
    if (this.sqliteRowsInTransaction === 0) return;
    this.writer.sqlite?.exec('COMMIT');
    this.sqliteRowsInTransaction = 0;
  }

  /**
   * Plugins and CVE links are written as they come rather than kept until the end: the
   * parser's strings are slices of its read buffers, and holding one would hold the buffer.
   */
  async addPlugin(plugin: StagedPlugin): Promise<void> {
    this.plugins.push(plugin);
    if (this.plugins.length >= SIDE_BATCH) await this.flushPlugins();
  }

  async addPluginCve(pluginId: string, cve: string): Promise<void> {
    this.pluginCves.push([pluginId, cve]);
    if (this.pluginCves.length >= SIDE_BATCH) await this.flushPluginCves();
  }

  private async flushPlugins(): Promise<void> {
    await this.insert('stage_plugins', PLUGIN_COLUMNS, PLUGIN_PG_TYPES, this.plugins.map(pluginValues));
    this.plugins = [];
  }

  private async flushPluginCves(): Promise<void> {
    await this.insert('stage_plugin_cves', PLUGIN_CVE_COLUMNS, ['text', 'text'], this.pluginCves);
    this.pluginCves = [];
  }

  /** Writes everything still buffered, then the assets gathered by the caller. */
  async finish(assets: Iterable<StagedAsset>): Promise<void> {
    await this.commit();
    await this.flushPlugins();
    await this.flushPluginCves();
    const assetRows: unknown[][] = [];
    for (const asset of assets) {
      assetRows.push(assetValues(asset));
      if (assetRows.length >= this.batchSize) await this.insert('stage_assets', ASSET_COLUMNS, ASSET_PG_TYPES, assetRows.splice(0));
    }
    await this.insert('stage_assets', ASSET_COLUMNS, ASSET_PG_TYPES, assetRows);
  }

  private async insert(table: string, columns: readonly string[], pgTypes: readonly string[], rows: unknown[][]): Promise<void> {
    if (rows.length === 0) return;
    await this.commit();
    const { sqlite } = this.writer;
    if (sqlite) {
      const statement = sqlite.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      sqlite.transaction(() => {
        for (const values of rows) statement.run(values);
      })();
      return;
    }
    // One statement per batch: each column travels as one array parameter and unnest() zips them.
    const arrays = columns.map((_, c) => sql`${rows.map((values) => values[c])}::${sql.raw(`${pgTypes[c]}[]`)}`);
    await sql`INSERT INTO ${sql.raw(table)} (${sql.raw(columns.join(', '))}) SELECT * FROM unnest(${sql.join(arrays)})`.execute(this.writer.db);
  }
}

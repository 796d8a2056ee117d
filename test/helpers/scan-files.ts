/** Small synthetic scan files written on the fly, so each test states its own data. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh directory under the system's temporary one, removed when its test file ends. */
export function tempDir(prefix = 'hextrackr-files-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every directory `tempDir` made (test/setup/temp-dirs.ts calls it after each test file). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function writeCsv(dir: string, name: string, header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n');
  return file;
}

/** A row of HexTrackr's own CSV format. */
export interface SimpleRow {
  hostname: string;
  ip?: string;
  severity: string;
  vpr?: number;
  cvss?: number;
  pluginId: string;
  pluginName?: string;
  description?: string;
  cve?: string;
  state?: string;
}

export const SIMPLE_HEADER = ['hostname', 'ip_address', 'severity', 'vpr_score', 'cvss_score', 'plugin_id', 'plugin_name', 'description', 'solution', 'cve', 'state', 'first_seen', 'last_seen'];

export function writeSimpleCsv(dir: string, name: string, rows: readonly SimpleRow[]): string {
  return writeCsv(
    dir,
    name,
    SIMPLE_HEADER,
    rows.map((r) => [r.hostname, r.ip, r.severity, r.vpr, r.cvss, r.pluginId, r.pluginName ?? `Plugin ${r.pluginId}`, r.description ?? `Description of ${r.pluginId}`, 'Patch it.', r.cve, r.state, undefined, undefined]),
  );
}

/** A row of a Nessus Professional CSV export (default columns). */
export interface NessusRow {
  pluginId: string;
  cve?: string;
  risk: string;
  host: string;
  protocol: string;
  port: number;
  name?: string;
  description?: string;
}

export function writeNessusCsv(dir: string, name: string, rows: readonly NessusRow[]): string {
  const header = ['Plugin ID', 'CVE', 'CVSS', 'Risk', 'Host', 'Protocol', 'Port', 'Name', 'Synopsis', 'Description', 'Solution', 'See Also', 'Plugin Output'];
  return writeCsv(
    dir,
    name,
    header,
    rows.map((r) => [r.pluginId, r.cve, undefined, r.risk, r.host, r.protocol, r.port, r.name ?? `Plugin ${r.pluginId}`, 'Synopsis', r.description ?? `Description of ${r.pluginId}`, 'Fix', undefined, 'output']),
  );
}

/** Row types of every table, for Kysely. Dates are ISO text (YYYY-MM-DD or full timestamps) in both dialects. */
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PluginTable {
  plugin_id: string;
  plugin_name: string;
  plugin_family: string | null;
  synopsis: string | null;
  description: string | null;
  solution: string | null;
  see_also: string;
  cvss_base_score: number | null;
  cvss3_base_score: number | null;
  vpr_score: number | null;
  exploit_available: number;
  exploit_ease: string | null;
  risk_factor: string | null;
  patch_publication_date: string | null;
  vulnerability_publication_date: string | null;
  plugin_modification_date: string | null;
  created_at: string;
  updated_at: string;
}

export interface PluginCveTable {
  cve_id: string;
  plugin_id: string;
  correlation_confidence: Generated<number>;
  correlation_source: Generated<string>;
  created_at: string;
}

export interface AssetTable {
  id: Generated<number>;
  tenable_uuid: string | null;
  host_key: string;
  hostname: string | null;
  fqdn: string | null;
  netbios_name: string | null;
  ip_addresses: string;
  mac_addresses: string;
  operating_system: string | null;
  system_type: string | null;
  agent_installed: Generated<number>;
  tags: Generated<string>;
  asset_criticality: string | null;
  correlation_method: string | null;
  correlation_confidence: Generated<number>;
  manual_review_required: Generated<number>;
  first_seen: string;
  last_seen: string;
  created_at: string;
  updated_at: string;
}

/** Tenable settings by name: encrypted credentials, sync watermarks. */
export interface TenableSettingTable {
  name: string;
  value: string;
  updated_at: string;
}

export type CorrelationLogMethod = 'UUID Exact Match' | 'Hostname Fallback' | 'IP Address Correlation' | 'Manual Mapping' | 'New Asset' | 'Rejected';

export interface AssetCorrelationLogTable {
  id: Generated<number>;
  tenable_uuid: string;
  asset_id: number | null;
  correlation_method: CorrelationLogMethod;
  correlation_confidence: number;
  /** JSON arrays. */
  matched_fields: string;
  conflicting_fields: string;
  candidates: string;
  manual_review_required: number;
  decided_by: string;
  created_at: string;
}

export interface ScanHistoryTable {
  id: Generated<number>;
  tenable_scan_id: string;
  scan_name: string;
  scan_start_time: string;
  scan_end_time: string;
  assets_scanned: number;
  vulnerabilities_discovered: number;
  scan_duration_minutes: number;
  scan_type: string;
  status: Generated<string>;
  scanner_version: string | null;
  plugin_set_version: string | null;
  raw_scan_metadata: string;
  archived_at: string | null;
  retention_until: string | null;
  created_at: string;
}

export interface TenableMonthlySummaryTable {
  id: string;
  summary_month: string;
  total_assets: number;
  active_assets: number;
  total_vulnerabilities: number;
  critical_vulnerabilities: number;
  high_vulnerabilities: number;
  medium_vulnerabilities: number;
  low_vulnerabilities: number;
  info_vulnerabilities: number;
  new_vulnerabilities: number;
  remediated_vulnerabilities: number;
  false_positives: number;
  accepted_risks: number;
  scan_jobs_completed: number;
  scan_jobs_failed: number;
  average_scan_time_minutes: number | null;
  average_correlation_confidence: number | null;
  created_at: string;
  updated_at: string;
}

export type ImportStatus = 'running' | 'completed' | 'failed';
/**
 * Which findings an import may resolve by their absence: 'all' (the spec's behaviour),
 * 'hosts' (only on hosts the import covered), or 'state' (none: the scanner's own
 * OPEN/REOPENED/FIXED state decides, as for Tenable API data).
 */
export type RolloverScope = 'all' | 'hosts' | 'state';
export type ImportMode = 'current' | 'backfill';

export interface ImportTable {
  id: Generated<number>;
  file_name: string;
  format: string | null;
  source: Generated<string>;
  scan_date: string;
  scope: RolloverScope;
  mode: ImportMode | null;
  status: ImportStatus;
  phase: string | null;
  error: string | null;
  owner: string | null;
  heartbeat_at: string | null;
  bytes_total: number | null;
  rows_read: Generated<number>;
  findings_count: Generated<number>;
  hosts_count: Generated<number>;
  created_count: Generated<number>;
  updated_count: Generated<number>;
  unchanged_count: Generated<number>;
  resolved_count: Generated<number>;
  reopened_count: Generated<number>;
  rejected_count: Generated<number>;
  started_at: string;
  finished_at: string | null;
}

export interface ImportRejectionTable {
  import_id: number;
  seq: number;
  line: number;
  field: string | null;
  reason: string;
}

export interface FindingTable {
  id: Generated<number>;
  unique_key: string;
  asset_id: number | null;
  host_key: string;
  hostname: string | null;
  ip_address: string | null;
  plugin_id: string;
  cve: string | null;
  severity: number;
  vpr_score: number | null;
  cvss_base_score: number | null;
  cvss3_base_score: number | null;
  ports: string | null;
  scanner_state: string | null;
  /** 48-bit digest of the plugin output (kept in finding_outputs), to rewrite it only when it changes. */
  output_hash: number | null;
  first_seen: string;
  lifecycle: Generated<'active' | 'resolved'>;
  resolved_on: string | null;
  reopened_count: Generated<number>;
  status: Generated<string>;
  assigned_to: string | null;
  assigned_team: string | null;
  priority: Generated<string>;
  due_date: string | null;
  remediation_date: string | null;
  false_positive_reason: string | null;
  accepted_risk_reason: string | null;
  accepted_risk_expires: string | null;
  business_justification: string | null;
  remediation_notes: Generated<string>;
  custom_tags: Generated<string>;
  sla_breach_date: string | null;
  last_modified_by: string | null;
  last_modified_at: string | null;
  correlation_method: string | null;
  correlation_confidence: Generated<number>;
  manual_review_required: Generated<number>;
  correlation_notes: string | null;
  created_at: string;
  updated_at: string;
}

export interface FindingSightingTable {
  finding_id: number;
  last_seen: string;
  last_import_id: number | null;
}

/** A finding with when it was last seen (views findings_view and vulnerabilities_current). */
export interface FindingViewRow extends FindingTable {
  last_seen: string;
  last_import_id: number | null;
}

export interface FindingOutputTable {
  finding_id: number;
  output: string;
}

export interface FindingSnapshotTable {
  scan_date: string;
  finding_id: number;
  import_id: number;
  severity: number;
  vpr_score: number | null;
  vpr_counted: number;
}

export interface DailyTotalsTable {
  scan_date: string;
  total_count: number;
  critical_count: number;
  high_count: number;
  medium_count: number;
  low_count: number;
  info_count: number;
  total_vpr: number;
  critical_vpr: number;
  high_vpr: number;
  medium_vpr: number;
  low_vpr: number;
  info_vpr: number;
  new_count: number;
  resolved_count: number;
  reopened_count: number;
  updated_at: string;
}

export interface DatabaseSchema {
  plugins: PluginTable;
  plugin_cves: PluginCveTable;
  assets: AssetTable;
  imports: ImportTable;
  import_rejections: ImportRejectionTable;
  findings: FindingTable;
  findings_view: FindingViewRow;
  vulnerabilities_current: FindingViewRow;
  finding_sightings: FindingSightingTable;
  finding_outputs: FindingOutputTable;
  finding_snapshots: FindingSnapshotTable;
  daily_totals: DailyTotalsTable;
  tenable_settings: TenableSettingTable;
  asset_correlation_log: AssetCorrelationLogTable;
  scan_history: ScanHistoryTable;
  tenable_monthly_summary: TenableMonthlySummaryTable;
}

export type ImportRow = Selectable<ImportTable>;
export type NewImport = Insertable<ImportTable>;
export type FindingRow = Selectable<FindingTable>;
export type DailyTotalsRow = Selectable<DailyTotalsTable>;

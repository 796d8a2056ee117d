/** Row types of every table, for Kysely. Dates are ISO text (YYYY-MM-DD or full timestamps) in both dialects. */
import type { Generated, Insertable, Selectable } from 'kysely';
import type { Role } from '../shared/roles.ts';

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
  /** Where due_date came from: the SLA policy, a user, or null until the import that created the finding sets it. */
  due_date_source: 'sla' | 'user' | null;
  /** The open status an Accepted Risk returns to when its acceptance expires. */
  status_before_acceptance: string | null;
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

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  role: Role;
  /** argon2id PHC string. */
  password_hash: string;
  disabled: Generated<number>;
  failed_logins: Generated<number>;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

export interface SessionTable {
  /** SHA-256 (hex) of the secret in the cookie; the secret itself is never stored. */
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  /** The earlier of last use + idle timeout and creation + absolute lifetime. */
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  role: Role;
  /** SHA-256 (hex) of the whole token. */
  token_hash: string;
  /** The token's first characters, to recognise it in a list. */
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  /** When its last 'token.used' audit row was written (at most one per hour). */
  use_audited_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  /** JSON object. */
  details: Generated<string>;
}

export type JobStatus = 'queued' | 'waiting' | 'retrying' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A background job (the spec's ScanJob). JSON columns hold text; the repository parses them. */
export interface JobTable {
  id: Generated<number>;
  job_type: string;
  status: JobStatus;
  /** 1 low, 2 normal, 3 high, 4 critical. */
  priority: number;
  payload: string;
  tenable_scan_id: string | null;
  progress_percentage: Generated<number>;
  current_phase: Generated<string>;
  current_operation: Generated<string>;
  assets_processed: Generated<number>;
  vulnerabilities_processed: Generated<number>;
  import_id: number | null;
  attempts: Generated<number>;
  max_attempts: number;
  run_after: string;
  window_start: string | null;
  window_end: string | null;
  cancel_requested: Generated<number>;
  locked_by: string | null;
  heartbeat_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  /** Handler state that survives a restart (e.g. a launched scan's uuid). */
  checkpoint: string | null;
  result: string | null;
  notification: string | null;
  schedule_id: number | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface JobProgressLogTable {
  id: Generated<number>;
  job_id: number;
  at: string;
  phase: string;
  percentage: number;
  message: string;
  level: 'info' | 'warn' | 'error';
}

export interface JobScheduleTable {
  id: Generated<number>;
  name: string;
  job_type: string;
  cron: string;
  payload: string;
  priority: number;
  window_start: string | null;
  window_end: string | null;
  enabled: number;
  last_run_at: string | null;
  next_run_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** Append-only: one row per changed workflow field (triggers refuse UPDATE and DELETE). */
export interface FindingHistoryTable {
  id: Generated<number>;
  finding_id: number;
  changed_at: string;
  changed_by: string;
  source: 'user' | 'import' | 'sync' | 'system';
  field: string;
  old_value: string | null;
  new_value: string | null;
}

export interface SyncConflictTable {
  id: Generated<number>;
  finding_id: number;
  conflict_type: string;
  sync_action: string;
  resolution_strategy: string;
  import_id: number | null;
  detected_at: string;
  /** JSON object. */
  details: Generated<string>;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
  resolution_note: string | null;
}

export interface SettingTable {
  key: string;
  /** JSON document. */
  value: string;
  updated_at: string;
  updated_by: string;
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
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_log: AuditLogTable;
  jobs: JobTable;
  job_progress_log: JobProgressLogTable;
  job_schedules: JobScheduleTable;
  finding_history: FindingHistoryTable;
  sync_conflicts: SyncConflictTable;
  settings: SettingTable;
  tenable_settings: TenableSettingTable;
  asset_correlation_log: AssetCorrelationLogTable;
  scan_history: ScanHistoryTable;
  tenable_monthly_summary: TenableMonthlySummaryTable;
}

export type ImportRow = Selectable<ImportTable>;
export type NewImport = Insertable<ImportTable>;
export type FindingRow = Selectable<FindingTable>;
export type DailyTotalsRow = Selectable<DailyTotalsTable>;
export type UserRow = Selectable<UserTable>;
export type SessionRow = Selectable<SessionTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type JobRow = Selectable<JobTable>;
export type NewJob = Insertable<JobTable>;
export type JobProgressLogRow = Selectable<JobProgressLogTable>;
export type JobScheduleRow = Selectable<JobScheduleTable>;
export type FindingHistoryRow = Selectable<FindingHistoryTable>;
export type SyncConflictRow = Selectable<SyncConflictTable>;

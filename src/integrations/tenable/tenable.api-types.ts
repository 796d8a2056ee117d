/**
 * Wire types of the Tenable APIs, exactly as Tenable sends and accepts them (field names,
 * nesting, string-vs-number quirks). Source: docs in ../shared/reference/tenable-api.md and the
 * recorded responses of the shared corpus. Shared by the simulator and the (future) client.
 *
 * Optional fields are optional because Tenable omits empty attributes; a client must accept every
 * field as absent unless it is marked required here.
 */

// ------------------------------------------------------------------------------------------------
// Tenable Vulnerability Management (TVM): common
// ------------------------------------------------------------------------------------------------

/** Gateway-style error (401, 403, 404, 500, 502, 504). */
export interface TvmGatewayError {
  statusCode: number;
  error: string;
  message: string;
}

/** Asset-export service error: `{"status":404,"message":"Job with UUID: … not found"}`, duplicate asset export (429). */
export interface TvmServiceError {
  status: number;
  message: string;
}

/** Scan service error: `{"error":"Scan not found"}` (documented wrapped as `{"info":{"error":…}}`). */
export interface TvmScanServiceError {
  error: string;
}

/** 409 on a duplicate vulnerability export. */
export interface VulnExportConflict {
  active_job_id: string;
  failure_reason: string;
}

export type ExportStatus = 'QUEUED' | 'PROCESSING' | 'FINISHED' | 'CANCELLED' | 'ERROR';
export type FindingState = 'OPEN' | 'REOPENED' | 'FIXED';
export type SeverityName = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type SeverityModificationType = 'NONE' | 'RECASTED' | 'ACCEPTED';

/** Numeric range filter (`vpr_score`, `epss_score`, `cvss4_base_score`, `vpr_v2_score`). */
export interface RangeFilter {
  eq?: number[];
  neq?: number[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface ExportCreated {
  export_uuid: string;
}

// ------------------------------------------------------------------------------------------------
// TVM vulnerability export
// ------------------------------------------------------------------------------------------------

export interface VulnExportFilters {
  /** Unix seconds. Not combinable with first/last_found/seen or last_fixed. */
  since?: number;
  first_found?: number;
  first_seen?: number;
  last_found?: number;
  last_seen?: number;
  last_fixed?: number;
  indexed_at?: number;
  resurfaced_date?: number;
  /** OPEN, REOPENED, FIXED (case-insensitive on input). Default OPEN + REOPENED. */
  state?: string[];
  /** info, low, medium, high, critical. */
  severity?: string[];
  plugin_id?: number[];
  plugin_family?: string[];
  plugin_type?: string;
  cidr_range?: string;
  network_id?: string;
  scan_uuid?: string;
  source?: string[];
  severity_modification_type?: string[];
  cve_id?: string[];
  vpr_score?: RangeFilter;
  vpr_v2_score?: RangeFilter;
  epss_score?: RangeFilter;
  cvss4_base_score?: RangeFilter;
  [tag: `tag.${string}`]: string[];
}

export interface VulnExportRequest {
  /** Assets per chunk, 50-5000 (clamped); old clients send it as a string. */
  num_assets?: number | string;
  include_unlicensed?: boolean;
  include_software_vulns?: boolean;
  filters?: VulnExportFilters;
}

/** The filters as the status endpoint echoes them: unset time filters as 0, tags grouped, scan_uuid as `scanuuid`. */
export interface VulnExportFilterEcho {
  state?: string[];
  severity?: string[];
  tags?: Record<string, string[]>;
  scanuuid?: string;
  since: number;
  first_found: number;
  last_found: number;
  last_fixed: number;
  first_seen: number;
  last_seen: number;
  indexed_at: number;
  resurfaced_date?: number;
  plugin_ids?: number[];
  plugin_family?: string[];
  plugin_type?: string;
  cidr_range?: string;
  network_id?: string;
  cve_id?: string[];
  source?: string[];
  vpr_score?: Required<RangeFilter>;
  vpr_v2_score?: Required<RangeFilter>;
  epss_score?: Required<RangeFilter>;
  cvss4_base_score?: Required<RangeFilter>;
}

export interface VulnExportStatusBody {
  uuid: string;
  status: ExportStatus;
  chunks_available: number[];
  chunks_failed: number[];
  chunks_cancelled: number[];
  total_chunks: number;
  chunks_available_count: number;
  empty_chunks_count: number;
  finished_chunks: number;
  filters: VulnExportFilterEcho;
  num_assets_per_chunk: number;
  /** Milliseconds. */
  created: number;
  /** Only on ERROR, or FINISHED with failed chunks. */
  reason?: string;
}

export type VulnExportJob = Omit<VulnExportStatusBody, 'chunks_available' | 'chunks_failed' | 'chunks_cancelled'>;

export interface VulnExportJobList {
  exports: VulnExportJob[];
}

/** Recorded cancel body; the documented one is `{"status":"CANCELLED"}`. */
export interface VulnExportCancelled {
  export_uuid: string;
  export_status: 'CANCELLED';
}

export interface VulnFindingAsset {
  uuid: string;
  hostname?: string;
  fqdn?: string;
  ipv4?: string;
  ipv6?: string;
  mac_address?: string;
  netbios_name?: string;
  netbios_workgroup?: string;
  operating_system?: string[];
  device_type?: string;
  bios_uuid?: string;
  agent_uuid?: string;
  serial_number?: string;
  network_id?: string;
  last_authenticated_results?: string;
  last_unauthenticated_results?: string;
  tracked?: boolean;
}

export interface CvssV2Vector {
  access_complexity?: string;
  access_vector?: string;
  authentication?: string;
  availability_impact?: string;
  confidentiality_impact?: string;
  integrity_impact?: string;
  raw: string;
}

export interface CvssV3Vector {
  access_complexity?: string;
  access_vector?: string;
  availability_impact?: string;
  confidentiality_impact?: string;
  integrity_impact?: string;
  raw: string;
}

export interface CvssTemporalVector {
  exploitability?: string;
  remediation_level?: string;
  report_confidence?: string;
  raw: string;
}

export interface CvssV4Vector {
  attack_vector?: string;
  attack_complexity?: string;
  attack_requirements?: string;
  privileges_required?: string;
  user_interaction?: string;
  vulnerable_system_confidentiality?: string;
  vulnerable_system_integrity?: string;
  vulnerable_system_availability?: string;
  subsequent_system_confidentiality?: string;
  subsequent_system_integrity?: string;
  subsequent_system_availability?: string;
  raw: string;
}

export interface VprDrivers {
  age_of_vuln?: { lower_bound?: number; upper_bound?: number };
  exploit_code_maturity?: string;
  cvss_impact_score_predicted?: boolean;
  cvss3_impact_score?: number;
  threat_intensity_last28?: string;
  threat_recency?: { lower_bound?: number; upper_bound?: number };
  threat_sources_last28?: string[];
  product_coverage?: string;
}

export interface Vpr {
  score?: number;
  drivers?: VprDrivers;
  updated?: string;
}

export interface VprV2 {
  score?: number;
  vpr_percentile?: number;
  vpr_severity?: string;
  exploit_probability?: number;
  cve_id?: string;
  exploit_code_maturity?: string;
  on_cisa_kev?: boolean;
  in_the_news_intensity_last30?: string;
  in_the_news_recency?: string;
  malware_observations_intensity_last30?: string;
  malware_observations_recency?: string;
}

export interface VulnFindingPlugin {
  id: number;
  name?: string;
  family?: string;
  family_id?: number;
  type?: string;
  version?: string;
  synopsis?: string;
  description?: string;
  solution?: string;
  see_also?: string[];
  cve?: string[];
  bid?: number[];
  cpe?: string[];
  xrefs?: { type: string; id: string }[];
  risk_factor?: string;
  cvss_base_score?: number;
  cvss_temporal_score?: number;
  cvss_vector?: CvssV2Vector;
  cvss_temporal_vector?: CvssTemporalVector;
  cvss3_base_score?: number;
  cvss3_temporal_score?: number;
  cvss3_vector?: CvssV3Vector;
  cvss3_temporal_vector?: CvssTemporalVector;
  cvss4_base_score?: number;
  cvss4_vector?: CvssV4Vector;
  cvss4_threat_vector?: { threat_score?: number; exploit_maturity?: string; raw: string };
  epss_score?: number;
  vpr?: Vpr;
  vpr_v2?: VprV2;
  exploit_available?: boolean;
  exploitability_ease?: string;
  exploit_framework_metasploit?: boolean;
  exploit_framework_core?: boolean;
  exploit_framework_canvas?: boolean;
  exploit_framework_d2_elliot?: boolean;
  exploit_framework_exploithub?: boolean;
  exploited_by_malware?: boolean;
  exploited_by_nessus?: boolean;
  in_the_news?: boolean;
  has_patch?: boolean;
  unsupported_by_vendor?: boolean;
  checks_for_default_account?: boolean;
  checks_for_malware?: boolean;
  publication_date?: string;
  modification_date?: string;
  patch_publication_date?: string;
  vuln_publication_date?: string;
  ms_bulletin?: string[];
  stig_severity?: string;
  vendor_severity?: string;
  vendor_unpatched?: boolean;
  has_workaround?: boolean;
  workaround?: string;
  workaround_type?: string;
  workaround_published?: string;
}

export interface VulnFindingPort {
  /** 0 for host-level findings. */
  port: number;
  /** Upper-case: TCP, UDP, ICMP. */
  protocol: string;
  service?: string;
}

export interface VulnFindingScan {
  uuid: string;
  schedule_uuid?: string;
  started_at?: string;
  completed_at?: string;
  last_scan_target?: string;
}

/** One element of a `/vulns/export` chunk (tenable-api.md §2.5). Timestamps are ISO-8601 strings. */
export interface VulnFinding {
  asset: VulnFindingAsset;
  plugin: VulnFindingPlugin;
  port: VulnFindingPort;
  scan: VulnFindingScan;
  output?: string;
  severity: SeverityName;
  severity_id: number;
  severity_default_id: number;
  severity_modification_type: SeverityModificationType | string;
  state: FindingState;
  first_found: string;
  last_found: string;
  last_fixed?: string;
  indexed?: string;
  source?: string;
  finding_id?: string;
  resurfaced_date?: string;
  /** Seconds; documented as a string, shown as a number elsewhere. */
  time_taken_to_fix?: number | string;
  recast_reason?: string;
  recast_rule_uuid?: string;
  software_vulns?: unknown[];
}

// ------------------------------------------------------------------------------------------------
// TVM asset export (v1 and v2)
// ------------------------------------------------------------------------------------------------

export interface AssetExportFilters {
  created_at?: number;
  updated_at?: number;
  terminated_at?: number;
  deleted_at?: number;
  first_scan_time?: number;
  last_authenticated_scan_time?: number;
  last_assessed?: number;
  /** v2 only: updated, deleted or terminated since. */
  since?: number;
  is_terminated?: boolean;
  is_deleted?: boolean;
  is_licensed?: boolean;
  has_plugin_results?: boolean;
  servicenow_sysid?: boolean;
  last_scan_id?: string;
  network_id?: string;
  sources?: string[];
  /** v2 only: host (default), webapp. */
  types?: string[];
  [tag: `tag.${string}`]: string[];
}

export interface AssetExportRequest {
  /** Assets per chunk, 100-10000; out of range is a 400. */
  chunk_size: number;
  include_open_ports?: boolean;
  include_resource_tags?: boolean;
  filters?: AssetExportFilters;
}

export interface AssetExportStatusBody {
  status: ExportStatus;
  chunks_available: number[];
  reason?: string;
}

/** Asset job list entry: `filters` is a JSON-encoded string. */
export interface AssetExportJob {
  uuid: string;
  status: ExportStatus;
  total_chunks?: number;
  finished_chunks?: number;
  filters: string;
  num_assets_per_chunk: number;
  created: number;
}

export interface AssetExportJobList {
  exports: AssetExportJob[];
}

export interface AssetSource {
  name: string;
  first_seen: string;
  last_seen: string;
}

export interface AssetTag {
  uuid: string;
  key: string;
  value: string;
  added_by?: string | null;
  added_at: string;
}

export interface AssetOpenPort {
  port: number;
  protocol: string;
  service_names: string[];
  first_seen: string;
  last_seen: string;
}

export interface AssetV1NetworkInterface {
  name: string;
  virtual?: boolean | null;
  aliased?: boolean | null;
  fqdns: string[];
  mac_addresses: string[];
  ipv4s: string[];
  ipv6s: string[];
}

/** Asset export v1 model: flat, nulls and empty arrays emitted explicitly. */
export interface AssetV1 {
  id: string;
  has_agent: boolean;
  has_plugin_results: boolean | null;
  created_at: string;
  terminated_at: string | null;
  terminated_by: string | null;
  updated_at: string;
  deleted_at: string | null;
  deleted_by: string | null;
  first_seen: string;
  last_seen: string;
  first_scan_time: string | null;
  last_scan_time: string | null;
  last_authenticated_scan_date: string | null;
  last_licensed_scan_date: string | null;
  last_scan_id: string | null;
  last_schedule_id: string | null;
  azure_vm_id: string | null;
  azure_resource_id: string | null;
  gcp_project_id: string | null;
  gcp_zone: string | null;
  gcp_instance_id: string | null;
  aws_ec2_instance_ami_id: string | null;
  aws_ec2_instance_id: string | null;
  agent_uuid: string | null;
  bios_uuid: string | null;
  network_id: string;
  network_name: string;
  aws_owner_id: string | null;
  aws_availability_zone: string | null;
  aws_region: string | null;
  aws_vpc_id: string | null;
  aws_ec2_instance_group_name: string | null;
  aws_ec2_instance_state_name: string | null;
  aws_ec2_instance_type: string | null;
  aws_subnet_id: string | null;
  aws_ec2_product_code: string | null;
  aws_ec2_name: string | null;
  mcafee_epo_guid: string | null;
  mcafee_epo_agent_guid: string | null;
  servicenow_sysid: string | null;
  bigfix_asset_id: string | null;
  agent_names: string[];
  installed_software: string[];
  ipv4s: string[];
  ipv6s: string[];
  fqdns: string[];
  mac_addresses: string[];
  netbios_names: string[];
  operating_systems: string[];
  system_types: string[];
  hostnames: string[];
  ssh_fingerprints: string[];
  qualys_asset_ids: string[];
  qualys_host_ids: string[];
  manufacturer_tpm_ids: string[];
  symantec_ep_hardware_keys: string[];
  sources: AssetSource[];
  tags: AssetTag[];
  network_interfaces: AssetV1NetworkInterface[];
  /** Strings, e.g. "4" and "744.0". */
  acr_score: string | null;
  exposure_score: string | null;
  open_ports?: AssetOpenPort[];
  resource_tags?: { key: string; value: string }[];
  serial_number?: string | null;
  last_scan_target?: string | null;
  environment_id?: string | null;
  ratings?: { acr?: { score: number }; aes?: { score: number } };
  tenable_agent_days_since_active?: number;
}

/** Asset export v2 model: nested, empties omitted. */
export interface AssetV2 {
  id: string;
  types?: string[];
  is_licensed?: boolean;
  is_public?: boolean;
  has_agent?: boolean;
  has_plugin_results?: boolean;
  operating_systems?: string[];
  system_types?: string[];
  installed_software?: string[];
  sources?: AssetSource[];
  tags?: AssetTag[];
  custom_attributes?: { id: string; value: string }[];
  serial_number?: string;
  ratings?: { acr?: { score: number }; aes?: { score: number } };
  scan?: {
    first_scan_time?: string;
    last_scan_time?: string;
    last_authenticated_scan_date?: string;
    last_licensed_scan_date?: string;
    last_scan_id?: string;
    last_schedule_id?: string;
  };
  network?: {
    network_id?: string;
    network_name?: string;
    ipv4s?: string[];
    ipv6s?: string[];
    fqdns?: string[];
    mac_addresses?: string[];
    hostnames?: string[];
    network_interfaces?: { name: string; fqdns?: string[]; mac_addresses?: string[]; ipv4s?: string[]; ipv6s?: string[] }[];
    open_ports?: AssetOpenPort[];
  };
  timestamps?: { created_at?: string; updated_at?: string; first_seen?: string; last_seen?: string };
  cloud?: Record<string, Record<string, string>>;
  resource_tags?: { key: string; value: string }[];
  tenable_agent_days_since_active?: number;
}

// ------------------------------------------------------------------------------------------------
// TVM scans
// ------------------------------------------------------------------------------------------------

/** Lower-case; `canceled` has one "l". */
export type ScanStatus =
  | 'empty'
  | 'initializing'
  | 'pending'
  | 'running'
  | 'processing'
  | 'publishing'
  | 'completed'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'stopping'
  | 'stopped'
  | 'canceled'
  | 'aborted'
  | 'imported';

export interface ScanFolder {
  id: number;
  name: string;
  type: 'trash' | 'main' | 'custom' | string;
  custom: number;
  unread_count: number;
  default_tag: number;
}

export interface ScanListEntry {
  id: number;
  uuid: string | null;
  schedule_uuid: string;
  name: string;
  owner: string;
  status: ScanStatus | string;
  enabled: boolean;
  control: boolean;
  read: boolean;
  shared: boolean;
  legacy: boolean;
  permissions: number;
  user_permissions: number;
  creation_date: number;
  last_modification_date: number;
  has_triggers?: boolean;
  status_times?: Partial<Record<'initializing' | 'pending' | 'processing' | 'publishing' | 'running', number>>;
  pci_upload?: boolean;
  is_archived?: boolean;
  type?: string | null;
  policy_id?: number | null;
  template_uuid?: string | null;
  wizard_uuid?: string | null;
  rrules?: string | null;
  starttime?: string | null;
  timezone?: string | null;
  progress?: number;
  total_targets?: number;
}

export interface ScanListBody {
  scans: ScanListEntry[];
  folders: ScanFolder[];
  timestamp: number;
}

export interface ScanAcl {
  permissions: number;
  owner: number | null;
  display_name: string | null;
  name: string | null;
  uuid: string | null;
  id: number | null;
  type: string;
}

export interface ScanInfo {
  owner: string;
  name: string;
  no_target: boolean;
  folder_id: number;
  control: boolean;
  user_permissions: number;
  schedule_uuid: string;
  edit_allowed: boolean;
  scanner_name: string;
  policy: string;
  shared: boolean | null;
  object_id: number;
  tag_targets: string[] | null;
  acls: ScanAcl[];
  hostcount: number;
  /** The run (history) uuid: equals the launch `scan_uuid` and the export filter `scan_uuid`. */
  uuid: string;
  status: ScanStatus | string;
  scan_type: string;
  targets: string;
  alt_targets_used: boolean;
  'pci-can-upload': boolean;
  scan_start: number;
  timestamp: number;
  is_archived: boolean;
  reindexing: boolean;
  scan_end?: number;
  haskb: boolean;
  hasaudittrail: boolean;
  scanner_start: number | null;
  scanner_end: number | null;
}

export interface ScanHost {
  asset_id: number;
  host_id: number;
  uuid: string;
  hostname: string;
  progress: string;
  scanprogresscurrent: number;
  scanprogresstotal: number;
  numchecksconsidered: number;
  totalchecksconsidered: number;
  severitycount: { item: { count: number; severitylevel: number }[] };
  severity: number;
  score: number;
  info: number;
  low: number;
  medium: number;
  high: number;
  critical: number;
  host_index: number;
}

export interface ScanVulnerabilitySummary {
  count: number;
  plugin_id: number;
  plugin_name: string;
  severity: number;
  plugin_family: string;
  vuln_index: number;
}

export interface ScanFilterControl {
  type: string;
  regex?: string;
  readable_regex?: string;
  maxlength?: number;
  list?: (string | { id: number; name: string; value?: string })[];
}

export interface ScanFilterDefinition {
  name: string;
  readable_name: string;
  control: ScanFilterControl;
  operators: string[];
  group_name: string;
  customControl?: { cstmOpr: string; cstmCntrl: ScanFilterControl }[];
}

export interface ScanHistoryEntry {
  history_id: number;
  owner_id: number;
  creation_date: number;
  last_modification_date: number;
  uuid: string;
  type: string;
  status: ScanStatus | string;
  scheduler: number;
  alt_targets_used: boolean;
  is_archived: boolean;
}

export interface ScanDetails {
  info: ScanInfo;
  hosts: ScanHost[];
  vulnerabilities: ScanVulnerabilitySummary[];
  comphosts: unknown[];
  compliance: unknown[];
  filters: ScanFilterDefinition[];
  history: ScanHistoryEntry[];
  notes: unknown[];
  remediations: { num_cves: number; num_hosts: number; num_remediated_cves: number; num_impacted_hosts: number; remediations: unknown[] };
  progress?: number;
}

export interface ScanLaunchRequest {
  alt_targets?: string[];
  rollover?: boolean;
}

export interface ScanLaunchResponse {
  scan_uuid: string;
}

export interface ScanLatestStatus {
  status: ScanStatus | string;
}

export interface ScanHistoryList {
  pagination: { offset: number; total: number; sort: { order: string; name: string }[]; limit: number };
  history: {
    id: number;
    scan_uuid: string;
    status: ScanStatus | string;
    time_start: number;
    time_end: number;
    is_archived: boolean;
    visibility: string;
    targets: { custom: boolean; default: string | null };
  }[];
}

export type ScanExportFormat = 'nessus' | 'csv' | 'html' | 'pdf' | 'db';

export interface ScanExportRequest {
  format: ScanExportFormat | string;
  chapters?: string;
  password?: string;
  template_id?: number;
}

/** TVM answers `{file, temp_token}`; Nessus answers `{file, token}`. */
export interface ScanExportResponse {
  file: string;
  temp_token?: string;
  token?: string;
}

export interface ScanExportStatus {
  status: 'ready' | 'loading' | string;
}

// ------------------------------------------------------------------------------------------------
// TVM plugins
// ------------------------------------------------------------------------------------------------

export interface PluginFamily {
  id: number;
  name: string;
  count: number;
}

export interface PluginFamiliesBody {
  families: PluginFamily[];
}

export interface PluginFamilyDetails {
  id: number;
  name: string;
  plugins: { id: number; name: string }[];
}

/** Attributes of a `/plugins/plugin` list item (risk_factor upper-case here; no family). */
export interface PluginListAttributes {
  synopsis?: string;
  description?: string;
  solution?: string;
  see_also?: string[];
  risk_factor?: string;
  plugin_publication_date?: string;
  plugin_modification_date?: string;
  patch_publication_date?: string;
  vuln_publication_date?: string;
  has_patch?: boolean;
  exploit_available?: boolean;
  always_run?: boolean;
  compliance?: boolean;
  cvss_base_score?: number;
  cvss_temporal_score?: number;
  cvss_vector?: Record<string, string>;
  cvss_temporal_vector?: Record<string, string>;
  cvss3_base_score?: number;
  cvss3_temporal_score?: number;
  cvss3_vector?: Record<string, string>;
  cvss3_temporal_vector?: Record<string, string>;
  cve?: string[];
  bid?: number[];
  cpe?: string[];
  xref?: string[];
  xrefs?: { type: string; id: string }[];
  /** `{}` when the plugin has no VPR. */
  vpr?: Vpr;
  plugin_type?: string;
  plugin_version?: string;
  intel_type?: string;
  exploited_by_malware?: boolean;
  exploited_by_nessus?: boolean;
  exploit_framework_canvas?: boolean;
  exploit_framework_core?: boolean;
  exploit_framework_d2_elliot?: boolean;
  exploit_framework_exploithub?: boolean;
  exploit_framework_metasploit?: boolean;
  in_the_news?: boolean;
  unsupported_by_vendor?: boolean;
  default_account?: boolean;
  malware?: boolean;
}

export interface PluginListBody {
  data: { plugin_details: { id: number; name: string; attributes: PluginListAttributes }[] };
  size: number;
  params: { page: number; size: number; last_updated: string };
  total_count: number;
}

/** `/plugins/plugin/{id}`: attributes as a name/value list, dates like 2005/08/26. */
export interface PluginDetailsBody {
  id: number;
  name: string;
  family_name: string;
  attributes: { attribute_name: string; attribute_value: string }[];
}

// ------------------------------------------------------------------------------------------------
// Tenable Security Center (SC): almost every number is a string
// ------------------------------------------------------------------------------------------------

export interface ScResponse<T> {
  type: 'regular' | string;
  response: T;
  error_code: number;
  error_msg: string;
  warnings: unknown[];
  timestamp: number;
}

export interface ScTokenRequest {
  username: string;
  password: string;
  releaseSession?: boolean;
}

export interface ScTokenResponse {
  lastLogin: string;
  lastLoginIP: string;
  failedLogins: string;
  failedLoginIP: string;
  lastFailedLogin: string;
  token: string | number;
  unassociatedCert: string;
}

export interface ScAnalysisFilter {
  filterName: string;
  operator: string;
  value: string | { id: string } | unknown;
}

export interface ScAnalysisRequest {
  type: 'vuln' | string;
  sourceType: 'cumulative' | 'patched' | 'individual' | string;
  scanID?: string | number;
  view?: 'all' | 'new' | 'patched' | string;
  wasVuln?: string;
  query:
    | { id: string | number }
    | {
        type: 'vuln' | string;
        tool: string;
        startOffset?: number | string;
        endOffset?: number | string;
        filters?: ScAnalysisFilter[];
      };
  sortField?: string;
  sortDir?: string;
}

export interface ScAnalysisResponse<T> {
  totalRecords: string;
  returnedRecords: number;
  startOffset: string;
  endOffset: string;
  matchingDataElementCount: string;
  results: T[];
}

export interface ScSeverity {
  id: string;
  name: string;
  description: string;
}

/** `tool: vulndetails` result: one per finding. */
export interface ScVulnDetail {
  pluginID: string;
  severity: ScSeverity;
  hasBeenMitigated: string;
  acceptRisk: string;
  recastRisk: string;
  ip: string;
  uuid: string;
  port: string;
  protocol: string;
  pluginName: string;
  firstSeen: string;
  lastSeen: string;
  exploitAvailable: string;
  exploitEase: string;
  exploitFrameworks: string;
  synopsis: string;
  description: string;
  solution: string;
  seeAlso: string;
  riskFactor: string;
  stigSeverity: string;
  baseScore: string;
  temporalScore: string;
  cvssVector: string;
  cvssV3BaseScore: string;
  cvssV3TemporalScore: string;
  cvssV3Vector: string;
  cpe: string;
  vulnPubDate: string;
  patchPubDate: string;
  pluginPubDate: string;
  pluginModDate: string;
  checkType: string;
  version: string;
  cve: string;
  bid: string;
  xref: string;
  pluginText: string;
  dnsName: string;
  macAddress: string;
  netbiosName: string;
  uniqueness: string;
  family: { id: string; name: string; type: string };
  repository: { id: string; name: string; description: string; dataFormat: string };
  pluginInfo: string;
}

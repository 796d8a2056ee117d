/**
 * Scans: one daily scan schedule per slice of the estate (history = one completed run per day),
 * on-demand launches with the real status values (initializing → pending → running → publishing
 * → completed; stop → stopping → canceled), scan details, history, and the Nessus-style export
 * of a run as .nessus (XML) or CSV, streamed host by host (tenable-api.md §4 and §7).
 */
import { Readable } from 'node:stream';
import type {
  ScanDetails,
  ScanFilterDefinition,
  ScanHistoryEntry,
  ScanHistoryList,
  ScanHost,
  ScanListBody,
  ScanListEntry,
  ScanStatus,
  ScanVulnerabilitySummary,
} from '../tenable.api-types.ts';
import { SEVERITY_NAMES } from './catalog.ts';
import { epochSeconds, type SimClock } from './clock.ts';
import type { Estate, FindingView, ScanSchedule } from './estate.ts';
import { Prng, hash } from './random.ts';

const OWNER = 'secops@example.com';
const OWNER_ID = 2263447;
const FOLDER_ID = 253;
const HISTORY_DAYS_BEFORE_START = 6;

/** Statuses after which a scan is no longer active. */
const ENDED = new Set<ScanStatus>(['completed', 'canceled', 'aborted', 'stopped', 'imported', 'empty']);
const LAUNCH_FLOW: ScanStatus[] = ['initializing', 'pending', 'running', 'publishing', 'completed'];

interface ManualRun {
  historyId: number;
  uuid: string;
  status: ScanStatus;
  createdMs: number;
  endedMs?: number;
  day: number;
  targets: string;
}

interface ScanExport {
  file: string;
  token: string;
  scan: ScanSchedule;
  day: number;
  format: 'nessus' | 'csv';
  polls: number;
}

export type LaunchResult = { scanUuid: string } | { error: 'already-running' | 'too-many' };

export class ScanService {
  private readonly manual = new Map<number, ManualRun[]>();
  private readonly exports = new Map<string, ScanExport>();
  private readonly rng: Prng;
  private nextHistoryId = 14_000_000;
  private nextFile = 1_136_450_000;

  constructor(
    private readonly estate: Estate,
    private readonly clock: SimClock,
    private readonly maxActiveScans: () => number,
    /** Status polls answered `loading` before an export is `ready`. */
    private readonly loadingPolls: () => number = () => 1,
  ) {
    this.rng = new Prng(hash(estate.seed, 0x5ca45));
  }

  private today(): number {
    return this.estate.dayAt(this.clock.now());
  }

  /** By numeric id or schedule uuid. */
  find(idOrUuid: string): ScanSchedule | undefined {
    return this.estate.scans.find((s) => String(s.id) === idOrUuid || s.scheduleUuid === idOrUuid);
  }

  private dailyHistoryId(scan: ScanSchedule, day: number): number {
    return 13_000_000 + (day + HISTORY_DAYS_BEFORE_START) * 100 + scan.index;
  }

  private latestManual(scan: ScanSchedule): ManualRun | undefined {
    const runs = this.manual.get(scan.id);
    return runs?.[runs.length - 1];
  }

  /** Advance a launched run one status step (called on status polls). */
  private step(run: ManualRun): void {
    if (ENDED.has(run.status)) return;
    if (run.status === 'stopping') {
      run.status = 'canceled';
    } else {
      const i = LAUNCH_FLOW.indexOf(run.status);
      run.status = LAUNCH_FLOW[Math.min(LAUNCH_FLOW.length - 1, i + 1)]!;
    }
    if (ENDED.has(run.status)) run.endedMs = this.clock.now();
  }

  private activeRuns(): number {
    let count = 0;
    for (const runs of this.manual.values()) for (const run of runs) if (!ENDED.has(run.status)) count++;
    return count;
  }

  latestStatus(scan: ScanSchedule): ScanStatus {
    const run = this.latestManual(scan);
    if (run) {
      this.step(run);
      return run.status;
    }
    return 'completed';
  }

  launch(scan: ScanSchedule, altTargets?: string[]): LaunchResult {
    const latest = this.latestManual(scan);
    if (latest && !ENDED.has(latest.status)) return { error: 'already-running' };
    if (this.activeRuns() >= this.maxActiveScans()) return { error: 'too-many' };
    const run: ManualRun = {
      historyId: this.nextHistoryId++,
      uuid: this.rng.uuid(),
      status: 'initializing',
      createdMs: this.clock.now(),
      day: this.today(),
      targets: altTargets?.length ? altTargets.join(',') : scan.targets,
    };
    const runs = this.manual.get(scan.id) ?? [];
    runs.push(run);
    this.manual.set(scan.id, runs);
    return { scanUuid: run.uuid };
  }

  stop(scan: ScanSchedule): 'stopping' | 'conflict' {
    const run = this.latestManual(scan);
    if (!run || !['pending', 'running', 'resuming'].includes(run.status)) return 'conflict';
    run.status = 'stopping';
    return 'stopping';
  }

  private listEntry(scan: ScanSchedule): ScanListEntry {
    const today = this.today();
    const run = this.latestManual(scan);
    const lastEnd = run?.endedMs ?? (run ? run.createdMs : this.estate.scanRunEndMs(scan, today));
    const created = this.estate.startMs - 400 * 86_400_000 + scan.index * 3_600_000;
    const statusTimes: ScanListEntry['status_times'] = run
      ? { initializing: 3_000, pending: 41_000, processing: 0, publishing: 12_000, running: 110_000 }
      : { initializing: 2_000, pending: 30_000, processing: 0, publishing: 60_000 + scan.index * 1_000, running: 7_200_000 };
    return {
      control: true,
      creation_date: epochSeconds(created),
      enabled: true,
      id: scan.id,
      last_modification_date: epochSeconds(lastEnd),
      legacy: false,
      name: scan.name,
      owner: OWNER,
      policy_id: 1000 + scan.index,
      read: true,
      schedule_uuid: scan.scheduleUuid,
      shared: false,
      status: run ? run.status : 'completed',
      template_uuid: '731a8e52-3ea6-a291-ec0a-d2ff0619c19d7bd788d6be818b65',
      has_triggers: false,
      type: 'remote',
      permissions: 128,
      user_permissions: 128,
      uuid: run ? run.uuid : this.estate.scanRunUuid(scan.index, today),
      wizard_uuid: '731a8e52-3ea6-a291-ec0a-d2ff0619c19d7bd788d6be818b65',
      progress: run && !ENDED.has(run.status) ? 40 : 100,
      total_targets: scan.endAsset - scan.firstAsset,
      status_times: statusTimes,
      pci_upload: false,
      is_archived: false,
      rrules: 'FREQ=DAILY;INTERVAL=1',
      starttime: '20240101T010000',
      timezone: 'Etc/UTC',
    };
  }

  list(): ScanListBody {
    return {
      scans: this.estate.scans.map((s) => this.listEntry(s)),
      folders: [
        { id: FOLDER_ID, name: 'My Scans', type: 'main', custom: 0, unread_count: 0, default_tag: 1 },
        { id: FOLDER_ID + 1, name: 'Trash', type: 'trash', custom: 0, unread_count: 0, default_tag: 0 },
      ],
      timestamp: epochSeconds(this.clock.now()),
    };
  }

  /** All runs, newest first: launched ones and the daily ones. */
  private history(scan: ScanSchedule): ScanHistoryEntry[] {
    const entries: ScanHistoryEntry[] = [];
    for (let day = -HISTORY_DAYS_BEFORE_START; day <= this.today(); day++) {
      entries.push({
        history_id: this.dailyHistoryId(scan, day),
        owner_id: OWNER_ID,
        creation_date: epochSeconds(this.estate.scanRunStartMs(scan, day)),
        last_modification_date: epochSeconds(this.estate.scanRunEndMs(scan, day)),
        uuid: this.estate.scanRunUuid(scan.index, day),
        type: 'remote',
        status: 'completed',
        scheduler: 1,
        alt_targets_used: false,
        is_archived: false,
      });
    }
    for (const run of this.manual.get(scan.id) ?? []) {
      entries.push({
        history_id: run.historyId,
        owner_id: OWNER_ID,
        creation_date: epochSeconds(run.createdMs),
        last_modification_date: epochSeconds(run.endedMs ?? run.createdMs),
        uuid: run.uuid,
        type: 'remote',
        status: run.status,
        scheduler: 0,
        alt_targets_used: run.targets !== scan.targets,
        is_archived: false,
      });
    }
    return entries.sort((a, b) => b.creation_date - a.creation_date || b.history_id - a.history_id);
  }

  /** The data day a history entry shows (daily run day, or the day a launched run started). */
  private runDay(scan: ScanSchedule, historyId: number | undefined): { day: number; entry: ScanHistoryEntry } | undefined {
    const history = this.history(scan);
    const entry = historyId === undefined ? history[0] : history.find((h) => h.history_id === historyId);
    if (!entry) return undefined;
    const manual = (this.manual.get(scan.id) ?? []).find((r) => r.historyId === entry.history_id);
    const day = manual ? manual.day : Math.round((entry.history_id - 13_000_000 - scan.index) / 100) - HISTORY_DAYS_BEFORE_START;
    return { day: Math.max(0, Math.min(day, this.today())), entry };
  }

  details(scan: ScanSchedule, historyId?: number): ScanDetails | undefined {
    const latest = this.latestManual(scan);
    if (historyId === undefined && latest) this.step(latest);
    const resolved = this.runDay(scan, historyId);
    if (!resolved) return undefined;
    const { day, entry } = resolved;
    const hosts: ScanHost[] = [];
    const vulns = new Map<number, ScanVulnerabilitySummary>();
    let cves = 0;
    for (let a = scan.firstAsset; a < scan.endAsset; a++) {
      const counts = [0, 0, 0, 0, 0];
      let hostname = '';
      let uuid = '';
      this.estate.forEachFinding(a, day, (f) => {
        hostname = f.asset.hostnameField;
        uuid = f.asset.uuid;
        if (f.state === 'FIXED') return;
        counts[f.plugin.severityId]!++;
        let v = vulns.get(f.plugin.id);
        if (!v) {
          v = { count: 0, plugin_id: f.plugin.id, plugin_name: f.plugin.name, severity: f.plugin.severityId, plugin_family: f.plugin.family, vuln_index: 0 };
          vulns.set(f.plugin.id, v);
          cves += f.plugin.cve.length;
        }
        v.count++;
      });
      if (!uuid) {
        const asset = this.estate.asset(a, day);
        hostname = asset.hostnameField;
        uuid = asset.uuid;
      }
      const total = counts.reduce((s, c) => s + c, 0);
      const index = a - scan.firstAsset;
      hosts.push({
        asset_id: index + 2,
        host_id: index + 2,
        uuid,
        hostname,
        progress: '100-100/200-200',
        scanprogresscurrent: 100,
        scanprogresstotal: 100,
        numchecksconsidered: 100,
        totalchecksconsidered: 100,
        severitycount: { item: counts.map((count, severitylevel) => ({ count, severitylevel })) },
        severity: total,
        score: counts.reduce((s, c, i) => s + c * 10 ** i, 0),
        info: counts[0]!,
        low: counts[1]!,
        medium: counts[2]!,
        high: counts[3]!,
        critical: counts[4]!,
        host_index: index,
      });
    }
    const vulnerabilities = [...vulns.values()].sort((a, b) => b.severity - a.severity || a.plugin_id - b.plugin_id).map((v, i) => ({ ...v, vuln_index: i + 1 }));
    const manual = (this.manual.get(scan.id) ?? []).find((r) => r.historyId === entry.history_id);
    return {
      info: {
        owner: OWNER,
        name: scan.name,
        no_target: false,
        folder_id: FOLDER_ID,
        control: true,
        user_permissions: 128,
        schedule_uuid: scan.scheduleUuid,
        edit_allowed: false,
        scanner_name: 'US Cloud Scanner',
        policy: 'Advanced Network Scan',
        shared: null,
        object_id: scan.id,
        tag_targets: null,
        acls: [
          { permissions: 0, owner: null, display_name: null, name: null, uuid: null, id: null, type: 'default' },
          { permissions: 128, owner: 1, display_name: 'Security Operations', name: OWNER, uuid: '69c0e0a1-63ce-481e-984b-7e76860ffc65', id: OWNER_ID, type: 'user' },
        ],
        hostcount: hosts.length,
        uuid: entry.uuid,
        status: entry.status,
        scan_type: 'remote',
        targets: manual?.targets ?? scan.targets,
        alt_targets_used: entry.alt_targets_used,
        'pci-can-upload': false,
        scan_start: entry.creation_date,
        timestamp: entry.last_modification_date,
        is_archived: false,
        reindexing: false,
        scan_end: entry.last_modification_date,
        haskb: true,
        hasaudittrail: true,
        scanner_start: null,
        scanner_end: null,
      },
      hosts,
      vulnerabilities,
      comphosts: [],
      compliance: [],
      filters: SCAN_FILTERS,
      history: this.history(scan),
      notes: [],
      remediations: { num_cves: cves, num_hosts: hosts.length, num_remediated_cves: 0, num_impacted_hosts: hosts.filter((h) => h.severity > h.info).length, remediations: [] },
    };
  }

  historyList(scan: ScanSchedule, limit: number, offset: number): ScanHistoryList {
    const all = this.history(scan);
    return {
      pagination: { offset, total: all.length, sort: [{ order: 'DESC', name: 'start_date' }], limit },
      history: all.slice(offset, offset + limit).map((h) => ({
        time_end: h.last_modification_date,
        scan_uuid: h.uuid,
        id: h.history_id,
        is_archived: h.is_archived,
        time_start: h.creation_date,
        visibility: 'public',
        targets: { custom: h.alt_targets_used, default: null },
        status: h.status,
      })),
    };
  }

  // ----------------------------------------------------------------------------------------------
  // Scan export (.nessus / CSV)
  // ----------------------------------------------------------------------------------------------

  requestExport(scan: ScanSchedule, format: 'nessus' | 'csv', historyId?: number): ScanExport | undefined {
    const resolved = this.runDay(scan, historyId);
    if (!resolved) return undefined;
    const exp: ScanExport = { file: String(this.nextFile++), token: this.rng.hex(64), scan, day: resolved.day, format, polls: 0 };
    this.exports.set(exp.file, exp);
    this.exports.set(`token:${exp.token}`, exp);
    return exp;
  }

  exportByFile(scan: ScanSchedule, file: string): ScanExport | undefined {
    const exp = this.exports.get(file);
    return exp && exp.scan.id === scan.id ? exp : undefined;
  }

  exportByToken(token: string): ScanExport | undefined {
    return this.exports.get(`token:${token}`);
  }

  /** One poll: "loading" for the first loadingPolls() polls (normally one), then "ready". */
  exportStatus(exp: ScanExport): 'loading' | 'ready' {
    if (!this.isReady(exp)) exp.polls++;
    return this.isReady(exp) ? 'ready' : 'loading';
  }

  isReady(exp: ScanExport): boolean {
    return exp.polls > this.loadingPolls();
  }

  download(exp: ScanExport): { filename: string; stream: Readable } {
    const base = exp.scan.name.replace(/[^A-Za-z0-9]+/g, '_');
    const lines = exp.format === 'nessus' ? this.nessusXml(exp) : this.nessusCsv(exp);
    return { filename: `${base}_${exp.file}.${exp.format}`, stream: Readable.from(lines, { objectMode: false }) };
  }

  private openFindings(a: number, day: number): FindingView[] {
    const list: FindingView[] = [];
    this.estate.forEachFinding(a, day, (f) => {
      if (f.state !== 'FIXED') list.push(f);
    });
    return list;
  }

  private *nessusXml(exp: ScanExport): Generator<string> {
    const estate = this.estate;
    const { scan, day } = exp;
    yield '<?xml version="1.0" ?>\n<NessusClientData_v2>\n<Policy><policyName>Advanced Network Scan</policyName>\n<Preferences><ServerPreferences><preference><name>TARGET</name><value>' +
      xml(scan.targets) + '</value></preference></ServerPreferences></Preferences></Policy>\n';
    yield `<Report name="${xml(scan.name)}" xmlns:cm="http://www.nessus.org/cm">\n`;
    for (let a = scan.firstAsset; a < scan.endAsset; a++) {
      const asset = estate.asset(a, day);
      const findings = this.openFindings(a, day);
      const when = nessusDate(asset.lastSeenMs);
      let out = `<ReportHost name="${xml(asset.ipv4)}"><HostProperties>\n<tag name="HOST_END">${when}</tag>\n`;
      out += `<tag name="host-uuid">${asset.uuid}</tag>\n<tag name="operating-system">${xml(asset.operatingSystem[0]!)}</tag>\n`;
      if (asset.mac) out += `<tag name="mac-address">${asset.mac}</tag>\n`;
      if (asset.netbios) out += `<tag name="netbios-name">${xml(asset.netbios)}</tag>\n`;
      out += `<tag name="host-fqdn">${xml(asset.fqdn)}</tag>\n<tag name="hostname">${xml(asset.name)}</tag>\n<tag name="host-ip">${asset.ipv4}</tag>\n`;
      out += `<tag name="HOST_START">${nessusDate(asset.lastSeenMs - 180_000)}</tag>\n</HostProperties>\n`;
      for (const f of findings) out += reportItem(estate, f);
      out += '</ReportHost>\n';
      yield out;
    }
    yield '</Report>\n</NessusClientData_v2>\n';
  }

  private *nessusCsv(exp: ScanExport): Generator<string> {
    const estate = this.estate;
    yield 'Plugin ID,CVE,CVSS v2.0 Base Score,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,See Also,Plugin Output\n';
    for (let a = exp.scan.firstAsset; a < exp.scan.endAsset; a++) {
      let out = '';
      for (const f of this.openFindings(a, exp.day)) {
        const p = f.plugin;
        const risk = f.plugin.severityId === 0 ? 'None' : SEVERITY_NAMES[p.severityId]!.replace(/^./, (c) => c.toUpperCase());
        const tail = [risk, f.asset.ipv4, f.port.protocol.toLowerCase(), String(f.port.port), p.name, p.synopsis, p.description, p.solution, p.seeAlso.filter(Boolean).join('\n'), estate.outputOf(f) ?? ''];
        for (const cve of p.cve.length ? p.cve : ['']) out += [String(p.id), cve, p.cvss2 ? String(p.cvss2.base) : '', ...tail].map(csv).join(',') + '\n';
      }
      if (out) yield out;
    }
  }
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function csv(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Nessus style: `Mon Jan  5 01:02:11 2026`. */
function nessusDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
}

function reportItem(estate: Estate, f: FindingView): string {
  const p = f.plugin;
  let out = `<ReportItem port="${f.port.port}" svc_name="${xml(f.port.service)}" protocol="${f.port.protocol.toLowerCase()}" severity="${p.severityId}" pluginID="${p.id}" pluginName="${xml(p.name)}" pluginFamily="${xml(p.family)}">\n`;
  const el = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out += `<${name}>${xml(value)}</${name}>\n`;
  };
  if (p.cvss3) {
    el('cvss3_base_score', String(p.cvss3.base));
    el('cvss3_vector', `CVSS:3.0/${p.cvss3.vector}`);
  }
  if (p.cvss2) {
    el('cvss_base_score', String(p.cvss2.base));
    el('cvss_vector', `CVSS2#${p.cvss2.vector}`);
  }
  for (const cve of p.cve) el('cve', cve);
  for (const bid of p.bid) el('bid', String(bid));
  for (const x of p.xrefs) el('xref', `${x.type}:${x.id}`);
  el('description', p.description);
  if (p.cve.length) el('exploit_available', String(p.exploitAvailable));
  el('fname', `${p.id}.nasl`);
  el('plugin_modification_date', p.modified.replaceAll('-', '/'));
  el('plugin_name', p.name);
  el('plugin_publication_date', p.published.replaceAll('-', '/'));
  el('plugin_type', p.type);
  el('risk_factor', p.riskFactor);
  el('script_version', p.version);
  el('see_also', p.seeAlso.filter(Boolean).join('\n'));
  el('solution', p.solution);
  el('synopsis', p.synopsis);
  if (p.vpr) el('vpr_score', String(p.vpr.score));
  el('plugin_output', estate.outputOf(f));
  return `${out}</ReportItem>\n`;
}

/** A few of the filter definitions scan details carry (same shapes as recorded). */
const SCAN_FILTERS: ScanFilterDefinition[] = [
  { name: 'host.id', readable_name: 'Asset ID', control: { type: 'entry', regex: '[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}(,[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12})*', readable_regex: '01234567-abcd-ef01-2345-6789abcdef01' }, operators: ['eq', 'neq', 'match', 'nmatch'], group_name: 'vulnerability' },
  { name: 'plugin.attributes.bid', readable_name: 'Bugtraq ID', control: { type: 'entry', regex: '^[0-9]+(,[0-9]+)*', readable_regex: 'NUMBER', maxlength: 18 }, operators: ['eq', 'neq', 'match', 'nmatch'], group_name: 'vulnerability' },
  { name: 'plugin.attributes.cve.raw', readable_name: 'CVE', control: { type: 'entry', regex: '^(CVE|CAN|cve|can)-(1999|20[0-9][0-9])-[0-9]{4,}(,(CVE|CAN|cve|can)-(1999|20[0-9][0-9])-[0-9]{4,})*$', readable_regex: 'CVE-2015-9876,CVE-2016-10456' }, operators: ['eq', 'neq', 'match', 'nmatch'], group_name: 'vulnerability' },
  { name: 'plugin.attributes.exploit_available', readable_name: 'Exploit Available', control: { type: 'dropdown', list: ['true', 'false'] }, operators: ['eq', 'neq'], group_name: 'vulnerability' },
  { name: 'plugin.family_id', readable_name: 'Plugin Family', control: { type: 'dropdown_multi', list: [{ name: 'Red Hat Local Security Checks', id: 1 }, { name: 'Debian Local Security Checks', id: 3 }, { name: 'CGI abuses', id: 6 }, { name: 'Windows : Microsoft Bulletins', id: 10 }, { name: 'Web Servers', id: 11 }] }, operators: ['eq', 'neq'], group_name: 'vulnerability' },
  { name: 'severity', readable_name: 'Severity', control: { type: 'dropdown', list: [{ id: 0, name: 'Info', value: 'None' }, { id: 1, name: 'Low', value: 'Low' }, { id: 2, name: 'Medium', value: 'Medium' }, { id: 3, name: 'High', value: 'High' }, { id: 4, name: 'Critical', value: 'Critical' }] }, operators: ['eq', 'neq'], group_name: 'vulnerability' },
  { name: 'tracking.first_found', readable_name: 'Vulnerability First Seen', control: { type: 'datefield', regex: '^[0-9]{4}/[0-9]{2}/[0-9]{2}$', readable_regex: 'YYYY/MM/DD' }, operators: ['date-lt', 'date-lte', 'date-gt', 'date-gte', 'date-eq', 'date-neq', 'with-in'], group_name: 'vulnerability', customControl: [{ cstmOpr: 'with-in', cstmCntrl: { type: 'entry', regex: '^[0-9]+$', readable_regex: '10', maxlength: 0 } }] },
];

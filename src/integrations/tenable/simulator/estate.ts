/**
 * The simulated estate: N assets and M findings derived lazily from (seed, day, index).
 *
 * Nothing per finding is stored. The only arrays are per asset (a weight and a prefix sum of
 * initial finding counts), so memory is O(assets) whatever the number of findings. Every attribute
 * is a pure function of the seed, the asset index, the finding's local index and the day:
 *
 * - Assets keep their UUID forever, but are renamed (host name, FQDN, NetBIOS name) and
 *   re-addressed (IPv4) on random days, so correlation has real work.
 * - Each asset owns `initialCount(a)` findings that already exist on day 0 (first seen up to
 *   ~18 months earlier), plus new findings born on later days.
 * - A finding alternates open and fixed intervals: open for a geometric number of days, then
 *   fixed; a fix sticks, or the finding comes back (REOPENED) within a few days.
 * - Day d's state is what the daily scans (01:00-04:00 UTC) saw on day d.
 */
import { type CatalogPlugin, type PluginCatalog, type PoolId, type PortSpec, pluginCatalog } from './catalog.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, utcMidnight } from './clock.ts';
import { hash, hexFrom, pick, seedFrom, u01, uuidFrom } from './random.ts';

export interface ChurnRates {
  /** New findings per asset per day, as a fraction of the asset's day-0 findings. */
  newPerDay: number;
  /** Mean number of days a finding stays open before it is fixed. */
  meanOpenDays: number;
  /** Chance that a fix does not stick and the finding comes back (REOPENED). */
  reopenProbability: number;
  /** A finding that comes back does so within this many days. */
  maxReopenDays: number;
  /** Chance per asset per day of being renamed (host name, FQDN, NetBIOS name). */
  renamePerDay: number;
  /** Chance per asset per day of getting a new IPv4 address. */
  readdressPerDay: number;
}

export const DEFAULT_CHURN: ChurnRates = {
  newPerDay: 0.01,
  meanOpenDays: 90,
  reopenProbability: 0.2,
  maxReopenDays: 21,
  renamePerDay: 0.01,
  readdressPerDay: 0.02,
};

export interface EstateOptions {
  seed: number | string;
  assets: number;
  /** Findings that exist on day 0 (open or already fixed). */
  findings: number;
  /** Day 0, YYYY-MM-DD (UTC). */
  startDate: string;
  churn?: Partial<ChurnRates>;
}

export type FindingStateName = 'OPEN' | 'REOPENED' | 'FIXED';

interface OsProfile {
  key: string;
  osCpe: string;
  os: string[];
  pools: PoolId[];
  /** Plugins every such asset reports first (scan information, service detection …). */
  base: number[];
  deviceType: string;
  systemType: string;
  share: number;
  density: number;
  roles: string[];
  windows: boolean;
  oui: string;
  software: string[];
  serverClass: boolean;
}

const PROFILES: OsProfile[] = [
  { key: 'win2019', osCpe: 'cpe:/o:microsoft:windows_server_2019', os: ['Microsoft Windows Server 2019 Standard'], pools: ['common', 'smb', 'web', 'windows'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10736, 11011], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.15, density: 1.3, roles: ['app', 'sql', 'dc', 'file', 'iis', 'rds'], windows: true, oui: '00:50:56', software: ['cpe:/a:microsoft:iis:10.0', 'cpe:/a:microsoft:.net_framework:4.8'], serverClass: true },
  { key: 'win2022', osCpe: 'cpe:/o:microsoft:windows_server_2022', os: ['Microsoft Windows Server 2022 Standard'], pools: ['common', 'smb', 'web', 'windows'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10736, 11011], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.12, density: 1.2, roles: ['app', 'sql', 'dc', 'file', 'iis', 'exch'], windows: true, oui: '00:50:56', software: ['cpe:/a:microsoft:iis:10.0', 'cpe:/a:microsoft:sql_server:2019'], serverClass: true },
  { key: 'win10', osCpe: 'cpe:/o:microsoft:windows_10', os: ['Microsoft Windows 10 Enterprise'], pools: ['common', 'smb', 'windows'], base: [19506, 11219, 10287, 45590, 54615, 11936, 10736, 11011], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.17, density: 1.0, roles: ['ws', 'lt'], windows: true, oui: '3C:52:82', software: ['cpe:/a:google:chrome:120.0.6099.130', 'cpe:/a:microsoft:office:2016'], serverClass: false },
  { key: 'win11', osCpe: 'cpe:/o:microsoft:windows_11', os: ['Microsoft Windows 11 Enterprise'], pools: ['common', 'smb', 'windows'], base: [19506, 11219, 10287, 45590, 54615, 11936, 10736, 11011], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.12, density: 0.9, roles: ['ws', 'lt'], windows: true, oui: '54:EE:75', software: ['cpe:/a:google:chrome:121.0.6167.85', 'cpe:/a:microsoft:teams'], serverClass: false },
  { key: 'ubuntu', osCpe: 'cpe:/o:canonical:ubuntu_linux:22.04', os: ['Linux Kernel 5.15.0-91-generic on Ubuntu 22.04'], pools: ['common', 'ssh', 'web', 'ubuntu'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10267, 70657], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.14, density: 1.2, roles: ['web', 'api', 'k8s', 'ci', 'proxy'], windows: false, oui: '00:50:56', software: ['cpe:/a:openbsd:openssh:8.9', 'cpe:/a:nginx:nginx:1.18.0'], serverClass: true },
  { key: 'debian', osCpe: 'cpe:/o:debian:debian_linux:12.0', os: ['Linux Kernel 6.1.0-17-amd64 on Debian 12'], pools: ['common', 'ssh', 'web', 'debian'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10267, 70657], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.06, density: 1.1, roles: ['web', 'mail', 'dns', 'mon'], windows: false, oui: '00:50:56', software: ['cpe:/a:openbsd:openssh:9.2', 'cpe:/a:apache:http_server:2.4.57'], serverClass: true },
  { key: 'rhel', osCpe: 'cpe:/o:redhat:enterprise_linux:8.9', os: ['Red Hat Enterprise Linux 8.9'], pools: ['common', 'ssh', 'web', 'rhel'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10267, 70657], deviceType: 'general-purpose', systemType: 'general-purpose', share: 0.13, density: 1.2, roles: ['db', 'app', 'batch', 'web', 'jboss'], windows: false, oui: '00:50:56', software: ['cpe:/a:openbsd:openssh:8.0', 'cpe:/a:postgresql:postgresql:13.14'], serverClass: true },
  { key: 'cisco', osCpe: 'cpe:/o:cisco:ios_xe:17.6.4', os: ['Cisco IOS XE 17.6.4'], pools: ['common', 'cisco'], base: [19506, 11219, 10287, 45590, 54615, 11936], deviceType: 'router', systemType: 'router', share: 0.05, density: 0.4, roles: ['rtr', 'sw', 'core'], windows: false, oui: '00:1B:54', software: [], serverClass: false },
  { key: 'fortinet', osCpe: 'cpe:/o:fortinet:fortios:7.2.5', os: ['Fortinet FortiOS 7.2.5'], pools: ['common', 'fortinet'], base: [19506, 11219, 10287, 45590, 54615, 11936], deviceType: 'firewall', systemType: 'firewall', share: 0.02, density: 0.5, roles: ['fw', 'vpn'], windows: false, oui: '00:09:0F', software: [], serverClass: false },
  { key: 'esxi', osCpe: 'cpe:/o:vmware:esxi:7.0.3', os: ['VMware ESXi 7.0.3 build-21930508'], pools: ['common', 'ssh', 'esxi'], base: [19506, 11219, 22964, 10287, 45590, 54615, 11936, 10267], deviceType: 'hypervisor', systemType: 'hypervisor', share: 0.04, density: 0.6, roles: ['esx', 'vmh'], windows: false, oui: '00:25:B5', software: ['cpe:/o:vmware:esxi:7.0'], serverClass: true },
];

export interface Site {
  code: string;
  city: string;
  domain: string;
}

const SITES: Site[] = [
  { code: 'dal', city: 'Dallas', domain: 'dal.example.com' },
  { code: 'aus', city: 'Austin', domain: 'aus.example.com' },
  { code: 'nyc', city: 'New York', domain: 'nyc.example.com' },
  { code: 'chi', city: 'Chicago', domain: 'chi.example.com' },
  { code: 'lon', city: 'London', domain: 'lon.example.com' },
  { code: 'fra', city: 'Frankfurt', domain: 'fra.example.com' },
  { code: 'sin', city: 'Singapore', domain: 'sin.example.com' },
  { code: 'syd', city: 'Sydney', domain: 'syd.example.com' },
];

const ENVIRONMENTS = ['Production', 'Production', 'Production', 'Staging', 'Development'];
const TAGGER = 'b3d1f6e1-4d42-471e-b1b1-20706cef8ceb';

// Hash "kinds": every attribute draws from its own stream.
const K = {
  weight: 1, profile: 2, rename: 3, readdress: 4, role: 5, birth: 6, init: 7, init2: 8, open: 9, permanent: 10, reopen: 11,
  newCount: 12, port: 13, output: 14, jitter: 15, offset: 16, stride: 17, hostField: 18, mac: 19, ipv6: 20, bios: 21,
  serial: 22, agent: 23, auth: 24, created: 25, env: 26, finding: 27, assetUuid: 28, normal: 29, installed: 30, msJitter: 31,
  indexed: 32, scanRun: 33, schedule: 34, tag: 35,
} as const;

export interface ScanSchedule {
  index: number;
  id: number;
  scheduleUuid: string;
  name: string;
  site: Site;
  firstAsset: number;
  endAsset: number;
  targets: string;
  startOffsetMs: number;
}

export interface AssetView {
  index: number;
  day: number;
  uuid: string;
  profileKey: string;
  operatingSystem: string[];
  osCpe: string;
  deviceType: string;
  systemType: string;
  windows: boolean;
  serverClass: boolean;
  site: Site;
  scan: ScanSchedule;
  /** Short host name, e.g. `web-dal-0042`. */
  name: string;
  fqdn: string;
  /** What the vulnerability export's `asset.hostname` carries: the IP, the FQDN or the short name. */
  hostnameField: string;
  ipv4: string;
  ipv6?: string;
  mac?: string;
  netbios?: string;
  biosUuid?: string;
  serial?: string;
  agentUuid?: string;
  authenticated: boolean;
  environment: string;
  installedSoftware: string[];
  renames: number;
  readdresses: number;
  firstSeenMs: number;
  createdMs: number;
  /** This day's scan of the asset. */
  lastSeenMs: number;
  tags: { uuid: string; key: string; value: string; addedBy?: string; addedAtMs: number }[];
}

export interface FindingView {
  asset: AssetView;
  /** Local index of the finding on its asset. */
  slot: number;
  plugin: CatalogPlugin;
  port: PortSpec;
  state: FindingStateName;
  firstFoundMs: number;
  lastFoundMs: number;
  lastFixedMs?: number;
  resurfacedMs?: number;
  /** Day of the scan run the record points to (last seen, or the fix). */
  scanDay: number;
  indexedMs: number;
  hasOutput: boolean;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

const STRIDE_PRIMES = [7919, 104729, 1299709, 15485863, 32452843, 49979687, 67867967, 86028121];

interface ProfileList {
  plugins: CatalogPlugin[];
  baseCount: number;
  strides: number[];
}

export class Estate {
  readonly seed: number;
  readonly assetCount: number;
  readonly findingCount: number;
  readonly startMs: number;
  readonly startDate: string;
  readonly churn: ChurnRates;
  readonly catalog: PluginCatalog;
  readonly scans: ScanSchedule[];
  private readonly profileOf: Uint8Array;
  private readonly initial: Uint32Array;
  private readonly initialStart: Float64Array;
  private readonly lists: ProfileList[];
  private readonly serialWidth: number;
  private readonly assetCache = new Map<number, AssetView>();

  constructor(options: EstateOptions) {
    if (!Number.isInteger(options.assets) || options.assets < 1) throw new RangeError('assets must be a positive integer');
    if (!Number.isInteger(options.findings) || options.findings < 0) throw new RangeError('findings must be a non-negative integer');
    this.seed = seedFrom(options.seed);
    this.assetCount = options.assets;
    this.findingCount = options.findings;
    this.startDate = options.startDate;
    this.startMs = utcMidnight(options.startDate);
    this.churn = { ...DEFAULT_CHURN, ...options.churn };
    this.catalog = pluginCatalog();
    this.serialWidth = Math.max(4, String(options.assets).length);
    this.lists = PROFILES.map((profile) => this.profileList(profile));

    const n = options.assets;
    this.profileOf = new Uint8Array(n);
    const weights = new Float64Array(n);
    const caps = new Uint32Array(n);
    const shareTotal = PROFILES.reduce((s, p) => s + p.share, 0);
    for (let a = 0; a < n; a++) {
      let roll = u01(this.seed, K.profile, a) * shareTotal;
      let p = 0;
      while (p < PROFILES.length - 1 && roll >= PROFILES[p]!.share) roll -= PROFILES[p++]!.share;
      this.profileOf[a] = p;
      // Log-normal spread of findings per asset (Box-Muller on two hashes).
      const u1 = Math.max(1e-9, u01(this.seed, K.normal, a, 1));
      const u2 = u01(this.seed, K.normal, a, 2);
      const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      weights[a] = PROFILES[p]!.density * Math.exp(0.8 * normal);
      caps[a] = Math.floor(this.lists[p]!.plugins.length * 0.8);
    }
    this.initial = distribute(options.findings, weights, caps);
    this.initialStart = new Float64Array(n + 1);
    for (let a = 0; a < n; a++) this.initialStart[a + 1] = this.initialStart[a]! + this.initial[a]!;

    const scanCount = Math.max(1, Math.min(24, Math.ceil(n / 400)));
    this.scans = [];
    for (let s = 0; s < scanCount; s++) {
      const site = SITES[s % SITES.length]!;
      this.scans.push({
        index: s,
        id: 40 + s * 3,
        scheduleUuid: uuidFrom(this.seed, K.schedule, s),
        name: `${site.city} daily network scan${s >= SITES.length ? ` ${Math.floor(s / SITES.length) + 1}` : ''}`,
        site,
        firstAsset: Math.floor((s * n) / scanCount),
        endAsset: Math.floor(((s + 1) * n) / scanCount),
        targets: `10.${16 + 4 * s}.0.0/14`,
        startOffsetMs: HOUR_MS + (s % 8) * 10 * MINUTE_MS,
      });
    }
  }

  private profileList(profile: OsProfile): ProfileList {
    const inPools = new Set<number>();
    const plugins: CatalogPlugin[] = [];
    for (const id of profile.base) {
      const p = this.catalog.get(id);
      if (p && profile.pools.includes(p.pool)) {
        plugins.push(p);
        inPools.add(id);
      }
    }
    const baseCount = plugins.length;
    for (const pool of profile.pools) for (const p of this.catalog.pool(pool)) if (!inPools.has(p.id)) plugins.push(p);
    const rest = plugins.length - baseCount;
    const strides = STRIDE_PRIMES.map((prime) => prime % rest).filter((s) => s > 0 && gcd(s, rest) === 1);
    return { plugins, baseCount, strides: strides.length ? strides : [1] };
  }

  /** Data day for a simulated instant: day d's data appears at 06:00 UTC, after the nightly scans. */
  dayAt(ms: number): number {
    return Math.max(0, Math.floor((ms - this.startMs - 6 * HOUR_MS) / DAY_MS));
  }

  dayStartMs(day: number): number {
    return this.startMs + day * DAY_MS;
  }

  scanOf(a: number): ScanSchedule {
    const s = Math.min(this.scans.length - 1, Math.floor((a * this.scans.length) / this.assetCount));
    // floor(s*n/S) boundaries can be off by one against this estimate: fix up.
    let scan = this.scans[s]!;
    while (a < scan.firstAsset) scan = this.scans[scan.index - 1]!;
    while (a >= scan.endAsset) scan = this.scans[scan.index + 1]!;
    return scan;
  }

  scanRunUuid(scan: number, day: number): string {
    return uuidFrom(this.seed, K.scanRun, scan, day);
  }

  scanRunStartMs(scan: ScanSchedule, day: number): number {
    return this.dayStartMs(day) + scan.startOffsetMs;
  }

  scanRunEndMs(scan: ScanSchedule, day: number): number {
    return this.scanRunStartMs(scan, day) + 2 * HOUR_MS + 5 * MINUTE_MS + (hash(this.seed, K.jitter, -1 - scan.index, day) % 240_000);
  }

  /** When the day's scan reached asset `a` (any integer day, also before day 0). */
  scanTimeMs(a: number, day: number): number {
    const scan = this.scanOf(a);
    const size = Math.max(1, scan.endAsset - scan.firstAsset);
    const pos = a - scan.firstAsset;
    return this.scanRunStartMs(scan, day) + Math.floor((pos * 2 * HOUR_MS) / size) + (hash(this.seed, K.msJitter, a, day) % 90_000);
  }

  initialCount(a: number): number {
    return this.initial[a]!;
  }

  private countEvents(kind: number, a: number, day: number, rate: number): number {
    let count = 0;
    for (let k = 1; k <= day; k++) if (u01(this.seed, kind, a, k) < rate) count++;
    return count;
  }

  /** New findings born on asset `a` on day k ≥ 1. */
  private bornOn(a: number, k: number): number {
    const expected = this.churn.newPerDay * Math.max(1, this.initial[a]!);
    return Math.floor(expected + u01(this.seed, K.newCount, a, k));
  }

  private capacity(a: number): number {
    return this.lists[this.profileOf[a]!]!.plugins.length;
  }

  /** Findings that exist on asset `a` on `day` (born on or before it), and the local index where each day's births start. */
  findingsOn(a: number, day: number): number {
    let count = this.initial[a]!;
    const cap = this.capacity(a);
    for (let k = 1; k <= day && count < cap; k++) count = Math.min(cap, count + this.bornOn(a, k));
    return count;
  }

  /** Total findings that exist on `day` (O(assets × day)). */
  totalFindingsOn(day: number): number {
    let total = 0;
    for (let a = 0; a < this.assetCount; a++) total += this.findingsOn(a, day);
    return total;
  }

  asset(a: number, day: number): AssetView {
    const key = day * this.assetCount + a;
    let view = this.assetCache.get(key);
    if (!view) {
      view = this.buildAsset(a, day);
      if (this.assetCache.size >= 8192) this.assetCache.clear();
      this.assetCache.set(key, view);
    }
    return view;
  }

  private buildAsset(a: number, day: number): AssetView {
    const seed = this.seed;
    const profile = PROFILES[this.profileOf[a]!]!;
    const scan = this.scanOf(a);
    const site = scan.site;
    const renames = this.countEvents(K.rename, a, day, this.churn.renamePerDay);
    const readdresses = this.countEvents(K.readdress, a, day, this.churn.readdressPerDay);
    const role = profile.roles[(pick(seed, profile.roles.length, K.role, a) + renames) % profile.roles.length]!;
    const serial = String(a + 1).padStart(this.serialWidth, '0');
    const style = renames === 0 ? 0 : 1 + (hash(seed, K.role, a, renames) % 2);
    const name = style === 0 ? `${role}-${site.code}-${serial}` : style === 1 ? `${site.code}${role}${serial}` : `${role}${serial}-${site.code}`;
    const fqdn = `${name}.${site.domain}`;
    const pos = a - scan.firstAsset;
    const size = Math.max(1, scan.endAsset - scan.firstAsset);
    const space = 1 << 18;
    const hostNumber = ((((pos + size * readdresses) % space) * 0x9e3779b1 + (seed & 0xffff)) >>> 0) % space;
    const ipv4 = `10.${16 + 4 * scan.index + (hostNumber >>> 16)}.${(hostNumber >>> 8) & 255}.${hostNumber & 255}`;
    const fieldRoll = u01(seed, K.hostField, a);
    const hostnameField = profile.deviceType !== 'general-purpose' || fieldRoll < 0.3 ? ipv4 : fieldRoll < 0.75 ? fqdn : name;
    const firstSeenDay = -(600 + pick(seed, 300, K.created, a));
    const firstSeenMs = this.scanTimeMs(a, firstSeenDay);
    const hasAgent = (profile.windows || profile.serverClass) && u01(seed, K.agent, a) < (profile.serverClass ? 0.25 : 0.5);
    const view: AssetView = {
      index: a,
      day,
      uuid: uuidFrom(seed, K.assetUuid, a),
      profileKey: profile.key,
      operatingSystem: profile.os,
      osCpe: profile.osCpe,
      deviceType: profile.deviceType,
      systemType: profile.systemType,
      windows: profile.windows,
      serverClass: profile.serverClass,
      site,
      scan,
      name,
      fqdn,
      hostnameField,
      ipv4,
      authenticated: hasAgent || (profile.serverClass && u01(seed, K.auth, a) < 0.5),
      environment: ENVIRONMENTS[pick(seed, ENVIRONMENTS.length, K.env, a)]!,
      installedSoftware: profile.software,
      renames,
      readdresses,
      firstSeenMs,
      createdMs: firstSeenMs + 1_500 + (hash(seed, K.created, a, 1) % 1000),
      lastSeenMs: this.scanTimeMs(a, day),
      tags: [],
    };
    if (u01(seed, K.mac, a) < 0.85) {
      const m = Math.imul(a + 1, 0x2545f491) >>> 8;
      view.mac = `${profile.oui}:${[(m >>> 16) & 255, (m >>> 8) & 255, m & 255].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
    }
    if (u01(seed, K.ipv6, a) < 0.2) view.ipv6 = `fd00:${hexFrom(seed, 4, K.ipv6, a)}:${(16 + scan.index).toString(16)}::${(a + 1).toString(16)}`;
    if (profile.windows) view.netbios = name.toUpperCase().slice(0, 15);
    if (profile.deviceType === 'general-purpose' && u01(seed, K.bios, a) < 0.7) view.biosUuid = uuidFrom(seed, K.bios, a).toUpperCase();
    if (u01(seed, K.serial, a) < 0.4) view.serial = hexFrom(seed, 11, K.serial, a).toUpperCase();
    if (hasAgent) view.agentUuid = hexFrom(seed, 32, K.agent, a);
    const tagAdded = this.startMs - (40 + pick(seed, 300, K.tag, a)) * DAY_MS + (hash(seed, K.tag, a, 2) % DAY_MS);
    view.tags.push({ uuid: uuidFrom(seed, K.tag, 1, scan.index % SITES.length), key: 'Location', value: site.city, addedAtMs: tagAdded });
    // Location comes from a dynamic tag rule (no user); Environment was set by a person.
    view.tags.push({ uuid: uuidFrom(seed, K.tag, 2, ENVIRONMENTS.indexOf(view.environment)), key: 'Environment', value: view.environment, addedBy: TAGGER, addedAtMs: tagAdded + 61_000 });
    return view;
  }

  /** The plugin behind local finding index `j` of asset `a`. */
  pluginOf(a: number, j: number): CatalogPlugin {
    const list = this.lists[this.profileOf[a]!]!;
    if (j < list.baseCount) return list.plugins[j]!;
    const rest = list.plugins.length - list.baseCount;
    const offset = hash(this.seed, K.offset, a) % rest;
    const stride = list.strides[hash(this.seed, K.stride, a) % list.strides.length]!;
    return list.plugins[list.baseCount + ((offset + (j - list.baseCount) * stride) % rest)]!;
  }

  findingId(a: number, j: number): string {
    return uuidFrom(this.seed, K.finding, a, j);
  }

  private openLength(a: number, j: number, episode: number): number {
    const u = u01(this.seed, K.open, a, j, episode);
    return 1 + Math.floor(-Math.log(1 - u) * this.churn.meanOpenDays);
  }

  /**
   * The state of finding (a, j) on `day`, born on `birth` (0 = a day-0 finding). Pure: walks
   * open/fixed intervals from the finding's anchor, a handful of steps.
   */
  private lifecycle(a: number, j: number, birth: number, day: number): { state: FindingStateName; first: number; lastSeen: number; lastFixed: number; resurfaced: number } {
    const seed = this.seed;
    let first: number;
    let lastFixed = NaN;
    let resurfaced = NaN;
    let open: boolean;
    let episode = 0;
    let t: number;
    if (birth === 0) {
      first = -(1 + pick(seed, 540, K.birth, a, j));
      const roll = u01(seed, K.init, a, j);
      if (roll < 0.15) {
        // Already fixed before day 0.
        t = -(1 + pick(seed, 25, K.init2, a, j));
        first = Math.min(first, t - 1 - pick(seed, 60, K.init2, a, j + 1_000_000));
        lastFixed = t;
        open = false;
      } else if (roll < 0.21) {
        // Came back before day 0.
        const back = -(1 + pick(seed, 30, K.init2, a, j));
        lastFixed = back - (1 + pick(seed, 20, K.reopen, a, j, -1));
        first = Math.min(first, lastFixed - 1 - pick(seed, 90, K.birth, a, j, 1));
        resurfaced = back;
        episode = 1;
        open = true;
        t = 0;
      } else {
        open = true;
        t = 0;
      }
    } else {
      first = birth;
      open = true;
      t = birth;
    }
    for (let step = 0; step < 256; step++) {
      if (open) {
        const end = t + this.openLength(a, j, episode);
        if (day < end) return { state: episode === 0 ? 'OPEN' : 'REOPENED', first, lastSeen: day, lastFixed, resurfaced };
        lastFixed = end;
        open = false;
        t = end;
      } else {
        if (u01(seed, K.permanent, a, j, episode) >= this.churn.reopenProbability) return { state: 'FIXED', first, lastSeen: t - 1, lastFixed, resurfaced };
        const back = t + 1 + pick(seed, this.churn.maxReopenDays, K.reopen, a, j, episode);
        if (day < back) return { state: 'FIXED', first, lastSeen: t - 1, lastFixed, resurfaced };
        open = true;
        episode++;
        t = back;
        resurfaced = back;
      }
    }
    return { state: 'FIXED', first, lastSeen: t - 1, lastFixed, resurfaced };
  }

  /** Visit every finding of asset `a` that exists on `day`, in local index order; `false` from `visit` stops. */
  forEachFinding(a: number, day: number, visit: (f: FindingView) => boolean | void): void {
    const seed = this.seed;
    const asset = this.asset(a, day);
    const total = this.findingsOn(a, day);
    const initial = this.initial[a]!;
    let birth = 0;
    let bornUpTo = initial;
    let k = 0;
    for (let j = 0; j < total; j++) {
      while (j >= bornUpTo) {
        k++;
        bornUpTo = Math.min(this.capacity(a), bornUpTo + this.bornOn(a, k));
        birth = k;
      }
      const plugin = this.pluginOf(a, j);
      const lc = this.lifecycle(a, j, j < initial ? 0 : birth, day);
      const fixed = lc.state === 'FIXED';
      const scanDay = fixed ? lc.lastFixed : lc.lastSeen;
      const lastFoundMs = this.scanTimeMs(a, lc.lastSeen);
      const view: FindingView = {
        asset,
        slot: j,
        plugin,
        port: plugin.ports[plugin.ports.length === 1 ? 0 : hash(seed, K.port, a, plugin.id) % plugin.ports.length]!,
        state: lc.state,
        firstFoundMs: this.scanTimeMs(a, lc.first),
        lastFoundMs,
        scanDay,
        indexedMs: this.scanTimeMs(a, scanDay) + 60_000 + (hash(seed, K.indexed, a, j) % 180_000),
        hasOutput: plugin.output !== undefined && u01(seed, K.output, a, j) >= 0.05,
      };
      if (!Number.isNaN(lc.lastFixed)) view.lastFixedMs = this.scanTimeMs(a, lc.lastFixed);
      if (!Number.isNaN(lc.resurfaced)) view.resurfacedMs = this.scanTimeMs(a, lc.resurfaced);
      if (visit(view) === false) return;
    }
  }

  /** Plugin output for a finding, from the plugin's template. */
  outputOf(f: FindingView): string | undefined {
    if (!f.hasOutput || f.plugin.output === undefined) return undefined;
    const fixed = f.plugin.fixedVersion ?? '';
    const template = f.plugin.output;
    if (!template.includes('{')) return template;
    return template
      .replaceAll('{ip}', f.asset.ipv4)
      .replaceAll('{fqdn}', f.asset.fqdn)
      .replaceAll('{host}', f.asset.name)
      .replaceAll('{port}', String(f.port.port))
      .replaceAll('{fixed}', fixed)
      .replaceAll('{installed}', installedVersion(fixed, hash(this.seed, K.installed, f.asset.index, f.plugin.id)) || f.asset.operatingSystem[0]!)
      .replaceAll('{os}', f.asset.operatingSystem[0]!)
      .replaceAll('{oscpe}', f.asset.osCpe)
      .replaceAll('{date}', new Date(f.lastFoundMs).toISOString().slice(0, 16).replace('T', ' '));
  }
}

/** A plausible older version: the last number of `fixed` minus 1-3. */
function installedVersion(fixed: string, h: number): string {
  const match = /(\d+)(\D*)$/.exec(fixed);
  if (!match) return fixed;
  const last = Number(match[1]);
  const lower = Math.max(0, last - 1 - (h % 3));
  return fixed.slice(0, match.index) + String(lower) + (match[2] ?? '');
}

/** Split `total` over assets in proportion to `weights`, never above `caps` (water-filling). */
function distribute(total: number, weights: Float64Array, caps: Uint32Array): Uint32Array {
  const n = weights.length;
  const counts = new Uint32Array(n);
  let capacity = 0;
  for (let a = 0; a < n; a++) capacity += caps[a]!;
  if (total > capacity) {
    throw new RangeError(`${total} findings do not fit on ${n} assets (at most ${capacity}); add assets or lower findings`);
  }
  const capped = new Uint8Array(n);
  let remaining = total;
  let weightLeft = 0;
  for (let a = 0; a < n; a++) weightLeft += weights[a]!;
  for (let changed = true; changed; ) {
    changed = false;
    for (let a = 0; a < n; a++) {
      if (capped[a] || weightLeft <= 0) continue;
      if ((remaining * weights[a]!) / weightLeft > caps[a]!) {
        capped[a] = 1;
        counts[a] = caps[a]!;
        remaining -= caps[a]!;
        weightLeft -= weights[a]!;
        changed = true;
      }
    }
  }
  let assigned = 0;
  for (let a = 0; a < n; a++) {
    if (capped[a]) continue;
    counts[a] = weightLeft > 0 ? Math.floor((remaining * weights[a]!) / weightLeft) : 0;
    assigned += counts[a]!;
  }
  let left = remaining - assigned;
  for (let a = 0; left > 0; a = (a + 1) % n) {
    if (counts[a]! < caps[a]!) {
      counts[a] = counts[a]! + 1;
      left--;
    }
  }
  return counts;
}

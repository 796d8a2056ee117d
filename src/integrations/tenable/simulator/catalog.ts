/**
 * The simulator's plugin feed: a few dozen hand-written plugins modelled on real Nessus plugins
 * (ids, names, families, CVEs, CVSS, VPR, exploit data) plus thousands of generated ones in the
 * style of the real feed (Ubuntu USNs, RHSAs, Windows KBs, Cisco advisories, ...).
 *
 * The catalog does not depend on the estate's seed, like the real feed: it is built once per
 * process (about 5,000 plugins) and each plugin carries its pre-serialized `plugin` object for
 * vulnerability export records.
 */
import type {
  CvssTemporalVector,
  CvssV2Vector,
  CvssV3Vector,
  CvssV4Vector,
  PluginDetailsBody,
  PluginListAttributes,
  Vpr,
  VprV2,
} from '../tenable.api-types.ts';
import { hash, pick, u01 } from './random.ts';

/** Which assets a plugin can fire on. */
export type PoolId = 'common' | 'ssh' | 'smb' | 'web' | 'windows' | 'ubuntu' | 'debian' | 'rhel' | 'cisco' | 'fortinet' | 'esxi';

export type PluginType = 'remote' | 'local' | 'combined' | 'summary';

export interface PortSpec {
  port: number;
  protocol: 'TCP' | 'UDP' | 'ICMP';
  service: string;
}

interface Cvss {
  base: number;
  temporal: number;
  vector: string;
  temporalVector: string;
}

export interface CatalogPlugin {
  id: number;
  name: string;
  family: string;
  familyId: number;
  type: PluginType;
  pool: PoolId;
  /** 0 info … 4 critical: the finding severity (from CVSS v3 when present, as Tenable does). */
  severityId: number;
  /** From CVSS v2 as in the feed, so it can disagree with `severityId` ("High" on a critical). */
  riskFactor: 'None' | 'Low' | 'Medium' | 'High' | 'Critical';
  ports: PortSpec[];
  cve: string[];
  bid: number[];
  cpe: string[];
  xrefs: { type: string; id: string }[];
  seeAlso: string[];
  msBulletin?: string[];
  stigSeverity?: string;
  cvss2?: Cvss;
  cvss3?: Cvss;
  cvss4?: { base: number; vector: string; threatScore: number; maturity: string };
  epss?: number;
  vpr?: { score: number; ageLowerBound: number; maturity: string; intensity: string; sources: string[]; coverage: string; impact: number; predicted: boolean; updated: string };
  vprV2?: VprV2;
  exploitAvailable: boolean;
  exploitEase?: string;
  frameworks: { metasploit: boolean; core: boolean; canvas: boolean; d2: boolean; exploithub: boolean };
  exploitedByMalware: boolean;
  exploitedByNessus: boolean;
  inTheNews: boolean;
  defaultAccount: boolean;
  checksMalware: boolean;
  hasPatch: boolean;
  unsupported: boolean;
  published: string;
  modified: string;
  patchPublished?: string;
  vulnPublished?: string;
  synopsis: string;
  description: string;
  solution: string;
  version: string;
  /** Output template: {ip} {fqdn} {host} {port} {installed} {fixed}; undefined = the plugin has no output. */
  output?: string;
  fixedVersion?: string;
  /** The `plugin` object of a vulnerability export record, serialized once. */
  exportJson: string;
}

export const FAMILIES: readonly { id: number; name: string }[] = [
  { id: 1, name: 'Red Hat Local Security Checks' },
  { id: 3, name: 'Debian Local Security Checks' },
  { id: 6, name: 'CGI abuses' },
  { id: 10, name: 'Windows : Microsoft Bulletins' },
  { id: 11, name: 'Web Servers' },
  { id: 14, name: 'Ubuntu Local Security Checks' },
  { id: 20, name: 'Windows' },
  { id: 23, name: 'Misc.' },
  { id: 24, name: 'Service detection' },
  { id: 29, name: 'Windows : User management' },
  { id: 30, name: 'General' },
  { id: 31, name: 'Databases' },
  { id: 33, name: 'CISCO' },
  { id: 34, name: 'Firewalls' },
  { id: 41, name: 'Settings' },
  { id: 42, name: 'Port scanners' },
  { id: 45, name: 'SNMP' },
  { id: 48, name: 'VMware ESX Local Security Checks' },
];

const FAMILY_ID = new Map(FAMILIES.map((f) => [f.name, f.id]));

export const SEVERITY_NAMES = ['info', 'low', 'medium', 'high', 'critical'] as const;

// ------------------------------------------------------------------------------------------------
// CVSS helpers
// ------------------------------------------------------------------------------------------------

function parseVector(raw: string): Map<string, string> {
  return new Map(raw.split('/').map((part) => part.split(':') as [string, string]));
}

const V2_AV: Record<string, string> = { N: 'Network', A: 'Adjacent Network', L: 'Local' };
const V2_AC: Record<string, string> = { L: 'Low', M: 'Medium', H: 'High' };
const V2_AU: Record<string, string> = { N: 'None required', S: 'Single', M: 'Multiple' };
const V2_CIA: Record<string, string> = { N: 'None', P: 'Partial', C: 'Complete' };
const V3_AV: Record<string, string> = { N: 'Network', A: 'Adjacent', L: 'Local', P: 'Physical' };
const LHN: Record<string, string> = { L: 'Low', H: 'High', N: 'None' };
const V2_E: Record<string, string> = { U: 'Unproven', POC: 'Proof-of-concept', F: 'Functional', H: 'High', ND: 'Not Defined' };
const V2_RL: Record<string, string> = { OF: 'Official-fix', TF: 'Temporary-fix', W: 'Workaround', U: 'Unavailable', ND: 'Not Defined' };
const V3_RL: Record<string, string> = { O: 'Official Fix', T: 'Temporary Fix', W: 'Workaround', U: 'Unavailable', X: 'Not Defined' };
const RC: Record<string, string> = { C: 'Confirmed', UR: 'Uncorroborated', UC: 'Unconfirmed', R: 'Reasonable', U: 'Unknown', X: 'Not Defined' };
const V3_E: Record<string, string> = { U: 'Unproven', P: 'Proof-of-concept', F: 'Functional', H: 'High', X: 'Not Defined' };

export function cvss2Vector(raw: string): CvssV2Vector {
  const v = parseVector(raw);
  return {
    access_complexity: V2_AC[v.get('AC')!]!,
    access_vector: V2_AV[v.get('AV')!]!,
    authentication: V2_AU[v.get('Au')!]!,
    availability_impact: V2_CIA[v.get('A')!]!,
    confidentiality_impact: V2_CIA[v.get('C')!]!,
    integrity_impact: V2_CIA[v.get('I')!]!,
    raw,
  };
}

export function cvss3Vector(raw: string): CvssV3Vector {
  const v = parseVector(raw);
  return {
    access_complexity: LHN[v.get('AC')!]!,
    access_vector: V3_AV[v.get('AV')!]!,
    availability_impact: LHN[v.get('A')!]!,
    confidentiality_impact: LHN[v.get('C')!]!,
    integrity_impact: LHN[v.get('I')!]!,
    raw,
  };
}

function temporalVector(raw: string, v3: boolean): CvssTemporalVector {
  const v = parseVector(raw);
  return {
    exploitability: (v3 ? V3_E : V2_E)[v.get('E')!] ?? 'Not Defined',
    remediation_level: (v3 ? V3_RL : V2_RL)[v.get('RL')!] ?? 'Not Defined',
    report_confidence: RC[v.get('RC')!] ?? 'Not Defined',
    raw,
  };
}

function cvss4Vector(raw: string): CvssV4Vector {
  const v = parseVector(raw);
  const ui: Record<string, string> = { N: 'None', P: 'Passive', A: 'Active' };
  return {
    attack_vector: V3_AV[v.get('AV')!]!,
    attack_complexity: LHN[v.get('AC')!]!,
    attack_requirements: v.get('AT') === 'P' ? 'Present' : 'None',
    privileges_required: LHN[v.get('PR')!]!,
    user_interaction: ui[v.get('UI')!]!,
    vulnerable_system_confidentiality: LHN[v.get('VC')!]!,
    vulnerable_system_integrity: LHN[v.get('VI')!]!,
    vulnerable_system_availability: LHN[v.get('VA')!]!,
    subsequent_system_confidentiality: LHN[v.get('SC')!]!,
    subsequent_system_integrity: LHN[v.get('SI')!]!,
    subsequent_system_availability: LHN[v.get('SA')!]!,
    raw,
  };
}

/** The `/plugins/plugin` list spells vector components differently (AccessVector, Confidentiality-Impact …). */
function listVectorV2(raw: string): Record<string, string> {
  const v = cvss2Vector(raw);
  return {
    raw,
    AccessVector: v.access_vector!,
    AccessComplexity: v.access_complexity!,
    Authentication: v.authentication!,
    'Confidentiality-Impact': v.confidentiality_impact!,
    'Integrity-Impact': v.integrity_impact!,
    'Availability-Impact': v.availability_impact!,
  };
}

function listVectorV3(raw: string): Record<string, string> {
  const v = parseVector(raw);
  return {
    raw,
    AttackVector: V3_AV[v.get('AV')!]!,
    AttackComplexity: LHN[v.get('AC')!]!,
    PrivilegesRequired: LHN[v.get('PR')!]!,
    UserInteraction: v.get('UI') === 'R' ? 'Required' : 'None',
    Scope: v.get('S') === 'C' ? 'Changed' : 'Unchanged',
    'Confidentiality-Impact': LHN[v.get('C')!]!,
    'Integrity-Impact': LHN[v.get('I')!]!,
    'Availability-Impact': LHN[v.get('A')!]!,
  };
}

function listTemporal(raw: string, v3: boolean): Record<string, string> {
  const t = temporalVector(raw, v3);
  return v3
    ? { raw, ExploitCodeMaturity: t.exploitability!, RemediationLevel: t.remediation_level!, ReportConfidence: t.report_confidence! }
    : { raw, Exploitability: t.exploitability!, RemediationLevel: t.remediation_level!, ReportConfidence: t.report_confidence! };
}

function severityFromScore(score: number): number {
  if (score >= 9) return 4;
  if (score >= 7) return 3;
  if (score >= 4) return 2;
  if (score > 0) return 1;
  return 0;
}

const RISK = ['None', 'Low', 'Medium', 'High', 'Critical'] as const;

// Vector templates per severity band: [cvss3 score, cvss3 vector, cvss2 score, cvss2 vector]
const BANDS: Record<number, [number, string, number, string][]> = {
  4: [
    [9.8, 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 7.5, 'AV:N/AC:L/Au:N/C:P/I:P/A:P'],
    [10.0, 'AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0, 'AV:N/AC:L/Au:N/C:C/I:C/A:C'],
    [9.1, 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N', 6.4, 'AV:N/AC:L/Au:N/C:P/I:P/A:N'],
    [9.0, 'AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H', 9.3, 'AV:N/AC:M/Au:N/C:C/I:C/A:C'],
  ],
  3: [
    [8.8, 'AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 9.0, 'AV:N/AC:L/Au:S/C:C/I:C/A:C'],
    [7.5, 'AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.8, 'AV:N/AC:L/Au:N/C:N/I:N/A:C'],
    [7.8, 'AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.2, 'AV:L/AC:L/Au:N/C:C/I:C/A:C'],
    [8.1, 'AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', 6.8, 'AV:N/AC:M/Au:N/C:P/I:P/A:P'],
    [7.5, 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.0, 'AV:N/AC:L/Au:N/C:P/I:N/A:N'],
  ],
  2: [
    [6.5, 'AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N', 4.0, 'AV:N/AC:L/Au:S/C:P/I:N/A:N'],
    [5.3, 'AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.0, 'AV:N/AC:L/Au:N/C:P/I:N/A:N'],
    [5.9, 'AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 4.3, 'AV:N/AC:M/Au:N/C:P/I:N/A:N'],
    [6.1, 'AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 4.3, 'AV:N/AC:M/Au:N/C:N/I:P/A:N'],
    [5.5, 'AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H', 4.9, 'AV:L/AC:L/Au:N/C:N/I:N/A:C'],
    [4.7, 'AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N', 1.9, 'AV:L/AC:M/Au:N/C:P/I:N/A:N'],
  ],
  1: [
    [3.7, 'AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N', 2.6, 'AV:N/AC:H/Au:N/C:P/I:N/A:N'],
    [3.3, 'AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N', 2.1, 'AV:L/AC:L/Au:N/C:P/I:N/A:N'],
    [2.5, 'AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N', 1.2, 'AV:L/AC:H/Au:N/C:P/I:N/A:N'],
  ],
};

const TEMPORAL: [string, number, string, number][] = [
  // [v3 temporal, v3 factor, v2 temporal, v2 factor]
  ['E:U/RL:O/RC:C', 0.87, 'E:U/RL:OF/RC:C', 0.74],
  ['E:P/RL:O/RC:C', 0.91, 'E:POC/RL:OF/RC:C', 0.78],
  ['E:F/RL:O/RC:C', 0.94, 'E:F/RL:OF/RC:C', 0.83],
  ['E:H/RL:O/RC:C', 0.95, 'E:H/RL:OF/RC:C', 0.87],
];

const round1 = (n: number) => Math.round(n * 10) / 10;

// ------------------------------------------------------------------------------------------------
// Plugin specs
// ------------------------------------------------------------------------------------------------

interface Spec {
  id: number;
  name: string;
  family: string;
  type: PluginType;
  pool: PoolId;
  /** 0-4; with a band score the CVSS vectors come from the band table. */
  severity: number;
  band?: number;
  cve?: string[];
  bid?: number[];
  xrefs?: string[];
  cpe?: string[];
  ports: string;
  exploit?: 'metasploit' | 'core' | 'canvas' | 'poc' | 'none' | 'not-required';
  malware?: boolean;
  news?: boolean;
  nessusExploits?: boolean;
  defaultAccount?: boolean;
  unsupported?: boolean;
  published: string;
  modified?: string;
  vulnPub?: string;
  patchPub?: string;
  synopsis: string;
  description: string;
  solution: string;
  seeAlso?: string[];
  output?: string;
  fixedVersion?: string;
  msBulletin?: string[];
  stig?: string;
  version?: string;
}

const HANDWRITTEN: Spec[] = [
  { id: 19506, name: 'Nessus Scan Information', family: 'Settings', type: 'summary', pool: 'common', severity: 0, ports: '0/tcp/general', published: '2005-08-26', modified: '2025-06-04',
    synopsis: 'This plugin displays information about the Nessus scan.',
    description: 'This plugin displays, for each tested host, information about the scan itself :\n\n  - The version of the plugin set.\n  - The type of scanner (Nessus or Nessus Home).\n  - The version of the Nessus Engine.\n  - The port scanner(s) used.\n  - The port range scanned.\n  - The ping round trip time\n  - Whether credentialed or third-party patch management checks are possible.\n  - The date of the scan.\n  - The duration of the scan.',
    solution: 'n/a', output: 'Information about this scan : \n\nNessus version : 10.8.3\nNessus build : 20010\nPlugin feed version : 202601050312\nScanner edition used : Nessus\nScanner OS : LINUX\nScan type : Normal\nScan name : Daily network scan\nScanner IP : 10.255.0.10\nPort scanner(s) : nessus_syn_scanner \nPort range : default\nPing RTT : 1.302 ms\nThorough tests : no\nExperimental tests : no\nParanoia level : 1\nReport verbosity : 1\nSafe checks : yes\nOptimize the test : yes\nCredentialed checks : no\nScan Start Date : {date}\nScan duration : 212 sec\n', version: '1.124' },
  { id: 11219, name: 'Nessus SYN scanner', family: 'Port scanners', type: 'remote', pool: 'common', severity: 0, ports: '22/tcp/ssh|443/tcp/www|80/tcp/www|3389/tcp/msrdp|445/tcp/cifs', published: '2009-02-04', modified: '2024-05-20',
    synopsis: 'It is possible to determine which TCP ports are open.', description: 'This plugin is a SYN \'half-open\' port scanner.  It shall be reasonably quick even against a firewalled target.\n\nNote that SYN scans are less intrusive than TCP (full connect) scans against broken services, but they might cause problems for less robust firewalls and also leave unclosed connections on the remote target, if the network is loaded.',
    solution: 'Protect your target with an IP filter.', output: 'Port {port}/tcp was found to be open', version: '1.58' },
  { id: 22964, name: 'Service Detection', family: 'Service detection', type: 'remote', pool: 'common', severity: 0, ports: '22/tcp/ssh|443/tcp/www|80/tcp/www', published: '2007-08-19', modified: '2024-11-19',
    synopsis: 'The remote service could be identified.', description: 'Nessus was able to identify the remote service by its banner or by looking at the error message it sends when it receives an HTTP request.',
    solution: 'n/a', output: 'An SSH server is running on this port.', version: '1.234' },
  { id: 10287, name: 'Traceroute Information', family: 'General', type: 'remote', pool: 'common', severity: 0, ports: '0/udp/general', published: '1999-11-27', modified: '2023-12-04',
    synopsis: 'It was possible to obtain traceroute information.', description: 'Makes a traceroute to the remote host.', solution: 'n/a',
    output: 'For your information, here is the traceroute from 10.255.0.10 to {ip} : \n10.255.0.10\n10.255.0.1\n{ip}\n\nHop Count: 2\n', version: '1.70' },
  { id: 45590, name: 'Common Platform Enumeration (CPE)', family: 'General', type: 'combined', pool: 'common', severity: 0, ports: '0/tcp/general', published: '2010-04-21', modified: '2025-03-12',
    synopsis: 'It was possible to enumerate CPE names that matched on the remote system.',
    description: 'By using information obtained from a Nessus scan, this plugin reports CPE (Common Platform Enumeration) matches for various hardware and software products found on a host.',
    solution: 'n/a', seeAlso: ['https://nvd.nist.gov/products/cpe'], output: '\nThe remote operating system matched the following CPE : \n\n  {oscpe}\n', version: '1.56' },
  { id: 54615, name: 'Device Type', family: 'General', type: 'combined', pool: 'common', severity: 0, ports: '0/tcp/general', published: '2011-05-23', modified: '2022-09-09',
    synopsis: 'It is possible to guess the remote device type.', description: 'Based on the remote operating system, it is possible to determine what the remote system type is (eg: a printer, router, general-purpose computer, etc).',
    solution: 'n/a', output: 'Remote device type : general-purpose\nConfidence level : 95\n', version: '1.15' },
  { id: 11936, name: 'OS Identification', family: 'General', type: 'combined', pool: 'common', severity: 0, ports: '0/tcp/general', published: '2003-12-09', modified: '2025-01-23',
    synopsis: 'It is possible to guess the remote operating system.', description: 'Using a combination of remote probes (e.g., TCP/IP, SMB, HTTP, NTP, SNMP, etc.), it is possible to guess the name of the remote operating system in use. It is also possible sometimes to guess the version of the operating system.',
    solution: 'n/a', output: '\nRemote operating system : {os}\nConfidence level : 95\nMethod : SSH\n', version: '2.68' },
  { id: 10114, name: 'ICMP Timestamp Request Remote Date Disclosure', family: 'General', type: 'remote', pool: 'common', severity: 1, ports: '0/icmp/general',
    cve: ['CVE-1999-0524'], xrefs: ['CWE:200'], published: '1999-08-01', modified: '2024-10-07', vulnPub: '1995-01-01',
    synopsis: 'It is possible to determine the exact time set on the remote host.',
    description: 'The remote host answers to an ICMP timestamp request.  This allows an attacker to know the date that is set on the targeted machine, which may assist an unauthenticated, remote attacker in defeating time-based authentication protocols.',
    solution: 'Filter out the ICMP timestamp requests (13), and the outgoing ICMP timestamp replies (14).', output: 'The difference between the local and remote clocks is 1 second.\n', version: '1.54' },
  { id: 10863, name: 'SSL Certificate Information', family: 'General', type: 'remote', pool: 'web', severity: 0, ports: '443/tcp/www|8443/tcp/www', published: '2008-05-19', modified: '2021-02-03',
    synopsis: 'This plugin displays the SSL certificate.', description: 'This plugin connects to every SSL-related port and attempts to extract and dump the X.509 certificate.',
    solution: 'n/a', output: 'Subject Name: \n\nCommon Name: {fqdn}\n\nIssuer Name: \n\nCommon Name: Example Corp Issuing CA 02\n', version: '1.21' },
  { id: 56984, name: 'SSL / TLS Versions Supported', family: 'General', type: 'remote', pool: 'web', severity: 0, ports: '443/tcp/www|8443/tcp/www', published: '2011-12-01', modified: '2021-05-19',
    synopsis: 'The remote service encrypts communications.', description: 'This plugin detects which SSL and TLS versions are supported by the remote service for encrypting communications.',
    solution: 'n/a', output: '\nThis port supports TLSv1.2, TLSv1.3.\n', version: '1.17' },
  { id: 10107, name: 'HTTP Server Type and Version', family: 'Web Servers', type: 'remote', pool: 'web', severity: 0, ports: '80/tcp/www|443/tcp/www', published: '2000-01-04', modified: '2024-11-14',
    synopsis: 'A web server is running on the remote host.', description: 'This plugin attempts to determine the type and the version of the remote web server.',
    solution: 'n/a', output: 'The remote web server type is :\n\nnginx', version: '1.137' },
  { id: 24260, name: 'HyperText Transfer Protocol (HTTP) Information', family: 'Web Servers', type: 'remote', pool: 'web', severity: 0, ports: '80/tcp/www|443/tcp/www', published: '2007-01-30', modified: '2024-02-26',
    synopsis: 'Some information about the remote HTTP configuration can be extracted.',
    description: 'This test gives some information about the remote HTTP protocol - the version used, whether HTTP Keep-Alive and HTTP pipelining are enabled, etc...',
    solution: 'n/a', output: '\nResponse Code : HTTP/1.1 200 OK\n\nProtocol version : HTTP/1.1\nHTTP/2 TLS Support: Yes\nSSL : yes\nKeep-Alive : yes\nOptions allowed : (Not implemented)\n', version: '1.16' },
  { id: 51192, name: 'SSL Certificate Cannot Be Trusted', family: 'General', type: 'remote', pool: 'web', severity: 2, band: 0, ports: '443/tcp/www|8443/tcp/www|3389/tcp/msrdp', published: '2010-12-15', modified: '2020-04-27',
    synopsis: 'The SSL certificate for this service cannot be trusted.',
    description: 'The server\'s X.509 certificate cannot be trusted. This situation can occur in three different ways, in which the chain of trust can be broken, as stated below :\n\n  - First, the top of the certificate chain sent by the server might not be descended from a known public certificate authority.\n\n  - Second, the certificate chain may contain a certificate that is not valid at the time of the scan.\n\n  - Third, the certificate chain may contain a signature that either didn\'t match the certificate\'s information or could not be verified.',
    solution: 'Purchase or generate a proper SSL certificate for this service.', seeAlso: ['https://www.itu.int/rec/T-REC-X.509/en', 'https://en.wikipedia.org/wiki/X.509'],
    output: '\nThe following certificate was at the top of the certificate\nchain sent by the remote host, but it is signed by an unknown\ncertificate authority :\n\n|-Subject : CN={fqdn}\n|-Issuer  : CN={fqdn}\n', version: '1.20' },
  { id: 57582, name: 'SSL Self-Signed Certificate', family: 'General', type: 'remote', pool: 'web', severity: 2, band: 0, ports: '443/tcp/www|8443/tcp/www', published: '2012-01-17', modified: '2022-06-14',
    synopsis: 'The SSL certificate chain for this service ends in an unrecognized self-signed certificate.',
    description: 'The X.509 certificate chain for this service is not signed by a recognized certificate authority.  If the remote host is a public host in production, this nullifies the use of SSL as anyone could establish a man-in-the-middle attack against the remote host.',
    solution: 'Purchase or generate a proper SSL certificate for this service.', output: '\nThe following certificate was found at the top of the certificate\nchain sent by the remote host, but is self-signed and was not\nfound in the list of known certificate authorities :\n\n|-Subject : CN={fqdn}\n', version: '1.5' },
  { id: 104743, name: 'TLS Version 1.0 Protocol Detection', family: 'Service detection', type: 'remote', pool: 'web', severity: 2, band: 0, ports: '443/tcp/www|3389/tcp/msrdp', published: '2017-11-22', modified: '2023-04-19',
    synopsis: 'The remote service encrypts traffic using an older version of TLS.',
    description: 'The remote service accepts connections encrypted using TLS 1.0. TLS 1.0 has a number of cryptographic design flaws. Modern implementations of TLS 1.0 mitigate these problems, but newer versions of TLS like 1.2 and 1.3 are designed against these flaws and should be used whenever possible.',
    solution: 'Enable support for TLS 1.2 and 1.3, and disable support for TLS 1.0.', seeAlso: ['https://tools.ietf.org/html/draft-ietf-tls-oldversions-deprecate-00'],
    output: 'TLSv1 is enabled and the server supports at least one cipher.', version: '1.21' },
  { id: 157288, name: 'TLS Version 1.1 Deprecated Protocol', family: 'Service detection', type: 'remote', pool: 'web', severity: 2, band: 0, ports: '443/tcp/www|3389/tcp/msrdp', published: '2022-04-04', modified: '2024-05-14',
    synopsis: 'The remote service encrypts traffic using an older version of TLS.', description: 'The remote service accepts connections encrypted using TLS 1.1. TLS 1.1 lacks support for current and recommended cipher suites.',
    solution: 'Enable support for TLS 1.2 and/or 1.3, and disable support for TLS 1.1.', seeAlso: ['https://datatracker.ietf.org/doc/html/rfc8996'], output: 'TLSv1.1 is enabled and the server supports at least one cipher.', version: '1.8' },
  { id: 42873, name: 'SSL Medium Strength Cipher Suites Supported (SWEET32)', family: 'General', type: 'remote', pool: 'web', severity: 3, band: 1, ports: '443/tcp/www|3389/tcp/msrdp|8443/tcp/www',
    cve: ['CVE-2016-2183'], exploit: 'poc', published: '2009-11-23', modified: '2021-02-03', vulnPub: '2016-08-24',
    synopsis: 'The remote service supports the use of medium strength SSL ciphers.',
    description: 'The remote host supports the use of SSL ciphers that offer medium strength encryption. Nessus regards medium strength as any encryption that uses key lengths at least 64 bits and less than 112 bits, or else that uses the 3DES encryption suite.',
    solution: 'Reconfigure the affected application if possible to avoid use of medium strength ciphers.', seeAlso: ['https://sweet32.info', 'https://www.openssl.org/blog/blog/2016/08/24/sweet32/'],
    output: '\n  Medium Strength Ciphers (> 64-bit and < 112-bit key, or 3DES)\n\n    Name                          Code             KEX           Auth     Encryption             MAC\n    ----------------------        ----------       ---           ----     ---------------------  ---\n    DES-CBC3-SHA                  0x00, 0x0A       RSA           RSA      3DES-CBC(168)          SHA1\n', version: '1.26' },
  { id: 65821, name: 'SSL RC4 Cipher Suites Supported (Bar Mitzvah)', family: 'General', type: 'remote', pool: 'web', severity: 2, band: 2, ports: '443/tcp/www|3389/tcp/msrdp',
    cve: ['CVE-2013-2566', 'CVE-2015-2808'], bid: [58796, 73684], exploit: 'poc', published: '2013-04-05', modified: '2021-02-03', vulnPub: '2013-03-12',
    synopsis: 'The remote service supports the use of the RC4 cipher.', description: 'The remote host supports the use of RC4 in one or more cipher suites. The RC4 cipher is flawed in its generation of a pseudo-random stream of bytes so that a wide variety of small biases are introduced into the stream, decreasing its randomness.',
    solution: 'Reconfigure the affected application, if possible, to avoid use of RC4 ciphers. Consider using TLS 1.2 with AES-GCM suites subject to browser and web server support.', seeAlso: ['https://www.rc4nomore.com/'], version: '1.22' },
  { id: 83875, name: 'SSL/TLS Diffie-Hellman Modulus <= 1024 Bits (Logjam)', family: 'Misc.', type: 'remote', pool: 'web', severity: 1, band: 0, ports: '443/tcp/www|22/tcp/ssh',
    cve: ['CVE-2015-4000'], bid: [74733], exploit: 'poc', published: '2015-05-28', modified: '2022-12-05', vulnPub: '2015-05-20',
    synopsis: 'The remote host allows SSL/TLS connections with one or more Diffie-Hellman moduli less than or equal to 1024 bits.',
    description: 'The remote host allows SSL/TLS connections with one or more Diffie-Hellman moduli less than or equal to 1024 bits. Through cryptanalysis, a third party may be able to find the shared secret in a short amount of time (depending on modulus size and attacker resources).',
    solution: 'Reconfigure the service to use a unique Diffie-Hellman moduli of 2048 bits or greater.', seeAlso: ['https://weakdh.org/'], version: '1.30' },
  { id: 142960, name: 'HSTS Missing From HTTPS Server (RFC 6797)', family: 'Web Servers', type: 'remote', pool: 'web', severity: 2, band: 1, ports: '443/tcp/www|8443/tcp/www', published: '2020-11-17', modified: '2024-01-16',
    synopsis: 'The remote web server is not enforcing HSTS, as defined by RFC 6797.', description: 'The remote web server is not enforcing HSTS, as defined by RFC 6797. HSTS is an optional response header that can be configured on the server to instruct the browser to only communicate via HTTPS.',
    solution: 'Configure the remote web server to use HSTS.', seeAlso: ['https://tools.ietf.org/html/rfc6797'], output: '\n  HTTP/1.1 200 OK\n\nThe remote HTTPS server does not send the HTTP\n"Strict-Transport-Security" header.\n\n', version: '1.5' },
  { id: 85582, name: 'Web Application Potentially Vulnerable to Clickjacking', family: 'Web Servers', type: 'remote', pool: 'web', severity: 2, band: 3, ports: '80/tcp/www|443/tcp/www', xrefs: ['CWE:693'], published: '2015-08-22', modified: '2017-05-16',
    synopsis: 'The remote web server may fail to mitigate a class of web application vulnerabilities.', description: 'The remote web server does not set an X-Frame-Options response header or a Content-Security-Policy \'frame-ancestors\' response header in all content responses. This could potentially expose the site to a clickjacking or UI redress attack.',
    solution: 'Return the X-Frame-Options or Content-Security-Policy (with the \'frame-ancestors\' directive) HTTP header with the page\'s response.', seeAlso: ['https://en.wikipedia.org/wiki/Clickjacking'], output: '\nThe following pages do not use a clickjacking mitigation response header and contain a clickable event :\n\n  - https://{fqdn}/\n', version: '1.6' },
  { id: 50344, name: 'Missing or Permissive Content-Security-Policy frame-ancestors HTTP Response Header', family: 'CGI abuses', type: 'remote', pool: 'web', severity: 0, ports: '443/tcp/www|80/tcp/www', published: '2010-10-26', modified: '2021-01-19',
    synopsis: 'The remote web server does not take steps to mitigate a class of web application vulnerabilities.', description: 'The remote web server in some responses sets a permissive Content-Security-Policy (CSP) frame-ancestors response header or does not set one at all.',
    solution: 'Set a non-permissive Content-Security-Policy frame-ancestors header for all requested resources.', seeAlso: ['https://content-security-policy.com/', 'https://www.w3.org/TR/CSP2/'],
    output: '\nThe following pages do not set a Content-Security-Policy frame-ancestors response header or set a permissive policy:\n\n  - https://{fqdn}/\n', version: '1.6' },
  { id: 156014, name: 'Apache Log4Shell RCE detection via callback correlation (Direct Check HTTP)', family: 'Web Servers', type: 'remote', pool: 'web', severity: 4, band: 1, ports: '8080/tcp/www|443/tcp/www',
    cve: ['CVE-2021-44228'], xrefs: ['CISA-KNOWN-EXPLOITED:2021/12/24', 'IAVA:2021-A-0573', 'IAVA:0001-A-0650'], exploit: 'metasploit', malware: true, news: true, nessusExploits: true,
    published: '2021-12-12', modified: '2024-07-24', vulnPub: '2021-12-09', patchPub: '2021-12-09',
    synopsis: 'The remote web server is affected by a remote code execution vulnerability.',
    description: 'The remote web server is running a version of Apache Log4j that is affected by a remote code execution vulnerability. Apache Log4j2 2.0-beta9 through 2.12.1 and 2.13.0 through 2.15.0 JNDI features used in configuration, log messages, and parameters do not protect against attacker controlled LDAP and other JNDI related endpoints.',
    solution: 'Contact the application vendor for updated software.', seeAlso: ['https://logging.apache.org/log4j/2.x/security.html', 'https://www.tenable.com/blog/cve-2021-44228-proof-of-concept-for-critical-apache-log4j-remote-code-execution-vulnerability'],
    output: '\nNessus was able to exploit the issue using the following request :\n\nGET / HTTP/1.1\nHost: {fqdn}\nUser-Agent: ${jndi:ldap://log4shell-generic-a1b2c3${lower:ten}.w.nessus.org/nessus}\n', version: '1.29' },
  { id: 41028, name: 'SNMP Agent Default Community Name (public)', family: 'SNMP', type: 'remote', pool: 'cisco', severity: 3, ports: '161/udp/snmp',
    cve: ['CVE-1999-0517'], bid: [2112], exploit: 'not-required', defaultAccount: true, published: '2002-11-25', modified: '2022-06-01', vulnPub: '1998-11-17',
    synopsis: 'The community name of the remote SNMP server can be guessed.', description: 'It is possible to obtain the default community name of the remote SNMP server.\n\nAn attacker may use this information to gain more knowledge about the remote host, or to change the configuration of the remote system (if the default community allows such modifications).',
    solution: 'Disable the SNMP service on the remote host if you do not use it.\nEither filter incoming UDP packets going to this port, or change the default community string.', output: '\nThe remote SNMP server replies to the following default community\nstring :\n\npublic\n', version: '1.11' },
  { id: 10267, name: 'SSH Server Type and Version Information', family: 'Service detection', type: 'remote', pool: 'ssh', severity: 0, ports: '22/tcp/ssh', published: '1999-10-12', modified: '2024-07-24',
    synopsis: 'An SSH server is listening on this port.', description: 'It is possible to obtain information about the remote SSH server by sending an empty authentication request.',
    solution: 'n/a', output: '\n  SSH version : SSH-2.0-OpenSSH_{installed}\n  SSH supported authentication : publickey,password\n', fixedVersion: '9.6p1', version: '1.50' },
  { id: 70657, name: 'SSH Algorithms and Languages Supported', family: 'Misc.', type: 'remote', pool: 'ssh', severity: 0, ports: '22/tcp/ssh', published: '2013-10-28', modified: '2017-08-28',
    synopsis: 'An SSH server is listening on this port.', description: 'This script detects which algorithms and languages are supported by the remote service for encrypting communications.',
    solution: 'n/a', output: '\nNessus negotiated the following encryption algorithm(s) with the server : \n\n  Client to Server: aes256-ctr\n  Server to Client: aes256-ctr\n', version: '1.4' },
  { id: 70658, name: 'SSH Server CBC Mode Ciphers Enabled', family: 'Misc.', type: 'remote', pool: 'ssh', severity: 1, band: 0, ports: '22/tcp/ssh',
    cve: ['CVE-2008-5161'], bid: [32319], xrefs: ['CERT:958563', 'CWE:200'], exploit: 'none', published: '2013-10-28', modified: '2023-10-27', vulnPub: '2008-11-17',
    synopsis: 'The SSH server is configured to use Cipher Block Chaining.', description: 'The SSH server is configured to support Cipher Block Chaining (CBC) encryption.  This may allow an attacker to recover the plaintext message from the ciphertext.',
    solution: 'Contact the vendor or consult product documentation to disable CBC mode cipher encryption, and enable CTR or GCM cipher mode encryption.', output: '\nThe following client-to-server Cipher Block Chaining (CBC) algorithms\nare supported : \n\n  aes128-cbc\n  aes256-cbc\n', version: '1.8' },
  { id: 153953, name: 'SSH Weak Key Exchange Algorithms Enabled', family: 'Misc.', type: 'remote', pool: 'ssh', severity: 1, band: 0, ports: '22/tcp/ssh', published: '2021-10-13', modified: '2024-03-22',
    synopsis: 'The remote SSH server is configured to allow weak key exchange algorithms.', description: 'The remote SSH server is configured to allow key exchange algorithms which are considered weak.',
    solution: 'Contact the vendor or consult product documentation to disable the weak algorithms.', seeAlso: ['https://datatracker.ietf.org/doc/html/rfc9142'], output: '\nThe following weak key exchange algorithms are enabled : \n\n  diffie-hellman-group-exchange-sha1\n  diffie-hellman-group1-sha1\n', version: '1.5' },
  { id: 187315, name: 'SSH Terrapin Prefix Truncation Weakness (CVE-2023-48795)', family: 'Misc.', type: 'remote', pool: 'ssh', severity: 2, band: 2, ports: '22/tcp/ssh',
    cve: ['CVE-2023-48795'], exploit: 'poc', news: true, published: '2023-12-27', modified: '2024-06-03', vulnPub: '2023-12-18', patchPub: '2023-12-18',
    synopsis: 'The remote SSH server is vulnerable to a mitm prefix truncation attack.', description: 'The remote SSH server is vulnerable to a man-in-the-middle prefix truncation weakness known as Terrapin. This can allow a remote, man-in-the-middle attacker to bypass integrity checks and downgrade the connection\'s security.',
    solution: 'Contact the vendor for an update with the strict key exchange countermeasures or disable the affected algorithms.', seeAlso: ['https://terrapin-attack.com/'], output: '\nSupports following Terrapin vulnerable cipher : chacha20-poly1305@openssh.com\n', version: '1.5' },
  { id: 201194, name: 'OpenSSH < 9.8 RCE (regreSSHion)', family: 'Misc.', type: 'remote', pool: 'ssh', severity: 3, band: 3, ports: '22/tcp/ssh',
    cve: ['CVE-2024-6387'], xrefs: ['IAVA:2024-A-0375-S'], exploit: 'poc', news: true, published: '2024-07-02', modified: '2025-01-10', vulnPub: '2024-07-01', patchPub: '2024-07-01',
    synopsis: 'The SSH server running on the remote host is affected by a remote code execution vulnerability.', description: 'The version of OpenSSH installed on the remote host is prior to 9.8. It is, therefore, affected by a signal handler race condition in sshd which may allow an unauthenticated remote attacker to execute arbitrary code as root.',
    solution: 'Upgrade to OpenSSH 9.8 or later.', seeAlso: ['https://www.openssh.com/txt/release-9.8'], output: '\n  Version source    : SSH-2.0-OpenSSH_{installed}\n  Installed version : {installed}\n  Fixed version     : 9.8p1\n', fixedVersion: '9.8p1', version: '1.9' },
  { id: 33850, name: 'Unix Operating System Unsupported Version Detection', family: 'General', type: 'local', pool: 'ssh', severity: 4, band: 1, ports: '0/tcp/general',
    xrefs: ['IAVA:0001-A-0502', 'IAVA:0001-A-0648'], unsupported: true, published: '2008-08-08', modified: '2025-02-10',
    synopsis: 'The operating system running on the remote host is no longer supported.', description: 'According to its self-reported version number, the Unix operating system running on the remote host is no longer supported. Lack of support implies that no new security patches for the product will be released by the vendor.',
    solution: 'Upgrade to a version of the Unix operating system that is currently supported.', output: '\n  {os} support ended on 2024-06-30.\n', version: '1.198' },
  { id: 110095, name: 'Target Credential Issues by Authentication Protocol - No Issues Found', family: 'Settings', type: 'summary', pool: 'common', severity: 0, ports: '0/tcp/general', published: '2018-05-24', modified: '2024-03-25',
    synopsis: 'Nessus was able to log in to the remote host using the provided credentials. No issues were reported with access, privilege, or intermittent failure.',
    description: 'Valid credentials were provided for an authentication protocol on the remote target and Nessus did not log any subsequent errors or failures for the authentication protocol.', solution: 'n/a',
    output: '\nNessus was able to execute commands locally with sufficient privileges\nfor all planned checks.\n', version: '1.8' },
  { id: 10736, name: 'DCE Services Enumeration', family: 'Windows', type: 'remote', pool: 'smb', severity: 0, ports: '135/tcp/epmap|445/tcp/cifs', published: '2001-08-26', modified: '2021-10-04',
    synopsis: 'A DCE/RPC service is running on the remote host.', description: 'By sending a Lookup request to the portmapper (TCP 135 or epmapper PIPE) it was possible to enumerate the Distributed Computing Environment (DCE) services running on the remote port.',
    solution: 'n/a', output: '\nThe following DCERPC services are available locally :\n\n  Object UUID : 00000000-0000-0000-0000-000000000000\n  UUID : 76f226c3-ec14-4325-8a99-6a46348418af, version 1.0\n  Description : Unknown RPC service\n', version: '1.50' },
  { id: 11011, name: 'Microsoft Windows SMB Service Detection', family: 'Windows', type: 'remote', pool: 'smb', severity: 0, ports: '445/tcp/cifs', published: '2002-06-05', modified: '2021-02-11',
    synopsis: 'A file / print sharing service is listening on the remote host.', description: 'The remote service understands the CIFS (Common Internet File System) or Server Message Block (SMB) protocol, used to provide shared access to files, printers, etc between nodes on a network.',
    solution: 'n/a', output: '\nA CIFS server is running on this port.\n', version: '1.42' },
  { id: 57608, name: 'SMB Signing not required', family: 'Misc.', type: 'remote', pool: 'smb', severity: 2, band: 1, ports: '445/tcp/cifs', published: '2012-01-19', modified: '2022-10-05',
    synopsis: 'Signing is not required on the remote SMB server.', description: 'Signing is not required on the remote SMB server. An unauthenticated, remote attacker can exploit this to conduct man-in-the-middle attacks against the SMB server.',
    solution: 'Enforce message signing in the host\'s configuration.', seeAlso: ['https://support.microsoft.com/en-us/help/887429/overview-of-server-message-block-signing'], version: '1.21' },
  { id: 97833, name: 'MS17-010: Security Update for Microsoft Windows SMB Server (4013389) (ETERNALBLUE) (ETERNALCHAMPION) (ETERNALROMANCE) (ETERNALSYNERGY) (WannaCry) (EternalRocks) (Petya) (uncredentialed check)', family: 'Windows', type: 'remote', pool: 'smb', severity: 3, band: 3, ports: '445/tcp/cifs',
    cve: ['CVE-2017-0143', 'CVE-2017-0144', 'CVE-2017-0145', 'CVE-2017-0146', 'CVE-2017-0147', 'CVE-2017-0148'], bid: [96703, 96704, 96705, 96706, 96707, 96709], xrefs: ['CISA-KNOWN-EXPLOITED:2022/05/03', 'IAVA:2017-A-0065', 'MSKB:4013389', 'MSFT:MS17-010'],
    msBulletin: ['MS17-010'], exploit: 'metasploit', malware: true, news: true, nessusExploits: true, published: '2017-03-20', modified: '2023-08-10', vulnPub: '2017-03-14', patchPub: '2017-03-14', stig: 'I',
    synopsis: 'The remote Windows host is affected by multiple vulnerabilities.', description: 'The remote Windows host is affected by the following vulnerabilities :\n\n  - Multiple remote code execution vulnerabilities exist in Microsoft Server Message Block 1.0 (SMBv1) due to improper handling of certain requests. An unauthenticated, remote attacker can exploit these vulnerabilities, via a specially crafted packet, to execute arbitrary code.',
    solution: 'Microsoft has released a set of patches for Windows Vista, 2008, 7, 2008 R2, 2012, 8.1, RT 8.1, 2012 R2, and 10. Microsoft has also released emergency patches for Windows operating systems that are no longer supported.', seeAlso: ['https://learn.microsoft.com/en-us/security-updates/SecurityBulletins/2017/ms17-010'], version: '1.15' },
  { id: 125313, name: 'Microsoft RDP RCE (CVE-2019-0708) (BlueKeep) (uncredentialed check)', family: 'Windows', type: 'remote', pool: 'smb', severity: 4, band: 0, ports: '3389/tcp/msrdp',
    cve: ['CVE-2019-0708'], bid: [108273], xrefs: ['CISA-KNOWN-EXPLOITED:2022/05/03', 'IAVA:2019-A-0155'], exploit: 'metasploit', malware: true, news: true, nessusExploits: true, published: '2019-05-22', modified: '2024-07-10', vulnPub: '2019-05-14', patchPub: '2019-05-14', stig: 'I',
    synopsis: 'The remote host is affected by a remote code execution vulnerability.', description: 'The remote host is affected by a remote code execution vulnerability in Remote Desktop Protocol (RDP). An unauthenticated, remote attacker can exploit this, via a series of specially crafted requests, to execute arbitrary code.',
    solution: 'Microsoft has released a set of patches for Windows XP, 2003, 2008, 7, and 2008 R2.', seeAlso: ['https://msrc.microsoft.com/update-guide/vulnerability/CVE-2019-0708'], version: '1.35' },
  { id: 58453, name: 'Terminal Services Doesn\'t Use Network Level Authentication (NLA) Only', family: 'Misc.', type: 'remote', pool: 'smb', severity: 2, band: 1, ports: '3389/tcp/msrdp', published: '2012-03-23', modified: '2023-02-27',
    synopsis: 'The remote Terminal Services doesn\'t use Network Level Authentication only.', description: 'The remote Terminal Services is not configured to use Network Level Authentication (NLA) only. NLA uses the Credential Security Support Provider (CredSSP) protocol to perform strong server authentication either through TLS/SSL or Kerberos mechanisms.',
    solution: 'Enable Network Level Authentication (NLA) on the remote RDP server.', output: 'Nessus was able to negotiate non-NLA (Network Level Authentication) security.', version: '1.17' },
  { id: 108797, name: 'Unsupported Windows OS (remote)', family: 'Windows', type: 'remote', pool: 'smb', severity: 4, band: 1, ports: '0/tcp/general', unsupported: true, xrefs: ['IAVA:0001-A-0501'], published: '2018-04-03', modified: '2025-01-15',
    synopsis: 'The remote operating system is no longer supported.', description: 'The remote version of Microsoft Windows is either missing a service pack or is no longer supported. As a result, it is likely to contain security vulnerabilities.',
    solution: 'Upgrade to a supported service pack or operating system.', seeAlso: ['https://support.microsoft.com/en-us/lifecycle'], output: '\nThe remote host is running {os}, which is no longer supported.\n', version: '1.27' },
  { id: 26920, name: 'Microsoft Windows SMB NULL Session Authentication', family: 'Windows', type: 'remote', pool: 'smb', severity: 2, band: 1, ports: '445/tcp/cifs',
    cve: ['CVE-1999-0519', 'CVE-1999-0520', 'CVE-2002-1117'], bid: [494, 990, 11199], exploit: 'not-required', published: '2007-10-04', modified: '2024-04-11', vulnPub: '1999-07-14',
    synopsis: 'It is possible to log into the remote Windows host with a NULL session.', description: 'The remote host is running Microsoft Windows, and it is possible to log into it using a NULL session (i.e., with no login or password).',
    solution: 'Apply the following registry changes per the referenced Technet advisories :\n\nSet :\n  - HKLM\\SYSTEM\\CurrentControlSet\\Control\\LSA\\RestrictAnonymous=1', version: '1.44' },
  { id: 182974, name: 'Cisco IOS XE Software Web UI Privilege Escalation (cisco-sa-iosxe-webui-privesc-j22SaA4z)', family: 'CISCO', type: 'combined', pool: 'cisco', severity: 4, band: 1, ports: '443/tcp/www',
    cve: ['CVE-2023-20198', 'CVE-2023-20273'], xrefs: ['CISA-KNOWN-EXPLOITED:2023/10/20', 'CISCO-BUG-ID:CSCwh87343', 'CISCO-SA:cisco-sa-iosxe-webui-privesc-j22SaA4z'], exploit: 'metasploit', news: true, malware: true,
    published: '2023-10-17', modified: '2024-06-20', vulnPub: '2023-10-16', patchPub: '2023-10-22',
    synopsis: 'The remote device is missing a vendor-supplied security patch.', description: 'Cisco is aware of active exploitation of a previously unknown vulnerability in the web UI feature of Cisco IOS XE Software when exposed to the internet or to untrusted networks. This vulnerability allows a remote, unauthenticated attacker to create an account on an affected system with privilege level 15 access.',
    solution: 'Upgrade to the relevant fixed version referenced in Cisco bug ID CSCwh87343', seeAlso: ['https://sec.cloudapps.cisco.com/security/center/content/CiscoSecurityAdvisory/cisco-sa-iosxe-webui-privesc-j22SaA4z'],
    output: '\n  Cisco IOS XE Software : {installed}\n  Cisco bug ID          : CSCwh87343\n  Installed release     : {installed}\n', fixedVersion: '17.9.4a', version: '1.18' },
];

// Generated families: [pool, count, id base, family, type, title(k, r) …]
interface GeneratedPool {
  pool: PoolId;
  count: number;
  idBase: number;
  family: string;
  type: PluginType;
  port: string;
  /** Severity weights for [info, low, medium, high, critical]. */
  weights: [number, number, number, number, number];
  make: (k: number, r: (salt: number, n: number) => number) => { name: string; fixedVersion: string; product: string; advisory?: string; xref?: string; cpe?: string; seeAlso?: string };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DEB_PACKAGES = ['openssl', 'linux', 'curl', 'sudo', 'openssh', 'glibc', 'python3.10', 'vim', 'libxml2', 'nginx', 'apache2', 'bind9', 'git', 'systemd', 'tar', 'expat', 'libssh', 'postgresql-14', 'mysql-8.0', 'samba', 'krb5', 'gnutls28', 'tiff', 'imagemagick', 'less', 'xz-utils', 'zlib', 'ncurses', 'perl', 'ruby3.0', 'nodejs', 'php8.1', 'openjdk-17', 'busybox', 'dnsmasq', 'cups', 'ghostscript', 'poppler', 'libvpx', 'sqlite3', 'exim4', 'wget', 'unbound', 'rsync', 'libgcrypt20', 'pam', 'shadow', 'nss', 'gnupg2', 'libarchive'];
const RPM_PACKAGES = ['kernel', 'openssl', 'curl', 'sudo', 'openssh', 'glibc', 'python3', 'vim', 'libxml2', 'nginx', 'httpd', 'bind', 'git', 'systemd', 'tar', 'expat', 'libssh', 'postgresql', 'mysql', 'samba', 'krb5', 'gnutls', 'libtiff', 'ImageMagick', 'less', 'xz', 'zlib', 'ncurses', 'perl', 'ruby', 'nodejs', 'php', 'java-17-openjdk', 'dnsmasq', 'cups', 'ghostscript', 'poppler', 'sqlite', 'grub2', 'firefox', 'thunderbird', 'tomcat', 'podman', 'container-tools:rhel8', 'libreoffice', 'emacs', 'bash', 'pcre2', 'libssh2', 'nss'];
const WIN_APPS: [string, string, (step: number) => string][] = [
  ['Google Chrome', 'https://chromereleases.googleblog.com/', (s) => `${120 + s}.0.${6099 + s * 71}.${100 + (s % 100)}`],
  ['Mozilla Firefox', 'https://www.mozilla.org/en-US/security/advisories/', (s) => `${115 + s}.0`],
  ['Microsoft Edge (Chromium)', 'https://learn.microsoft.com/en-us/deployedge/microsoft-edge-relnotes-security', (s) => `${118 + s}.0.${2088 + s * 60}.${46 + (s % 50)}`],
  ['Adobe Acrobat', 'https://helpx.adobe.com/security/products/acrobat.html', (s) => `${23 + Math.floor(s / 4)}.${String(1 + (s % 4) * 2).padStart(3, '0')}.${20000 + s * 97}`],
  ['Oracle Java SE', 'https://www.oracle.com/security-alerts/', (s) => `${[8, 11, 17, 21][s % 4]}.0.${10 + s}`],
  ['Zoom Client for Meetings', 'https://explore.zoom.us/en/trust/security/security-bulletin/', (s) => `5.${14 + Math.floor(s / 5)}.${s % 10}`],
  ['Notepad++', 'https://notepad-plus-plus.org/news/', (s) => `8.${5 + Math.floor(s / 6)}.${s % 10}`],
  ['7-Zip', 'https://www.7-zip.org/history.txt', (s) => `${23 + Math.floor(s / 3)}.0${1 + (s % 3)}`],
  ['VLC Media Player', 'https://www.videolan.org/security/', (s) => `3.0.${18 + s}`],
  ['WinRAR', 'https://www.rarlab.com/rarnew.htm', (s) => `6.${20 + s}`],
  ['PuTTY', 'https://www.chiark.greenend.org.uk/~sgtatham/putty/changes.html', (s) => `0.${76 + s}`],
  ['Microsoft Teams', 'https://msrc.microsoft.com/update-guide/', (s) => `1.${6 + Math.floor(s / 10)}.00.${10000 + s * 371}`],
];
const WEB_PRODUCTS: [string, string, string, string, number][] = [
  // [product title, family, port, cpe, major]
  ['Apache 2.4.x < 2.4.{n} Multiple Vulnerabilities', 'Web Servers', '443/tcp/www|80/tcp/www', 'cpe:/a:apache:http_server', 2],
  ['Apache Tomcat 9.0.x < 9.0.{n} Multiple Vulnerabilities', 'Web Servers', '8080/tcp/www|8443/tcp/www', 'cpe:/a:apache:tomcat', 9],
  ['nginx 1.{m}.x < 1.{m}.{n} Multiple Vulnerabilities', 'Web Servers', '443/tcp/www|80/tcp/www', 'cpe:/a:nginx:nginx', 1],
  ['PHP 8.{m}.x < 8.{m}.{n} Multiple Vulnerabilities', 'CGI abuses', '443/tcp/www|80/tcp/www', 'cpe:/a:php:php', 8],
  ['OpenSSL 3.0.x < 3.0.{n} Multiple Vulnerabilities', 'Web Servers', '443/tcp/www', 'cpe:/a:openssl:openssl', 3],
  ['jQuery 1.2 < 3.{m}.{n} Multiple XSS', 'CGI abuses', '443/tcp/www|80/tcp/www', 'cpe:/a:jquery:jquery', 3],
  ['PostgreSQL 14.x < 14.{n} Multiple Vulnerabilities', 'Databases', '5432/tcp/postgresql', 'cpe:/a:postgresql:postgresql', 14],
  ['MySQL 8.0.x < 8.0.{n} Multiple Vulnerabilities ({month} CPU)', 'Databases', '3306/tcp/mysql', 'cpe:/a:oracle:mysql', 8],
  ['Elasticsearch 7.x < 7.17.{n} Multiple Vulnerabilities (ESA-{year}-{adv})', 'Databases', '9200/tcp/www', 'cpe:/a:elastic:elasticsearch', 7],
  ['Redis Server 7.{m}.x < 7.{m}.{n} Multiple Vulnerabilities', 'Databases', '6379/tcp/redis', 'cpe:/a:redis:redis', 7],
  ['WordPress 6.{m}.x < 6.{m}.{n} Multiple Vulnerabilities', 'CGI abuses', '443/tcp/www|80/tcp/www', 'cpe:/a:wordpress:wordpress', 6],
  ['Microsoft IIS 10.0 {issue}', 'Web Servers', '443/tcp/www|80/tcp/www', 'cpe:/a:microsoft:iis', 10],
];
const CISCO_ISSUES = ['Web UI Cross-Site Request Forgery', 'SNMP Denial of Service', 'IKEv2 Denial of Service', 'Arbitrary Code Execution', 'Command Injection', 'Information Disclosure', 'Privilege Escalation', 'HTTP Server Denial of Service', 'DHCP Snooping Denial of Service', 'IOx Application Hosting Privilege Escalation', 'Secure Boot Bypass', 'Authentication Bypass'];
const FORTI_ISSUES = ['SSL-VPN heap buffer overflow', 'format string vulnerability', 'authentication bypass', 'path traversal in SSL-VPN', 'improper access control', 'OS command injection', 'stack-based buffer overflow in fgfmd', 'out-of-bounds write in sslvpnd', 'information disclosure', 'denial of service'];
const ISSUE_WORDS = ['webui', 'snmp', 'ikev2', 'rce', 'cmdinj', 'info', 'privesc', 'http', 'dhcp', 'iox', 'secboot', 'authbp'];

const GENERATED: GeneratedPool[] = [
  {
    pool: 'ubuntu', count: 700, idBase: 200000, family: 'Ubuntu Local Security Checks', type: 'local', port: '0/tcp/general', weights: [0, 2, 40, 45, 13],
    make: (k, r) => {
      const pkg = DEB_PACKAGES[r(1, DEB_PACKAGES.length)]!;
      const usn = 6000 + k * 2 + r(2, 2);
      return { name: `Ubuntu 20.04 LTS / 22.04 LTS / 24.04 LTS : ${pkg} vulnerabilities (USN-${usn}-1)`, product: pkg, advisory: `USN:${usn}-1`,
        fixedVersion: `${1 + r(3, 9)}.${r(4, 20)}.${r(5, 30)}-0ubuntu0.22.04.${1 + r(6, 9)}`, cpe: `p-cpe:/a:canonical:ubuntu_linux:${pkg}`, seeAlso: `https://ubuntu.com/security/notices/USN-${usn}-1` };
    },
  },
  {
    pool: 'debian', count: 400, idBase: 210000, family: 'Debian Local Security Checks', type: 'local', port: '0/tcp/general', weights: [0, 2, 40, 45, 13],
    make: (k, r) => {
      const pkg = DEB_PACKAGES[r(1, DEB_PACKAGES.length)]!;
      const dsa = 5400 + k;
      return { name: `Debian dsa-${dsa} : ${pkg} - security update`, product: pkg, advisory: `DSA:${dsa}`,
        fixedVersion: `${1 + r(3, 9)}.${r(4, 20)}.${r(5, 30)}-${1 + r(6, 4)}+deb12u${1 + r(7, 5)}`, cpe: `p-cpe:/a:debian:debian_linux:${pkg}`, seeAlso: `https://www.debian.org/security/${2023 + Math.floor(k / 200)}/dsa-${dsa}` };
    },
  },
  {
    pool: 'rhel', count: 700, idBase: 220000, family: 'Red Hat Local Security Checks', type: 'local', port: '0/tcp/general', weights: [0, 3, 42, 43, 12],
    make: (k, r) => {
      const pkg = RPM_PACKAGES[r(1, RPM_PACKAGES.length)]!;
      const year = 2022 + Math.floor(k / 180);
      const num = 1000 + ((k * 37) % 8000);
      return { name: `RHEL 8 / 9 : ${pkg} (RHSA-${year}:${num})`, product: pkg, advisory: `RHSA:${year}:${num}`,
        fixedVersion: `${1 + r(3, 9)}.${r(4, 20)}.${r(5, 30)}-${1 + r(6, 40)}.el9_${r(7, 5)}`, cpe: `p-cpe:/a:redhat:enterprise_linux:${pkg}`, seeAlso: `https://access.redhat.com/errata/RHSA-${year}:${num}` };
    },
  },
  {
    pool: 'windows', count: 700, idBase: 230000, family: 'Windows : Microsoft Bulletins', type: 'local', port: '445/tcp/cifs', weights: [0, 1, 22, 62, 15],
    make: (k) => {
      const month = MONTHS[k % 12]!;
      const year = 2021 + Math.floor(k / 60);
      const products = ['Windows 10 / Windows Server 2019', 'Windows 11 / Windows Server 2022', 'Windows Server 2016', 'Microsoft .NET Framework', 'Microsoft Office Products', 'Microsoft SQL Server', 'Microsoft Exchange Server', 'Microsoft Visual Studio', 'Windows Server 2012 R2'];
      const product = products[Math.floor(k / 12) % products.length]!;
      const kb = 5000000 + k * 53;
      const name = product.startsWith('Windows') ? `KB${kb}: ${product} Security Update (${month} ${year})` : `Security Updates for ${product} (${month} ${year})`;
      return { name, product, advisory: `MSKB:${kb}`, fixedVersion: `10.0.${17763 + (k % 5000)}.${1000 + k}`, cpe: 'cpe:/o:microsoft:windows', seeAlso: `https://support.microsoft.com/help/${kb}` };
    },
  },
  {
    pool: 'windows', count: 600, idBase: 240000, family: 'Windows', type: 'local', port: '445/tcp/cifs', weights: [0, 3, 35, 47, 15],
    make: (k) => {
      const [app, url, versionOf] = WIN_APPS[k % WIN_APPS.length]!;
      const version = versionOf(Math.floor(k / WIN_APPS.length));
      return { name: `${app} < ${version} Multiple Vulnerabilities`, product: app, fixedVersion: version, cpe: `cpe:/a:${app.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`, seeAlso: url };
    },
  },
  {
    pool: 'web', count: 360, idBase: 250000, family: 'Web Servers', type: 'remote', port: '443/tcp/www', weights: [0, 6, 44, 38, 12],
    make: (k) => {
      const [title, family, port, cpe, major] = WEB_PRODUCTS[k % WEB_PRODUCTS.length]!;
      const step = Math.floor(k / WEB_PRODUCTS.length);
      const m = 1 + (step % 9);
      const n = 10 + step * 2;
      const name = title
        .replace('{n}', String(n))
        .replaceAll('{m}', String(m))
        .replace('{month}', `${MONTHS[step % 12]} ${2022 + Math.floor(step / 12)}`)
        .replace('{year}', String(2022 + Math.floor(step / 12)))
        .replace('{adv}', String(10 + step).padStart(2, '0'))
        .replace('{issue}', ['Information Disclosure', 'Denial of Service', 'HTTP/2 Rapid Reset', 'Short File Name Disclosure'][step % 4]!);
      return { name, product: `${family}|${port}`, fixedVersion: `${major}.${m}.${n}`, cpe };
    },
  },
  {
    pool: 'cisco', count: 240, idBase: 260000, family: 'CISCO', type: 'combined', port: '0/tcp/general', weights: [0, 2, 48, 38, 12],
    make: (k, r) => {
      const i = k % CISCO_ISSUES.length;
      const slug = `iosxe-${ISSUE_WORDS[i]}-${(hash(7, k) >>> 0).toString(36).slice(0, 8)}`;
      return { name: `Cisco IOS XE Software ${CISCO_ISSUES[i]} (cisco-sa-${slug})`, product: 'Cisco IOS XE', advisory: `CISCO-SA:cisco-sa-${slug}`,
        fixedVersion: `17.${3 + r(1, 10)}.${1 + r(2, 6)}`, cpe: 'cpe:/o:cisco:ios_xe', seeAlso: `https://sec.cloudapps.cisco.com/security/center/content/CiscoSecurityAdvisory/cisco-sa-${slug}` };
    },
  },
  {
    pool: 'fortinet', count: 200, idBase: 270000, family: 'Firewalls', type: 'combined', port: '443/tcp/www', weights: [0, 2, 40, 40, 18],
    make: (k, r) => {
      const year = 22 + Math.floor(k / 60);
      const adv = `FG-IR-${year}-${String(100 + ((k * 7) % 400)).padStart(3, '0')}`;
      return { name: `Fortinet FortiOS ${FORTI_ISSUES[k % FORTI_ISSUES.length]} (${adv})`, product: 'FortiOS', advisory: `FG-IR:${adv}`,
        fixedVersion: `7.${r(1, 5)}.${1 + r(2, 14)}`, cpe: 'cpe:/o:fortinet:fortios', seeAlso: `https://www.fortiguard.com/psirt/${adv}` };
    },
  },
  {
    pool: 'esxi', count: 150, idBase: 280000, family: 'VMware ESX Local Security Checks', type: 'local', port: '0/tcp/general', weights: [0, 2, 40, 43, 15],
    make: (k, r) => {
      const year = 2021 + Math.floor(k / 40);
      const vmsa = `VMSA-${year}-${String(1 + (k % 40)).padStart(4, '0')}`;
      const ver = ['7.0', '8.0'][k % 2]!;
      return { name: `VMware ESXi ${ver} Multiple Vulnerabilities (${vmsa})`, product: `VMware ESXi ${ver}`, advisory: `VMSA:${vmsa}`,
        fixedVersion: `${ver} U${1 + r(1, 3)}${'abcd'[r(2, 4)]!}`, cpe: 'cpe:/o:vmware:esxi', seeAlso: `https://www.vmware.com/security/advisories/${vmsa}.html` };
    },
  },
];

// ------------------------------------------------------------------------------------------------
// Building plugins
// ------------------------------------------------------------------------------------------------

const CATALOG_SEED = 0x7e4ab1e;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function parsePorts(spec: string): PortSpec[] {
  return spec.split('|').map((part) => {
    const [port, protocol, service] = part.split('/') as [string, string, string];
    return { port: Number(port), protocol: protocol.toUpperCase() as PortSpec['protocol'], service };
  });
}

function xrefsOf(list: string[] | undefined): { type: string; id: string }[] {
  return (list ?? []).map((x) => {
    const at = x.indexOf(':');
    return { type: x.slice(0, at), id: x.slice(at + 1) };
  });
}

function buildPlugin(spec: Spec): CatalogPlugin {
  const r = (salt: number, n: number) => pick(CATALOG_SEED, n, spec.id, salt);
  const cve = spec.cve ?? [];
  const band = spec.severity > 0 ? BANDS[spec.severity]![(spec.band ?? r(1, 97)) % BANDS[spec.severity]!.length]! : undefined;
  const exploit = spec.exploit ?? (cve.length === 0 ? undefined : (['none', 'none', 'none', 'poc', 'metasploit', 'core'] as const)[r(2, 6)]!);
  const temporal = TEMPORAL[exploit === 'metasploit' || exploit === 'core' || exploit === 'canvas' ? 2 + r(3, 2) : exploit === 'poc' ? 1 : 0]!;
  const exploitAvailable = exploit === 'metasploit' || exploit === 'core' || exploit === 'canvas' || exploit === 'poc';
  const modified = spec.modified ?? addDays(spec.published, 30 + r(4, 600));
  let cvss2: Cvss | undefined;
  let cvss3: Cvss | undefined;
  if (band) {
    cvss3 = { base: band[0], vector: band[1], temporal: round1(band[0] * temporal[1]), temporalVector: temporal[0] };
    cvss2 = { base: band[2], vector: band[3], temporal: round1(band[2] * temporal[3]), temporalVector: temporal[2] };
  }
  const plugin: CatalogPlugin = {
    id: spec.id,
    name: spec.name,
    family: spec.family,
    familyId: FAMILY_ID.get(spec.family) ?? 30,
    type: spec.type,
    pool: spec.pool,
    severityId: spec.severity,
    riskFactor: RISK[cvss2 ? severityFromScore(cvss2.base) : 0]!,
    ports: parsePorts(spec.ports),
    cve,
    bid: spec.bid ?? [],
    cpe: spec.cpe ?? [],
    xrefs: xrefsOf(spec.xrefs),
    seeAlso: spec.seeAlso ?? [''],
    exploitAvailable,
    frameworks: {
      metasploit: exploit === 'metasploit',
      core: exploit === 'core' || (exploit === 'metasploit' && r(5, 3) === 0),
      canvas: exploit === 'canvas' || (exploit === 'metasploit' && r(6, 4) === 0),
      d2: false,
      exploithub: false,
    },
    exploitedByMalware: spec.malware ?? false,
    exploitedByNessus: spec.nessusExploits ?? false,
    inTheNews: spec.news ?? false,
    defaultAccount: spec.defaultAccount ?? false,
    checksMalware: false,
    hasPatch: spec.patchPub !== undefined || (cve.length > 0 && spec.type === 'local'),
    unsupported: spec.unsupported ?? false,
    published: spec.published,
    modified,
    synopsis: spec.synopsis,
    description: spec.description,
    solution: spec.solution,
    version: spec.version ?? `1.${1 + r(7, 20)}`,
    exportJson: '',
  };
  if (cvss2) plugin.cvss2 = cvss2;
  if (cvss3) plugin.cvss3 = cvss3;
  if (spec.patchPub) plugin.patchPublished = spec.patchPub;
  if (spec.vulnPub) plugin.vulnPublished = spec.vulnPub;
  if (spec.output !== undefined) plugin.output = spec.output;
  if (spec.fixedVersion) plugin.fixedVersion = spec.fixedVersion;
  if (spec.msBulletin) plugin.msBulletin = spec.msBulletin;
  if (spec.stig) plugin.stigSeverity = spec.stig;
  if (exploit === 'not-required') plugin.exploitEase = 'No exploit is required';
  else if (cve.length > 0) plugin.exploitEase = exploitAvailable ? 'Exploits are available' : 'No known exploits are available';
  if (cve.length > 0 && cvss3) {
    const maturity = exploit === 'metasploit' || exploit === 'core' ? (spec.news ? 'HIGH' : 'FUNCTIONAL') : exploit === 'poc' ? 'PROOF_OF_CONCEPT' : 'UNPROVEN';
    const intensity = spec.news ? (['HIGH', 'VERY_HIGH'] as const)[r(8, 2)]! : (['VERY_LOW', 'VERY_LOW', 'LOW', 'MEDIUM'] as const)[r(9, 4)]!;
    const boost = { UNPROVEN: -1.6, PROOF_OF_CONCEPT: -0.6, FUNCTIONAL: 0.3, HIGH: 0.8 }[maturity] + { VERY_LOW: -0.4, LOW: 0, MEDIUM: 0.4, HIGH: 0.8, VERY_HIGH: 1.2 }[intensity];
    const vulnAgeDays = (Date.parse('2026-01-01') - Date.parse(`${spec.vulnPub ?? spec.published}T00:00:00Z`)) / 86_400_000;
    const impact = round1(Math.min(6, cvss3.base * 0.62));
    plugin.vpr = {
      score: round1(Math.min(9.9, Math.max(0.1, cvss3.base * 0.82 + boost + (r(10, 9) - 4) / 10))),
      ageLowerBound: vulnAgeDays > 730 ? 731 : vulnAgeDays > 365 ? 366 : vulnAgeDays > 180 ? 181 : vulnAgeDays > 60 ? 61 : vulnAgeDays > 30 ? 31 : vulnAgeDays > 7 ? 8 : 0,
      maturity,
      intensity,
      sources: intensity === 'VERY_LOW' ? ['No recorded events'] : spec.news ? ['Mainstream Media', 'Security Research', 'Social Media'] : ['Security Research'],
      coverage: (['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'] as const)[r(11, 4)]!,
      impact,
      predicted: r(12, 4) === 0,
      updated: `${addDays('2025-11-01', r(13, 60))}T0${r(14, 10)}:${String(r(15, 60)).padStart(2, '0')}:${String(r(16, 60)).padStart(2, '0')}Z`,
    };
    plugin.epss = round1((exploitAvailable ? 5 + r(17, 900) / 10 : r(18, 80) / 10) * 10) / 10;
    const published = Date.parse(`${spec.vulnPub ?? spec.published}T00:00:00Z`);
    if (published >= Date.parse('2021-01-01')) {
      const v2score = round1(Math.min(10, plugin.vpr.score + (r(19, 11) - 5) / 10));
      plugin.vprV2 = {
        score: v2score,
        vpr_percentile: round1(v2score * 9.7),
        vpr_severity: v2score >= 9 ? 'CRITICAL' : v2score >= 7 ? 'HIGH' : v2score >= 4 ? 'MEDIUM' : 'LOW',
        exploit_probability: Math.round((plugin.epss / 100) * 1000) / 1000,
        cve_id: cve[0]!,
        exploit_code_maturity: maturity === 'PROOF_OF_CONCEPT' ? 'POC' : maturity,
        on_cisa_kev: plugin.xrefs.some((x) => x.type === 'CISA-KNOWN-EXPLOITED'),
        in_the_news_intensity_last30: intensity,
        in_the_news_recency: intensity === 'VERY_LOW' ? 'NO_RECORDED_EVENTS' : 'LAST_30_DAYS',
        malware_observations_intensity_last30: plugin.exploitedByMalware ? 'MEDIUM' : 'VERY_LOW',
        malware_observations_recency: plugin.exploitedByMalware ? 'LAST_30_DAYS' : 'NO_RECORDED_EVENTS',
      };
    }
    if (published >= Date.parse('2024-01-01')) {
      const base = round1(Math.max(1, cvss3.base - 0.6 - r(20, 10) / 10));
      plugin.cvss4 = { base, vector: 'AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', threatScore: round1(base * (exploitAvailable ? 0.9 : 0.6)), maturity: exploitAvailable ? 'Proof-of-Concept' : 'Unreported' };
    }
  }
  plugin.exportJson = JSON.stringify(exportPluginObject(plugin));
  return plugin;
}

function generatedSpec(pool: GeneratedPool, k: number): Spec {
  const id = pool.idBase + k;
  const r = (salt: number, n: number) => pick(CATALOG_SEED, n, id, 1000 + salt);
  const made = pool.make(k, r);
  const roll = u01(CATALOG_SEED, id, 77);
  const total = pool.weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  let severity = 2;
  for (let s = 0; s < 5; s++) {
    acc += pool.weights[s]! / total;
    if (roll < acc) {
      severity = s;
      break;
    }
  }
  const published = addDays('2021-01-04', Math.floor((k / pool.count) * 1800) + r(2, 20));
  const vulnPub = addDays(published, -(3 + r(3, 40)));
  const year = Number(vulnPub.slice(0, 4));
  const cveCount = severity === 0 ? 0 : 1 + r(4, pool.pool === 'windows' ? 12 : 6);
  const cve = Array.from({ length: cveCount }, (_, i) => `CVE-${year}-${String(1000 + (hash(CATALOG_SEED, id, 500 + i) % 48000)).padStart(4, '0')}`);
  const [family, port] = made.product.includes('|') ? (made.product.split('|') as [string, string]) : [pool.family, pool.port];
  const spec: Spec = {
    id,
    name: made.name,
    family: pool.pool === 'web' ? family : pool.family,
    type: pool.type,
    pool: pool.pool,
    severity,
    cve: [...new Set(cve)],
    ports: pool.pool === 'web' ? port : pool.port,
    published,
    vulnPub,
    patchPub: addDays(vulnPub, r(5, 3)),
    cpe: made.cpe ? [made.cpe] : [],
    xrefs: [...(made.advisory ? [made.advisory] : []), ...(severity >= 3 && r(6, 3) === 0 ? [`IAVA:${year}-A-${String(r(7, 700)).padStart(4, '0')}`] : [])],
    news: severity === 4 && r(8, 6) === 0,
    synopsis: pool.type === 'local' ? `The remote host is missing one or more security updates.` : `The remote ${made.product.split('|')[0]} installation is affected by multiple vulnerabilities.`,
    description: describe(pool, made, cve),
    solution: pool.type === 'local' ? 'Update the affected packages.' : `Upgrade to version ${made.fixedVersion} or later.`,
    seeAlso: made.seeAlso ? [made.seeAlso] : [''],
    output: outputTemplate(pool, made.product, made.advisory),
    fixedVersion: made.fixedVersion,
    version: `1.${1 + r(9, 12)}`,
  };
  if (pool.pool === 'windows' && pool.family === 'Windows : Microsoft Bulletins') {
    spec.msBulletin = [made.advisory!.split(':')[1]!];
    spec.xrefs = [...spec.xrefs!, `MSFT:MS${year % 100}-${made.advisory!.split(':')[1]}`];
  }
  if (severity >= 3 && r(10, 4) === 0) spec.stig = 'I';
  return spec;
}

function describe(pool: GeneratedPool, made: { name: string; product: string; fixedVersion: string; advisory?: string }, cve: string[]): string {
  const refs = cve.length ? ` (${cve.slice(0, 3).join(', ')}${cve.length > 3 ? ', ...' : ''})` : '';
  const note = "\n\nNote that Nessus has not tested for these issues but has instead relied only on the application's self-reported version number.";
  const advisory = made.advisory?.split(':').slice(1).join(':') ?? '';
  switch (pool.pool) {
    case 'ubuntu':
      return `The remote Ubuntu 20.04 LTS / 22.04 LTS / 24.04 LTS host has packages installed that are affected by multiple vulnerabilities as referenced in the USN-${advisory} advisory${refs}.${note}`;
    case 'debian':
      return `The remote Debian 12 host has a package installed that is affected by multiple vulnerabilities as referenced in the dsa-${advisory} advisory${refs}.${note}`;
    case 'rhel':
      return `The remote Redhat Enterprise Linux 8 / 9 host has packages installed that are affected by multiple vulnerabilities as referenced in the RHSA-${advisory} advisory${refs}.${note}`;
    case 'windows':
      return pool.family === 'Windows'
        ? `The version of ${made.product} installed on the remote Windows host is prior to ${made.fixedVersion}. It is, therefore, affected by multiple vulnerabilities${refs}.${note}`
        : `The remote Windows host is missing security update ${advisory}. It is, therefore, affected by multiple vulnerabilities${refs}, including remote code execution and elevation of privilege vulnerabilities.`;
    case 'web':
      return `According to its self-reported version, the ${made.name.split(' <')[0]} installation on the remote host is prior to ${made.fixedVersion}. It is, therefore, affected by multiple vulnerabilities${refs}.${note}`;
    default:
      return `According to its self-reported version, the remote ${made.product} device is affected by a vulnerability as described in advisory ${advisory}${refs}. An unauthenticated, remote attacker could exploit this issue to compromise the device.${note}`;
  }
}

function outputTemplate(pool: GeneratedPool, product: string, advisory: string | undefined): string {
  switch (pool.pool) {
    case 'ubuntu':
    case 'debian':
    case 'rhel':
      return `\n  - Installed package : ${product}-{installed}\n    Fixed package     : ${product}-{fixed}\n`;
    case 'windows':
      return pool.family === 'Windows'
        ? `\n  Path              : C:\\Program Files\\${product}\\\n  Installed version : {installed}\n  Fixed version     : {fixed}\n`
        : `\nThe remote host is missing one of the following rollup KBs :\n  - ${advisory?.split(':')[1] ?? ''}\n\n  - C:\\Windows\\system32\\ntoskrnl.exe has not been patched.\n    Remote version : {installed}\n    Should be      : {fixed}\n`;
    case 'web':
      return `\n  URL               : https://{fqdn}:{port}/\n  Installed version : {installed}\n  Fixed version     : {fixed}\n`;
    default:
      return `\n  Installed version : {installed}\n  Fixed version     : {fixed}\n`;
  }
}

/** The `plugin` object of a vulnerability export record (§2.5). */
function exportPluginObject(p: CatalogPlugin): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (p.bid.length) o.bid = p.bid;
  o.checks_for_default_account = p.defaultAccount;
  o.checks_for_malware = p.checksMalware;
  if (p.cpe.length) o.cpe = p.cpe;
  if (p.cve.length) o.cve = p.cve;
  o.cvss3_base_score = p.cvss3?.base ?? 0;
  o.cvss3_temporal_score = p.cvss3?.temporal ?? 0;
  if (p.cvss3) {
    o.cvss3_temporal_vector = temporalVector(p.cvss3.temporalVector, true);
    o.cvss3_vector = cvss3Vector(p.cvss3.vector);
  }
  if (p.cvss4) {
    o.cvss4_base_score = p.cvss4.base;
    o.cvss4_vector = cvss4Vector(p.cvss4.vector);
    o.cvss4_threat_vector = { threat_score: p.cvss4.threatScore, exploit_maturity: p.cvss4.maturity, raw: `CVSS:4.0/E:${p.cvss4.maturity === 'Unreported' ? 'U' : 'P'}` };
  }
  o.cvss_base_score = p.cvss2?.base ?? 0;
  o.cvss_temporal_score = p.cvss2?.temporal ?? 0;
  if (p.cvss2) {
    o.cvss_temporal_vector = temporalVector(p.cvss2.temporalVector, false);
    o.cvss_vector = cvss2Vector(p.cvss2.vector);
  }
  o.description = p.description;
  if (p.epss !== undefined) o.epss_score = p.epss;
  o.exploit_available = p.exploitAvailable;
  o.exploit_framework_canvas = p.frameworks.canvas;
  o.exploit_framework_core = p.frameworks.core;
  o.exploit_framework_d2_elliot = p.frameworks.d2;
  o.exploit_framework_exploithub = p.frameworks.exploithub;
  o.exploit_framework_metasploit = p.frameworks.metasploit;
  if (p.exploitEase) o.exploitability_ease = p.exploitEase;
  o.exploited_by_malware = p.exploitedByMalware;
  o.exploited_by_nessus = p.exploitedByNessus;
  o.family = p.family;
  o.family_id = p.familyId;
  o.has_patch = p.hasPatch;
  o.id = p.id;
  o.in_the_news = p.inTheNews;
  if (p.msBulletin) o.ms_bulletin = p.msBulletin;
  o.name = p.name;
  o.modification_date = `${p.modified}T00:00:00Z`;
  if (p.patchPublished) o.patch_publication_date = `${p.patchPublished}T00:00:00Z`;
  o.publication_date = `${p.published}T00:00:00Z`;
  o.risk_factor = p.riskFactor;
  o.see_also = p.seeAlso;
  o.solution = p.solution;
  if (p.stigSeverity) o.stig_severity = p.stigSeverity;
  o.synopsis = p.synopsis;
  o.type = p.type;
  o.unsupported_by_vendor = p.unsupported;
  o.version = p.version;
  if (p.vulnPublished) o.vuln_publication_date = `${p.vulnPublished}T00:00:00Z`;
  if (p.xrefs.length) o.xrefs = p.xrefs;
  if (p.vpr) o.vpr = vprObject(p);
  if (p.vprV2) o.vpr_v2 = p.vprV2;
  return o;
}

/** VPR as the export records carry it (with cvss3_impact_score) or as the plugin list does (with threat_recency). */
function vprObject(p: CatalogPlugin, variant: 'export' | 'list' = 'export'): Vpr {
  const v = p.vpr!;
  const drivers: NonNullable<Vpr['drivers']> = {
    age_of_vuln: { lower_bound: v.ageLowerBound },
    exploit_code_maturity: v.maturity,
    cvss_impact_score_predicted: v.predicted,
  };
  if (variant === 'export') drivers.cvss3_impact_score = v.impact;
  drivers.threat_intensity_last28 = v.intensity;
  if (variant === 'list' && v.intensity !== 'VERY_LOW') drivers.threat_recency = { lower_bound: v.intensity === 'HIGH' || v.intensity === 'VERY_HIGH' ? 0 : 8 };
  drivers.threat_sources_last28 = v.sources;
  drivers.product_coverage = v.coverage;
  return { score: v.score, drivers, updated: v.updated };
}

export class PluginCatalog {
  readonly plugins: readonly CatalogPlugin[];
  private readonly byId = new Map<number, CatalogPlugin>();
  private readonly pools = new Map<PoolId, CatalogPlugin[]>();

  constructor() {
    const all = [...HANDWRITTEN.map(buildPlugin)];
    for (const pool of GENERATED) for (let k = 0; k < pool.count; k++) all.push(buildPlugin(generatedSpec(pool, k)));
    all.sort((a, b) => a.id - b.id);
    this.plugins = all;
    for (const p of all) {
      this.byId.set(p.id, p);
      let list = this.pools.get(p.pool);
      if (!list) this.pools.set(p.pool, (list = []));
      list.push(p);
    }
  }

  get(id: number): CatalogPlugin | undefined {
    return this.byId.get(id);
  }

  pool(id: PoolId): readonly CatalogPlugin[] {
    return this.pools.get(id) ?? [];
  }

  families(): { id: number; name: string; count: number }[] {
    const counts = new Map<number, number>();
    for (const p of this.plugins) counts.set(p.familyId, (counts.get(p.familyId) ?? 0) + 1);
    return FAMILIES.filter((f) => counts.has(f.id))
      .map((f) => ({ count: counts.get(f.id)!, name: f.name, id: f.id }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}

let shared: PluginCatalog | undefined;

/** The process-wide catalog (built on first use, about 5,000 plugins). */
export function pluginCatalog(): PluginCatalog {
  shared ??= new PluginCatalog();
  return shared;
}

/** `GET /plugins/plugin` list item attributes. */
export function pluginListAttributes(p: CatalogPlugin): PluginListAttributes {
  const a: PluginListAttributes = {
    plugin_modification_date: `${p.modified}T00:00:00Z`,
    plugin_version: p.version,
    exploited_by_malware: p.exploitedByMalware,
    description: p.description,
    unsupported_by_vendor: p.unsupported,
    cvss_temporal_score: p.cvss2?.temporal ?? 0,
    see_also: p.seeAlso[0] === '' ? [] : p.seeAlso,
    default_account: p.defaultAccount,
    exploit_available: p.exploitAvailable,
    cve: p.cve,
    exploit_framework_canvas: p.frameworks.canvas,
    cvss_base_score: p.cvss2?.base ?? 0,
    solution: p.solution,
    exploit_framework_exploithub: p.frameworks.exploithub,
    cpe: p.cpe,
    plugin_publication_date: `${p.published}T00:00:00Z`,
    exploit_framework_core: p.frameworks.core,
    in_the_news: p.inTheNews,
    has_patch: p.hasPatch,
    xref: p.xrefs.map((x) => `${x.type}:${x.id}`),
    malware: p.checksMalware,
    exploit_framework_d2_elliot: p.frameworks.d2,
    xrefs: p.xrefs,
    risk_factor: p.riskFactor.toUpperCase(),
    synopsis: p.synopsis,
    cvss3_temporal_score: p.cvss3?.temporal ?? 0,
    exploited_by_nessus: p.exploitedByNessus,
    cvss3_base_score: p.cvss3?.base ?? 0,
    exploit_framework_metasploit: p.frameworks.metasploit,
    plugin_type: p.type,
    always_run: false,
    compliance: false,
    bid: p.bid,
    vpr: p.vpr ? vprObject(p, 'list') : {},
  };
  if (p.cvss2) {
    a.cvss_vector = listVectorV2(p.cvss2.vector);
    a.cvss_temporal_vector = listTemporal(p.cvss2.temporalVector, false);
  }
  if (p.cvss3) {
    a.cvss3_vector = listVectorV3(p.cvss3.vector);
    a.cvss3_temporal_vector = listTemporal(p.cvss3.temporalVector, true);
  }
  if (p.patchPublished) a.patch_publication_date = `${p.patchPublished}T00:00:00Z`;
  if (p.vulnPublished) a.vuln_publication_date = `${p.vulnPublished}T00:00:00Z`;
  return a;
}

/** `GET /plugins/plugin/{id}`: name/value attributes, dates as YYYY/MM/DD. */
export function pluginDetails(p: CatalogPlugin): PluginDetailsBody {
  const slash = (d: string) => d.replaceAll('-', '/');
  const attributes: { attribute_value: string; attribute_name: string }[] = [
    { attribute_value: `${p.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 40)}.nasl`, attribute_name: 'fname' },
    { attribute_value: p.name, attribute_name: 'plugin_name' },
    { attribute_value: `$Revision: ${p.version} $`, attribute_name: 'script_version' },
    { attribute_value: p.solution, attribute_name: 'solution' },
    { attribute_value: p.riskFactor, attribute_name: 'risk_factor' },
    { attribute_value: p.description, attribute_name: 'description' },
    { attribute_value: slash(p.published), attribute_name: 'plugin_publication_date' },
    { attribute_value: p.type, attribute_name: 'plugin_type' },
    { attribute_value: p.synopsis, attribute_name: 'synopsis' },
    { attribute_value: slash(p.modified), attribute_name: 'plugin_modification_date' },
  ];
  for (const cve of p.cve) attributes.push({ attribute_value: cve, attribute_name: 'cve' });
  if (p.cvss2) attributes.push({ attribute_value: String(p.cvss2.base), attribute_name: 'cvss_base_score' }, { attribute_value: `CVSS2#${p.cvss2.vector}`, attribute_name: 'cvss_vector' });
  if (p.cvss3) attributes.push({ attribute_value: String(p.cvss3.base), attribute_name: 'cvss3_base_score' }, { attribute_value: `CVSS:3.0/${p.cvss3.vector}`, attribute_name: 'cvss3_vector' });
  if (p.vpr) attributes.push({ attribute_value: String(p.vpr.score), attribute_name: 'vpr_score' });
  if (p.cve.length) attributes.push({ attribute_value: String(p.exploitAvailable), attribute_name: 'exploit_available' });
  if (p.patchPublished) attributes.push({ attribute_value: slash(p.patchPublished), attribute_name: 'patch_publication_date' });
  if (p.vulnPublished) attributes.push({ attribute_value: slash(p.vulnPublished), attribute_name: 'vuln_publication_date' });
  for (const x of p.xrefs) attributes.push({ attribute_value: `${x.type}:${x.id}`, attribute_name: 'xref' });
  for (const s of p.seeAlso) if (s) attributes.push({ attribute_value: s, attribute_name: 'see_also' });
  return { attributes, family_name: p.family, name: p.name, id: p.id };
}

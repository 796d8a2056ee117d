/**
 * Deterministic Tenable Vulnerability Management findings CSV for benchmarks: day 1 has
 * `rows` findings; day 2 drops ~10%, adds ~10% new and changes the VPR of ~30%.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export const BENCH_HEADER = [
  'asset.id', 'asset.name', 'asset.display_ipv4_address', 'asset.operating_system', 'definition.id', 'definition.name',
  'definition.family', 'definition.cve', 'definition.vpr.score', 'definition.cvss3.base_score', 'severity', 'state',
  'port', 'protocol', 'first_observed', 'last_seen', 'output',
];

const SEVERITIES = ['Info', 'Low', 'Medium', 'High', 'Critical'];
const FAMILIES = ['Windows', 'Ubuntu Local Security Checks', 'Web Servers', 'General', 'Misc.', 'Databases'];
const PLUGINS = 5000;
const FINDINGS_PER_HOST = 50;

/** A stable pseudo-random number in [0, 1) for (i, salt). */
function unit(i: number, salt: number): number {
  let x = (i ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `6b1a5e0c-0000-4000-8000-${hex}`;
}

function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function row(i: number, hosts: number, day: 1 | 2, scanDate: string): string {
  const host = i % hosts;
  const round = Math.floor(i / hosts);
  // Distinct (host, plugin) for distinct i: 2919 is coprime with PLUGINS.
  const plugin = (round * 2919 + host * 31) % PLUGINS;
  const severity = Math.floor(unit(plugin, 1) * 5);
  const cveCount = unit(plugin, 2) < 0.5 ? 0 : unit(plugin, 3) < 0.8 ? 1 : 2;
  const cves = Array.from({ length: cveCount }, (_, k) => `CVE-20${10 + (plugin % 15)}-${10000 + plugin * 3 + k}`).join(',');
  let vpr = Math.round((1 + unit(i, 4) * 9) * 10) / 10;
  if (day === 2 && unit(i, 5) < 0.3) vpr = Math.round((1 + unit(i, 6) * 9) * 10) / 10;
  const port = [22, 80, 443, 445, 3389, 8080][plugin % 6]!;
  const output = `Remote package installed : pkg-${plugin}-1.${i % 97}.${i % 13}\nShould be : pkg-${plugin}-1.${(i % 97) + 1}.0 (host ${host}, finding ${i}) lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua`;
  return [
    uuid(host), `host-${host}.corp.example.com`, `10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}`,
    quote('Linux Kernel 5.15 on Ubuntu 22.04'), String(100000 + plugin), quote(`Example Plugin ${plugin}: package update required (multiple vulnerabilities)`),
    quote(FAMILIES[plugin % FAMILIES.length]!), quote(cves), String(vpr), String(Math.min(10, 1 + severity * 2.2).toFixed(1)),
    SEVERITIES[severity]!, 'ACTIVE', String(port), 'TCP', '2024-01-15T08:00:00Z', `${scanDate}T06:00:00Z`, quote(output),
  ].join(',');
}

/** Writes one day's file; returns the number of data rows. */
export async function generateDay(file: string, rows: number, day: 1 | 2, scanDate: string): Promise<number> {
  const hosts = Math.max(1, Math.floor(rows / FINDINGS_PER_HOST));
  const out = createWriteStream(file);
  let written = 0;
  let buffer = `${BENCH_HEADER.join(',')}\n`;
  const flush = async () => {
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  const last = day === 1 ? rows : rows + Math.floor(rows / 10);
  for (let i = 0; i < last; i++) {
    if (day === 2 && i < rows && unit(i, 7) < 0.1) continue;
    buffer += `${row(i, hosts, day, scanDate)}\n`;
    written += 1;
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return written;
}

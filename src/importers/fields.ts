/**
 * Field readers shared by every format, so that the row rules are the same everywhere:
 *
 * - empty cell (or a placeholder such as `N/A`, `null`) -> undefined
 * - a numeric field (VPR, CVSS, port) holding anything else than a number -> the row is rejected,
 *   naming the field and the bad value
 * - a date that cannot be read -> the row is rejected, naming the field
 * - severity: the scanner's own value; when missing or unreadable, derived from CVSS v3 then
 *   CVSS v2 (severityFromCvss); with neither, the row is rejected
 * - no host name and no IP address -> rejected; no plugin id -> rejected
 *
 * The readers throw RowProblem; each format catches it per row and emits a `rejected` event.
 * RowProblem does not extend Error: it is thrown for bad rows only and needs no stack trace.
 */
import { isIP } from 'node:net';
import { toIsoDate } from '../domain/dates.ts';
import { extractCves } from '../domain/finding-identity.ts';
import { parseSeverity, severityFromCvss } from '../domain/severity.ts';
import type { SeverityLevel } from '../shared/severity.ts';
import type { ParseEvent } from './importer.ts';

export class RowProblem {
  constructor(
    readonly field: string | undefined,
    readonly reason: string,
  ) {}
}

export function rejectedEvent(line: number, problem: RowProblem): ParseEvent {
  return problem.field === undefined
    ? { kind: 'rejected', issue: { line, reason: problem.reason } }
    : { kind: 'rejected', issue: { line, field: problem.field, reason: problem.reason } };
}

/** Placeholders scanners write for "no value". Compared after trimming, case-sensitively. */
const PLACEHOLDERS = new Set(['N/A', 'n/a', 'NA', 'null', 'NULL', 'Null', 'None found']);

function isSpace(code: number): boolean {
  return code <= 32 || code === 0xa0 || code === 0xfeff;
}

/** Trimmed text, or undefined when empty or a placeholder. Cheap for the common already-trimmed case. */
export function text(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = raw.length;
  if (n === 0) return undefined;
  const value = isSpace(raw.charCodeAt(0)) || isSpace(raw.charCodeAt(n - 1)) ? raw.trim() : raw;
  if (value.length === 0) return undefined;
  // Every placeholder starts with N or n: skip the set lookup for everything else.
  const c0 = value.charCodeAt(0);
  if ((c0 === 78 || c0 === 110) && value.length <= 10 && PLACEHOLDERS.has(value)) return undefined;
  return value;
}

/** Like text(), with CR LF / lone CR turned into LF (multi-line cells of CRLF files). */
export function multiline(raw: string | undefined | null): string | undefined {
  const value = text(raw);
  if (value === undefined || value.indexOf('\r') === -1) return value;
  return value.replace(/\r\n?/g, '\n');
}

export function lower(raw: string | undefined | null): string | undefined {
  const value = text(raw);
  return value === undefined ? undefined : value.toLowerCase();
}

export function upper(raw: string | undefined | null): string | undefined {
  const value = text(raw);
  return value === undefined ? undefined : value.toUpperCase();
}

/** First item of a list cell ("10.0.0.1, 10.0.0.2" -> "10.0.0.1"). */
export function firstOfList(raw: string | undefined | null): string | undefined {
  const value = text(raw);
  if (value === undefined) return undefined;
  if (value.indexOf(',') === -1 && value.indexOf(' ') === -1 && value.indexOf('\n') === -1) return value;
  for (const part of value.split(/[\s,;]+/)) if (part !== '') return part;
  return undefined;
}

/**
 * Parses an unsigned decimal ("7.5", "10", "7,5"). Returns NaN for anything else
 * (signs, exponents, hex, thousands separators, words).
 */
function parseDecimal(value: string): { n: number; hasSeparator: boolean } | undefined {
  let separator = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if ((c === 46 || c === 44) && separator < 0 && i > 0 && i < value.length - 1) {
      separator = i;
      continue;
    }
    return undefined;
  }
  const n = separator >= 0 && value.charCodeAt(separator) === 44 ? Number(value.replace(',', '.')) : Number(value);
  return Number.isFinite(n) ? { n, hasSeparator: separator >= 0 } : undefined;
}

function describe(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * A 0-10 score (CVSS, VPR). Nessus 2025 CSV templates drop the decimal point ("75" for 7.5,
 * "100" for 10.0): a whole number from 11 to 100 written without separator is read as tenths.
 */
export function score(raw: string | number | undefined | null, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') {
    if (Number.isFinite(raw) && raw >= 0 && raw <= 10) return raw;
    throw new RowProblem(field, `${field} must be a score from 0 to 10, got ${describe(raw)}`);
  }
  const value = text(raw);
  if (value === undefined || value === '-') return undefined;
  const parsed = parseDecimal(value);
  if (parsed === undefined) throw new RowProblem(field, `${field} is not a number: "${describe(value)}"`);
  const { n, hasSeparator } = parsed;
  if (n <= 10) return n;
  if (!hasSeparator && n <= 100 && Number.isInteger(n)) return n / 10;
  throw new RowProblem(field, `${field} must be a score from 0 to 10, got "${describe(value)}"`);
}

/** A port 0..65535; 0 is a host-level finding. */
export function port(raw: string | number | undefined | null, field: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let n: number;
  if (typeof raw === 'number') {
    n = raw;
  } else {
    const value = text(raw);
    if (value === undefined) return undefined;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) throw new RowProblem(field, `${field} is not a port number: "${describe(value)}"`);
    }
    n = Number(value);
  }
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RowProblem(field, `${field} is not a port number: "${describe(raw)}"`);
  return n;
}

export function date(raw: string | number | undefined | null, field: string): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') {
    const day = toIsoDate(raw);
    if (day === undefined) throw new RowProblem(field, `${field} is not a date: ${raw}`);
    return day;
  }
  const value = text(raw);
  if (value === undefined) return undefined;
  const day = toIsoDate(value);
  if (day === undefined) throw new RowProblem(field, `${field} is not a date: "${describe(value)}"`);
  return day;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'available', 'exploits are available']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'not_available', 'not available', 'no known exploits are available']);

/** Yes/no flags. Unknown wording gives undefined (a flag never rejects a row). */
export function flag(raw: string | boolean | undefined | null): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw;
  const value = text(raw);
  if (value === undefined) return undefined;
  const key = value.toLowerCase();
  if (TRUE_WORDS.has(key)) return true;
  if (FALSE_WORDS.has(key)) return false;
  return undefined;
}

/** CVE ids from a cell ("CVE-a,CVE-b", one per line) or an array. Always an array. */
export function cves(raw: string | readonly string[] | undefined | null): string[] {
  if (raw === undefined || raw === null || raw.length === 0) return [];
  return extractCves(raw);
}

/** Reference URLs: separated by new lines, spaces or commas in CSV / XML, or an array in JSON. */
export function links(raw: string | readonly unknown[] | undefined | null): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parts = typeof raw === 'string' ? [raw] : raw.filter((v): v is string => typeof v === 'string');
  const out: string[] = [];
  for (const part of parts) {
    for (const piece of part.split(/[\s,]+/)) if (piece !== '' && !PLACEHOLDERS.has(piece)) out.push(piece);
  }
  return out.length > 0 ? out : undefined;
}

/** Plugin id as text: digits as written, a JSON number as its decimal form. Missing -> rejected. */
export function requirePluginId(raw: string | number | undefined | null, field: string): string {
  if (typeof raw === 'number') {
    if (Number.isFinite(raw)) return String(raw);
    throw new RowProblem(field, `${field} is not a plugin id: ${describe(raw)}`);
  }
  const value = text(raw);
  if (value === undefined) throw new RowProblem(field, `${field} is empty`);
  return value;
}

/**
 * Severity as the scanner wrote it (first readable of `candidates`), else derived from CVSS v3
 * then v2. `field` names the severity column for the rejection.
 */
export function resolveSeverity(
  candidates: readonly (string | number | undefined | null)[],
  cvss3: number | undefined,
  cvss2: number | undefined,
  field: string,
): SeverityLevel {
  let seen: string | number | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null) continue;
    const value = typeof candidate === 'number' ? candidate : text(candidate);
    if (value === undefined) continue;
    const level = parseSeverity(value);
    if (level !== undefined) return level;
    seen ??= value;
  }
  const derived = severityFromCvss(cvss3) ?? severityFromCvss(cvss2);
  if (derived !== undefined) return derived;
  throw new RowProblem(
    field,
    seen === undefined ? `${field} is empty and there is no CVSS score to derive it from` : `${field} is not a severity: "${describe(seen)}" (and no CVSS score to derive it from)`,
  );
}

/** Rejects a row that names no host at all. */
export function requireHost(hostname: string | undefined, ipAddress: string | undefined, field: string): void {
  if (hostname === undefined && ipAddress === undefined) throw new RowProblem(field, `${field} is empty: the row names no host name or IP address`);
}

export function looksLikeIp(value: string | undefined): boolean {
  if (value === undefined || value.length === 0) return false;
  const c = value.charCodeAt(0);
  // Cheap pre-check: IPv4 starts with a digit, IPv6 contains a colon.
  if (!(c >= 48 && c <= 57) && value.indexOf(':') === -1) return false;
  return isIP(value) !== 0;
}

/** The host name to report: `name`, unless it is only an IP address and a real name is known. */
export function hostnameOf(name: string | undefined, fqdn: string | undefined, netbios?: string): string | undefined {
  if (name !== undefined && !looksLikeIp(name)) return name;
  return fqdn ?? netbios ?? name;
}

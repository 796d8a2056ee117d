/**
 * Scanner dates to calendar days. Every importer stores dates as `YYYY-MM-DD` in UTC;
 * this module reads the shapes Tenable and Nessus write:
 *
 * - ISO 8601 with or without time, millis and offset: `2023-04-11T10:35:14.922Z`, `2024-02-09`,
 *   `2024-02-09 10:00:00`, `2024-02-09T10:00:00+02:00`
 * - Tenable.sc: `Feb 9, 2024 10:48:42 UTC`, `Jan 5, 2021 10:24:08 MST`
 * - .nessus HOST_END (ctime): `Mon Feb 12 10:00:00 2024`, `Mon Jul  1 11:40:48 2013`
 * - RFC 2822 style: `Fri, 09 Feb 2024 10:48:42 GMT`, `9 Feb 2024`
 * - `2024/02/09`, and `dd/mm/yyyy` / `mm/dd/yyyy` only when the day is > 12 (otherwise ambiguous)
 * - epoch seconds (number or digit string; 12+ digits are read as epoch milliseconds)
 *
 * A date without a zone is taken as UTC (scanners write local time without saying which zone,
 * so the calendar day as written is the best guess). Unknown zone abbreviations are read as UTC.
 * Returns undefined for empty or unparseable input; the caller decides whether that rejects a row.
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

/** Offsets in minutes east of UTC for the abbreviations US-centric scanners print. */
const ZONES: Record<string, number> = {
  utc: 0, gmt: 0, ut: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600,
  wet: 0, west: 60, bst: 60, cet: 60, cest: 120, eet: 120, eest: 180,
};

const DAY_NAMES = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1] ?? 0;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function validDay(year: number, month: number, day: number): boolean {
  return year >= 1900 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function formatDay(year: number, month: number, day: number): string | undefined {
  if (!validDay(year, month, day)) return undefined;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** Calendar day (UTC) of a wall-clock time at the given offset (minutes east of UTC). */
function shiftedDay(year: number, month: number, day: number, hour: number, minute: number, second: number, offsetMinutes: number): string | undefined {
  if (formatDay(year, month, day) === undefined) return undefined;
  if (hour > 24 || minute > 59 || second > 60) return undefined;
  if (offsetMinutes === 0 && hour < 24) return formatDay(year, month, day);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const d = new Date(ms);
  return formatDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function fromEpoch(value: number): string | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const ms = value >= 1e11 ? value : value * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return undefined;
  return formatDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

function parseOffset(text: string): number | undefined {
  // +hh:mm, +hhmm, +hh
  const sign = text[0] === '-' ? -1 : text[0] === '+' ? 1 : 0;
  if (sign === 0) return undefined;
  const digits = text.slice(1).replace(':', '');
  if (!/^\d{2}(\d{2})?$/.test(digits)) return undefined;
  const h = Number(digits.slice(0, 2));
  const m = digits.length === 4 ? Number(digits.slice(2)) : 0;
  if (h > 14 || m > 59) return undefined;
  return sign * (h * 60 + m);
}

/** `YYYY-MM-DD` followed by an optional time and zone. */
function parseIso(s: string): string | undefined {
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (year < 0 || month < 0 || day < 0 || twoDigits(s, 0) < 0 || twoDigits(s, 2) < 0) return undefined;
  if (s.length === 10) return validDay(year, month, day) ? s : undefined;
  const sep = s[10];
  if (sep !== 'T' && sep !== ' ' && sep !== 't') return undefined;
  const last = s[s.length - 1];
  // Fast path: UTC timestamps (`…Z`), the shape of every Tenable API and VM export date.
  if (last === 'Z' && s[13] === ':' && s[16] === ':' && (s.length === 20 || s[19] === '.')) {
    const hour = twoDigits(s, 11);
    const minute = twoDigits(s, 14);
    const second = twoDigits(s, 17);
    let fractionOk = true;
    for (let i = 20; i < s.length - 1; i++) if (!isDigit(s.charCodeAt(i))) fractionOk = false;
    if (fractionOk && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second <= 60) {
      return validDay(year, month, day) ? s.slice(0, 10) : undefined;
    }
  }
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/.exec(s.slice(11));
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = m[3] === undefined ? 0 : Number(m[3]);
  const zone = m[4];
  let offset = 0;
  if (zone !== undefined && last !== 'Z' && last !== 'z' && zone !== 'UTC' && zone !== 'GMT') {
    const parsed = parseOffset(zone);
    if (parsed === undefined) return undefined;
    offset = parsed;
  }
  return shiftedDay(year, month, day, hour, minute, second, offset);
}

/** Slash dates: `YYYY/MM/DD`, or `DD/MM/YYYY` / `MM/DD/YYYY` when unambiguous. Time part ignored. */
function parseSlashed(s: string): string | undefined {
  const m = /^(\d{1,4})\/(\d{1,2})\/(\d{1,4})(?:[ T].*)?$/.exec(s);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  const c = Number(m[3]);
  if (m[1]!.length === 4) return formatDay(a, b, c);
  if (m[3]!.length !== 4) return undefined;
  if (a > 12 && b <= 12) return formatDay(c, b, a);
  if (b > 12 && a <= 12) return formatDay(c, a, b);
  if (a === b) return formatDay(c, a, b);
  return undefined;
}

/** Dates written with a month name, in any of the orders listed in the module comment. */
function parseWords(s: string): string | undefined {
  const tokens = s.split(/[\s,]+/);
  let year = -1;
  let month = -1;
  let day = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let offset = 0;
  for (const raw of tokens) {
    if (raw === '') continue;
    const token = raw.toLowerCase();
    const first = token.charCodeAt(0);
    if (isDigit(first)) {
      if (token.includes(':')) {
        const t = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(token);
        if (!t) return undefined;
        hour = Number(t[1]);
        minute = Number(t[2]);
        second = t[3] === undefined ? 0 : Number(t[3]);
      } else if (/^\d{4}$/.test(token) && year < 0) {
        year = Number(token);
      } else if (/^\d{1,2}(st|nd|rd|th)?$/.test(token) && day < 0) {
        day = Number.parseInt(token, 10);
      } else {
        return undefined;
      }
    } else if (token[0] === '+' || token[0] === '-') {
      const parsed = parseOffset(token);
      if (parsed === undefined) return undefined;
      offset = parsed;
    } else {
      const name = token.endsWith('.') ? token.slice(0, -1) : token;
      const mon = MONTHS[name];
      if (mon !== undefined && month < 0) {
        month = mon;
      } else if (DAY_NAMES.has(name)) {
        continue;
      } else if (name in ZONES) {
        offset = ZONES[name]!;
      } else if (/^(utc|gmt)[+-]\d{1,2}(:?\d{2})?$/.test(name)) {
        const tail = name.slice(3);
        const parsed = parseOffset(tail.length <= 3 ? `${tail[0]}${tail.slice(1).padStart(2, '0')}` : tail);
        if (parsed === undefined) return undefined;
        offset = parsed;
      } else if (/^[a-z]{2,5}$/.test(name)) {
        // Unknown zone abbreviation: read the wall clock as UTC.
        continue;
      } else {
        return undefined;
      }
    }
  }
  if (year < 0 || month < 0 || day < 0) return undefined;
  return shiftedDay(year, month, day, hour, minute, second, offset);
}

export function toIsoDate(raw: string | number | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'number') return fromEpoch(raw);
  const s = raw.trim();
  if (s === '') return undefined;
  const c0 = s.charCodeAt(0);
  if (isDigit(c0)) {
    if (s.length >= 10 && s[4] === '-' && s[7] === '-') return parseIso(s);
    if (/^\d{9,13}(\.\d+)?$/.test(s)) return fromEpoch(Number(s));
    if (s.includes('/')) return parseSlashed(s);
  }
  return parseWords(s);
}

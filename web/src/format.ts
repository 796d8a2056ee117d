/** Display formatting shared by the pages. */

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

const BY_NUMBER: Record<number, SeverityName> = { 4: 'Critical', 3: 'High', 2: 'Medium', 1: 'Low', 0: 'Info' };

/** Severity from the API: a number 0–4 or a name in any case. */
export function severityName(value: unknown): SeverityName | '' {
  if (typeof value === 'number') return BY_NUMBER[value] ?? '';
  if (typeof value === 'string' && value) {
    const match = SEVERITIES.find((s) => s.toLowerCase() === value.toLowerCase());
    if (match) return match;
    if (/^\d$/.test(value)) return BY_NUMBER[Number(value)] ?? '';
  }
  return '';
}

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : decimal.format(value);
}

export function formatSigned(value: number, digits = 0): string {
  const text = digits > 0 ? decimal.format(Math.abs(value)) : integer.format(Math.abs(value));
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : '±0';
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  return value.length <= 10 ? value : new Date(value).toLocaleString();
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/** A YYYY-MM-DD or YYYYMMDD date in a file name, as the server also reads it. */
export function dateFromFileName(name: string): string | null {
  const dashed = /(\d{4})-(\d{2})-(\d{2})/.exec(name);
  const compact = dashed ? null : /(?:^|\D)(\d{4})(\d{2})(\d{2})(?:\D|$)/.exec(name);
  const m = dashed ?? compact;
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(date)) ? null : date;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

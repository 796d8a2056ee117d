/**
 * Scan windows: a job may only start between HH:MM start and end (UTC). A window whose end is
 * before its start spans midnight (22:00–06:00); equal start and end means the whole day.
 */
import { DomainError } from './errors.ts';

export interface ScanWindow {
  start: string;
  end: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

function minutes(value: string, field: string): number {
  const match = HH_MM.exec(value);
  if (!match) throw new DomainError('validation_error', `${field} "${value}" is not a time HH:MM (00:00–23:59)`, { field });
  return Number(match[1]) * 60 + Number(match[2]);
}

export function isValidWindowTime(value: string): boolean {
  return HH_MM.test(value);
}

function minuteOfDay(ms: number): number {
  return Math.floor((ms % DAY_MS) / 60_000);
}

export function isWithinWindow(nowMs: number, window: ScanWindow): boolean {
  const start = minutes(window.start, 'window.start');
  const end = minutes(window.end, 'window.end');
  if (start === end) return true;
  const now = minuteOfDay(nowMs);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** When a job outside its window may start: now if inside, else the next time the window opens. */
export function nextWindowStart(nowMs: number, window: ScanWindow): number {
  if (isWithinWindow(nowMs, window)) return nowMs;
  const start = minutes(window.start, 'window.start');
  const midnight = nowMs - (nowMs % DAY_MS);
  const today = midnight + start * 60_000;
  return today > nowMs ? today : today + DAY_MS;
}

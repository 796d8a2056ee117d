import { describe, expect, it } from 'vitest';
import { isWithinWindow, nextWindowStart } from './scan-window.ts';

const at = (iso: string) => Date.parse(iso);

describe('scan windows', () => {
  it('opens between start and end on the same day', () => {
    const window = { start: '09:00', end: '17:30' };
    expect(isWithinWindow(at('2026-01-05T09:00:00Z'), window)).toBe(true);
    expect(isWithinWindow(at('2026-01-05T17:29:59Z'), window)).toBe(true);
    expect(isWithinWindow(at('2026-01-05T17:30:00Z'), window)).toBe(false);
    expect(nextWindowStart(at('2026-01-05T18:00:00Z'), window)).toBe(at('2026-01-06T09:00:00Z'));
    expect(nextWindowStart(at('2026-01-05T07:15:00Z'), window)).toBe(at('2026-01-05T09:00:00Z'));
  });

  it('spans midnight when the end is before the start', () => {
    const window = { start: '22:00', end: '06:00' };
    expect(isWithinWindow(at('2026-01-05T23:59:00Z'), window)).toBe(true);
    expect(isWithinWindow(at('2026-01-06T05:59:00Z'), window)).toBe(true);
    expect(isWithinWindow(at('2026-01-06T06:00:00Z'), window)).toBe(false);
    expect(nextWindowStart(at('2026-01-06T12:00:00Z'), window)).toBe(at('2026-01-06T22:00:00Z'));
    const inside = at('2026-01-06T01:00:00Z');
    expect(nextWindowStart(inside, window)).toBe(inside);
  });

  it('is the whole day when start equals end, and names a bad time', () => {
    expect(isWithinWindow(at('2026-01-05T03:00:00Z'), { start: '00:00', end: '00:00' })).toBe(true);
    expect(() => isWithinWindow(0, { start: '24:00', end: '01:00' })).toThrow(/window.start "24:00"/);
  });
});

import { describe, expect, it } from 'vitest';
import { toIsoDate } from './dates.ts';

describe('toIsoDate', () => {
  it.each([
    ['2023-04-11T10:35:14.922Z', '2023-04-11'],
    ['2023-03-29T07:58:53Z', '2023-03-29'],
    ['2024-02-09', '2024-02-09'],
    ['2024-02-09 10:00:00', '2024-02-09'],
    ['2024-02-09T10:00', '2024-02-09'],
    ['2024-02-09T23:30:00-02:00', '2024-02-10'],
    ['2024-02-09T00:30:00+01:00', '2024-02-08'],
    ['2024-02-09T00:30:00+0100', '2024-02-08'],
    ['Feb 9, 2024 10:48:42 UTC', '2024-02-09'],
    ['Oct 17, 2024 17:24:54 UTC', '2024-10-17'],
    ['Jan 5, 2021 10:24:08 MST', '2021-01-05'],
    ['Jan 5, 2021 20:24:08 MST', '2021-01-06'],
    ['Feb 9, 2024', '2024-02-09'],
    ['Mon Feb 12 10:00:00 2024', '2024-02-12'],
    ['Mon Jul  1 11:40:48 2013', '2013-07-01'],
    ['Wed Mar 23 15:07:52 2022', '2022-03-23'],
    ['Fri, 09 Feb 2024 10:48:42 GMT', '2024-02-09'],
    ['9 February 2024', '2024-02-09'],
    ['2000/01/04', '2000-01-04'],
    ['23/11/2009', '2009-11-23'],
    ['11/23/2009', '2009-11-23'],
    ['  2024-02-09  ', '2024-02-09'],
    ['1648044472', '2022-03-23'],
    ['1648044472000', '2022-03-23'],
  ])('%s -> %s', (raw, expected) => {
    expect(toIsoDate(raw)).toBe(expected);
  });

  it('reads epoch seconds and milliseconds given as numbers', () => {
    expect(toIsoDate(1648044472)).toBe('2022-03-23');
    expect(toIsoDate(1681215065784)).toBe('2023-04-11');
  });

  it.each([
    [undefined],
    [''],
    ['   '],
    ['N/A'],
    ['not a date'],
    ['2024-13-01'],
    ['2023-02-29'],
    ['2024-02-30T10:00:00Z'],
    ['2024-02-09T25:00:00Z'],
    ['2024-02-09Tgarbage'],
    ['2024-02-09T10:00:00.12xZ'],
    ['Feb 30, 2024'],
    ['05/06/2024'],
    ['Feb 2024'],
    ['12345'],
  ])('%s -> undefined', (raw) => {
    expect(toIsoDate(raw)).toBeUndefined();
  });

  it('accepts 29 February in leap years only', () => {
    expect(toIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(toIsoDate('2000-02-29T00:00:00Z')).toBe('2000-02-29');
    expect(toIsoDate('1900-02-29')).toBeUndefined();
  });

  it('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(toIsoDate('Mon Feb 12 23:30:00 2024')).toBe('2024-02-12');
      expect(toIsoDate('2024-02-12T00:10:00Z')).toBe('2024-02-12');
    } finally {
      process.env.TZ = before;
    }
  });
});

/**
 * The estate is a pure function of (seed, day, index): the same seed and day give identical
 * records (in-process and over HTTP), and from one day to the next there are new, fixed and
 * reopened findings, and renamed and re-addressed assets.
 */
import { describe, expect, it } from 'vitest';
import { SimClock, DAY_MS } from './clock.ts';
import { Estate, type FindingView } from './estate.ts';
import { startTenableSimulator } from './server.ts';
import { vulnAssetJson, vulnRecordJson } from './records.ts';
import { type Json, api, runVulnExport } from './test-support.ts';

const OPTIONS = { seed: 'rehearsal-7', assets: 600, findings: 18_000, startDate: '2026-03-02' };

function recordsOf(estate: Estate, day: number, assets: number[]): string[] {
  const out: string[] = [];
  for (const a of assets) {
    const scans = new Map<number, string>();
    estate.forEachFinding(a, day, (f) => void out.push(vulnRecordJson(estate, f, vulnAssetJson(f.asset), scans)));
  }
  return out;
}

function findingsByKey(estate: Estate, day: number): Map<string, FindingView> {
  const map = new Map<string, FindingView>();
  for (let a = 0; a < estate.assetCount; a++) estate.forEachFinding(a, day, (f) => void map.set(estate.findingId(a, f.slot), f));
  return map;
}

describe('determinism', () => {
  it('gives identical records for the same seed and day, different ones for another seed', () => {
    const assets = [0, 1, 17, 250, 599];
    const one = new Estate(OPTIONS);
    const two = new Estate(OPTIONS);
    for (const day of [0, 1, 9]) expect(recordsOf(two, day, assets)).toEqual(recordsOf(one, day, assets));
    // Order of access does not matter: each record derives from (seed, day, index) alone.
    const backwards = new Estate(OPTIONS);
    recordsOf(backwards, 9, [599]);
    expect(recordsOf(backwards, 0, assets)).toEqual(recordsOf(one, 0, assets));
    const other = new Estate({ ...OPTIONS, seed: 'rehearsal-8' });
    expect(recordsOf(other, 0, assets)).not.toEqual(recordsOf(one, 0, assets));
  });

  it('has exactly M findings on day 0, spread over N assets', () => {
    const estate = new Estate(OPTIONS);
    expect(estate.totalFindingsOn(0)).toBe(18_000);
    let withFindings = 0;
    for (let a = 0; a < estate.assetCount; a++) if (estate.findingsOn(a, 0) > 0) withFindings++;
    expect(withFindings).toBeGreaterThan(550);
  });

  it('serves byte-identical chunks from two simulators with the same seed', async () => {
    const [a, b] = await Promise.all([startTenableSimulator({ ...OPTIONS, assets: 120, findings: 3000 }), startTenableSimulator({ ...OPTIONS, assets: 120, findings: 3000 })]);
    try {
      a.advanceDay(4);
      b.advanceDay(4);
      const body = { num_assets: 50, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } };
      const [runA, runB] = await Promise.all([runVulnExport(api(a), body), runVulnExport(api(b), body)]);
      expect(runA.uuid).toBe(runB.uuid);
      expect([...runA.chunks.entries()]).toEqual([...runB.chunks.entries()]);
      expect([...runA.chunks.values()].flat()).toHaveLength(a.estate.totalFindingsOn(4));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps each finding identity stable and unique per day', () => {
    const estate = new Estate(OPTIONS);
    const day0 = findingsByKey(estate, 0);
    const day5 = findingsByKey(estate, 5);
    const keys = new Set<string>();
    for (const f of day5.values()) keys.add(`${f.asset.uuid}|${f.plugin.id}|${f.port.port}|${f.port.protocol}`);
    expect(keys.size).toBe(day5.size);
    for (const [id, f] of day0) {
      const later = day5.get(id)!;
      expect(later.asset.uuid).toBe(f.asset.uuid);
      expect(later.plugin.id).toBe(f.plugin.id);
      expect(later.firstFoundMs).toBe(f.firstFoundMs);
    }
  });
});

describe('day-to-day evolution', () => {
  const estate = new Estate(OPTIONS);

  it('has new, fixed and reopened findings every day', () => {
    for (const day of [1, 2, 3]) {
      const before = findingsByKey(estate, day - 1);
      const after = findingsByKey(estate, day);
      const fresh = [...after.keys()].filter((k) => !before.has(k));
      const fixed = [...after].filter(([k, f]) => f.state === 'FIXED' && before.get(k)!.state !== 'FIXED');
      const reopened = [...after].filter(([k, f]) => f.state === 'REOPENED' && before.get(k)?.state === 'FIXED');
      expect(fresh.length, `new on day ${day}`).toBeGreaterThan(0);
      expect(fixed.length, `fixed on day ${day}`).toBeGreaterThan(0);
      expect(reopened.length, `reopened on day ${day}`).toBeGreaterThan(0);
      for (const k of fresh) {
        const f = after.get(k)!;
        expect(f.state).toBe('OPEN');
        expect(f.firstFoundMs).toBe(f.lastFoundMs);
        expect(f.firstFoundMs).toBeGreaterThanOrEqual(estate.dayStartMs(day));
      }
      for (const [, f] of fixed) expect(f.lastFixedMs).toBeGreaterThanOrEqual(estate.dayStartMs(day));
      for (const [, f] of reopened) {
        expect(f.resurfacedMs).toBeGreaterThanOrEqual(estate.dayStartMs(day));
        expect(f.lastFixedMs).toBeLessThan(f.resurfacedMs!);
      }
    }
  });

  it('renames and re-addresses assets while their UUID stays', () => {
    let renamed = 0;
    let readdressed = 0;
    for (let a = 0; a < estate.assetCount; a++) {
      const before = estate.asset(a, 0);
      const after = estate.asset(a, 7);
      expect(after.uuid).toBe(before.uuid);
      if (after.fqdn !== before.fqdn) {
        renamed++;
        expect(after.name).not.toBe(before.name);
      }
      if (after.ipv4 !== before.ipv4) readdressed++;
    }
    expect(renamed).toBeGreaterThan(10);
    expect(readdressed).toBeGreaterThan(20);
    // No two assets share an address on a day.
    const ips = new Set(Array.from({ length: estate.assetCount }, (_, a) => estate.asset(a, 7).ipv4));
    expect(ips.size).toBe(estate.assetCount);
  });

  it('keeps timestamps coherent: first_found <= last_found, fixes after the last sighting, data of day d from day d scans', () => {
    for (const day of [0, 4]) {
      for (const f of findingsByKey(estate, day).values()) {
        expect(f.firstFoundMs).toBeLessThanOrEqual(f.lastFoundMs);
        if (f.state !== 'FIXED') expect(f.lastFoundMs).toBeGreaterThanOrEqual(estate.dayStartMs(day));
        if (f.state === 'FIXED') expect(f.lastFixedMs).toBeGreaterThan(f.lastFoundMs);
        if (f.state === 'REOPENED') expect(f.lastFixedMs).toBeDefined();
        expect(f.lastFoundMs).toBeLessThan(estate.dayStartMs(day) + 6 * 3_600_000);
      }
    }
  });

  it('follows the simulated clock: day d starts at 06:00 UTC after the nightly scans', () => {
    const clock = new SimClock(estate.startMs + 12 * 3_600_000, 'manual');
    expect(estate.dayAt(clock.now())).toBe(0);
    clock.advance(DAY_MS - 7 * 3_600_000);
    expect(estate.dayAt(clock.now())).toBe(0);
    clock.advance(2 * 3_600_000);
    expect(estate.dayAt(clock.now())).toBe(1);
    let now = 0;
    const wall = new SimClock(estate.startMs, 'wall', () => now);
    now += 90_000;
    expect(wall.now()).toBe(estate.startMs + 90_000);
  });

  it('reflects the day in exports: a finding fixed overnight is FIXED in the next export', async () => {
    const sim = await startTenableSimulator({ ...OPTIONS, assets: 80, findings: 2400 });
    try {
      const client = api(sim);
      const body = { num_assets: 5000, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } };
      const before = [...(await runVulnExport(client, body)).chunks.values()].flat();
      sim.advanceDay();
      const after = [...(await runVulnExport(client, body)).chunks.values()].flat();
      const state = (records: Json[]) => new Map(records.map((r) => [r.finding_id as string, r.state as string]));
      const s0 = state(before);
      const s1 = state(after);
      expect(after.length).toBeGreaterThan(before.length);
      expect([...s1].some(([id, s]) => s === 'FIXED' && s0.get(id) !== 'FIXED')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});

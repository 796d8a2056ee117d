/** The adapter interface over the three products: capabilities, and asset listings where a product has them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TenableSimulator, startTenableSimulator } from './tenable/simulator/server.ts';
import { SUPPORTED_SCANNER_PRODUCTS, createScannerAdapter, type ScannerAsset } from './scanner-adapter.ts';

let sim: TenableSimulator;
beforeAll(async () => {
  sim = await startTenableSimulator({ seed: 9, assets: 45, findings: 400 });
});
afterAll(async () => {
  await sim.close();
});

function adapter(product: 'tenable-vm' | 'tenable-sc' | 'nessus') {
  const keys = product === 'tenable-sc' ? { accessKey: sim.sc.accessKey, secretKey: sim.sc.secretKey } : { accessKey: sim.accessKey, secretKey: sim.secretKey };
  return createScannerAdapter({ product, url: sim.url, ...keys, sleep: async (ms) => sim.advanceTime(ms), tenableExports: { pollIntervalMs: 10 } });
}

async function collect(assets: AsyncIterable<ScannerAsset>): Promise<ScannerAsset[]> {
  const out: ScannerAsset[] = [];
  for await (const asset of assets) out.push(asset);
  return out;
}

describe('scanner adapters', () => {
  it('say how their data must be read: incremental state (VM) or a full picture of the hosts named (SC, Nessus)', () => {
    const summary = SUPPORTED_SCANNER_PRODUCTS.map((product) => {
      const a = adapter(product);
      return [a.product, a.scannerType, a.apiFormat, a.capabilities.resolution, a.capabilities.incremental, a.capabilities.requiresScan, a.capabilities.assets, typeof a.assets === 'function'];
    });
    expect(summary).toEqual([
      ['tenable-vm', 'Tenable.io', 'tenable-vm-api', 'state', true, false, true, true],
      ['tenable-sc', 'Tenable.sc', 'tenable-sc-api', 'hosts', false, false, false, false],
      ['nessus', 'Nessus', 'nessus-api', 'hosts', false, true, true, true],
    ]);
  });

  it('list the Tenable VM asset inventory (asset export)', async () => {
    const assets = await collect(adapter('tenable-vm').assets!());
    expect(assets).toHaveLength(sim.estate.assetCount);
    const expected = Array.from({ length: sim.estate.assetCount }, (_, a) => sim.estate.asset(a, sim.day()).uuid).sort();
    expect(assets.map((a) => a.uuid).sort()).toEqual(expected);
    expect(assets.every((a) => a.ipAddresses.length > 0)).toBe(true);
  });

  it('list the hosts of a Nessus scan from its details, and need the scan', async () => {
    const scan = sim.estate.scans[0]!;
    const assets = await collect(adapter('nessus').assets!({ scanId: scan.id }));
    const expected = Array.from({ length: scan.endAsset - scan.firstAsset }, (_, i) => sim.estate.asset(scan.firstAsset + i, sim.day()).uuid);
    expect(assets.map((a) => a.uuid)).toEqual(expected);
    expect(assets.every((a) => (a.hostname !== undefined) !== (a.ipAddresses.length > 0))).toBe(true);
    await expect(collect(adapter('nessus').assets!({}))).rejects.toThrow(/needs the scan id/);
  });
});

import { describe, expect, it } from 'vitest';
import { AssetCorrelationIndex, type KnownAsset, type TenableAssetIdentity } from './asset-correlation.ts';

const UUID = '11111111-2222-4333-8444-555555555555';

function known(id: number, patch: Partial<KnownAsset> = {}): KnownAsset {
  return { id, tenableUuid: null, hostKey: `host-${id}`, hostname: `host-${id}`, fqdn: null, ipAddresses: [], macAddresses: [], ...patch };
}

function tenable(patch: Partial<TenableAssetIdentity> = {}): TenableAssetIdentity {
  return { uuid: UUID, hostnames: [], fqdns: [], netbiosNames: [], ipAddresses: [], macAddresses: [], ...patch };
}

describe('asset correlation', () => {
  it('knows an asset by its Tenable UUID with certainty, and notes a rename', () => {
    const index = new AssetCorrelationIndex([known(1, { tenableUuid: UUID, hostname: 'old', hostKey: 'old' })]);
    const d = index.correlate(tenable({ fqdns: ['new.example.com'] }));
    expect(d).toMatchObject({ assetId: 1, method: 'UUID Exact Match', confidence: 100, manualReviewRequired: false, conflictingFields: ['hostname'] });
  });

  it('falls back to the FQDN, then the short host name, above the threshold', () => {
    const byFqdn = new AssetCorrelationIndex([known(1, { fqdn: 'web-01.dal.example.com' })]).correlate(tenable({ fqdns: ['WEB-01.dal.example.com'] }));
    expect(byFqdn).toMatchObject({ assetId: 1, method: 'Hostname Fallback', confidence: 90, manualReviewRequired: false });
    const byName = new AssetCorrelationIndex([known(1, { hostname: 'web-01', hostKey: 'web-01' })]).correlate(tenable({ fqdns: ['web-01.dal.example.com'] }));
    expect(byName).toMatchObject({ assetId: 1, method: 'Hostname Fallback', confidence: 85 });
  });

  it('matches by IP below the threshold (review), lower still when the IP is shared, and a MAC lifts it', () => {
    const single = new AssetCorrelationIndex([known(1, { hostname: null, hostKey: '10.0.0.5', ipAddresses: ['10.0.0.5'] })]).correlate(tenable({ ipAddresses: ['10.0.0.5'] }));
    expect(single).toMatchObject({ assetId: null, method: 'IP Address Correlation', confidence: 65, manualReviewRequired: true });
    expect(single.candidates.map((c) => c.assetId)).toEqual([1]);

    const shared = new AssetCorrelationIndex([
      known(1, { hostname: null, hostKey: 'a', ipAddresses: ['10.0.0.5'] }),
      known(2, { hostname: null, hostKey: 'b', ipAddresses: ['10.0.0.5'] }),
    ]).correlate(tenable({ ipAddresses: ['10.0.0.5'] }));
    expect(shared.confidence).toBe(55);
    expect(shared.manualReviewRequired).toBe(true);
    expect(shared.candidates).toHaveLength(2);

    const withMac = new AssetCorrelationIndex([known(1, { hostname: null, hostKey: '10.0.0.5', ipAddresses: ['10.0.0.5'], macAddresses: ['00:50:56:AA:BB:CC'] })]).correlate(
      tenable({ ipAddresses: ['10.0.0.5'], macAddresses: ['00-50-56-aa-bb-cc'] }),
    );
    expect(withMac).toMatchObject({ assetId: 1, confidence: 80, manualReviewRequired: false, matchedFields: ['ip_addresses', 'mac_addresses'] });
    // The threshold is the caller's: a stricter one sends the same evidence to review.
    expect(new AssetCorrelationIndex([known(1, { hostname: null, hostKey: '10.0.0.5', ipAddresses: ['10.0.0.5'], macAddresses: ['00:50:56:aa:bb:cc'] })]).correlate(
      tenable({ ipAddresses: ['10.0.0.5'], macAddresses: ['00:50:56:aa:bb:cc'] }), 90,
    )).toMatchObject({ assetId: null, manualReviewRequired: true });
  });

  it('lowers an IP match whose host names disagree, and never links an asset Tenable knows under another UUID', () => {
    const conflict = new AssetCorrelationIndex([known(1, { ipAddresses: ['10.0.0.5'] })]).correlate(tenable({ hostnames: ['other'], ipAddresses: ['10.0.0.5'] }));
    expect(conflict.conflictingFields).toContain('hostname');
    expect(conflict.confidence).toBe(55);
    const taken = new AssetCorrelationIndex([known(1, { tenableUuid: '99999999-2222-4333-8444-555555555555', hostname: 'web-01' })]).correlate(tenable({ hostnames: ['web-01'] }));
    expect(taken).toMatchObject({ assetId: null, method: 'New Asset', manualReviewRequired: false });
  });

  it('sends a tie to review and does not hand one asset to two Tenable assets', () => {
    const index = new AssetCorrelationIndex([known(1, { hostname: 'web-01', hostKey: 'web-01' }), known(2, { hostname: 'web-01', hostKey: 'web-01b', fqdn: null })]);
    const tie = index.correlate(tenable({ hostnames: ['web-01'] }));
    expect(tie.manualReviewRequired).toBe(true);
    const solo = new AssetCorrelationIndex([known(1, { hostname: 'web-01', hostKey: 'web-01' })]);
    expect(solo.correlate(tenable({ hostnames: ['web-01'] })).assetId).toBe(1);
    solo.claim(1, UUID);
    expect(solo.correlate(tenable({ uuid: '22222222-2222-4333-8444-555555555555', hostnames: ['web-01'] })).method).toBe('New Asset');
  });
});

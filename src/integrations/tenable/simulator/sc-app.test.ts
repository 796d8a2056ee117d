/**
 * Security Center: /rest/token session login, x-apikey keys, and /rest/analysis vulndetails with
 * startOffset/endOffset paging inside the error_code wrapper.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TenableSimulator, startTenableSimulator } from './server.ts';
import type { Json } from './test-support.ts';

let sim: TenableSimulator;
let token: string;

interface Wrapped {
  status: number;
  body: { type: string; response: unknown; error_code: number; error_msg: string; warnings: unknown[]; timestamp: number };
  headers: Headers;
}

async function sc(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Wrapped> {
  const res = await fetch(`${sim.url}/rest${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Wrapped['body'], headers: res.headers };
}

function analysis(start: number, end: number, filters: unknown[] = [], extra: Json = {}): Json {
  return { type: 'vuln', sourceType: 'cumulative', query: { type: 'vuln', tool: 'vulndetails', startOffset: start, endOffset: end, filters }, sortField: 'severity', sortDir: 'desc', ...extra };
}

type Page = { totalRecords: string; returnedRecords: number; startOffset: string; endOffset: string; results: Json[] };

beforeAll(async () => {
  sim = await startTenableSimulator({ seed: 12, assets: 150, findings: 4000, sc: { username: 'analyst', password: 'correct horse' } });
  sim.advanceDay(2);
});
afterAll(async () => {
  await sim?.close();
});

describe('Security Center login', () => {
  it('refuses wrong credentials in the wrapper with a non-zero error_code', async () => {
    const res = await sc('POST', '/token', { username: 'analyst', password: 'nope' });
    expect(res.status).toBe(403);
    expect(res.body.error_code).not.toBe(0);
    expect(res.body.response).toBe('');
  });

  it('logs in with /rest/token: token in the response, TNS_SESSIONID cookie', async () => {
    const res = await sc('POST', '/token', { username: 'analyst', password: 'correct horse' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: 'regular', error_code: 0, error_msg: '', warnings: [] });
    token = String((res.body.response as Json).token);
    expect(token).toMatch(/^\d+$/);
    expect(res.headers.get('set-cookie')).toMatch(/^TNS_SESSIONID=[0-9a-f]+/);
  });

  it('requires a session token or API keys for /rest/analysis', async () => {
    expect((await sc('POST', '/analysis', analysis(0, 5))).status).toBe(403);
    expect((await sc('POST', '/analysis', analysis(0, 5), { 'X-SecurityCenter': '12345' })).body.error_code).not.toBe(0);
    const keys = await sc('POST', '/analysis', analysis(0, 5), { 'x-apikey': `accesskey=${sim.sc.accessKey}; secretkey=${sim.sc.secretKey};` });
    expect(keys.status).toBe(200);
    expect(keys.body.error_code).toBe(0);
    const wrongKeys = await sc('POST', '/analysis', analysis(0, 5), { 'x-apikey': `accesskey=${sim.sc.accessKey}; secretkey=${'0'.repeat(32)};` });
    expect(wrongKeys.status).toBe(400);
    expect(wrongKeys.body.error_code).not.toBe(0);
  });
});

describe('Security Center analysis', () => {
  const auth = () => ({ 'X-SecurityCenter': token });

  it('pages vulndetails with startOffset (inclusive) and endOffset (exclusive), numbers as strings', async () => {
    const first = (await sc('POST', '/analysis', analysis(0, 5), auth())).body.response as Page;
    const second = (await sc('POST', '/analysis', analysis(5, 10), auth())).body.response as Page;
    const both = (await sc('POST', '/analysis', analysis(0, 10), auth())).body.response as Page;
    expect(first).toMatchObject({ returnedRecords: 5, startOffset: '0', endOffset: '5', matchingDataElementCount: '-1' });
    expect(second.startOffset).toBe('5');
    expect([...first.results, ...second.results]).toEqual(both.results);
    let open = 0;
    for (let a = 0; a < sim.estate.assetCount; a++) sim.estate.forEachFinding(a, sim.day(), (f) => void (f.state !== 'FIXED' && open++));
    expect(first.totalRecords).toBe(String(open));
    const row = first.results[0]!;
    for (const [key, value] of Object.entries(row)) {
      if (key === 'severity' || key === 'family' || key === 'repository') continue;
      expect(typeof value, key).toBe('string');
    }
    expect(row.uniqueness).toBe('repositoryID,ip,dnsName');
    expect(String(row.pluginText)).toMatch(/^(<plugin_output>[\s\S]*<\/plugin_output>)?$/);
  });

  it('walks every record once when paging 1,000 at a time, like pyTenable', async () => {
    let start = 0;
    let total = Infinity;
    const seen = new Set<string>();
    while (start < total) {
      const page = (await sc('POST', '/analysis', analysis(start, start + 1000), auth())).body.response as Page;
      total = Number(page.totalRecords);
      for (const r of page.results) seen.add(`${String(r.ip)}|${String(r.dnsName)}|${String(r.port)}|${String(r.protocol)}|${String(r.pluginID)}`);
      expect(page.returnedRecords).toBe(Math.min(1000, total - start));
      start += 1000;
    }
    expect(seen.size).toBe(total);
  });

  it('filters by severity and lastSeen, and patched shows fixed findings', async () => {
    const high = (await sc('POST', '/analysis', analysis(0, 200, [{ filterName: 'severity', operator: '=', value: '3,4' }, { filterName: 'lastSeen', operator: '=', value: '0:30' }]), auth())).body.response as Page;
    expect(high.results.length).toBeGreaterThan(0);
    for (const r of high.results) expect(['3', '4']).toContain((r.severity as Json).id);
    const patched = (await sc('POST', '/analysis', analysis(0, 50, [], { sourceType: 'patched' }), auth())).body.response as Page;
    expect(Number(patched.totalRecords)).toBeGreaterThan(0);
  });

  it('reports bad queries in the wrapper: unknown filter (146), individual without view (142)', async () => {
    const bad = await sc('POST', '/analysis', analysis(0, 5, [{ filterName: 'something', operator: '=', value: 'x' }]), auth());
    expect(bad.status).toBe(403);
    expect(bad.body.error_code).toBe(146);
    expect(bad.body.error_msg).toMatch(/The filter 'something' is invalid \(valid filters: /);
    const individual = await sc('POST', '/analysis', analysis(0, 5, [], { sourceType: 'individual', scanID: '40' }), auth());
    expect(individual.body.error_code).toBe(142);
    const withView = await sc('POST', '/analysis', analysis(0, 5, [], { sourceType: 'individual', scanID: '40', view: 'all' }), auth());
    expect(withView.body.error_code).toBe(0);
  });

  it('logs out with DELETE /rest/token, after which the token is refused', async () => {
    const out = await sc('DELETE', '/token', undefined, auth());
    expect(out.body).toMatchObject({ response: '', error_code: 0 });
    expect((await sc('POST', '/analysis', analysis(0, 5), auth())).status).toBe(403);
  });
});

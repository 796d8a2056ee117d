/**
 * The Security Center client: it reads the recorded SC responses of the corpus (wrapper, string
 * counts, vulndetails rows), pages by offsets without loss or overlap whatever the page size, and
 * surfaces SC's error wrapper (403 or 200 with error_code) as a typed error carrying SC's message.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../test/helpers/corpus.ts';
import { type TenableSimulator, startTenableSimulator } from '../tenable/simulator/server.ts';
import { keyDifferences } from '../tenable/simulator/test-support.ts';
import { ScApiError, ScResponseError } from './errors.ts';
import { mapScVulnDetail, scParseEvents } from './mapper.ts';
import { TenableScClient, scNumber, unwrapScResponse } from './sc-client.ts';
import type { ScAnalysisResponse, ScVulnDetail } from './sc.api-types.ts';

const corpus = corpusDir();

interface Interaction {
  method: string;
  uri: string;
  request_body: unknown;
  status: number;
  response_headers: Record<string, string>;
  response_body: unknown;
}

function cassette(name: string): Interaction[] {
  if (!corpus) throw new Error(CORPUS_MISSING);
  const file = path.join(corpus, 'tenable-recorded', 'cassettes', `${name}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { interactions: Interaction[] }).interactions;
}

const SC_CASSETTES = ['tests__sc__cassettes__sc_login', 'tests__sc__cassettes__test_analysis_vulns_vulndetails_tool', 'tests__sc__cassettes__test_analysis_vulns_sumid_tool', 'tests__sc__cassettes__test_scans_launch'];

/** A server that answers from a list of canned replies, recording each request body. */
async function replayServer(answer: (request: IncomingMessage, body: unknown) => { status: number; contentType?: string; body: unknown }): Promise<{ url: string; requests: unknown[]; close(): Promise<void> }> {
  const requests: unknown[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const body = text === '' ? undefined : (JSON.parse(text) as unknown);
      requests.push({ path: request.url, headers: request.headers, body });
      const reply = answer(request, body);
      response.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json' });
      response.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const KEYS = { accessKey: 'a'.repeat(32), secretKey: 'b'.repeat(32) };

describe.skipIf(!corpus)('Tenable.sc client over the recorded responses', () => {
  it('unwraps every recorded SC answer (login, system, analysis vulndetails and sumid, scan launch)', () => {
    let count = 0;
    for (const name of SC_CASSETTES) {
      for (const i of cassette(name)) {
        const path = new URL(i.uri).pathname;
        const response = unwrapScResponse<unknown>(i.status, i.response_body, i.method, path);
        expect(response, `${name} ${i.method} ${path}`).toBe((i.response_body as { response: unknown }).response);
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it('maps every recorded vulndetails row to a finding, reading SC\'s strings', () => {
    const pages = cassette('tests__sc__cassettes__test_analysis_vulns_vulndetails_tool').map((i) => unwrapScResponse<ScAnalysisResponse<ScVulnDetail>>(i.status, i.response_body, 'POST', '/analysis'));
    expect(pages.map((p) => [scNumber(p.totalRecords), p.returnedRecords, scNumber(p.startOffset), scNumber(p.endOffset)])).toEqual([
      [1629, 5, 0, 5],
      [1629, 5, 5, 10],
    ]);
    const rows = pages.flatMap((p) => p.results);
    const events = rows.map((row, i) => mapScVulnDetail(i + 1, row));
    expect(events.every((e) => e.kind === 'finding')).toBe(true);
    const first = events[0]!.kind === 'finding' ? events[0]!.finding : undefined;
    expect(first).toMatchObject({
      line: 1,
      hostname: 'pfsense.home.cugnet.net',
      fqdn: 'pfsense.home.cugnet.net',
      ipAddress: '192.168.100.1',
      pluginId: '10107',
      pluginName: 'HTTP Server Type and Version',
      pluginFamily: 'Web Servers',
      severity: 0,
      port: 80,
      protocol: 'tcp',
      state: 'OPEN',
      firstSeen: '2018-12-17',
      lastSeen: '2018-12-17',
      output: 'The remote web server type is :\n\nnginx',
      exploitAvailable: false,
      cves: [],
    });
    expect(first?.assetUuid).toBeUndefined();
    expect(first?.cvssBaseScore).toBeUndefined();
  });

  it('pages through a replay of the recorded analysis, stopping at the first empty page', async () => {
    const recorded = cassette('tests__sc__cassettes__test_analysis_vulns_vulndetails_tool');
    const server = await replayServer((_request, body) => {
      const start = Number((body as { query: { startOffset: number } }).query.startOffset);
      const hit = recorded.find((i) => (i.request_body as { query: { startOffset: number } }).query.startOffset === start);
      // Past the recording, the data "shrank": an empty page, which must end the walk.
      return hit ? { status: hit.status, body: hit.response_body } : { status: 200, body: { type: 'regular', response: { totalRecords: '10', returnedRecords: 0, startOffset: String(start), endOffset: String(start), matchingDataElementCount: '-1', results: [] }, error_code: 0, error_msg: '', warnings: [], timestamp: 1545080231 } };
    });
    try {
      const client = new TenableScClient({ baseUrl: server.url, ...KEYS });
      const rows: ScVulnDetail[] = [];
      for await (const page of client.vulnDetails({ pageSize: 5 })) rows.push(...page);
      expect(rows.map((r) => r.pluginID)).toEqual(recorded.flatMap((i) => (i.response_body as { response: ScAnalysisResponse<ScVulnDetail> }).response.results.map((r) => r.pluginID)));
      const sent = server.requests as { path: string; headers: Record<string, string>; body: { query: { startOffset: number; endOffset: number } } }[];
      expect(sent.map((r) => [r.path, r.body.query.startOffset, r.body.query.endOffset])).toEqual([
        ['/rest/analysis', 0, 5],
        ['/rest/analysis', 5, 10],
        ['/rest/analysis', 10, 15],
      ]);
      expect(sent[0]!.headers['x-apikey']).toBe(`accesskey=${KEYS.accessKey}; secretkey=${KEYS.secretKey};`);
      expect(sent[0]!.headers['user-agent']).toMatch(/^Integration\/1\.0 \(HexTrackr; HexTrackr; Build\//);
    } finally {
      await server.close();
    }
  });
});

describe('Tenable.sc errors', () => {
  it('turns the documented 403 wrapper into ScApiError with SC\'s code and message', async () => {
    // pyTenable#73, quoted in tenable-api.md §6.2.
    const body = { type: 'regular', response: '', error_code: 142, error_msg: 'Please specify a view for the individual data source.\n', warnings: [], timestamp: 1552330629 };
    const server = await replayServer(() => ({ status: 403, body }));
    try {
      const client = new TenableScClient({ baseUrl: `${server.url}/rest/`, ...KEYS });
      const error = await client.testConnection().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ScApiError);
      expect(error).toMatchObject({ errorCode: 142, status: 403, errorMsg: 'Please specify a view for the individual data source.' });
      expect((error as Error).message).toBe('Tenable.sc POST /analysis: error_code 142 (HTTP 403): Please specify a view for the individual data source.');
      expect((error as Error).message).not.toContain(KEYS.secretKey);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('refuses an answer that is not the wrapper', async () => {
    const server = await replayServer(() => ({ status: 200, contentType: 'text/html', body: '<html>Login</html>' }));
    try {
      await expect(new TenableScClient({ baseUrl: server.url, ...KEYS }).testConnection()).rejects.toBeInstanceOf(ScResponseError);
    } finally {
      await server.close();
    }
    expect(() => unwrapScResponse(200, { response: {} }, 'POST', '/analysis')).toThrow(/not the Security Center response wrapper/);
  });
});

describe('Tenable.sc client against the simulator', () => {
  let sim: TenableSimulator;
  let total: number;
  beforeAll(async () => {
    sim = await startTenableSimulator({ seed: 21, assets: 12, findings: 140 });
    total = (await client().testConnection()).totalRecords;
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    sim.setFaults({ scErrorRate: 0 });
  });

  function client(secretKey = sim.sc.secretKey): TenableScClient {
    // Page size 1 makes hundreds of requests: a wide rate budget keeps the pacing out of the way.
    return new TenableScClient({ baseUrl: sim.url, accessKey: sim.sc.accessKey, secretKey, rateLimit: { requestsPerMinute: 60_000, burst: 1000 } });
  }

  async function walk(pageSize: number): Promise<{ identities: string[]; requests: number }> {
    const identities: string[] = [];
    let requests = 0;
    const original = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      requests++;
      return original(input, init);
    };
    try {
      for await (const page of client().vulnDetails({ pageSize })) {
        expect(page.length).toBeLessThanOrEqual(pageSize);
        for (const r of page) identities.push(`${r.ip}|${r.dnsName}|${r.port}|${r.protocol}|${r.pluginID}`);
      }
    } finally {
      globalThis.fetch = original;
    }
    return { identities, requests };
  }

  it('reads every record exactly once at any page size, in ceil(total / size) requests', async () => {
    expect(total).toBeGreaterThan(50);
    const reference = (await walk(total)).identities;
    expect(new Set(reference).size).toBe(total);
    for (const size of [1, 7, total - 1, total, total + 1, 10_000]) {
      const { identities, requests } = await walk(size);
      expect(identities, `page size ${size}`).toEqual(reference);
      expect(requests, `page size ${size}`).toBe(Math.ceil(total / size));
    }
  });

  it('bounds the page size', async () => {
    await expect(client().vulnDetails({ pageSize: 10_001 }).next()).rejects.toThrow(/page size must be an integer from 1 to 10000/);
    await expect(client().vulnDetails({ pageSize: 0 }).next()).rejects.toThrow(RangeError);
  });

  it('surfaces an error wrapper sent with HTTP 200 (fault sc-errors), and refused keys (code 74, HTTP 400)', async () => {
    sim.setFaults({ scErrorRate: 1 });
    const error = await client().testConnection().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ScApiError);
    expect(error).toMatchObject({ errorCode: 146, status: 200 });
    if (corpus) {
      // The fault's body is the recorded wrapper, field for field.
      const raw = await fetch(`${sim.url}/rest/analysis`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-apikey': `accesskey=${sim.sc.accessKey}; secretkey=${sim.sc.secretKey};` }, body: '{}' });
      expect(raw.status).toBe(200);
      const recorded = cassette('tests__sc__cassettes__sc_login').map((i) => ({ ...(i.response_body as object), response: '' }));
      expect(keyDifferences([await raw.json()], recorded)).toEqual({ extra: [], missing: [] });
    }
    sim.setFaults({ scErrorRate: 0 });
    const refused = await client('0'.repeat(32)).testConnection().catch((err: unknown) => err);
    expect(refused).toMatchObject({ errorCode: 74, status: 400, isAuthentication: true });
  });

  it('answers bad offsets with an error_code, as for any invalid parameter', async () => {
    const error = await client().analysis({ type: 'vuln', sourceType: 'cumulative', query: { type: 'vuln', tool: 'vulndetails', startOffset: 10, endOffset: 5, filters: [] } }).catch((err: unknown) => err);
    expect(error).toMatchObject({ errorCode: 146, status: 403 });
    expect((error as Error).message).toMatch(/endOffset/);
  });

  it.skipIf(!corpus)('serves rows whose field set is the recorded one, and maps all of them', async () => {
    const recorded = cassette('tests__sc__cassettes__test_analysis_vulns_vulndetails_tool').flatMap((i) => (i.response_body as { response: ScAnalysisResponse<ScVulnDetail> }).response.results);
    const pages: ScVulnDetail[][] = [];
    for await (const page of client().vulnDetails({ pageSize: 50 })) pages.push(page);
    expect(keyDifferences(pages.flat(), recorded)).toEqual({ extra: [], missing: [] });
    let findings = 0;
    for await (const event of scParseEvents(pages)) if (event.kind === 'finding') findings++;
    expect(findings).toBe(total);
  });
});

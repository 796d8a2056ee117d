/**
 * The Nessus scan-export client: it reads the documented export and status answers of the corpus,
 * polls while `loading`, streams the .nessus download into the parser (findings flow before the
 * file has finished arriving), retries a rate-limited request after Retry-After, and fails clearly
 * on a status it does not know.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_MISSING, corpusDir } from '../../../test/helpers/corpus.ts';
import { nessusXml } from '../../importers/nessus-xml/index.ts';
import type { ParseEvent } from '../../importers/importer.ts';
import { createScannerAdapter } from '../scanner-adapter.ts';
import { type TenableSimulator, startTenableSimulator } from '../tenable/simulator/server.ts';
import { keyDifferences } from '../tenable/simulator/test-support.ts';
import { NessusClient, NessusExportError, type NessusClientOptions } from './nessus-client.ts';

const corpus = corpusDir();
const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/scans/nessus-xml/many.nessus');
const KEYS = { accessKey: 'c'.repeat(64), secretKey: 'd'.repeat(64) };

/** A documented example body of tenable-recorded/openapi-examples. */
function example(name: string, status = '200', contentType = 'application/json'): unknown {
  if (!corpus) throw new Error(CORPUS_MISSING);
  const doc = JSON.parse(readFileSync(path.join(corpus, 'tenable-recorded', 'openapi-examples', `${name}.json`), 'utf8')) as { responses: Record<string, Record<string, { response: unknown }>> };
  return doc.responses[status]![contentType]!.response;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

async function server(handler: Handler): Promise<{ url: string; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const http: Server = createServer((request, response) => {
    paths.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => void handler(request, response));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function client(url: string, options: Partial<NessusClientOptions> = {}): { client: NessusClient; sleeps: number[] } {
  const sleeps: number[] = [];
  let now = 0;
  return {
    sleeps,
    client: new NessusClient({
      baseUrl: url,
      ...KEYS,
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      ...options,
    }),
  };
}

async function collect(events: AsyncIterable<ParseEvent>): Promise<ParseEvent[]> {
  const out: ParseEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe.skipIf(!corpus)('Nessus client over the documented export answers', () => {
  it('exports, polls the file status until ready, and parses the download like a .nessus file', async () => {
    const created = example('post_scans_scan_id_export') as { file: string };
    let polls = 0;
    const replay = await server((request, response) => {
      const url = request.url ?? '';
      if (request.method === 'POST' && url === '/scans/7/export') return json(response, 200, created);
      if (url === `/scans/7/export/${encodeURIComponent(created.file)}/status`) return json(response, 200, ++polls < 3 ? { status: 'loading' } : example('get_scans_scan_id_export_file_id_status'));
      if (url === `/scans/7/export/${encodeURIComponent(created.file)}/download`) {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="scan_7.nessus"' });
        createReadStream(FIXTURE).pipe(response);
        return;
      }
      json(response, 404, { error: 'The requested file was not found' });
    });
    try {
      const { client: nessus, sleeps } = client(replay.url, { exports: { pollIntervalMs: 1000, maxPollIntervalMs: 1200 } });
      const events = await collect(nessus.scanFindings(7));
      const expected = await collect(nessusXml.parse(createReadStream(FIXTURE), 'scan_7.nessus'));
      expect(events).toEqual(expected);
      expect(events.filter((e) => e.kind === 'finding').length).toBeGreaterThan(3);
      expect(polls).toBe(3);
      expect(sleeps).toEqual([1000, 1200]);
      // The documented answer carries temp_token, not a Nessus token: the per-scan routes are used.
      expect(replay.paths.at(-1)).toBe(`GET /scans/7/export/${encodeURIComponent(created.file)}/download`);
    } finally {
      await replay.close();
    }
  });

  it('waits Retry-After on the documented 429 page, then goes on', async () => {
    let calls = 0;
    const replay = await server((_request, response) => {
      if (++calls === 1) {
        response.writeHead(429, { 'content-type': 'text/html', 'retry-after': '30' });
        response.end(example('post_scans_scan_id_export', '429', 'text/html') as string);
        return;
      }
      json(response, 200, { file: 77, token: 'abc' });
    });
    try {
      const { client: nessus, sleeps } = client(replay.url);
      expect(await nessus.requestExport(3)).toEqual({ scanId: '3', file: '77', token: 'abc' });
      expect(sleeps).toEqual([30_000]);
    } finally {
      await replay.close();
    }
  });

  it('reads the documented 401 as refused keys', async () => {
    const replay = await server((_request, response) => json(response, 401, example('post_scans_scan_id_export', '401')));
    try {
      const adapter = createScannerAdapter({ product: 'nessus', url: replay.url, ...KEYS });
      expect(await adapter.authenticateConnection()).toBe(false);
    } finally {
      await replay.close();
    }
  });
});

describe('Nessus export failures', () => {
  it('fails on a status other than loading or ready, naming it', async () => {
    const replay = await server((request, response) => {
      if (request.method === 'POST') return json(response, 200, { file: '12', token: 'tok' });
      json(response, 200, { status: 'error' });
    });
    try {
      const error = await collect(client(replay.url).client.scanFindings(5)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(NessusExportError);
      expect((error as Error).message).toBe('Nessus export 12 of scan 5 reported status "error" (expected loading or ready)');
      expect(replay.paths).toEqual(['POST /scans/5/export', 'GET /tokens/tok/status']);
    } finally {
      await replay.close();
    }
  });

  it('gives up when the file stays loading past the timeout', async () => {
    const replay = await server((request, response) => json(response, 200, request.method === 'POST' ? { file: '12', token: 'tok' } : { status: 'loading' }));
    try {
      const { client: nessus } = client(replay.url, { exports: { pollIntervalMs: 1000, timeoutMs: 10_000 } });
      await expect(collect(nessus.scanFindings(5))).rejects.toThrow(/still loading after 10 s/);
    } finally {
      await replay.close();
    }
  });

  it('streams: findings reach the caller before the download has finished', async () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const cut = text.indexOf('</ReportHost>') + '</ReportHost>'.length;
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    const replay = await server(async (request, response) => {
      if (request.method === 'POST') return json(response, 200, { file: '1', token: 't' });
      if (request.url?.endsWith('/status')) return json(response, 200, { status: 'ready' });
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(text.slice(0, cut));
      // The rest is sent only once the caller holds a finding: a client that buffered the file would wait forever.
      await rest;
      response.end(text.slice(cut));
    });
    try {
      const events: ParseEvent[] = [];
      for await (const event of client(replay.url).client.scanFindings(1)) {
        if (events.length === 0) releaseRest();
        events.push(event);
      }
      expect(events).toEqual(await collect(nessusXml.parse(createReadStream(FIXTURE), 'x.nessus')));
    } finally {
      releaseRest();
      await replay.close();
    }
  });
});

describe('Nessus download idleness', () => {
  it('aborts a download the server stops sending, but not one the caller is slow to read', async () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const cut = text.indexOf('</ReportHost>') + '</ReportHost>'.length;
    let stall = true;
    const replay = await server(async (request, response) => {
      if (request.method === 'POST') return json(response, 200, { file: '1', token: 't' });
      if (request.url?.endsWith('/status')) return json(response, 200, { status: 'ready' });
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(text.slice(0, cut));
      if (!stall) response.end(text.slice(cut));
    });
    try {
      const stalled = collect(client(replay.url, { timeoutMs: 300 }).client.scanFindings(1));
      await expect(stalled).rejects.toThrow(/no answer within 300 ms/);
      stall = false;
      const events: ParseEvent[] = [];
      for await (const event of client(replay.url, { timeoutMs: 300 }).client.scanFindings(1)) {
        // A consumer busy for longer than the idle timeout (the database, say) is backpressure, not idleness.
        if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 600));
        events.push(event);
      }
      expect(events.length).toBeGreaterThan(3);
    } finally {
      await replay.close();
    }
  });
});

describe('Nessus client against the simulator', () => {
  let sim: TenableSimulator;
  beforeAll(async () => {
    sim = await startTenableSimulator({ seed: 4, assets: 40, findings: 500, faults: { scanExportLoadingPolls: 4 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('polls the token status through the "loading" fault and reads every open finding of the scan', async () => {
    const scan = sim.estate.scans[0]!;
    const seen: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      seen.push(new URL(String(input)).pathname);
      return original(input, init);
    };
    let events: ParseEvent[];
    try {
      events = await collect(new NessusClient({ baseUrl: sim.url, accessKey: sim.accessKey, secretKey: sim.secretKey, sleep: async (ms) => sim.advanceTime(ms) }).scanFindings(scan.id));
    } finally {
      globalThis.fetch = original;
    }
    expect(seen.filter((p) => /^\/tokens\/[0-9a-f]{64}\/status$/.test(p))).toHaveLength(5);
    expect(seen.at(-1)).toMatch(/^\/tokens\/[0-9a-f]{64}\/download$/);
    let open = 0;
    for (let a = scan.firstAsset; a < scan.endAsset; a++) sim.estate.forEachFinding(a, sim.day(), (f) => void (f.state !== 'FIXED' && open++));
    expect(events.filter((e) => e.kind === 'finding')).toHaveLength(open);
    expect(events.some((e) => e.kind === 'rejected')).toBe(false);
  });

  it.skipIf(!corpus)('answers export requests and token status with the documented field sets', async () => {
    const nessus = new NessusClient({ baseUrl: sim.url, accessKey: sim.accessKey, secretKey: sim.secretKey });
    const job = await nessus.requestExport(sim.estate.scans[0]!.id);
    const status = JSON.parse(await nessus.http.requestText('GET', `/tokens/${job.token}/status`)) as unknown;
    expect(keyDifferences([status], [example('get_scans_scan_id_export_file_id_status')])).toEqual({ extra: [], missing: [] });
    expect(status).toEqual({ status: 'loading' });
  });
});

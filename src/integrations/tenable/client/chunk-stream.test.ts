/**
 * Chunk downloads are parsed as they arrive: against a bare HTTP server that controls exactly
 * when and how a chunk's bytes go out (a stall, a cut connection, a huge chunk).
 */
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { TenableApiError } from './errors.ts';
import { runExport, streamChunk } from './exports.ts';
import { type RetryEvent, TenableHttp } from './http.ts';

const UUID = '0f0e0d0c-0b0a-4090-8070-605040302010';
const KEY = 'ab'.repeat(32);

interface Record {
  finding_id: string;
  output: string;
}

function record(index: number, padding = 0): Record {
  return { finding_id: `f-${index}`, output: 'x'.repeat(padding) };
}

type ChunkHandler = (req: IncomingMessage, res: ServerResponse, attempt: number) => void;

interface FakeTenable {
  http: TenableHttp;
  retries: RetryEvent[];
  /** Requests per chunk id. */
  attempts: Map<number, number>;
}

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A finished vulnerability export whose chunks `ids` are answered by `chunk`. */
async function fakeTenable(ids: number[], chunk: ChunkHandler): Promise<FakeTenable> {
  const attempts = new Map<number, number>();
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'POST' && url === '/vulns/export') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ export_uuid: UUID }));
      return;
    }
    if (url === `/vulns/export/${UUID}/status`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'FINISHED', chunks_available: ids, chunks_failed: [] }));
      return;
    }
    const match = /\/chunks\/(\d+)$/.exec(url);
    if (match) {
      const id = Number(match[1]);
      const attempt = attempts.get(id) ?? 0;
      attempts.set(id, attempt + 1);
      res.setHeader('content-type', 'application/octet-stream');
      chunk(req, res, attempt);
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const retries: RetryEvent[] = [];
  const http = new TenableHttp({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessKey: KEY,
    secretKey: KEY,
    retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => undefined,
    onRetry: (event) => retries.push(event),
  });
  return { http, retries, attempts };
}

const json = (records: Record[]) => records.map((r) => JSON.stringify(r)).join(',');

describe('chunk streaming', () => {
  it('hands records out before the chunk has finished downloading', async () => {
    let rest: (() => void) | undefined;
    let ended = false;
    const { http } = await fakeTenable([1], (_req, res) => {
      res.write(`[${json([record(1), record(2), record(3)])}`);
      rest = () => {
        res.end(`,${json([record(4), record(5)])}]`);
        ended = true;
      };
    });
    const got: string[] = [];
    let endedAtFirst: boolean | undefined;
    for await (const batch of streamChunk<Record>(http, 'vulns', UUID, 1)) {
      for (const r of batch) got.push(r.finding_id);
      if (endedAtFirst === undefined) {
        endedAtFirst = ended;
        rest!();
      }
    }
    expect(endedAtFirst).toBe(false);
    expect(got).toEqual(['f-1', 'f-2', 'f-3', 'f-4', 'f-5']);
  });

  it('reads a chunk far larger than what it holds: the server can only run a bounded way ahead of the consumer', async () => {
    const RECORDS = 24_000;
    const RECORD_BYTES = 4096;
    let produced = 0;
    const { http } = await fakeTenable([1], (_req, res) => {
      function* body(): Generator<string> {
        yield '[';
        for (let i = 1; i <= RECORDS; i++) {
          const text = (i > 1 ? ',' : '') + JSON.stringify(record(i, RECORD_BYTES));
          produced += text.length;
          yield text;
        }
        yield ']';
      }
      Readable.from(body(), { objectMode: false }).pipe(res);
    });
    const handle = runExport<Record>(http, 'vulns', {}, { parallelChunks: 1, pollIntervalMs: 1 });
    let count = 0;
    let aheadWhilePaused = 0;
    for await (const r of handle) {
      expect(r.finding_id).toBe(`f-${++count}`);
      if (count === 1) {
        // The consumer stalls (a rollover busy with the database): the download must stall too.
        await new Promise((resolve) => setTimeout(resolve, 400));
        aheadWhilePaused = produced;
      }
    }
    const total = RECORDS * (RECORD_BYTES + 40);
    expect(count).toBe(RECORDS);
    expect(produced).toBeGreaterThan(total * 0.95);
    // ~98 MB of chunk; socket buffers and one parsed batch are all that may run ahead.
    expect(aheadWhilePaused).toBeLessThan(16 * 1024 * 1024);
  });

  it('resumes a chunk whose connection broke midway without handing any record out twice', async () => {
    const records = Array.from({ length: 10 }, (_, i) => record(i + 1, 2000));
    const { http, retries, attempts } = await fakeTenable([1, 2], (req, res, attempt) => {
      const id = Number(/\/chunks\/(\d+)$/.exec(req.url ?? '')![1]);
      const own = records.map((r) => ({ ...r, finding_id: `${id}-${r.finding_id}` }));
      if (id === 1 && attempt === 0) {
        // Headers and half the records, then the connection goes away.
        res.write(`[${json(own.slice(0, 5))},`);
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(`[${json(own)}]`);
    });
    const got: string[] = [];
    for await (const r of runExport<Record>(http, 'vulns', {}, { parallelChunks: 2 })) got.push(r.finding_id);
    const expected = [1, 2].flatMap((id) => records.map((r) => `${id}-${r.finding_id}`));
    expect(got.length).toBe(expected.length);
    expect([...got].sort()).toEqual([...expected].sort());
    // Each chunk's records in order: the resumed one carried on where the broken download stopped.
    expect(got.filter((f) => f.startsWith('1-'))).toEqual(expected.slice(0, 10));
    expect(attempts.get(1)).toBe(2);
    expect(attempts.get(2)).toBe(1);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: 'GET', path: `/vulns/export/${UUID}/chunks/1`, retry: 1 });
  });

  it('fails, rather than guess, when a resumed chunk no longer matches what was read', async () => {
    const { http } = await fakeTenable([1], (_req, res, attempt) => {
      const records = Array.from({ length: 6 }, (_, i) => record(i + 1, 1000));
      if (attempt === 0) {
        res.write(`[${json(records.slice(0, 3))},`);
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      records[2] = { ...records[2]!, output: 'changed' };
      res.end(`[${json(records)}]`);
    });
    const got: string[] = [];
    const error = await (async () => {
      for await (const batch of streamChunk<Record>(http, 'vulns', UUID, 1)) for (const r of batch) got.push(r.finding_id);
    })().catch((e: unknown) => e);
    expect(got).toEqual(['f-1', 'f-2', 'f-3']);
    expect(error).toBeInstanceOf(TenableApiError);
    expect((error as Error).message).toContain('record 3 differs');
  });

  it('refuses a chunk that is not a JSON array', async () => {
    const { http } = await fakeTenable([1], (_req, res) => res.end('{"finding_id":"f-1"}'));
    const error = await streamChunk(http, 'vulns', UUID, 1)
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenableApiError);
    expect((error as TenableApiError).message).toContain('not a JSON array');
  });

  it('drops the downloads in flight as soon as the signal aborts', async () => {
    const closed: number[] = [];
    const { http } = await fakeTenable([1, 2], (req, res) => {
      const id = Number(/\/chunks\/(\d+)$/.exec(req.url ?? '')![1]);
      res.on('close', () => closed.push(id));
      // A first record, then nothing: the server stalls with the connection open.
      res.write(`[${JSON.stringify(record(id))}`);
    });
    const controller = new AbortController();
    const started = Date.now();
    const error = await (async () => {
      for await (const _r of runExport<Record>(http, 'vulns', {}, { parallelChunks: 2, signal: controller.signal })) controller.abort(new Error('stop'));
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('stop');
    await expect.poll(() => [...closed].sort()).toEqual([1, 2]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

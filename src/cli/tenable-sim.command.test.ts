/** `hextrackr tenable-sim`: option parsing, and the real command in a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaultList } from '../integrations/tenable/simulator/faults.ts';
import { parseTenableSimOptions, runTenableSimCommand } from './tenable-sim.command.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KEY_A = 'a'.repeat(64);
const KEY_B = '0123456789abcdef'.repeat(4);

describe('tenable-sim options', () => {
  it('parses every flag', () => {
    const options = parseTenableSimOptions({
      port: '0',
      assets: '50',
      findings: '1000',
      seed: '42',
      startDate: '2026-02-01',
      clock: 'manual',
      accessKey: KEY_A,
      secretKey: KEY_B.toUpperCase(),
      scUsername: 'analyst',
      faults: 'rate-limit=30, server-errors=0.1,slow-chunks,broken-chunks=0.25,export-error=2,concurrency=3,chunk-ttl=120,allow-duplicates',
    });
    expect(options).toMatchObject({ port: 0, assets: 50, findings: 1000, seed: 42, startDate: '2026-02-01', clock: 'manual', accessKey: KEY_A, secretKey: KEY_B, sc: { username: 'analyst' } });
    expect(options.faults).toEqual({ rateLimitPerMinute: 30, serverErrorRate: 0.1, slowChunkMs: 2000, brokenChunkRate: 0.25, exportErrorAfterChunks: 2, maxConcurrentExports: 3, chunkTtlSeconds: 120, rejectDuplicateExports: false });
  });

  it('defaults to a wall clock starting today, port 8600, and random keys', () => {
    const options = parseTenableSimOptions({}, new Date('2026-05-17T10:00:00Z'));
    expect(options).toMatchObject({ host: '127.0.0.1', port: 8600, assets: 500, findings: 20_000, seed: 1, startDate: '2026-05-17', clock: 'wall' });
    expect(options.accessKey).toBeUndefined();
    expect(parseTenableSimOptions({ seed: 'demo-a' }).seed).toBe('demo-a');
  });

  it('names the bad option', () => {
    expect(() => parseTenableSimOptions({ port: '70000' })).toThrow(/--port/);
    expect(() => parseTenableSimOptions({ assets: 'many' })).toThrow(/--assets/);
    expect(() => parseTenableSimOptions({ accessKey: 'abc' })).toThrow(/--access-key must be 64 hexadecimal/);
    expect(() => parseTenableSimOptions({ clock: 'sundial' })).toThrow(/--clock/);
    expect(() => parseTenableSimOptions({ startDate: '17/05/2026' })).toThrow(/--start-date/);
    expect(() => parseFaultList('earthquake')).toThrow(/unknown fault "earthquake"/);
    expect(() => parseFaultList('server-errors=2')).toThrow(/server-errors/);
  });

  it('starts the simulator and prints the URL and keys', async () => {
    let printed = '';
    const out = { write: (s: string) => ((printed += s), true) } as unknown as NodeJS.WritableStream;
    const sim = await runTenableSimCommand({ port: '0', assets: '20', findings: '200', clock: 'manual', accessKey: KEY_A, secretKey: KEY_B }, out);
    try {
      expect(printed).toContain(`listening on ${sim.url}`);
      expect(printed).toContain(KEY_A);
      expect(printed).toContain(KEY_B);
      const res = await fetch(`${sim.url}/scans`, { headers: { 'X-ApiKeys': `accessKey=${KEY_A};secretKey=${KEY_B}` } });
      expect(res.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

describe('hextrackr tenable-sim (child process)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints a URL and generated keys that work, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [path.join(ROOT, 'bin/hextrackr.mjs'), 'tenable-sim', '--port', '0', '--assets', '30', '--findings', '300', '--json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child!.stdout!.on('data', (data: Buffer) => {
        buffered += String(data);
        if (buffered.includes('\n')) resolve(buffered.split('\n')[0]!);
      });
      child!.once('exit', (status) => reject(new Error(`tenable-sim exited with ${status}`)));
    });
    const info = JSON.parse(line) as { url: string; accessKey: string; secretKey: string; apiKeysHeader: string; clock: string };
    expect(info.accessKey).toMatch(/^[0-9a-f]{64}$/);
    expect(info.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(info.clock).toBe('wall');
    const ok = await fetch(`${info.url}/plugins/families`, { headers: { 'X-ApiKeys': info.apiKeysHeader } });
    expect(ok.status).toBe(200);
    const refused = await fetch(`${info.url}/plugins/families`);
    expect(refused.status).toBe(401);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

/**
 * Bounded memory: the simulator runs in a child process with a 200,000-finding estate; all
 * chunks of an all-states export (about 800 MB of JSON) are streamed and checked for count and
 * consistency, and the child's peak RSS (VmHWM) stays far below the size of the export. And a
 * 1,000,000-finding estate holds per-asset arrays only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginCatalog } from './catalog.ts';
import { Estate } from './estate.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const SERVER = path.join(import.meta.dirname, 'server.ts');
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'];
const ASSETS = 2000;
const FINDINGS = 200_000;
const PER_CHUNK = 100;

type Json = Record<string, unknown>;

describe('bounded memory', () => {
  let child: ChildProcess;
  let url: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    const code = [
      `const { startTenableSimulator } = await import(${JSON.stringify(SERVER)});`,
      `const sim = await startTenableSimulator({ seed: 11, assets: ${ASSETS}, findings: ${FINDINGS}, exportPacing: { queuedPolls: 0, chunksPerPoll: 5 } });`,
      `process.stdout.write(JSON.stringify({ url: sim.url, keys: sim.apiKeysHeader }) + '\\n');`,
    ].join('\n');
    child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (data: Buffer) => {
        buffered += String(data);
        if (buffered.includes('\n')) resolve(buffered.split('\n')[0]!);
      });
      child.once('exit', (status) => reject(new Error(`simulator child exited with ${status}`)));
    });
    const started = JSON.parse(line) as { url: string; keys: string };
    url = started.url;
    headers = { 'X-ApiKeys': started.keys, 'content-type': 'application/json' };
  });
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
  });

  it('streams every chunk of a 200,000-finding export: right count, consistent data, bounded server memory', { timeout: 300_000 }, async () => {
    const created = await fetch(`${url}/vulns/export`, { method: 'POST', headers, body: JSON.stringify({ num_assets: PER_CHUNK, filters: { since: 0, state: ['OPEN', 'REOPENED', 'FIXED'] } }) });
    const uuid = String(((await created.json()) as Json).export_uuid);
    let status: Json = {};
    const downloaded = new Set<number>();
    const findingIds = new Set<string>();
    const identities = new Set<string>();
    const assetChunk = new Map<string, number>();
    const states = new Map<string, number>();
    const problems: string[] = [];
    let count = 0;
    let bytes = 0;
    for (let poll = 0; poll < 1000 && status.status !== 'FINISHED'; poll++) {
      status = (await (await fetch(`${url}/vulns/export/${uuid}/status`, { headers })).json()) as Json;
      for (const id of status.chunks_available as number[]) {
        if (downloaded.has(id)) continue;
        downloaded.add(id);
        const text = await (await fetch(`${url}/vulns/export/${uuid}/chunks/${id}`, { headers })).text();
        bytes += text.length;
        const records = JSON.parse(text) as Json[];
        const assetsHere = new Set<string>();
        for (const r of records) {
          count++;
          const asset = r.asset as Json;
          const plugin = r.plugin as Json;
          const port = r.port as Json;
          findingIds.add(r.finding_id as string);
          identities.add(`${String(asset.uuid)}|${String(plugin.id)}|${String(port.port)}|${String(port.protocol)}`);
          assetsHere.add(asset.uuid as string);
          states.set(r.state as string, (states.get(r.state as string) ?? 0) + 1);
          // Plain checks (an expect() per record would dominate the run time); failures are collected.
          if (r.severity !== SEVERITIES[r.severity_id as number]) problems.push(`${String(r.finding_id)}: severity`);
          if (Date.parse(r.first_found as string) > Date.parse(r.last_found as string)) problems.push(`${String(r.finding_id)}: first_found after last_found`);
          if (r.state === 'FIXED' && !(Date.parse(r.last_fixed as string) > Date.parse(r.last_found as string))) problems.push(`${String(r.finding_id)}: fixed before last seen`);
          if (r.state === 'REOPENED' && !(Date.parse(r.resurfaced_date as string) > Date.parse(r.last_fixed as string))) problems.push(`${String(r.finding_id)}: reopened before fixed`);
        }
        expect(assetsHere.size).toBeLessThanOrEqual(PER_CHUNK);
        for (const asset of assetsHere) {
          expect(assetChunk.has(asset), `asset ${asset} in two chunks`).toBe(false);
          assetChunk.set(asset, id);
        }
      }
    }
    expect(status.status).toBe('FINISHED');
    expect(problems.slice(0, 10)).toEqual([]);
    expect(count).toBe(FINDINGS);
    expect(findingIds.size).toBe(FINDINGS);
    expect(identities.size).toBe(FINDINGS);
    expect(downloaded.size).toBe(status.total_chunks);
    expect(status.total_chunks).toBe(Math.ceil(assetChunk.size / PER_CHUNK));
    expect(assetChunk.size).toBeGreaterThan(ASSETS * 0.95);
    expect([...states.keys()].sort()).toEqual(['FIXED', 'OPEN', 'REOPENED']);
    expect(bytes).toBeGreaterThan(500_000_000);

    const procStatus = `/proc/${child.pid}/status`;
    if (existsSync(procStatus)) {
      const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(procStatus, 'utf8'))?.[1]);
      // Holding the export (or the estate) would need well over its ~800 MB of JSON.
      expect(peakKb * 1024).toBeLessThan(512 * 1024 * 1024);
      expect(peakKb * 1024).toBeLessThan(bytes / 1.5);
    }
  });

  it('builds a 1,000,000-finding estate with per-asset arrays only and serves any asset on demand', () => {
    pluginCatalog();
    const before = process.memoryUsage().heapUsed;
    const estate = new Estate({ seed: 3, assets: 20_000, findings: 1_000_000, startDate: '2026-01-05' });
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    let seen = 0;
    estate.forEachFinding(12_345, 30, () => void seen++);
    expect(seen).toBe(estate.findingsOn(12_345, 30));
    expect(seen).toBeGreaterThan(0);
  });
});

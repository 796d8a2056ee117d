/**
 * npm run bench:workflow -- [--sqlite .bench/bench-1000000.db] [--requests 2000] [--bulk 10000]
 *
 * Workflow write latency on an existing database (e.g. the one `bench:import --keep` leaves,
 * or PostgreSQL when DATABASE_URL is set): single updates through the service and over HTTP
 * (p50/p95/p99), one bulk update, and the accepted-risk expiry sweep. It writes to the
 * database: use a copy.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openApplication } from '../../src/composition.ts';
import { loadConfig } from '../../src/config/env.ts';
import { buildHttpServer } from '../../src/http/app.ts';
import { silentLogger } from '../../src/logging/logger.ts';

const { values } = parseArgs({
  options: {
    sqlite: { type: 'string', default: '.bench/bench-1000000.db' },
    requests: { type: 'string', default: '2000' },
    bulk: { type: 'string', default: '10000' },
  },
});
const requests = Number(values.requests);
const bulkSize = Number(values.bulk);

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2);
  return `p50 ${at(50)} ms  p95 ${at(95)} ms  p99 ${at(99)} ms  (n=${sorted.length})`;
}

const config = loadConfig(process.env, { sqlitePath: values.sqlite, logLevel: 'silent', port: 0 });
let started = performance.now();
const hex = await openApplication(config, silentLogger());
console.log(`open + migrate: ${((performance.now() - started) / 1000).toFixed(1)} s  (${hex.database.dialect})`);
const bounds = (await sql<{ lo: number; hi: number; n: number }>`SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM findings`.execute(hex.database.db)).rows[0]!;
const lo = Number(bounds.lo);
const hi = Number(bounds.hi);
console.log(`findings: ${Number(bounds.n)}`);
const randomId = () => lo + Math.floor(Math.random() * (hi - lo + 1));
const priorities = ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'] as const;

const serviceSamples: number[] = [];
for (let i = 0; i < requests; i++) {
  const t0 = performance.now();
  await hex.workflow.update(randomId(), { priority: priorities[i % 4], remediation_notes: `bench ${i}` }, 'bench').catch(() => undefined);
  serviceSamples.push(performance.now() - t0);
}
console.log(`single update (service): ${percentiles(serviceSamples)}`);

const server = await buildHttpServer(hex);
const base = await server.listen({ host: '127.0.0.1', port: 0 });
const httpSamples: number[] = [];
for (let i = 0; i < requests; i++) {
  const body = JSON.stringify({ priority: priorities[(i + 1) % 4], assigned_to: `analyst${i % 7}` });
  const t0 = performance.now();
  const response = await fetch(`${base}/api/vulnerabilities/${randomId()}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
  await response.arrayBuffer();
  httpSamples.push(performance.now() - t0);
}
console.log(`PATCH /api/vulnerabilities/:id (HTTP, sequential): ${percentiles(httpSamples)}`);

const ids = Array.from({ length: bulkSize }, randomId);
started = performance.now();
const bulk = await hex.workflow.bulkUpdate(ids, { assigned_team: `team-${Date.now()}` }, 'bench');
console.log(`bulk update of ${bulkSize} ids: ${(performance.now() - started).toFixed(0)} ms  (updated ${bulk.updated}, failed ${bulk.failed.length})`);

started = performance.now();
const expired = await hex.workflow.expireAcceptedRisks();
console.log(`accepted-risk expiry sweep: ${(performance.now() - started).toFixed(1)} ms  (expired ${expired})`);

await server.close();
await hex.close();

/**
 * npm run bench:sync -- --assets 20000 --findings 1000000 [--db sqlite|postgres] [--chunk-assets N] [--parallel N] [--rate N] [--heap-mb N] [--cpu-prof DIR]
 *
 * Without --chunk-assets, --parallel or --rate the sync runs with the product's own defaults (what
 * `hextrackr sync tenable` and a sync job use): 500 assets per chunk, 3 chunks at once, 100 requests/min.
 *
 * Starts the Tenable simulator in its own process (its CPU and memory are not HexTrackr's), then a
 * fresh HexTrackr database in a child process that runs one full syncAll (assets, vulnerabilities,
 * plugins) through the real client over loopback, and prints wall time, findings/s and the
 * child's peak RSS.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { JOB_THREAD_YOUNG_GENERATION_MB } from '../../src/services/jobs/job-thread.ts';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '2000' },
    findings: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    db: { type: 'string', default: 'sqlite' },
    dir: { type: 'string', default: '.bench' },
    'chunk-assets': { type: 'string' },
    parallel: { type: 'string' },
    'heap-mb': { type: 'string' },
    rate: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
  allowPositionals: true,
});

if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db must be sqlite or postgres');
const root = path.resolve(import.meta.dirname, '../..');
// The measured process runs the compiled server, as `npm start` and bin/hextrackr.mjs do.
execFileSync(process.execPath, [path.join(root, 'scripts/server-build.mjs')], { stdio: 'inherit' });
const dir = path.resolve(values.dir);
mkdirSync(dir, { recursive: true });
// --cpu-prof DIR: V8 CPU profiles of the simulator and the measured process (written when each exits).
const profile = values['cpu-prof'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])];

function databaseEnv(): Record<string, string> {
  if (values.db === 'sqlite') {
    const sqlitePath = path.join(dir, `sync-bench-${values.findings}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
    return { HEXTRACKR_SQLITE_PATH: sqlitePath, HEXTRACKR_DATA_DIR: dir };
  }
  const url = process.env.HEXTRACKR_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  execFileSync('psql', [url, '-q', '-c', 'DROP SCHEMA IF EXISTS hextrackr_sync_bench CASCADE; CREATE SCHEMA hextrackr_sync_bench;']);
  const separator = url.includes('?') ? '&' : '?';
  return { DATABASE_URL: `${url}${separator}options=-c%20search_path%3Dhextrackr_sync_bench`, HEXTRACKR_DATA_DIR: dir };
}

async function startSimulator(): Promise<{ url: string; accessKey: string; secretKey: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [...profile, path.join(root, 'bin/hextrackr.mjs'), 'tenable-sim', '--port', '0', '--assets', values.assets, '--findings', values.findings, '--seed', values.seed, '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const info = JSON.parse(line) as { url: string; accessKey: string; secretKey: string };
  return { ...info, stop: () => child.kill('SIGTERM') };
}

/** Only what was asked for: everything else stays the product's default. */
const overrides = {
  chunkAssets: values['chunk-assets'] === undefined ? undefined : Number(values['chunk-assets']),
  ratePerMinute: values.rate === undefined ? undefined : Number(values.rate),
  parallelChunks: values.parallel === undefined ? undefined : Number(values.parallel),
};
const env = databaseEnv();
const sim = await startSimulator();
try {
  const started = performance.now();
  const out = await new Promise<string>((resolve, reject) => {
    // --heap-mb caps V8's old space in the measured process: its live set is small, but V8 collects lazily.
    const heap = values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : [];
    // The young generation a sync gets in `hextrackr serve`, where it runs in a job thread (V8's
    // young generation is three semi-spaces).
    heap.push(`--max-semi-space-size=${JOB_THREAD_YOUNG_GENERATION_MB / 3}`);
    const child = spawn(process.execPath, [...profile, ...heap, path.join(root, 'bin/hextrackr-bench.mjs'), 'sync-child', JSON.stringify(overrides)], {
      env: { ...process.env, ...env, TENABLE_URL: sim.url, TENABLE_ACCESS_KEY: sim.accessKey, TENABLE_SECRET_KEY: sim.secretKey, HEXTRACKR_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`sync exited with ${code}: ${text}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
    maxRssKb: number;
    syncSeconds: number;
    phases: Record<string, number>;
    peak: Record<string, number>;
    rssByPhase: Record<string, number>;
    assets: { exported: number };
    vulnerabilities: { rowsRead: number; findings: number; created: number; hosts: number; stagingSeconds: number; applySeconds: number };
    plugins: { processed: number } | null;
  };
  const v = result.vulnerabilities;
  console.log(`\nbench:sync  assets=${values.assets}  findings=${values.findings}  db=${values.db}  node=${process.version}  chunk=${values['chunk-assets'] ?? 'default'} assets x${values.parallel ?? 'default'} parallel  client rate=${values.rate ?? 'default'}/min  heap cap=${values['heap-mb'] ?? 'none'} MB`);
  console.log('wall s (process) | syncAll s | findings read | findings/s | open findings | assets | plugins | peak RSS MB');
  console.log(
    [seconds.toFixed(1), result.syncSeconds.toFixed(1), v.rowsRead, Math.round(v.rowsRead / result.syncSeconds), v.findings, result.assets.exported, result.plugins?.processed ?? 0, Math.round(result.maxRssKb / 1024)]
      .map((x) => String(x).padStart(10))
      .join(' | '),
  );
  console.log(`memory peaks (MB): ${Object.entries(result.peak).map(([k, mb]) => `${k} ${mb}`).join(', ')}`);
  console.log(`phases (s): ${Object.entries(result.phases).map(([k, s]) => `${k} ${s.toFixed(1)}`).join(', ')}`);
  console.log(`vulnerabilities (s): download, parse and staging ${v.stagingSeconds.toFixed(1)}, rollover ${v.applySeconds.toFixed(1)}`);
  console.log(`peak RSS per phase (MB): ${Object.entries(result.rssByPhase).map(([k, mb]) => `${k} ${mb}`).join(', ')}`);
} finally {
  sim.stop();
  if (!values.keep && values.db === 'sqlite') for (const suffix of ['', '-wal', '-shm']) rmSync(String(env.HEXTRACKR_SQLITE_PATH) + suffix, { force: true });
}

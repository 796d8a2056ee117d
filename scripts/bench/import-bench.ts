/**
 * npm run bench:import -- --rows 1000000 [--db sqlite|postgres] [--keep]
 *
 * Generates day 1 and day 2 Tenable VM CSVs, then imports each in a fresh child process
 * through the CLI's import command, and prints rows/s, wall seconds and peak RSS per day.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDay } from './generate-tenable-csv.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'sqlite' },
    dir: { type: 'string', default: '.bench' },
    keep: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 100) throw new Error('--rows must be an integer >= 100');
if (values.db !== 'sqlite' && values.db !== 'postgres') throw new Error('--db must be sqlite or postgres');

const root = path.resolve(import.meta.dirname, '../..');
// The measured process runs the compiled server, as `npm start` and bin/hextrackr.mjs do.
execFileSync(process.execPath, [path.join(root, 'scripts/server-build.mjs')], { stdio: 'inherit' });
const dir = path.resolve(values.dir);
mkdirSync(dir, { recursive: true });

interface DayResult {
  day: number;
  file: string;
  megabytes: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  summary: Record<string, unknown>;
}

async function ensureFile(day: 1 | 2, date: string): Promise<{ file: string; rows: number }> {
  const file = path.join(dir, `tenable-vm-${rows}-day${day}.csv`);
  const marker = `${file}.rows`;
  if (existsSync(file) && existsSync(marker)) {
    return { file, rows: Number(execFileSync('cat', [marker]).toString()) };
  }
  const started = performance.now();
  const written = await generateDay(file, rows, day, date);
  execFileSync('sh', ['-c', `echo ${written} > "${marker}"`]);
  console.log(`generated ${file}: ${written} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { file, rows: written };
}

function databaseEnv(): Record<string, string> {
  if (values.db === 'sqlite') {
    const sqlitePath = path.join(dir, `bench-${rows}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqlitePath + suffix, { force: true });
    return { HEXTRACKR_SQLITE_PATH: sqlitePath, HEXTRACKR_DATA_DIR: dir };
  }
  const url = process.env.HEXTRACKR_TEST_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  execFileSync('psql', [url, '-q', '-c', 'DROP SCHEMA IF EXISTS hextrackr_bench CASCADE; CREATE SCHEMA hextrackr_bench;']);
  const separator = url.includes('?') ? '&' : '?';
  return { DATABASE_URL: `${url}${separator}options=-c%20search_path%3Dhextrackr_bench`, HEXTRACKR_DATA_DIR: dir };
}

function importInChild(file: string, date: string, env: Record<string, string>): Promise<{ summary: Record<string, unknown>; seconds: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'bin/hextrackr-bench.mjs'), 'import-child', file, date], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`import of ${file} exited with ${code}: ${out}`));
      const lines = out.trim().split('\n');
      const summary = JSON.parse(lines.find((l) => l.startsWith('{"file"')) ?? '{}') as Record<string, unknown>;
      const rss = JSON.parse(lines.find((l) => l.startsWith('{"maxRssKb"')) ?? '{"maxRssKb":0}') as { maxRssKb: number };
      resolve({ summary, seconds, peakRssMb: Math.round(rss.maxRssKb / 1024) });
    });
  });
}

const dates: Record<1 | 2, string> = { 1: '2025-06-01', 2: '2025-06-02' };
const env = databaseEnv();
const results: DayResult[] = [];
for (const day of [1, 2] as const) {
  const { file, rows: fileRows } = await ensureFile(day, dates[day]);
  const { summary, seconds, peakRssMb } = await importInChild(file, dates[day], env);
  results.push({
    day,
    file: path.basename(file),
    megabytes: Math.round(statSync(file).size / 1e6),
    rows: fileRows,
    seconds: Math.round(seconds * 10) / 10,
    rowsPerSecond: Math.round(fileRows / seconds),
    peakRssMb,
    summary,
  });
}

console.log(`\nbench:import  rows=${rows}  db=${values.db}  node=${process.version}`);
console.log('day | file MB | rows      | wall s | rows/s  | peak RSS MB | stage s | apply s | created | updated | unchanged | resolved | reopened');
for (const r of results) {
  const s = r.summary;
  console.log(
    [r.day, r.megabytes, r.rows, r.seconds, r.rowsPerSecond, r.peakRssMb, Number(s.stagingSeconds).toFixed(1), Number(s.applySeconds).toFixed(1), s.created, s.updated, s.unchanged, s.resolved, s.reopened]
      .map((v) => String(v).padStart(7))
      .join(' | '),
  );
}
if (!values.keep && values.db === 'sqlite') {
  for (const suffix of ['', '-wal', '-shm']) rmSync(String(env.HEXTRACKR_SQLITE_PATH) + suffix, { force: true });
}

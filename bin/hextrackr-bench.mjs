#!/usr/bin/env node
// Benchmarks: `import` runs the import benchmark (`import-child`: its per-day child), `api` the HTTP API benchmark,
// `sync` the Tenable sync benchmark (`sync-child`: the measured process), `jobs` the job benchmark, `workflow` workflow writes
// on an existing database, `ui` the findings grid's first rows in chromium.
// The measured children (`import-child`, `sync-child`) load the server the way bin/hextrackr.mjs
// does (compiled while the build is fresh): tsx's loader is registered only for the TypeScript
// benchmark drivers, so it is not counted in the figures.
import { importServerModule } from '../scripts/build-freshness.mjs';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'import-child' && command !== 'sync-child') {
  const { register } = await import('tsx/esm/api');
  register();
}
if (command === 'import') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/import-bench.ts');
} else if (command === 'jobs') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/jobs-bench.ts');
} else if (command === 'api') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/api-bench.ts');
} else if (command === 'ui') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/ui-bench.ts');
} else if (command === 'import-child') {
  const [file, scanDate] = rest;
  const { runImportCommand } = await importServerModule('cli/import.command');
  const code = await runImportCommand([file], { scanDate, format: 'auto', scope: 'all', json: true });
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  process.exitCode = code;
} else if (command === 'workflow') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/workflow-bench.ts');
} else if (command === 'sync') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/sync-bench.ts');
} else if (command === 'sync-child') {
  const { runSyncChild } = await import('../scripts/bench/sync-child.mjs');
  await runSyncChild(JSON.parse(rest[0] ?? '{}'));
} else {
  console.error('usage: hextrackr-bench.mjs import --rows N [--db sqlite|postgres] | api --rows N [--keep] | sync --assets N --findings M [--db sqlite|postgres] | jobs --findings N --assets M [--db sqlite|postgres] | workflow [--sqlite FILE] [--requests N] [--bulk N] | ui --rows N [--runs K]');
  process.exitCode = 2;
}

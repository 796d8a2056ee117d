#!/usr/bin/env node
// Benchmarks: `import` runs the import benchmark, `api` the HTTP API benchmark; `import-child` is its per-day child process;
// `jobs` the job benchmark; `workflow` measures workflow writes on an existing database.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
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
  const { runImportCommand } = await import('../src/cli/import.command.ts');
  const code = await runImportCommand([file], { scanDate, format: 'auto', scope: 'all', json: true });
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  process.exitCode = code;
} else if (command === 'workflow') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/workflow-bench.ts');
} else {
  console.error('usage: hextrackr-bench.mjs import --rows N [--db sqlite|postgres] | api --rows N [--keep] | jobs --findings N --assets M [--db sqlite|postgres] | workflow [--sqlite FILE] [--requests N] [--bulk N] | ui --rows N [--runs K]');
  process.exitCode = 2;
}

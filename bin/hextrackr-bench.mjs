#!/usr/bin/env node
// Benchmarks: `import` runs the import benchmark; `import-child` is its per-day child process.
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
if (command === 'import') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/import-bench.ts');
} else if (command === 'ui') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/ui-bench.ts');
} else if (command === 'import-child') {
  const [file, scanDate] = rest;
  const { runImportCommand } = await import('../src/cli/import.command.ts');
  const code = await runImportCommand([file], { scanDate, format: 'auto', scope: 'all', json: true });
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  process.exitCode = code;
} else {
  console.error('usage: hextrackr-bench.mjs import --rows N [--db sqlite|postgres]');
  process.exitCode = 2;
}

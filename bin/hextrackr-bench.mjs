#!/usr/bin/env node
// Benchmarks: `import` runs the import benchmark (`import-child`: its per-day child); `sync` the Tenable sync benchmark (`sync-child`: the measured process).
import { register } from 'tsx/esm/api';

register();
const [command, ...rest] = process.argv.slice(2);
if (command === 'import') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/import-bench.ts');
} else if (command === 'import-child') {
  const [file, scanDate] = rest;
  const { runImportCommand } = await import('../src/cli/import.command.ts');
  const code = await runImportCommand([file], { scanDate, format: 'auto', scope: 'all', json: true });
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  process.exitCode = code;
} else if (command === 'sync') {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import('../scripts/bench/sync-bench.ts');
} else if (command === 'sync-child') {
  const [chunkAssets, rate, parallel] = rest;
  const { runSyncChild } = await import('../scripts/bench/sync-child.ts');
  await runSyncChild(Number(chunkAssets), Number(rate), Number(parallel));
} else {
  console.error('usage: hextrackr-bench.mjs import --rows N [--db sqlite|postgres] | sync --assets N --findings M [--db sqlite|postgres]');
  process.exitCode = 2;
}

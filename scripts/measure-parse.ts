/**
 * Parse throughput of the importers: `npx tsx scripts/measure-parse.ts <file> [format-id]`.
 * Detects the format (unless given), streams the whole file through its parser and prints
 * findings, rejections, rows/s and MB/s. Nothing is stored.
 */
import { openImportFile } from '../src/importers/registry.ts';
import type { FormatId } from '../src/importers/importer.ts';

async function main(): Promise<void> {
  const [file, format] = process.argv.slice(2);
  if (!file) {
    console.error('usage: npx tsx scripts/measure-parse.ts <file> [format-id]');
    process.exit(2);
  }
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  // In this thread: what is measured is the parser alone.
  const opened = await openImportFile(file, { format: (format as FormatId | undefined) ?? 'auto', parseAheadFromBytes: Number.POSITIVE_INFINITY });
  let findings = 0;
  let rejected = 0;
  const firstRejections: string[] = [];
  const hosts = new Set<string>();
  for await (const event of opened.events) {
    if (event.kind === 'finding') {
      findings++;
      const f = event.finding;
      hosts.add(f.assetUuid ?? f.hostname ?? f.ipAddress ?? '');
    } else {
      rejected++;
      if (firstRejections.length < 5) firstRejections.push(`line ${event.issue.line}${event.issue.field ? ` [${event.issue.field}]` : ''}: ${event.issue.reason}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rows = findings + rejected;
  const mb = opened.totalBytes / 1e6;
  console.log(`file:      ${file}`);
  console.log(`format:    ${opened.format.id}`);
  console.log(`findings:  ${findings}  rejected: ${rejected}  hosts: ${hosts.size}`);
  for (const r of firstRejections) console.log(`  rejected ${r}`);
  console.log(`size:      ${mb.toFixed(1)} MB in ${seconds.toFixed(2)} s`);
  console.log(`speed:     ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, ${(mb / seconds).toFixed(1)} MB/s (wall clock)`);
  // CPU time is less sensitive to other processes on the box; it includes V8's GC threads.
  console.log(`cpu:       ${cpuSeconds.toFixed(2)} s user+sys (${(mb / cpuSeconds).toFixed(1)} MB per CPU-second)`);
  const mem = process.memoryUsage();
  console.log(`memory:    rss ${(mem.rss / 1e6).toFixed(0)} MB, heap ${(mem.heapUsed / 1e6).toFixed(0)} MB`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/** The measured process of bench:sync: a HexTrackr application on the configured database running one full syncAll. */
// JavaScript, not TypeScript: the measured process loads the server as bin/hextrackr.mjs does
// (compiled while the build is fresh), without tsx's loader in its memory.
import { importServerModule } from '../build-freshness.mjs';

const { loadConfig } = await importServerModule('config/env');
const { openApplication } = await importServerModule('composition');
const { createLogger } = await importServerModule('logging/logger');

/**
 * @param {{ chunkAssets?: number, ratePerMinute?: number, parallelChunks?: number }} overrides
 *   the benchmark's flags; an absent one keeps the product's default
 */
export async function runSyncChild(overrides) {
  const config = loadConfig();
  const hex = await openApplication(config, createLogger(config.logLevel));
  try {
    const { chunkAssets, ratePerMinute, parallelChunks } = overrides;
    const client = await hex.tenableSettings.client({
      ...(ratePerMinute === undefined ? {} : { rateLimit: { requestsPerMinute: ratePerMinute, burst: Math.max(20, Math.round(ratePerMinute / 10)) } }),
      ...(parallelChunks === undefined ? {} : { exports: { parallelChunks } }),
    });
    /** @type {Record<string, number>} */
    const phases = {};
    let phase = '';
    let phaseStart = performance.now();
    const started = performance.now();
    // Where the memory is: the JS heap, or outside it (buffers, SQLite, native).
    const peak = { heapUsedMb: 0, externalMb: 0, arrayBuffersMb: 0 };
    // Which phase the resident set peaks in (the database's pages count too, not only the JS heap).
    /** @type {Record<string, number>} */
    const rssByPhase = {};
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      if (phase) rssByPhase[phase] = Math.max(rssByPhase[phase] ?? 0, Math.round(m.rss / 1048576));
      peak.heapUsedMb = Math.max(peak.heapUsedMb, Math.round(m.heapUsed / 1048576));
      peak.externalMb = Math.max(peak.externalMb, Math.round(m.external / 1048576));
      peak.arrayBuffersMb = Math.max(peak.arrayBuffersMb, Math.round(m.arrayBuffers / 1048576));
    }, 100);
    const result = await hex.tenableSync.syncAll(client, {
      full: true,
      // A signal, as a job and the CLI pass one (so cancelling works): the sync reads the export through it.
      signal: new AbortController().signal,
      ...(chunkAssets === undefined ? {} : { assetsPerChunk: chunkAssets }),
      onProgress: (p) => {
        if (p.phase === phase) return;
        if (phase) phases[phase] = (phases[phase] ?? 0) + (performance.now() - phaseStart) / 1000;
        phase = p.phase;
        phaseStart = performance.now();
      },
    });
    const syncSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    console.log(JSON.stringify({ ...result, plugins: result.plugins && { ...result.plugins, issues: [] }, syncSeconds, phases, peak, rssByPhase, maxRssKb: process.resourceUsage().maxRSS }));
  } finally {
    await hex.close();
  }
}

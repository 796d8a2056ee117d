/**
 * Debian's chromium driven by playwright-core, for the end-to-end tests and the UI benchmark.
 * `chromiumMissing()` names the package to install; HEXTRACKR_E2E=required turns a skip into a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.HEXTRACKR_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING = `chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) to run the browser tests`;

/** True when the browser tests must skip; throws when HEXTRACKR_E2E=required and chromium is missing. */
export function chromiumMissing(): boolean {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.HEXTRACKR_E2E === 'required') throw new Error(`HEXTRACKR_E2E=required but ${CHROMIUM_MISSING}`);
  return true;
}

/** Builds the web application into dist/web unless the build is newer than its sources. */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../../scripts/web-build.mjs')], { stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile (user data dir), closed and removed by `close()`. */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'hextrackr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

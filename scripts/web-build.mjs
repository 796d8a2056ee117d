#!/usr/bin/env node
// Builds the web application into dist/web when the build is missing or older than its sources.
// `npm start` runs it first, so a fresh clone serves the UI after `npm ci && npm start`.
// `--force` always builds (npm run build:web).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isFresh, root } from './build-freshness.mjs';

const sourceDir = path.join(root, 'web');

const force = process.argv.includes('--force');
const stale = force || !isFresh('dist/web/index.html', 'web');
if (stale) {
  console.log('building the web application (dist/web)…');
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(sourceDir, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error('the web build failed; see the messages above');
    process.exit(result.status ?? 1);
  }
}

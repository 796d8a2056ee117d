#!/usr/bin/env node
// Builds the web application into dist/web when the build is missing or older than its sources.
// `npm start` runs it first, so a fresh clone serves the UI after `npm ci && npm start`.
// `--force` always builds (npm run build:web).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const sourceDir = path.join(root, 'web');
const builtIndex = path.join(root, 'dist/web/index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const force = process.argv.includes('--force');
const stale = force || !existsSync(builtIndex) || statSync(builtIndex).mtimeMs < newestMtime(sourceDir);
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

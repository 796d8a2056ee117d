#!/usr/bin/env node
// Compiles the server's TypeScript (src/) into build/ when that build is missing or older than its
// sources; `--force` always builds. `npm start` runs it, and bin/hextrackr.mjs then runs the
// compiled JavaScript: about 50 MB less memory and a faster start than tsx's on-the-fly loader.
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root, serverBuildIsFresh } from './build-freshness.mjs';

if (process.argv.includes('--force') || !serverBuildIsFresh()) {
  console.log('compiling the server (build/)…');
  // Compiled aside, then swapped in: a command started meanwhile never sees half a build (it runs
  // the sources while build/ is missing), and a file deleted from src/ does not live on in build/.
  const next = path.join(root, 'build.next');
  rmSync(next, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(next, { recursive: true, force: true });
    console.error('the server build failed; see the messages above');
    process.exit(result.status ?? 1);
  }
  rmSync(path.join(root, 'build'), { recursive: true, force: true });
  renameSync(next, path.join(root, 'build'));
}

// Whether a build is newer than every file it is made from (shared by the web and server builds and
// by bin/hextrackr.mjs, which runs the compiled server only while it is fresh).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = path.resolve(import.meta.dirname, '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when `built` exists and is newer than every file under `sources` (paths relative to the project). */
export function isFresh(built, ...sources) {
  const builtPath = path.join(root, built);
  if (!existsSync(builtPath)) return false;
  const builtAt = statSync(builtPath).mtimeMs;
  return sources.every((source) => {
    const full = path.join(root, source);
    return statSync(full).isDirectory() ? newestMtime(full) <= builtAt : statSync(full).mtimeMs <= builtAt;
  });
}

/** The compiled server (build/, see scripts/server-build.mjs) and the sources it is made from. */
export const SERVER_ENTRY = 'build/cli/main.js';
export const serverBuildIsFresh = () => isFresh(SERVER_ENTRY, 'src', 'tsconfig.build.json', 'tsconfig.json', 'package-lock.json');

let tsxRegistered = false;
/** Decided once per process: a build swapped in meanwhile must not mix compiled and source modules. */
let runCompiled;

/**
 * Imports a server module (its path under src/, without extension): the compiled JavaScript while
 * the build is fresh, else the TypeScript source through tsx's loader (registered on first need).
 */
export async function importServerModule(modulePath) {
  runCompiled ??= serverBuildIsFresh();
  if (runCompiled) {
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(path.join(root, 'build', `${modulePath}.js`)).href);
  }
  if (!tsxRegistered) {
    const { register } = await import('tsx/esm/api');
    register();
    tsxRegistered = true;
  }
  return import(pathToFileURL(path.join(root, 'src', `${modulePath}.ts`)).href);
}

import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the shared scanner corpus lives: HEXTRACKR_CORPUS, else ../shared/corpus beside
 * the project. Tests that need it call `corpusDir()` and skip when it returns undefined.
 */
export function corpusDir(): string | undefined {
  const dir = process.env.HEXTRACKR_CORPUS ?? path.resolve(import.meta.dirname, '../../../shared/corpus');
  return existsSync(dir) ? dir : undefined;
}

export const CORPUS_MISSING =
  'shared corpus not found: set HEXTRACKR_CORPUS to the corpus folder (e.g. ../shared/corpus) to run these tests';

export function corpusFile(...parts: string[]): string {
  const dir = corpusDir();
  if (!dir) throw new Error(CORPUS_MISSING);
  return path.join(dir, ...parts);
}

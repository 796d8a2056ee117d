/**
 * The simulator is self-contained: its source imports only its own folder, the shared wire
 * types, node built-ins and npm packages (never src/db, src/services, src/importers …).
 * Tests may also use test/helpers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = import.meta.dirname;
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const source = readFileSync(path.join(DIR, file), 'utf8');
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2]!);
}

describe('simulator boundaries', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));

  it('sees the imports it checks', () => {
    expect(importsOf('server.ts')).toEqual(expect.arrayContaining(['node:crypto', 'fastify', './estate.ts', './vm-app.ts']));
    expect(importsOf('records.ts')).toContain('../tenable.api-types.ts');
  });

  it.each(files)('%s imports only its folder, the api types, node built-ins and packages', (file) => {
    const test = file.endsWith('.test.ts');
    const bad = importsOf(file).filter((spec) => {
      if (spec.startsWith('node:')) return false;
      if (!spec.startsWith('.')) return false;
      if (spec.startsWith('./') && !spec.slice(2).includes('/')) return false;
      if (spec === '../tenable.api-types.ts') return false;
      return !(test && spec.startsWith('../../../../test/helpers/'));
    });
    expect(bad).toEqual([]);
  });
});

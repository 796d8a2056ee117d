/**
 * The compiled server, as `npm start` runs it (tsc's output of tsconfig.build.json, without tsx):
 * its command line imports a file, and an import run in a worker thread starts that thread from
 * the compiled module (a thread cannot start from the TypeScript sources without tsx's loader).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

describe('the compiled server', () => {
  let out: string;
  let csv: string;

  beforeAll(() => {
    out = mkdtempSync(path.join(tmpdir(), 'hextrackr-compiled-'));
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', path.join(out, 'build')], { cwd: root });
    symlinkSync(path.join(root, 'node_modules'), path.join(out, 'node_modules'));
    writeFileSync(path.join(out, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    csv = path.join(out, 'scan.csv');
    writeFileSync(
      csv,
      [
        'asset.id,asset.name,asset.display_ipv4_address,definition.id,definition.name,definition.cve,definition.vpr.score,severity,state,port,protocol',
        '6b1a5e0c-0000-4000-8000-000000000001,web-1.corp.example,10.0.0.1,100001,OpenSSL update,"CVE-2024-0001,CVE-2024-0002",7.4,High,ACTIVE,443,TCP',
        '6b1a5e0c-0000-4000-8000-000000000002,db-1.corp.example,10.0.0.2,100002,PostgreSQL update,CVE-2024-0003,5.1,Medium,ACTIVE,5432,TCP',
      ].join('\n'),
    );
  }, 180_000);
  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const env = (name: string) => ({ ...process.env, HEXTRACKR_DATA_DIR: path.join(out, name), HEXTRACKR_SQLITE_PATH: path.join(out, name, 'hextrackr.db'), DATABASE_URL: '', HEXTRACKR_LOG_LEVEL: 'silent' });

  it('imports a file through its command line', () => {
    const printed = execFileSync(process.execPath, [path.join(out, 'build/cli/main.js'), 'import', csv, '--scan-date', '2026-01-05', '--json'], { env: env('cli') }).toString();
    const summary = JSON.parse(printed.trim().split('\n').find((line) => line.startsWith('{')) ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({ ok: true, format: 'tenable-vm-csv', created: 3, hosts: 2, rejected: 0 });
  });

  it('runs an import in a worker thread started from the compiled module', () => {
    const composition = pathToFileURL(path.join(out, 'build/composition.js')).href;
    const config = pathToFileURL(path.join(out, 'build/config/env.js')).href;
    const logging = pathToFileURL(path.join(out, 'build/logging/logger.js')).href;
    const script = `
      const { openApplication } = await import(${JSON.stringify(composition)});
      const { loadConfig } = await import(${JSON.stringify(config)});
      const { createLogger } = await import(${JSON.stringify(logging)});
      const hex = await openApplication(loadConfig(), createLogger('silent'), { importsInWorker: true });
      const prepared = await hex.imports.prepare({ filePath: ${JSON.stringify(csv)}, scanDate: '2026-01-05' });
      const summary = await prepared.run();
      await hex.close();
      console.log(JSON.stringify({ created: summary.created, hosts: summary.hosts }));`;
    const runner = path.join(out, 'run-worker-import.mjs');
    writeFileSync(runner, script);
    const printed = execFileSync(process.execPath, [runner], { env: env('worker') }).toString();
    expect(JSON.parse(printed.trim())).toEqual({ created: 3, hosts: 2 });
  });

  it('starts threads from the compiled module when compiled, from the tsx boot file when run from the sources', async () => {
    const { threadEntry } = await import('../../src/shared/thread-entry.ts');
    expect(threadEntry('file:///app/build/services/import-worker-runner.js', 'import-worker').pathname).toBe('/app/build/services/import-worker.js');
    expect(threadEntry('file:///app/src/services/import-worker-runner.ts', 'import-worker').pathname).toBe('/app/src/services/import-worker.boot.mjs');
  });
});

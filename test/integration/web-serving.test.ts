/**
 * The server serves the built web application itself: static files with cache headers, index.html
 * for the application's deep links, the JSON 404 for unknown API paths, and a plain 503 when the
 * application has not been built.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebApplication } from '../../src/http/web-app.ts';
import { tempDir } from '../helpers/scan-files.ts';

async function serve(webDir: string) {
  const app = Fastify();
  await registerWebApplication(app, webDir);
  app.get('/api/health', async () => ({ status: 'ok' }));
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base };
}

describe('web application serving', () => {
  let built: Awaited<ReturnType<typeof serve>>;
  let unbuilt: Awaited<ReturnType<typeof serve>>;
  const dirs: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('hextrackr-web-');
    const empty = tempDir('hextrackr-web-empty-');
    dirs.push(dir, empty);
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>HexTrackr</title><div id="root"></div>');
    writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
    built = await serve(dir);
    unbuilt = await serve(empty);
  });
  afterAll(async () => {
    await built.app.close();
    await unbuilt.app.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('answers deep links of the application with index.html, revalidated on every load', async () => {
    for (const pathname of ['/', '/findings?severity=high&cols=severity,cve', '/admin']) {
      const response = await fetch(`${built.base}${pathname}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed bundles as immutable', async () => {
    const response = await fetch(`${built.base}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('keeps the JSON 404 for unknown API paths and missing files', async () => {
    for (const pathname of ['/api/no-such-route', '/assets/missing.js']) {
      const response = await fetch(`${built.base}${pathname}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    const post = await fetch(`${built.base}/findings`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await fetch(`${built.base}/api/health`)).status).toBe(200);
  });

  it('says how to build the application when it is missing', async () => {
    const response = await fetch(`${unbuilt.base}/findings`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
    expect((await fetch(`${unbuilt.base}/api/nothing`)).status).toBe(404);
  });
});

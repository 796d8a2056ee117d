/**
 * The browser application: dist/web (built by `npm run build:web`; `npm start` builds it when missing
 * or stale) served as static files, and every other GET outside /api and /ws answered with index.html
 * so deep links (/findings?severity=high) work. Unknown /api paths still get the JSON 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './errors.ts';

export const WEB_DIST_DIR = path.resolve(import.meta.dirname, '../../dist/web');

/** Paths the single-page application owns: everything but the API, the WebSocket and files with an extension. */
function isAppPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '/';
  if (pathname === '/ws' || pathname === '/api' || pathname.startsWith('/api/')) return false;
  return !path.posix.basename(pathname).includes('.');
}

/** Registers the static files and the not-found handler (SPA fallback, else the API's 404 shape). */
export async function registerWebApplication(app: FastifyInstance, webDir = WEB_DIST_DIR): Promise<void> {
  const built = existsSync(path.join(webDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: webDir,
      // Hashed bundles never change; index.html must be revalidated so a new build is picked up.
      setHeaders: (reply, filePath) => {
        reply.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && isAppPath(request.url)) {
      if (built) return reply.header('cache-control', 'no-cache').sendFile('index.html');
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The HexTrackr web application is not built yet: run `npm run build:web` (npm start does it for you), then reload.');
    }
    return reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url}`));
  });
}

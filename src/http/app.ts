/** Builds the HTTP server: JSON API, multipart uploads, the progress WebSocket and the web application. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Application } from '../composition.ts';
import { needsAccessDeclaration } from './access.ts';
import { errorBody, handleError } from './errors.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { importsRoutes } from './routes/imports.routes.ts';
import { progressSocket } from './ws/progress.socket.ts';

/** The built web application (npm run build:web; npm start builds it when missing or stale). */
export const WEB_DIST_DIR = path.resolve(import.meta.dirname, '../../dist/web');

/** Paths the single-page application owns: everything but the API, the WebSocket and files with an extension. */
function isAppPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '/';
  if (pathname === '/ws' || pathname.startsWith('/api/') || pathname === '/api') return false;
  return !path.posix.basename(pathname).includes('.');
}

export async function buildHttpServer(hex: Application): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: hex.logger.pino as FastifyBaseLogger });
  // Routes declare zod schemas: they validate input and feed the OpenAPI document.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', (route) => {
    if (needsAccessDeclaration(route.url) && route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'HexTrackr API', version: '1' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'hextrackr_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(multipart, { limits: { fileSize: hex.config.maxUploadMb * 1024 * 1024, files: 1, fields: 10 } });
  await app.register(websocket);
  app.setErrorHandler(handleError);
  const webBuilt = existsSync(path.join(WEB_DIST_DIR, 'index.html'));
  if (webBuilt) {
    await app.register(fastifyStatic, {
      root: WEB_DIST_DIR,
      // Hashed bundles never change; index.html must be revalidated so a new build is picked up.
      setHeaders: (res, filePath) => {
        res.header('cache-control', filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && isAppPath(request.url)) {
      if (webBuilt) return reply.header('cache-control', 'no-cache').sendFile('index.html');
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The HexTrackr web application is not built yet: run `npm run build:web` (npm start does it for you), then reload.');
    }
    return reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url}`));
  });
  app.get('/api/health', { config: { access: 'public' } }, async () => ({ status: 'ok', dialect: hex.database.dialect }));
  await app.register(async (scope) => importsRoutes(scope, hex));
  await app.register(async (scope) => dashboardRoutes(scope, hex));
  await app.register(async (scope) => progressSocket(scope, hex));
  return app;
}

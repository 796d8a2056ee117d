/** Builds the HTTP server: JSON API, multipart uploads and the progress WebSocket. */
import multipart from '@fastify/multipart';
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
import { tenableRoutes } from './routes/tenable.routes.ts';
import { progressSocket } from './ws/progress.socket.ts';

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
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url}`));
  });
  app.get('/api/health', { config: { access: 'public' } }, async () => ({ status: 'ok', dialect: hex.database.dialect }));
  await app.register(async (scope) => importsRoutes(scope, hex));
  await app.register(async (scope) => dashboardRoutes(scope, hex));
  await app.register(async (scope) => tenableRoutes(scope, hex));
  await app.register(async (scope) => progressSocket(scope, hex));
  return app;
}

/** Builds the HTTP server: JSON API, multipart uploads and the progress WebSocket. */
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Application } from '../composition.ts';
import { errorBody, handleError } from './errors.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { importsRoutes } from './routes/imports.routes.ts';
import { progressSocket } from './ws/progress.socket.ts';

export async function buildHttpServer(hex: Application): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: hex.logger.pino as FastifyBaseLogger });
  await app.register(multipart, { limits: { fileSize: hex.config.maxUploadMb * 1024 * 1024, files: 1, fields: 10 } });
  await app.register(websocket);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody('not_found', `no route for ${request.method} ${request.url}`));
  });
  app.get('/api/health', async () => ({ status: 'ok', dialect: hex.database.dialect }));
  await app.register(async (scope) => importsRoutes(scope, hex));
  await app.register(async (scope) => dashboardRoutes(scope, hex));
  await app.register(async (scope) => progressSocket(scope, hex));
  return app;
}

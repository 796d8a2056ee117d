/** Builds the HTTP server: JSON API, multipart uploads, the progress WebSocket and the web application. */
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Application } from '../composition.ts';
import { type DeclaredRoute, needsAccessDeclaration } from './access.ts';
import { installAuthentication } from './auth/authentication.ts';
import { handleError } from './errors.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { assetsRoutes } from './routes/assets.routes.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { findingsRoutes } from './routes/findings.routes.ts';
import { importsRoutes } from './routes/imports.routes.ts';
import { tokensRoutes } from './routes/tokens.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { jobsRoutes } from './routes/jobs.routes.ts';
import { tenableJobsRoutes } from './routes/tenable-jobs.routes.ts';
import { workflowRoutes } from './routes/workflow.routes.ts';
import { registerWebApplication } from './web-app.ts';
import { tenableRoutes } from './routes/tenable.routes.ts';
import { progressSocket } from './ws/progress.socket.ts';

export interface HttpServerOptions {
  /** Told about every route as it is registered (the role-matrix test enumerates them this way). */
  onRoute?: (route: DeclaredRoute) => void;
}

export async function buildHttpServer(hex: Application, options: HttpServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: hex.logger.pino as FastifyBaseLogger });
  // Routes declare zod schemas: they validate input and feed the OpenAPI document.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRoute', (route) => {
    if (needsAccessDeclaration(route.url) && route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
    }
    options.onRoute?.({ method: route.method, url: route.url, access: route.config?.access });
  });
  // Registered first so that its hooks run before authentication's: a refused upgrade then gets
  // its 401/403 and the socket is closed behind it.
  await app.register(websocket);
  // Before every route: each request is authenticated and checked against its route's access.
  await installAuthentication(app, hex);
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
  app.setErrorHandler(handleError);
  await registerWebApplication(app);
  app.get('/api/health', { config: { access: 'public' } }, async () => ({ status: 'ok', dialect: hex.database.dialect }));
  await app.register(async (scope) => authRoutes(scope, hex));
  await app.register(async (scope) => usersRoutes(scope, hex));
  await app.register(async (scope) => tokensRoutes(scope, hex));
  await app.register(async (scope) => auditRoutes(scope, hex));
  await app.register(async (scope) => importsRoutes(scope, hex));
  await app.register(async (scope) => dashboardRoutes(scope, hex));
  await app.register(async (scope) => jobsRoutes(scope, hex));
  await app.register(async (scope) => tenableJobsRoutes(scope, hex));
  await app.register(async (scope) => workflowRoutes(scope, hex));
  await app.register(async (scope) => findingsRoutes(scope, hex));
  await app.register(async (scope) => assetsRoutes(scope, hex));
  await app.register(async (scope) => tenableRoutes(scope, hex));
  await app.register(async (scope) => progressSocket(scope, hex));
  return app;
}

/**
 * A real HexTrackr HTTP server on a loopback port over a fresh database, for API tests.
 * `headersFor(role)` returns the headers that authenticate a request as a user of that role.
 */
import type { FastifyInstance } from 'fastify';
import { type Application, type ApplicationOptions, openApplication } from '../../src/composition.ts';
import { type Config, loadConfig } from '../../src/config/env.ts';
import type { DialectName } from '../../src/db/database.ts';
import { buildHttpServer } from '../../src/http/app.ts';
import type { DeclaredRoute, Role } from '../../src/http/access.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { createTestLocation, type TestLocation } from './test-db.ts';

export interface TestServer {
  hex: Application;
  server: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  base: string;
  location: TestLocation;
  /** Every route the server registered, in order (HEAD duplicates included). */
  routes: DeclaredRoute[];
  /** Headers authenticating as a user of this role (created on first use). */
  headersFor(role: Role): Promise<Record<string, string>>;
  /** fetch with JSON body/response conveniences; `as` picks the role (default admin). */
  api<T = unknown>(method: string, path: string, options?: { as?: Role | 'anonymous'; body?: unknown }): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestServer(
  dialect: DialectName,
  options: { config?: Partial<Config>; app?: ApplicationOptions } = {},
): Promise<TestServer> {
  const location = await createTestLocation(dialect);
  const config = loadConfig(
    {},
    {
      port: 0,
      dataDir: location.dir,
      sqlitePath: location.options.sqlitePath,
      databaseUrl: location.options.databaseUrl,
      logLevel: 'silent',
      ...options.config,
    },
  );
  const hex = await openApplication(config, silentLogger(), {
    ...(location.options.pgSchema ? { pgSchema: location.options.pgSchema } : {}),
    ...options.app,
  });
  const routes: DeclaredRoute[] = [];
  const server = await buildHttpServer(hex, { onRoute: (route) => routes.push(route) });
  const base = await server.listen({ host: '127.0.0.1', port: 0 });

  // One user and API token per role, created on first use through the real service.
  const tokens = new Map<Role, Promise<string>>();
  async function mintToken(role: Role): Promise<string> {
    const user = await hex.auth.createUser({ username: `test-${role}`, role, password: `${role}-password-for-tests` }, { actor: 'test' });
    const { token } = await hex.auth.createToken(user.id, { name: `${role} tests`, role }, role, { actor: 'test' });
    return token;
  }
  async function headersFor(role: Role): Promise<Record<string, string>> {
    let token = tokens.get(role);
    if (!token) {
      token = mintToken(role);
      tokens.set(role, token);
    }
    return { authorization: `Bearer ${await token}` };
  }

  return {
    hex,
    server,
    base,
    location,
    routes,
    headersFor,
    async api<T>(method: string, path: string, opts: { as?: Role | 'anonymous'; body?: unknown } = {}) {
      const role = opts.as ?? 'admin';
      const headers: Record<string, string> = role === 'anonymous' ? {} : await headersFor(role);
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON (CSV export, HTML page): keep the text
      }
      return { status: response.status, body: body as T };
    },
    async close() {
      await server.close();
      await hex.close();
      await location.remove();
    },
  };
}

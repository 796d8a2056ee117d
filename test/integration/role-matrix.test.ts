/**
 * THE ROLE MATRIX: every route the real server registers (as its onRoute hook reports them, so
 * routes added later are covered without touching this file) × every caller:
 * anonymous → 401 unless public; each role below the required one → 403; the required role →
 * neither 401 nor 403 (400/404/409 are fine: path parameters are 1 and bodies `{}`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Access, needsAccessDeclaration, ROLES, type Role } from '../../src/http/access.ts';
import { buildHttpServer } from '../../src/http/app.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { DIALECTS } from '../helpers/test-db.ts';

interface RouteCase {
  method: string;
  url: string;
  path: string;
  access: Access;
}

/** Roles that must be refused: every role ranked below the required one. */
function rolesBelow(access: Access): Role[] {
  if (access === 'public' || access === 'authenticated') return [];
  return ROLES.slice(0, ROLES.indexOf(access));
}

function lowestAllowed(access: Access): Role | 'anonymous' {
  if (access === 'public') return 'anonymous';
  return access === 'authenticated' ? 'viewer' : access;
}

describe.each(DIALECTS)('role matrix on %s', (dialect) => {
  let test: TestServer;
  let cases: RouteCase[];

  beforeAll(async () => {
    test = await startTestServer(dialect);
    // A bystander owns user id 1 and token id 1, so `:id = 1` requests act on it, not on the callers' own accounts.
    const bystander = await test.hex.auth.createUser({ username: 'bystander', role: 'analyst', password: 'bystander password' }, { actor: 'test' });
    await test.hex.auth.createToken(bystander.id, { name: 'bystander' }, undefined, { actor: 'test' });
    for (const role of ROLES) await test.headersFor(role);

    const seen = new Set<string>();
    cases = [];
    for (const route of test.routes) {
      if (!needsAccessDeclaration(route.url)) continue;
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' || seen.has(`${method} ${route.url}`)) continue;
        seen.add(`${method} ${route.url}`);
        // The server refuses undeclared routes, so access is always there; 'undeclared' would fail every check below.
        const access = route.access ?? ('undeclared' as Access);
        cases.push({ method, url: route.url, path: route.url.replace(/:[A-Za-z_]\w*/g, '1').replace(/\*/g, 'x'), access });
      }
    }
  });
  afterAll(async () => {
    await test?.close();
  });

  it('finds every API route with its declared access', () => {
    const names = cases.map((c) => `${c.method} ${c.url}`);
    for (const expected of ['GET /api/auth/status', 'POST /api/auth/login', 'GET /api/users', 'DELETE /api/tokens/:id', 'GET /api/audit', 'GET /api/imports', 'GET /ws']) {
      expect(names).toContain(expected);
    }
    const levels: string[] = ['public', 'authenticated', ...ROLES];
    expect(cases.filter((c) => !levels.includes(c.access))).toEqual([]);
  });

  it('refuses the anonymous and the under-privileged, and lets the required role through, on every route', async () => {
    const failures: string[] = [];
    for (const route of cases) {
      const body = route.method === 'GET' ? undefined : {};
      const call = (as: Role | 'anonymous') => test.api(route.method, route.path, { as, body });
      const label = `${route.method} ${route.url} (${route.access})`;
      if (route.access !== 'public') {
        const anonymous = await call('anonymous');
        const code = (anonymous.body as { error?: { code?: string } } | undefined)?.error?.code;
        if (anonymous.status !== 401 || code !== 'unauthenticated') failures.push(`${label}: anonymous got ${anonymous.status} ${code}`);
      }
      for (const role of rolesBelow(route.access)) {
        const refused = await call(role);
        const error = (refused.body as { error?: { code?: string; message?: string } } | undefined)?.error;
        if (refused.status !== 403 || error?.code !== 'forbidden' || !error.message?.includes(route.access)) {
          failures.push(`${label}: ${role} got ${refused.status} ${JSON.stringify(error)}`);
        }
      }
      const allowed = lowestAllowed(route.access);
      const granted = await call(allowed);
      if (granted.status === 401 || granted.status === 403) failures.push(`${label}: ${allowed} got ${granted.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses to start when a route declares no access', async () => {
    const plugged = await buildHttpServer(test.hex);
    try {
      const start = async () => {
        await plugged.register(async (scope) => {
          scope.post('/api/sneaky', async () => 'open');
        });
        await plugged.ready();
      };
      await expect(start()).rejects.toThrow(/POST \/api\/sneaky declares no access/);
    } finally {
      await plugged.close().catch(() => undefined);
    }
    const app = await buildHttpServer(test.hex);
    try {
      expect(() => app.get('/api/unguarded', async () => 'open')).toThrow(/GET \/api\/unguarded declares no access/);
      expect(() => app.get('/ws/other', async () => 'open')).not.toThrow();
      expect(() => app.post('/api/guarded', { config: { access: 'admin' } }, async () => 'fine')).not.toThrow();
    } finally {
      await app.close();
    }
  });
});

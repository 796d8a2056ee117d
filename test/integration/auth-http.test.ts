/**
 * Sign-in over real HTTP: first-run setup (once), login/logout and the cookie's flags, CSRF
 * accepted and refused, bearer tokens, WebSocket upgrades by cookie and by token, lockout,
 * last-admin protection, the audit log, and that no hash ever leaves the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CookieClient as Browser } from '../helpers/cookie-client.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { DIALECTS } from '../helpers/test-db.ts';

const ADMIN_PASSWORD = 'first admin password';
const ANALYST_PASSWORD = 'analyst password 1';

interface ErrorBody {
  error: { code: string; message: string };
}

function openSocket(url: string, headers: Record<string, string>): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve({ opened: false, status: response.statusCode });
      socket.terminate();
    });
    socket.on('error', () => resolve({ opened: false }));
  });
}

describe.each(DIALECTS)('sign-in over HTTP on %s', (dialect) => {
  let test: TestServer;

  beforeAll(async () => {
    test = await startTestServer(dialect);
  });
  afterAll(async () => {
    await test?.close();
  });

  it('runs first-run setup once, signing the new admin in with a strict httpOnly cookie', async () => {
    const browser = new Browser(test.base);
    expect((await browser.request('GET', '/api/auth/status')).body).toEqual({ needsSetup: true, user: null });

    const weak = await browser.request<ErrorBody>('POST', '/api/auth/setup', { body: { username: 'root', password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/at least 12 characters/);

    const setup = await browser.request<{ user: { username: string; role: string }; csrfToken: string }>('POST', '/api/auth/setup', {
      body: { username: 'root', password: ADMIN_PASSWORD, display_name: 'Root' },
    });
    expect(setup.status).toBe(201);
    expect(setup.body.user).toMatchObject({ username: 'root', role: 'admin' });
    expect(setup.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = browser.setCookies.find((c) => c.startsWith('hextrackr_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);

    const status = await browser.request<{ needsSetup: boolean; user: { username: string } }>('GET', '/api/auth/status');
    expect(status.body).toMatchObject({ needsSetup: false, user: { username: 'root' } });
    const again = await new Browser(test.base).request<ErrorBody>('POST', '/api/auth/setup', { body: { username: 'intruder', password: ADMIN_PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('signs in and out with a cookie, and demands the CSRF header for every change', async () => {
    const admin = new Browser(test.base);
    await admin.request('POST', '/api/auth/login', { body: { username: 'root', password: ADMIN_PASSWORD } });
    const created = await admin.request('POST', '/api/users', { body: { username: 'ann', password: ANALYST_PASSWORD, role: 'analyst' } });
    expect(created.status).toBe(201);

    const browser = new Browser(test.base);
    const wrong = await browser.request<ErrorBody>('POST', '/api/auth/login', { body: { username: 'ann', password: 'not her password' } });
    const unknown = await browser.request<ErrorBody>('POST', '/api/auth/login', { body: { username: 'nobody', password: 'not her password' } });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    const login = await browser.request<{ user: { username: string }; csrfToken: string }>('POST', '/api/auth/login', {
      body: { username: 'ANN', password: ANALYST_PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.username).toBe('ann');
    expect((await browser.request('GET', '/api/imports')).status).toBe(200);
    const me = await browser.request<{ csrfToken: string; via: string; role: string }>('GET', '/api/auth/me');
    expect(me.body).toMatchObject({ csrfToken: login.body.csrfToken, via: 'session', role: 'analyst' });

    const missing = await browser.request<ErrorBody>('POST', '/api/tokens', { body: { name: 'laptop' }, csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf_failed');
    const forged = await browser.request<ErrorBody>('POST', '/api/tokens', { body: { name: 'laptop' }, csrf: 'A'.repeat(43) });
    expect(forged.body.error.code).toBe('csrf_failed');
    const accepted = await browser.request<{ token: string; role: string }>('POST', '/api/tokens', { body: { name: 'laptop' } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.role).toBe('analyst');

    // A bearer token needs no CSRF header: browsers cannot be tricked into sending one.
    const scripted = await fetch(`${test.base}/api/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accepted.body.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from a script', role: 'viewer' }),
    });
    expect(scripted.status).toBe(201);

    expect((await browser.request('POST', '/api/auth/logout', { csrf: false })).status).toBe(403);
    const oldCookie = browser.cookie;
    const logout = await browser.request('POST', '/api/auth/logout');
    expect(logout.status).toBe(204);
    expect(browser.setCookies.some((c) => c.startsWith('hextrackr_session=;'))).toBe(true);
    browser.cookie = oldCookie;
    const after = await browser.request<ErrorBody>('GET', '/api/imports');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
  });

  it('accepts a WebSocket by cookie only from its own origin, and by token from anywhere', async () => {
    const browser = new Browser(test.base);
    await browser.request('POST', '/api/auth/login', { body: { username: 'ann', password: ANALYST_PASSWORD } });
    const url = `${test.base.replace('http', 'ws')}/ws`;
    expect(await openSocket(url, { cookie: browser.cookie!, origin: test.base })).toEqual({ opened: true });
    expect(await openSocket(url, { cookie: browser.cookie!, origin: 'https://evil.example' })).toEqual({ opened: false, status: 403 });
    expect(await openSocket(url, { cookie: browser.cookie! })).toEqual({ opened: false, status: 403 });
    expect(await openSocket(url, {})).toEqual({ opened: false, status: 401 });
    expect(await openSocket(url, { ...(await test.headersFor('viewer')), origin: 'https://elsewhere.example' })).toEqual({ opened: true });
  });

  it('locks an account after five failures and says so, only then', async () => {
    await test.api('POST', '/api/users', { body: { username: 'locky', password: ANALYST_PASSWORD, role: 'viewer' } });
    const browser = new Browser(test.base);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await browser.request<ErrorBody>('POST', '/api/auth/login', { body: { username: 'locky', password: 'wrong wrong wrong' } })).body.error.code);
    }
    expect(codes).toEqual(['invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'invalid_credentials', 'account_locked', 'account_locked']);
    const locked = await browser.request<ErrorBody>('POST', '/api/auth/login', { body: { username: 'locky', password: ANALYST_PASSWORD } });
    expect(locked.status).toBe(423);
    expect(locked.body.error.message).toMatch(/try again in 15 minutes/);
    // An admin's password reset lifts the lock.
    const users = (await test.api<{ items: { id: number; username: string; locked_until: string | null }[] }>('GET', '/api/users')).body.items;
    const locky = users.find((u) => u.username === 'locky')!;
    expect(locky.locked_until).not.toBeNull();
    await test.api('PATCH', `/api/users/${locky.id}`, { body: { password: 'a fresh password' } });
    expect((await browser.request('POST', '/api/auth/login', { body: { username: 'locky', password: 'a fresh password' } })).status).toBe(200);
  });

  it('keeps the last active admin, lets admins manage tokens of others, and returns no hash anywhere', async () => {
    const users = (await test.api<{ items: { id: number; username: string; role: string }[] }>('GET', '/api/users')).body.items;
    const admins = users.filter((u) => u.role === 'admin');
    // root and the helper's test-admin: demote one, then the other is the last.
    const root = admins.find((u) => u.username === 'root')!;
    expect((await test.api('PATCH', `/api/users/${root.id}`, { body: { role: 'analyst' } })).status).toBe(200);
    const testAdmin = admins.find((u) => u.username === 'test-admin')!;
    const demote = await test.api<ErrorBody>('PATCH', `/api/users/${testAdmin.id}`, { body: { role: 'viewer' } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last active admin/);
    expect((await test.api('PATCH', `/api/users/${testAdmin.id}`, { body: { disabled: true } })).status).toBe(409);
    expect((await test.api('DELETE', `/api/users/${testAdmin.id}`)).status).toBe(409);
    expect((await test.api('PATCH', `/api/users/${root.id}`, { body: { role: 'admin' } })).status).toBe(200);

    const viewerTokens = (await test.api<{ items: { id: number }[] }>('GET', '/api/tokens', { as: 'viewer' })).body.items;
    expect(viewerTokens).toHaveLength(1);
    expect((await test.api('GET', '/api/tokens?all=true', { as: 'viewer' })).status).toBe(403);
    const everyone = (await test.api<{ items: { id: number; username: string }[] }>('GET', '/api/tokens?all=true')).body.items;
    const annTokens = everyone.filter((t) => t.username === 'ann');
    expect(annTokens.length).toBeGreaterThanOrEqual(2);
    expect((await test.api('DELETE', `/api/tokens/${annTokens[0]!.id}`, { as: 'viewer' })).status).toBe(404);
    const revoked = await test.api<{ revoked_at: string | null }>('DELETE', `/api/tokens/${annTokens[0]!.id}`);
    expect(revoked.body.revoked_at).not.toBeNull();
    const tooHigh = await test.api<ErrorBody>('POST', '/api/tokens', { as: 'analyst', body: { name: 'x', role: 'admin' } });
    expect(tooHigh.status).toBe(403);

    for (const path of ['/api/users', '/api/tokens?all=true', '/api/audit?limit=500', '/api/auth/me']) {
      const text = JSON.stringify((await test.api(path === '/api/auth/me' ? 'GET' : 'GET', path)).body);
      expect(text).not.toMatch(/argon2|password_hash|token_hash|htk_[A-Za-z0-9_-]{20}/);
    }
  });

  it('writes the audit log, newest first, for admins only', async () => {
    // A token's use is audited in the background.
    await test.hex.auth.usageRecorded();
    expect((await test.api('GET', '/api/audit', { as: 'analyst' })).status).toBe(403);
    const page = await test.api<{ items: { id: number; action: string; actor: string; target: string | null }[]; total: number }>('GET', '/api/audit?limit=500');
    expect(page.status).toBe(200);
    const ids = page.body.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const actions = new Set(page.body.items.map((e) => e.action));
    for (const action of ['user.created', 'login.success', 'login.failure', 'login.lockout', 'logout', 'token.created', 'token.revoked', 'token.used', 'user.role_changed', 'user.password_reset']) {
      expect(actions).toContain(action);
    }
    expect(page.body.items.find((e) => e.action === 'user.role_changed')).toMatchObject({ actor: 'test-admin', target: 'root' });
    const logins = await test.api<{ items: { action: string }[]; total: number }>('GET', '/api/audit?action=login.lockout&limit=1');
    expect(logins.body.total).toBe(1);
    expect(logins.body.items).toHaveLength(1);
  });
});

describe('secure cookies', () => {
  it('marks the session cookie Secure when HEXTRACKR_SECURE_COOKIES is set', async () => {
    const test = await startTestServer('sqlite', { config: { secureCookies: true } });
    try {
      const browser = new Browser(test.base);
      await browser.request('POST', '/api/auth/setup', { body: { username: 'root', password: ADMIN_PASSWORD } });
      expect(browser.setCookies.find((c) => c.startsWith('hextrackr_session='))).toMatch(/; Secure/);
    } finally {
      await test.close();
    }
  });
});

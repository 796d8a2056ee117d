/**
 * AuthService on a real database with an injected clock: argon2id hashes, password policy,
 * lockout and its expiry, sliding and absolute session expiry, token role ceiling, expiry,
 * revocation, throttled token-use audit, last-admin protection and first-admin setup.
 */
import { parseOptions } from '@node-rs/argon2';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256, AuthService, type AuditContext } from '../../src/services/auth.service.ts';
import { markTokenUsed } from '../../src/db/repositories/api-tokens.repository.ts';
import { touchSession } from '../../src/db/repositories/sessions.repository.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../helpers/test-db.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PASSWORD = 'correct horse battery';
const ctx: AuditContext = { actor: 'tester', ip: '10.0.0.1' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return 'resolved';
}

describe.each(DIALECTS)('AuthService on %s', (dialect) => {
  let tdb: TestDatabase;
  let clock: number;
  let auth: AuthService;
  const advance = (ms: number) => {
    clock += ms;
  };

  beforeEach(async () => {
    tdb = await createTestDatabase(dialect);
    clock = Date.parse('2026-03-01T08:00:00.000Z');
    auth = new AuthService(tdb.handle, {
      policy: { maxFailedLogins: 5, lockoutMinutes: 15, sessionIdleHours: 12, sessionMaxDays: 7 },
      now: () => new Date(clock),
    });
  });
  afterEach(async () => {
    await tdb.destroy();
  });

  const auditActions = async () => (await auth.auditLog({ limit: 500, offset: 0 })).items.map((e) => e.action).reverse();

  it('stores passwords as argon2id with the OWASP parameters, never in clear', async () => {
    const user = await auth.createUser({ username: 'alice', role: 'analyst', password: PASSWORD }, ctx);
    const row = await tdb.handle.db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parseOptions(row.password_hash)).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    expect(JSON.stringify(user)).not.toContain('argon2');
  });

  it('refuses short passwords with a message naming the rule, and duplicate usernames whatever their case', async () => {
    await expect(auth.createUser({ username: 'bob', role: 'viewer', password: 'elevenchars' }, ctx)).rejects.toThrow(/at least 12 characters/);
    await expect(auth.createUser({ username: 'bad name!', role: 'viewer', password: PASSWORD }, ctx)).rejects.toThrow(/username/);
    await auth.createUser({ username: 'Carol', role: 'viewer', password: PASSWORD }, ctx);
    expect(await codeOf(auth.createUser({ username: 'carol', role: 'admin', password: PASSWORD }, ctx))).toBe('conflict');
    const signedIn = await auth.login('CAROL', PASSWORD, ctx);
    expect(signedIn.user.username).toBe('Carol');
  });

  it('locks an account after 5 failures for 15 minutes, then lets the right password in again', async () => {
    await auth.createUser({ username: 'dave', role: 'analyst', password: PASSWORD }, ctx);
    for (let i = 0; i < 4; i++) expect(await codeOf(auth.login('dave', 'wrong password!!', ctx))).toBe('invalid_credentials');
    expect(await codeOf(auth.login('dave', 'wrong password!!', ctx))).toBe('account_locked');
    // Locked: even the right password is refused, and says so.
    expect(await codeOf(auth.login('dave', PASSWORD, ctx))).toBe('account_locked');
    advance(14 * MINUTE);
    expect(await codeOf(auth.login('dave', PASSWORD, ctx))).toBe('account_locked');
    advance(MINUTE + 1000);
    const signedIn = await auth.login('dave', PASSWORD, ctx);
    expect(signedIn.user).toMatchObject({ username: 'dave', locked_until: null });
    // The count started again: four more failures do not lock.
    for (let i = 0; i < 4; i++) expect(await codeOf(auth.login('dave', 'wrong password!!', ctx))).toBe('invalid_credentials');
    expect(await codeOf(auth.login('dave', PASSWORD, ctx))).toBe('resolved');
    const actions = await auditActions();
    expect(actions.filter((a) => a === 'login.lockout')).toHaveLength(1);
    expect(actions.filter((a) => a === 'login.success')).toHaveLength(2);
    expect(actions.filter((a) => a === 'login.failure').length).toBeGreaterThanOrEqual(11);
  });

  it('counts wrong current passwords on a password change towards the lockout', async () => {
    const user = await auth.createUser({ username: 'guess', role: 'viewer', password: PASSWORD }, ctx);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await codeOf(auth.changeOwnPassword(user.id, `guess number ${i}`, 'a brand new password', ctx)));
    expect(codes).toEqual(['validation_error', 'validation_error', 'validation_error', 'validation_error', 'account_locked', 'account_locked']);
    expect(await codeOf(auth.changeOwnPassword(user.id, PASSWORD, 'a brand new password', ctx))).toBe('account_locked');
    expect(await codeOf(auth.login('guess', PASSWORD, ctx))).toBe('account_locked');
    advance(16 * MINUTE);
    expect(await codeOf(auth.changeOwnPassword(user.id, PASSWORD, 'a brand new password', ctx))).toBe('resolved');
  });

  it('answers an unknown user and a disabled one exactly like a wrong password', async () => {
    const admin = await auth.createUser({ username: 'root', role: 'admin', password: PASSWORD }, ctx);
    const user = await auth.createUser({ username: 'erin', role: 'viewer', password: PASSWORD }, ctx);
    expect(admin.id).not.toBe(user.id);
    const messages = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: DomainError) => `${err.code}: ${err.message}`);
    const wrong = await messages(auth.login('erin', 'not the password', ctx));
    expect(await messages(auth.login('nobody', 'not the password', ctx))).toBe(wrong);
    for (let i = 0; i < 8; i++) expect(await messages(auth.login('nobody', PASSWORD, ctx))).toBe(wrong);
    await auth.updateUser(user.id, { disabled: true }, ctx);
    expect(await messages(auth.login('erin', PASSWORD, ctx))).toBe(wrong);
  });

  it('keeps a session while it is used, ends it after 12 idle hours, and after 7 days whatever happens', async () => {
    await auth.createUser({ username: 'frank', role: 'analyst', password: PASSWORD }, ctx);
    const signedIn = await auth.login('frank', PASSWORD, ctx);
    const stored = await tdb.handle.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
    expect(stored.id).toBe(sha256(signedIn.sessionSecret));
    expect(JSON.stringify(stored)).not.toContain(signedIn.sessionSecret);

    // Used every 11 hours: alive well past the 12-hour idle limit. (Each use slides the expiry in
    // the background; hours pass before the next use, so it is written by then.)
    for (let i = 0; i < 4; i++) {
      advance(11 * HOUR);
      expect(await auth.authenticateSession(signedIn.sessionSecret)).toMatchObject({ username: 'frank', role: 'analyst', via: 'session' });
      await auth.usageRecorded();
    }
    advance(12 * HOUR + MINUTE);
    expect(await auth.authenticateSession(signedIn.sessionSecret)).toBeUndefined();

    const second = await auth.login('frank', PASSWORD, ctx);
    let alive = 0;
    for (let hours = 0; hours < 8 * 24; hours += 10) {
      advance(10 * HOUR);
      if (await auth.authenticateSession(second.sessionSecret)) alive += 10;
      else break;
      await auth.usageRecorded();
    }
    expect(alive).toBeGreaterThanOrEqual(6 * 24);
    expect(alive).toBeLessThan(7 * 24);
    expect(await auth.authenticateSession('x'.repeat(43))).toBeUndefined();
  });

  it('caps a token at its owner\'s role, stores only its hash, and refuses it once expired, revoked or its owner disabled', async () => {
    const analyst = await auth.createUser({ username: 'gina', role: 'analyst', password: PASSWORD }, ctx);
    expect(await codeOf(auth.createToken(analyst.id, { name: 'too much', role: 'admin' }, undefined, ctx))).toBe('forbidden');
    // Created by a viewer-role caller (e.g. a viewer token of an analyst), the ceiling is viewer.
    expect(await codeOf(auth.createToken(analyst.id, { name: 'escalation', role: 'analyst' }, 'viewer', ctx))).toBe('forbidden');

    const { token, record } = await auth.createToken(analyst.id, { name: 'ci', role: 'analyst', expiresInDays: 2 }, 'analyst', ctx);
    expect(token).toMatch(/^htk_[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ role: 'analyst', prefix: token.slice(0, 12), revoked_at: null });
    const row = await tdb.handle.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));

    expect(await auth.authenticateToken(token)).toMatchObject({ id: analyst.id, role: 'analyst', via: 'token' });
    // A demoted owner drags the token down with them.
    await auth.updateUser(analyst.id, { role: 'viewer' }, ctx);
    expect((await auth.authenticateToken(token))?.role).toBe('viewer');
    await auth.updateUser(analyst.id, { role: 'analyst', disabled: true }, ctx);
    expect(await auth.authenticateToken(token)).toBeUndefined();
    await auth.updateUser(analyst.id, { disabled: false }, ctx);
    expect(await auth.authenticateToken(token)).toBeDefined();
    advance(2 * DAY + 1000);
    expect(await auth.authenticateToken(token)).toBeUndefined();

    const forever = await auth.createToken(analyst.id, { name: 'no expiry' }, undefined, ctx);
    expect(forever.record.expires_at).toBeNull();
    expect(forever.record.role).toBe('analyst');
    advance(400 * DAY);
    expect(await auth.authenticateToken(forever.token)).toBeDefined();
    const other = await auth.createUser({ username: 'hank', role: 'viewer', password: PASSWORD }, ctx);
    expect(await codeOf(auth.revokeToken(forever.record.id, { id: other.id, role: 'viewer' }, ctx))).toBe('not_found');
    const revoked = await auth.revokeToken(forever.record.id, { id: analyst.id, role: 'analyst' }, ctx);
    expect(revoked.revoked_at).not.toBeNull();
    expect(await auth.authenticateToken(forever.token)).toBeUndefined();
    expect(await auth.authenticateToken(`htk_${'A'.repeat(43)}`)).toBeUndefined();
  });

  it('records when a token was last used (to the minute) but audits its use at most once an hour', async () => {
    const user = await auth.createUser({ username: 'ivy', role: 'viewer', password: PASSWORD }, ctx);
    const { token, record } = await auth.createToken(user.id, { name: 'script' }, undefined, ctx);
    for (let i = 0; i < 5; i++) {
      advance(MINUTE);
      await auth.authenticateToken(token);
    }
    // Usage is recorded in the background: read it once written.
    const used = async () => {
      await auth.usageRecorded();
      return (await auth.auditLog({ limit: 100, offset: 0, action: 'token.used' })).items;
    };
    expect(await used()).toHaveLength(1);
    const lastUsed = async () => {
      await auth.usageRecorded();
      return (await auth.listTokens(user.id))[0]?.last_used_at;
    };
    expect(await lastUsed()).toBe(new Date(clock).toISOString());
    // Within a minute of the last record, a use is not written again (reads stay reads).
    const recorded = new Date(clock).toISOString();
    advance(20_000);
    await auth.authenticateToken(token);
    expect(await lastUsed()).toBe(recorded);
    advance(40_000);
    await auth.authenticateToken(token);
    expect(await lastUsed()).toBe(new Date(clock).toISOString());
    advance(HOUR);
    await auth.authenticateToken(token);
    await auth.authenticateToken(token);
    const entries = await used();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: 'ivy', target: 'ivy', details: { tokenId: record.id, name: 'script' } });
  });

  it('never moves a last use or a session expiry back when background usage writes land out of order', async () => {
    const user = await auth.createUser({ username: 'iris', role: 'viewer', password: PASSWORD }, ctx);
    const { record } = await auth.createToken(user.id, { name: 'script' }, undefined, ctx);
    const db = tdb.handle.db;
    // On PostgreSQL two requests' writes take two pool connections and may commit in either order.
    await markTokenUsed(db, record.id, '2026-03-01T08:05:00.000Z');
    await markTokenUsed(db, record.id, '2026-03-01T08:04:00.000Z');
    expect((await auth.listTokens(user.id))[0]?.last_used_at).toBe('2026-03-01T08:05:00.000Z');
    await markTokenUsed(db, record.id, '2026-03-01T08:06:00.000Z');
    expect((await auth.listTokens(user.id))[0]?.last_used_at).toBe('2026-03-01T08:06:00.000Z');

    const signedIn = await auth.login('iris', PASSWORD, ctx);
    const id = sha256(signedIn.sessionSecret);
    const session = () => db.selectFrom('sessions').select(['last_seen_at', 'expires_at']).where('id', '=', id).executeTakeFirstOrThrow();
    await touchSession(db, id, '2026-03-01T10:00:00.000Z', '2026-03-01T22:00:00.000Z');
    await touchSession(db, id, '2026-03-01T09:00:00.000Z', '2026-03-01T21:00:00.000Z');
    expect(await session()).toEqual({ last_seen_at: '2026-03-01T10:00:00.000Z', expires_at: '2026-03-01T22:00:00.000Z' });
  });

  it.runIf(dialect === 'sqlite')('authenticates a token at once while an import holds the write lock, and records its use after', async () => {
    const user = await auth.createUser({ username: 'jane', role: 'viewer', password: PASSWORD }, ctx);
    const { token } = await auth.createToken(user.id, { name: 'poller' }, undefined, ctx);
    const lastUsed = async () => (await auth.listTokens(user.id))[0]?.last_used_at;
    // Another connection holds the write lock, as a rollover in the import worker does.
    const importer = new BetterSqlite3(tdb.options.sqlitePath);
    importer.exec('BEGIN IMMEDIATE');
    try {
      advance(MINUTE);
      const started = performance.now();
      expect(await auth.authenticateToken(token)).toMatchObject({ username: 'jane', via: 'token' });
      // Well under the connection's 30 s busy timeout: the request did not wait for the lock.
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await lastUsed()).toBeNull();
    } finally {
      importer.exec('COMMIT');
      importer.close();
    }
    await auth.usageRecorded();
    expect(await lastUsed()).toBe(new Date(clock).toISOString());
  });

  it.runIf(dialect === 'sqlite')('signs in during an import\'s rollover without stalling the event loop, then completes when the lock is free', async () => {
    await auth.createUser({ username: 'kim', role: 'analyst', password: PASSWORD }, ctx);
    const importer = new BetterSqlite3(tdb.options.sqlitePath);
    importer.exec('BEGIN IMMEDIATE');
    let settled = false;
    const signingIn = auth.login('kim', PASSWORD, ctx).finally(() => (settled = true));
    try {
      // Timers keep firing while the sign-in waits for the lock (a synchronous wait would hold them for 30 s).
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(settled).toBe(false);
    } finally {
      importer.exec('COMMIT');
      importer.close();
    }
    const session = await signingIn;
    expect(await auth.authenticateSession(session.sessionSecret)).toMatchObject({ username: 'kim', via: 'session' });
  });

  it('never removes, demotes or disables the last active admin', async () => {
    const root = await auth.createUser({ username: 'root', role: 'admin', password: PASSWORD }, ctx);
    expect(await codeOf(auth.updateUser(root.id, { role: 'analyst' }, ctx))).toBe('conflict');
    expect(await codeOf(auth.updateUser(root.id, { disabled: true }, ctx))).toBe('conflict');
    expect(await codeOf(auth.deleteUser(root.id, ctx))).toBe('conflict');
    const second = await auth.createUser({ username: 'root2', role: 'admin', password: PASSWORD }, ctx);
    await auth.updateUser(second.id, { disabled: true }, ctx);
    // A disabled admin does not count.
    expect(await codeOf(auth.deleteUser(root.id, ctx))).toBe('conflict');
    await auth.updateUser(second.id, { disabled: false }, ctx);
    expect((await auth.updateUser(root.id, { role: 'viewer' }, ctx)).role).toBe('viewer');
    expect(await codeOf(auth.deleteUser(second.id, ctx))).toBe('conflict');
    const actions = await auditActions();
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'user.disabled', 'user.enabled', 'user.role_changed']));
  });

  it('creates the first admin only while no user exists, from setup or the environment', async () => {
    expect(await auth.needsSetup()).toBe(true);
    expect(await auth.bootstrapAdmin({})).toBe('needs-setup');
    expect(await auth.bootstrapAdmin({ username: 'boot', password: PASSWORD })).toBe('created');
    expect(await auth.needsSetup()).toBe(false);
    expect((await auth.findUser('BOOT'))?.role).toBe('admin');
    expect(await auth.bootstrapAdmin({ username: 'boot2', password: PASSWORD })).toBe('users-exist');
    expect(await codeOf(auth.createFirstAdmin({ username: 'late', password: PASSWORD }, ctx))).toBe('conflict');
    expect(await auth.findUser('late')).toBeUndefined();
  });

  it('changes a password with the current one, ending the other sessions; an admin reset ends them all', async () => {
    const user = await auth.createUser({ username: 'jack', role: 'analyst', password: PASSWORD }, ctx);
    const here = await auth.login('jack', PASSWORD, ctx);
    const elsewhere = await auth.login('jack', PASSWORD, ctx);
    const hereCaller = (await auth.authenticateSession(here.sessionSecret))!;
    expect(await codeOf(auth.changeOwnPassword(user.id, 'not my password', 'a brand new password', { ...ctx, keepSessionId: hereCaller.sessionId }))).toBe(
      'validation_error',
    );
    expect(await codeOf(auth.changeOwnPassword(user.id, PASSWORD, 'short', ctx))).toBe('validation_error');
    await auth.changeOwnPassword(user.id, PASSWORD, 'a brand new password', { ...ctx, keepSessionId: hereCaller.sessionId });
    expect(await auth.authenticateSession(here.sessionSecret)).toBeDefined();
    expect(await auth.authenticateSession(elsewhere.sessionSecret)).toBeUndefined();
    expect(await codeOf(auth.login('jack', PASSWORD, ctx))).toBe('invalid_credentials');

    await auth.updateUser(user.id, { password: 'set by the admin 1' }, ctx);
    expect(await auth.authenticateSession(here.sessionSecret)).toBeUndefined();
    expect(await codeOf(auth.login('jack', 'set by the admin 1', ctx))).toBe('resolved');
    expect(await auditActions()).toEqual(expect.arrayContaining(['user.password_changed', 'user.password_reset']));
  });
});

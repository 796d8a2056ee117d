/**
 * Users, sign-in, browser sessions, API tokens and the audit log.
 * Passwords are argon2id hashes; session secrets and API tokens are random 32-byte values of
 * which only the SHA-256 is stored, so a copy of the database lets nobody in.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import type { DatabaseHandle } from '../db/database.ts';
import {
  claimTokenUseAudit,
  findToken,
  findTokenByHash,
  insertToken,
  listTokens,
  markTokenUsed,
  revokeToken,
  type TokenWithOwner,
} from '../db/repositories/api-tokens.repository.ts';
import { type AuditQuery, insertAudit, listAudit } from '../db/repositories/audit.repository.ts';
import { deleteExpiredSessions, deleteSession, deleteSessionsOfUser, findSessionWithUser, insertSession, touchSession } from '../db/repositories/sessions.repository.ts';
import {
  countActiveAdmins,
  countUsers,
  deleteUser,
  findUserById,
  findUserByUsername,
  incrementFailedLogins,
  insertUser,
  listUsers,
  lockUser,
  lockUsersForChange,
  recordSuccessfulLogin,
  updateUser,
} from '../db/repositories/users.repository.ts';
import type { UserRow } from '../db/schema.ts';
import { checkPasswordPolicy, checkUsername, type SessionLifetime, sessionExpiry } from '../domain/credentials.ts';
import { DomainError } from '../domain/errors.ts';
import { type Role, roleAtLeast, weakerRole } from '../shared/roles.ts';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2ID: Algorithm = 2;
export const PASSWORD_HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const TOKEN_PREFIX = 'htk_';
const TOKEN_PATTERN = /^htk_[A-Za-z0-9_-]{43}$/;
const SESSION_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/**
 * A session's expiry slides forward, and a token's last_used_at moves, at most once a minute:
 * a read must not become a database write on every request (on SQLite a write waits behind an
 * import's rollover transaction).
 */
const SESSION_TOUCH_INTERVAL_MS = 60_000;
const TOKEN_USE_RECORD_INTERVAL_MS = 60_000;
/** Scripts may call thousands of times an hour; one 'token.used' row per token per hour is enough. */
const TOKEN_USE_AUDIT_INTERVAL_MS = 60 * 60_000;
const MAX_TOKEN_DAYS = 3650;

export interface AuthPolicy {
  maxFailedLogins: number;
  lockoutMinutes: number;
  sessionIdleHours: number;
  sessionMaxDays: number;
}

export interface AuthServiceOptions {
  policy: AuthPolicy;
  /** Injected in tests to move time (lockout, expiry). */
  now?: () => Date;
  /** Told when a usage record (see recordUsage) could not be written. */
  onUsageWriteError?: (error: unknown) => void;
}

/** Who did it and from where, for the audit log. */
export interface AuditContext {
  actor: string;
  ip?: string | undefined;
}

export interface SessionContext extends AuditContext {
  userAgent?: string | undefined;
}

/** A user as the API shows it: never the password hash. */
export interface PublicUser {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  locked_until: string | null;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** A token as the API shows it: never the token or its hash. */
export interface PublicToken {
  id: number;
  user_id: number;
  username: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuthenticatedCaller {
  id: number;
  username: string;
  /** The effective role: a token's role, capped by its owner's current role. */
  role: Role;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
  tokenId?: number;
}

export interface SignedIn {
  user: PublicUser;
  /** Goes into the cookie; only its SHA-256 is stored. */
  sessionSecret: string;
  csrfToken: string;
  expiresAt: string;
}

export interface UserPatch {
  role?: Role | undefined;
  disabled?: boolean | undefined;
  displayName?: string | undefined;
  /** An admin's password reset. */
  password?: string | undefined;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

function publicUser(row: UserRow): PublicUser {
  return {
    id: Number(row.id),
    username: row.username,
    display_name: row.display_name,
    role: row.role,
    disabled: Number(row.disabled) === 1,
    locked_until: row.locked_until,
    created_at: row.created_at,
    updated_at: row.updated_at,
    last_login_at: row.last_login_at,
  };
}

function publicToken(row: TokenWithOwner): PublicToken {
  return {
    id: Number(row.id),
    user_id: Number(row.user_id),
    username: row.username,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class AuthService {
  private readonly now: () => Date;
  private readonly lifetime: SessionLifetime;
  /** Verified against when the username is unknown, so both cases take as long. */
  private decoyHash: Promise<string> | undefined;
  private readonly pendingUsage = new Set<Promise<void>>();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly options: AuthServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.lifetime = {
      idleMs: options.policy.sessionIdleHours * 3_600_000,
      absoluteMs: options.policy.sessionMaxDays * 86_400_000,
    };
  }

  private get db() {
    return this.database.db;
  }

  /**
   * For the writes of everyday requests (sign-in, sign-out, audit rows): the bookkeeping connection
   * waits for SQLite's write lock without holding up the event loop, so a sign-in during an import's
   * rollover waits for it alone instead of stalling the whole server.
   */
  private get requestWrites() {
    return this.database.bookkeeping;
  }

  private nowIso(): string {
    return this.now().toISOString();
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, PASSWORD_HASH_OPTIONS);
  }

  private async passwordMatches(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Usage records (a session's sliding expiry, a token's last use and its hourly audit row) are
   * written in the background on the bookkeeping connection, so that authenticating a request never
   * waits on them: on SQLite a write waits for an import's or a sync's rollover to release the lock,
   * and a request that awaited it would hold up every other request for as long.
   */
  private recordUsage(write: (db: DatabaseHandle['bookkeeping']) => Promise<unknown>): void {
    const task = write(this.requestWrites).then(
      () => undefined,
      (error: unknown) => this.options.onUsageWriteError?.(error),
    );
    this.pendingUsage.add(task);
    void task.finally(() => this.pendingUsage.delete(task));
  }

  /** Resolves once the usage records started so far are written (before closing the database; in tests). */
  async usageRecorded(): Promise<void> {
    await Promise.all([...this.pendingUsage]);
  }

  async audit(action: string, target: string | null, context: AuditContext, details: Record<string, unknown> = {}): Promise<void> {
    await insertAudit(this.requestWrites, this.auditRow(action, target, context, details));
  }

  private auditRow(action: string, target: string | null, context: AuditContext, details: Record<string, unknown>) {
    return { at: this.nowIso(), actor: context.actor, action, target, ip: context.ip ?? null, details: JSON.stringify(details) };
  }

  // ---------------------------------------------------------------- users

  async needsSetup(): Promise<boolean> {
    return (await countUsers(this.db)) === 0;
  }

  async createUser(input: { username: string; displayName?: string | undefined; role: Role; password: string }, context: AuditContext): Promise<PublicUser> {
    return this.insertUserChecked(input, context, false);
  }

  /** The first admin, only while no user exists (web setup page, or env at start); then `conflict` forever. */
  async createFirstAdmin(input: { username: string; displayName?: string | undefined; password: string }, context: AuditContext): Promise<PublicUser> {
    return this.insertUserChecked({ ...input, role: 'admin' }, context, true);
  }

  private async insertUserChecked(
    input: { username: string; displayName?: string | undefined; role: Role; password: string },
    context: AuditContext,
    onlyIfFirst: boolean,
  ): Promise<PublicUser> {
    const username = checkUsername(input.username);
    checkPasswordPolicy(input.password);
    const passwordHash = await this.hashPassword(input.password);
    const now = this.nowIso();
    const id = await this.db.transaction().execute(async (trx) => {
      await lockUsersForChange(trx);
      if (onlyIfFirst && (await countUsers(trx)) > 0) throw new DomainError('conflict', 'setup is already complete: a user exists; sign in instead');
      if (await findUserByUsername(trx, username)) throw new DomainError('conflict', `username ${username} is already taken`, { field: 'username' });
      const userId = await insertUser(trx, {
        username,
        display_name: input.displayName?.trim() || username,
        role: input.role,
        password_hash: passwordHash,
        created_at: now,
        updated_at: now,
      });
      await insertAudit(trx, { at: now, actor: context.actor, action: 'user.created', target: username, ip: context.ip ?? null, details: JSON.stringify({ role: input.role, id: userId }) });
      return userId;
    });
    return this.getUser(id);
  }

  /**
   * At server start: with no user yet, create the admin named by the configuration, if any.
   * Returns what happened so the caller can log it (the username only).
   */
  async bootstrapAdmin(credentials: { username?: string | undefined; password?: string | undefined }): Promise<'created' | 'users-exist' | 'needs-setup'> {
    if (!(await this.needsSetup())) return 'users-exist';
    if (!credentials.username || !credentials.password) return 'needs-setup';
    try {
      await this.createFirstAdmin({ username: credentials.username, password: credentials.password }, { actor: 'system' });
    } catch (err) {
      // Another process sharing the database created the first user meanwhile.
      if (err instanceof DomainError && err.code === 'conflict') return 'users-exist';
      throw err;
    }
    return 'created';
  }

  async getUser(id: number): Promise<PublicUser> {
    const row = await findUserById(this.db, id);
    if (!row) throw new DomainError('not_found', `user ${id} does not exist`);
    return publicUser(row);
  }

  async findUser(username: string): Promise<PublicUser | undefined> {
    const row = await findUserByUsername(this.db, username.trim());
    return row ? publicUser(row) : undefined;
  }

  async listUsers(): Promise<PublicUser[]> {
    return (await listUsers(this.db)).map(publicUser);
  }

  async updateUser(id: number, patch: UserPatch, context: AuditContext): Promise<PublicUser> {
    if (patch.password !== undefined) checkPasswordPolicy(patch.password);
    const displayName = patch.displayName?.trim();
    if (patch.displayName !== undefined && !displayName) throw new DomainError('validation_error', 'display_name cannot be empty', { field: 'display_name' });
    const passwordHash = patch.password !== undefined ? await this.hashPassword(patch.password) : undefined;
    const now = this.nowIso();
    await this.db.transaction().execute(async (trx) => {
      await lockUsersForChange(trx);
      const user = await findUserById(trx, id);
      if (!user) throw new DomainError('not_found', `user ${id} does not exist`);
      const wasDisabled = Number(user.disabled) === 1;
      const role = patch.role ?? user.role;
      const disabled = patch.disabled ?? wasDisabled;
      const stopsBeingActiveAdmin = user.role === 'admin' && !wasDisabled && (role !== 'admin' || disabled);
      if (stopsBeingActiveAdmin && (await countActiveAdmins(trx)) <= 1) {
        throw new DomainError('conflict', `${user.username} is the last active admin: make another user admin first`);
      }
      await updateUser(trx, id, {
        role,
        disabled: disabled ? 1 : 0,
        ...(displayName ? { display_name: displayName } : {}),
        ...(passwordHash ? { password_hash: passwordHash, failed_logins: 0, locked_until: null } : {}),
        updated_at: now,
      });
      // A reset password or a disabled account must not leave a browser signed in.
      if (passwordHash || (disabled && !wasDisabled)) await deleteSessionsOfUser(trx, id);
      const entry = (action: string, details: Record<string, unknown> = {}) =>
        insertAudit(trx, { at: now, actor: context.actor, action, target: user.username, ip: context.ip ?? null, details: JSON.stringify(details) });
      if (role !== user.role) await entry('user.role_changed', { from: user.role, to: role });
      if (disabled !== wasDisabled) await entry(disabled ? 'user.disabled' : 'user.enabled');
      if (passwordHash) await entry('user.password_reset');
      if (displayName && displayName !== user.display_name) await entry('user.renamed', { from: user.display_name, to: displayName });
    });
    return this.getUser(id);
  }

  async deleteUser(id: number, context: AuditContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockUsersForChange(trx);
      const user = await findUserById(trx, id);
      if (!user) throw new DomainError('not_found', `user ${id} does not exist`);
      if (user.role === 'admin' && Number(user.disabled) === 0 && (await countActiveAdmins(trx)) <= 1) {
        throw new DomainError('conflict', `${user.username} is the last active admin and cannot be removed`);
      }
      await deleteUser(trx, id);
      await insertAudit(trx, { at: this.nowIso(), actor: context.actor, action: 'user.deleted', target: user.username, ip: context.ip ?? null, details: JSON.stringify({ id, role: user.role }) });
    });
  }

  /** A user changes their own password, proving they know the current one; their other sessions end. */
  async changeOwnPassword(userId: number, current: string, next: string, context: AuditContext & { keepSessionId?: string | undefined }): Promise<void> {
    const user = await findUserById(this.db, userId);
    if (!user) throw new DomainError('not_found', `user ${userId} does not exist`);
    // Guessing the current password through a borrowed session counts towards the lockout like a sign-in.
    if (this.isLocked(user)) throw this.lockedError(user.locked_until!);
    if (!(await this.passwordMatches(user.password_hash, current))) {
      await this.audit('login.failure', user.username, context, { reason: 'wrong_current_password' });
      await this.countFailedPassword(user, context);
      throw new DomainError('validation_error', 'the current password is not correct', { field: 'current_password' });
    }
    checkPasswordPolicy(next, 'new_password');
    const passwordHash = await this.hashPassword(next);
    const now = this.nowIso();
    await this.db.transaction().execute(async (trx) => {
      await updateUser(trx, userId, { password_hash: passwordHash, updated_at: now });
      await deleteSessionsOfUser(trx, userId, context.keepSessionId);
      await insertAudit(trx, { at: now, actor: context.actor, action: 'user.password_changed', target: user.username, ip: context.ip ?? null, details: '{}' });
    });
  }

  // ---------------------------------------------------------------- sign-in and sessions

  /**
   * Checks a username and password. Unknown user, wrong password and disabled account all answer
   * `invalid_credentials`; only an account locked by repeated failures answers `account_locked`.
   */
  async login(usernameInput: string, password: string, context: SessionContext): Promise<SignedIn> {
    const username = usernameInput.trim().slice(0, 64);
    const user = username ? await findUserByUsername(this.db, username) : undefined;
    const refuse = async (reason: string, known?: UserRow): Promise<never> => {
      await this.audit('login.failure', known?.username ?? username, context, { reason });
      throw new DomainError('invalid_credentials', 'the username or password is not correct');
    };
    if (!user) {
      this.decoyHash ??= this.hashPassword(randomSecret());
      await this.passwordMatches(await this.decoyHash, password);
      return refuse('unknown_user');
    }
    const now = this.now();
    if (this.isLocked(user)) {
      await this.audit('login.failure', user.username, context, { reason: 'locked' });
      throw this.lockedError(user.locked_until!);
    }
    if (!(await this.passwordMatches(user.password_hash, password))) {
      await this.audit('login.failure', user.username, context, { reason: 'wrong_password' });
      await this.countFailedPassword(user, context);
      throw new DomainError('invalid_credentials', 'the username or password is not correct');
    }
    if (Number(user.disabled) === 1) return refuse('disabled', user);
    await recordSuccessfulLogin(this.requestWrites, user.id, now.toISOString());
    const session = await this.openSession(user, context);
    await this.audit('login.success', user.username, context, { via: 'password' });
    return { user: publicUser({ ...user, failed_logins: 0, locked_until: null, last_login_at: now.toISOString() }), ...session };
  }

  /** One more wrong password for this user; throws `account_locked` when it was one too many. */
  private async countFailedPassword(user: UserRow, context: AuditContext): Promise<void> {
    const now = this.now();
    const failures = await incrementFailedLogins(this.requestWrites, user.id, now.toISOString());
    if (failures < this.options.policy.maxFailedLogins) return;
    const until = new Date(now.getTime() + this.options.policy.lockoutMinutes * 60_000).toISOString();
    await lockUser(this.requestWrites, user.id, until, now.toISOString());
    await this.audit('login.lockout', user.username, context, { until, failures });
    throw this.lockedError(until);
  }

  private isLocked(user: UserRow): boolean {
    return user.locked_until !== null && user.locked_until > this.nowIso();
  }

  private lockedError(until: string): DomainError {
    const minutes = Math.max(1, Math.ceil((Date.parse(until) - this.now().getTime()) / 60_000));
    return new DomainError('account_locked', `the account is locked after too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, {
      lockedUntil: until,
    });
  }

  /** Signs in the user who just completed setup. */
  async openSessionFor(userId: number, context: SessionContext): Promise<SignedIn> {
    const user = await findUserById(this.db, userId);
    if (!user) throw new DomainError('not_found', `user ${userId} does not exist`);
    const session = await this.openSession(user, context);
    await this.audit('login.success', user.username, context, { via: 'setup' });
    return { user: publicUser(user), ...session };
  }

  private async openSession(user: UserRow, context: SessionContext): Promise<Omit<SignedIn, 'user'>> {
    const now = this.now();
    const sessionSecret = randomSecret();
    const csrfToken = randomSecret();
    const expiresAt = sessionExpiry(now, now, this.lifetime).toISOString();
    await insertSession(this.requestWrites, {
      id: sha256(sessionSecret),
      user_id: user.id,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
      ip: context.ip ?? null,
      user_agent: context.userAgent?.slice(0, 512) ?? null,
    });
    // Expired rows are swept at sign-in, so the table stays the size of the active sessions.
    await deleteExpiredSessions(this.db, now.toISOString());
    return { sessionSecret, csrfToken, expiresAt };
  }

  /** The caller behind a session cookie, sliding its idle expiry; undefined when unknown, expired or disabled. */
  async authenticateSession(secret: string): Promise<AuthenticatedCaller | undefined> {
    if (!SESSION_SECRET_PATTERN.test(secret)) return undefined;
    const id = sha256(secret);
    const session = await findSessionWithUser(this.db, id);
    if (!session) return undefined;
    const now = this.now();
    if (session.expires_at <= now.toISOString() || Number(session.disabled) === 1) {
      await deleteSession(this.requestWrites, id);
      return undefined;
    }
    if (now.getTime() - Date.parse(session.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
      const expiresAt = sessionExpiry(new Date(session.created_at), now, this.lifetime).toISOString();
      this.recordUsage((db) => touchSession(db, id, now.toISOString(), expiresAt));
    }
    return { id: Number(session.user_id), username: session.username, role: session.role, via: 'session', sessionId: id, csrfToken: session.csrf_token };
  }

  /** Whether a request's CSRF header matches its session's token. */
  csrfMatches(caller: AuthenticatedCaller, presented: string | undefined): boolean {
    return caller.csrfToken !== undefined && presented !== undefined && sameSecret(caller.csrfToken, presented);
  }

  async logout(caller: AuthenticatedCaller, context: AuditContext): Promise<void> {
    if (caller.sessionId) await deleteSession(this.requestWrites, caller.sessionId);
    await this.audit('logout', caller.username, context, { via: caller.via });
  }

  // ---------------------------------------------------------------- API tokens

  /**
   * A new token for `owner`, with a role no higher than `ceiling` (the creating caller's effective
   * role; for the CLI, the owner's). The token is returned once; only its SHA-256 is kept.
   */
  async createToken(
    ownerId: number,
    input: { name: string; role?: Role | undefined; expiresInDays?: number | undefined },
    ceiling: Role | undefined,
    context: AuditContext,
  ): Promise<{ token: string; record: PublicToken }> {
    const owner = await findUserById(this.db, ownerId);
    if (!owner) throw new DomainError('not_found', `user ${ownerId} does not exist`);
    if (Number(owner.disabled) === 1) throw new DomainError('conflict', `${owner.username} is disabled and cannot get a token`);
    const limit = ceiling ? weakerRole(ceiling, owner.role) : owner.role;
    const role = input.role ?? limit;
    if (!roleAtLeast(limit, role)) {
      throw new DomainError('forbidden', `a token's role cannot exceed ${limit} (asked for ${role})`, { field: 'role' });
    }
    const name = input.name.trim();
    if (!name || name.length > 100) throw new DomainError('validation_error', 'name must be 1-100 characters', { field: 'name' });
    const days = input.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)) {
      throw new DomainError('validation_error', `expires_days must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}`, { field: 'expires_days' });
    }
    const now = this.now();
    const token = `${TOKEN_PREFIX}${randomSecret()}`;
    const id = await insertToken(this.db, {
      user_id: owner.id,
      name,
      role,
      token_hash: sha256(token),
      prefix: token.slice(0, 12),
      created_at: now.toISOString(),
      expires_at: days === undefined ? null : new Date(now.getTime() + days * 86_400_000).toISOString(),
    });
    await this.audit('token.created', owner.username, context, { tokenId: id, name, role, expiresInDays: days ?? null });
    const record = await findToken(this.db, id);
    return { token, record: publicToken(record!) };
  }

  /** Tokens of one user, or everyone's when userId is undefined. */
  async listTokens(userId?: number): Promise<PublicToken[]> {
    return (await listTokens(this.db, userId)).map(publicToken);
  }

  /** Revokes a token of the requester's own, or anyone's for an admin; others' tokens look absent. */
  async revokeToken(tokenId: number, requester: { id: number; role: Role }, context: AuditContext): Promise<PublicToken> {
    const token = await findToken(this.db, tokenId);
    if (!token || (Number(token.user_id) !== requester.id && requester.role !== 'admin')) {
      throw new DomainError('not_found', `token ${tokenId} does not exist`);
    }
    if (await revokeToken(this.db, tokenId, this.nowIso())) {
      await this.audit('token.revoked', token.username, context, { tokenId, name: token.name });
    }
    return publicToken((await findToken(this.db, tokenId))!);
  }

  /** The caller behind `Authorization: Bearer htk_…`; undefined when unknown, revoked, expired or its owner is disabled. */
  async authenticateToken(presented: string, context: { ip?: string | undefined } = {}): Promise<AuthenticatedCaller | undefined> {
    if (!TOKEN_PATTERN.test(presented)) return undefined;
    const token = await findTokenByHash(this.db, sha256(presented));
    const now = this.now();
    const nowIso = now.toISOString();
    if (!token || token.revoked_at || (token.expires_at && token.expires_at <= nowIso) || Number(token.owner_disabled) === 1) return undefined;
    if (!token.last_used_at || now.getTime() - Date.parse(token.last_used_at) >= TOKEN_USE_RECORD_INTERVAL_MS) {
      this.recordUsage((db) => markTokenUsed(db, token.id, nowIso));
    }
    const auditedBefore = new Date(now.getTime() - TOKEN_USE_AUDIT_INTERVAL_MS).toISOString();
    // The row says whether an audit row is due; the claim then settles races between processes.
    const auditDue = !token.use_audited_at || token.use_audited_at <= auditedBefore;
    if (auditDue) {
      this.recordUsage(async (db) => {
        if (!(await claimTokenUseAudit(db, token.id, nowIso, auditedBefore))) return;
        await insertAudit(db, this.auditRow('token.used', token.username, { actor: token.username, ip: context.ip }, { tokenId: Number(token.id), name: token.name }));
      });
    }
    return { id: Number(token.user_id), username: token.username, role: weakerRole(token.role, token.owner_role), via: 'token', tokenId: Number(token.id) };
  }

  // ---------------------------------------------------------------- audit log

  async auditLog(query: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
    const { items, total } = await listAudit(this.db, query);
    return {
      total,
      items: items.map((row) => ({
        id: Number(row.id),
        at: row.at,
        actor: row.actor,
        action: row.action,
        target: row.target,
        ip: row.ip,
        details: JSON.parse(row.details) as Record<string, unknown>,
      })),
    };
  }
}

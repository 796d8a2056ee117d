/** API tokens, stored as the SHA-256 of the token; the token itself is shown once and never stored. */
import type { Insertable, Kysely } from 'kysely';
import type { Role } from '../../shared/roles.ts';
import type { ApiTokenRow, ApiTokenTable, DatabaseSchema } from '../schema.ts';

type Db = Kysely<DatabaseSchema>;

export interface TokenWithOwner extends ApiTokenRow {
  username: string;
  owner_role: Role;
  owner_disabled: number;
}

function withOwner(db: Db) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('api_tokens')
    .select(['users.username', 'users.role as owner_role', 'users.disabled as owner_disabled']);
}

export async function insertToken(db: Db, row: Insertable<ApiTokenTable>): Promise<number> {
  const inserted = await db.insertInto('api_tokens').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(inserted.id);
}

export async function findTokenByHash(db: Db, tokenHash: string): Promise<TokenWithOwner | undefined> {
  return withOwner(db).where('api_tokens.token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findToken(db: Db, id: number): Promise<TokenWithOwner | undefined> {
  return withOwner(db).where('api_tokens.id', '=', id).executeTakeFirst();
}

/** Tokens of one user, or of everyone when userId is undefined; newest first. */
export async function listTokens(db: Db, userId?: number): Promise<TokenWithOwner[]> {
  let query = withOwner(db);
  if (userId !== undefined) query = query.where('api_tokens.user_id', '=', userId);
  return query.orderBy('api_tokens.id', 'desc').execute();
}

export async function revokeToken(db: Db, id: number, now: string): Promise<boolean> {
  const result = await db.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Moves last_used_at forward only: usage writes run in the background and may land out of order. */
export async function markTokenUsed(db: Db, id: number, now: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now)]))
    .execute();
}

/**
 * Claims the right to write a 'token.used' audit row: true for exactly one caller per token
 * per period, even across server processes, because the check and the write are one UPDATE.
 */
export async function claimTokenUseAudit(db: Db, id: number, now: string, auditedBefore: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ use_audited_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('use_audited_at', 'is', null), eb('use_audited_at', '<=', auditedBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

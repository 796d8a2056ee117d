/** Wire shapes of users, tokens and audit entries (never a password or token hash). */
import { z } from 'zod';
import { ROLES } from '../../shared/roles.ts';

export const RoleSchema = z.enum(ROLES);
export const IdParam = z.object({ id: z.coerce.number().int().min(1) });

export const UserSchema = z.object({
  id: z.number(),
  username: z.string(),
  display_name: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  locked_until: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  last_login_at: z.string().nullable(),
});

export const TokenSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  username: z.string(),
  name: z.string(),
  role: RoleSchema,
  prefix: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const AuditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

/** Passwords are checked by the service's policy (length and all), so the message is the same everywhere. */
export const Password = z.string().max(1024);

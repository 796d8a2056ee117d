/** Rules for usernames, passwords and session lifetimes; pure, so both the CLI and the API apply the same ones. */
import { DomainError } from './errors.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Usernames are ASCII so that case-insensitive matching means the same thing on every database. */
export function checkUsername(username: string): string {
  const trimmed = username.trim();
  if (!USERNAME.test(trimmed)) {
    throw new DomainError('validation_error', 'username must be 1-64 characters: letters, digits and . _ @ - (starting with a letter or digit)', {
      field: 'username',
    });
  }
  return trimmed;
}

export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new DomainError('validation_error', `${field} must be at least ${PASSWORD_MIN_LENGTH} characters long (it has ${length})`, { field });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new DomainError('validation_error', `${field} must be at most ${PASSWORD_MAX_LENGTH} characters long`, { field });
  }
  if (password.trim().length === 0) throw new DomainError('validation_error', `${field} cannot be only spaces`, { field });
}

export interface SessionLifetime {
  idleMs: number;
  absoluteMs: number;
}

/** A session lives until it has been idle too long or reaches its absolute lifetime, whichever comes first. */
export function sessionExpiry(createdAt: Date, lastSeenAt: Date, lifetime: SessionLifetime): Date {
  return new Date(Math.min(lastSeenAt.getTime() + lifetime.idleMs, createdAt.getTime() + lifetime.absoluteMs));
}

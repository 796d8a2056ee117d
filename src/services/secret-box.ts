/**
 * Secrets at rest: AES-256-GCM with a random 12-byte IV per value and the value's name as
 * associated data (a ciphertext cannot be moved to another setting). The master key comes from
 * HEXTRACKR_MASTER_KEY, else from `<dataDir>/master.key`, created with mode 0600 on first use.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** 32 bytes from 64 hex characters or base64; anything else is refused. */
export function parseMasterKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new SecretBoxError(`${origin} must hold a 32-byte key (64 hexadecimal or 44 base64 characters)`);
  return key;
}

/** The master key: from the environment value when given, else the key file (created on first use). */
export function loadMasterKey(options: { envValue?: string | undefined; dataDir: string }): { key: Buffer; source: 'env' | 'file'; file?: string } {
  if (options.envValue) return { key: parseMasterKey(options.envValue, 'HEXTRACKR_MASTER_KEY'), source: 'env' };
  const file = path.join(options.dataDir, 'master.key');
  try {
    return { key: parseMasterKey(readFileSync(file, 'utf8'), file), source: 'file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx': never overwrite a key another process has just written.
    writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key: parseMasterKey(readFileSync(file, 'utf8'), file), source: 'file', file };
    throw err;
  }
  return { key, source: 'file', file };
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError('the master key must be 32 bytes');
  }

  seal(name: string, plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(name: string, sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretBoxError(`stored value ${name} is not an encrypted value`);
    const ivBytes = Buffer.from(iv, 'base64');
    const tagBytes = Buffer.from(tag, 'base64');
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new SecretBoxError(`stored value ${name} is damaged`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(tagBytes);
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(`stored value ${name} cannot be decrypted: wrong master key or tampered data`);
    }
  }
}

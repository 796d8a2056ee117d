import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxError, loadMasterKey, parseMasterKey } from './secret-box.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'hextrackr-key-'));
  dirs.push(d);
  return d;
}

describe('secret box', () => {
  it('seals with a fresh IV each time, opens only under the same key and name, and detects tampering', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const a = box.seal('credentials.secret_key', 'top secret');
    const b = box.seal('credentials.secret_key', 'top secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('top secret');
    expect(box.open('credentials.secret_key', a)).toBe('top secret');
    expect(() => box.open('credentials.access_key', a)).toThrow(SecretBoxError);
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open('credentials.secret_key', a)).toThrow(/wrong master key or tampered/);
    const parts = a.split(':');
    const body = Buffer.from(parts[3]!, 'base64');
    body[0] = body[0]! ^ 1;
    expect(() => box.open('credentials.secret_key', [parts[0], parts[1], parts[2], body.toString('base64')].join(':'))).toThrow(SecretBoxError);
  });

  it('reads a master key as hex or base64 and refuses other lengths', () => {
    expect(parseMasterKey('ab'.repeat(32), 'env')).toHaveLength(32);
    expect(parseMasterKey(Buffer.alloc(32, 1).toString('base64'), 'env')).toHaveLength(32);
    expect(() => parseMasterKey('abcd', 'HEXTRACKR_MASTER_KEY')).toThrow(/HEXTRACKR_MASTER_KEY must hold a 32-byte key/);
  });

  it('creates the key file with mode 0600 on first use and reuses it', () => {
    const dir = tempDir();
    const first = loadMasterKey({ dataDir: dir });
    expect(first.source).toBe('file');
    expect(statSync(path.join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    const again = loadMasterKey({ dataDir: dir });
    expect(again.key.equals(first.key)).toBe(true);
    expect(readFileSync(path.join(dir, 'master.key'), 'utf8').trim()).toBe(first.key.toString('base64'));
    const fromEnv = loadMasterKey({ dataDir: dir, envValue: 'cd'.repeat(32) });
    expect(fromEnv).toMatchObject({ source: 'env' });
    expect(fromEnv.key.equals(first.key)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactedConfig } from './env.ts';

describe('loadConfig', () => {
  it('defaults to SQLite under ./data on 127.0.0.1:8080', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, sqlitePath: 'data/hextrackr.db' });
    expect(config.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every invalid variable at once, by its environment name', () => {
    let error: unknown;
    try {
      loadConfig({ HEXTRACKR_PORT: 'eighty', DATABASE_URL: 'mysql://x', HEXTRACKR_LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('HEXTRACKR_PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('HEXTRACKR_LOG_LEVEL');
  });

  it('never shows a database password or Tenable keys in the redacted summary', () => {
    const access = 'a'.repeat(64);
    const secret = 'b'.repeat(64);
    const config = loadConfig({ DATABASE_URL: 'postgres://app:s3cret@db:5432/hex', TENABLE_ACCESS_KEY: access, TENABLE_SECRET_KEY: secret });
    const shown = JSON.stringify(redactedConfig(config));
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain(access);
    expect(shown).not.toContain(secret);
  });

  it('checks the format of Tenable keys', () => {
    expect(() => loadConfig({ TENABLE_ACCESS_KEY: 'short' })).toThrow(/TENABLE_ACCESS_KEY/);
  });

  it('reads the sign-in settings, with defaults, and keeps the first admin password out of the summary', () => {
    expect(loadConfig({})).toMatchObject({ secureCookies: false, sessionIdleHours: 12, sessionMaxDays: 7, loginMaxAttempts: 5, loginLockoutMinutes: 15 });
    const config = loadConfig({
      HEXTRACKR_SECURE_COOKIES: 'true',
      HEXTRACKR_SESSION_IDLE_HOURS: '2',
      HEXTRACKR_LOGIN_MAX_ATTEMPTS: '3',
      HEXTRACKR_ADMIN_USERNAME: 'root',
      HEXTRACKR_ADMIN_PASSWORD: 'very secret password',
    });
    expect(config).toMatchObject({ secureCookies: true, sessionIdleHours: 2, loginMaxAttempts: 3, adminUsername: 'root' });
    expect(JSON.stringify(redactedConfig(config))).not.toContain('very secret password');
    expect(() => loadConfig({ HEXTRACKR_SECURE_COOKIES: 'maybe' })).toThrow(/HEXTRACKR_SECURE_COOKIES.*true or false/);
    expect(() => loadConfig({ HEXTRACKR_ADMIN_USERNAME: 'root' })).toThrow(/set both/);
  });
});

describe('Security Center and Nessus keys', () => {
  it('are read from HEXTRACKR_SC_* / HEXTRACKR_NESSUS_*, checked (SC 32 hex, Nessus 64 hex) and masked', () => {
    const keys = { sc: 'c'.repeat(32), scSecret: 'd'.repeat(32), nessus: 'e'.repeat(64), nessusSecret: 'f'.repeat(64) };
    const config = loadConfig({
      HEXTRACKR_SC_ACCESS_KEY: keys.sc,
      HEXTRACKR_SC_SECRET_KEY: keys.scSecret,
      HEXTRACKR_NESSUS_ACCESS_KEY: keys.nessus,
      HEXTRACKR_NESSUS_SECRET_KEY: keys.nessusSecret,
    });
    expect([config.scAccessKey, config.scSecretKey, config.nessusAccessKey, config.nessusSecretKey]).toEqual([keys.sc, keys.scSecret, keys.nessus, keys.nessusSecret]);
    const shown = JSON.stringify(redactedConfig(config));
    for (const key of Object.values(keys)) expect(shown).not.toContain(key);
    expect(() => loadConfig({ HEXTRACKR_SC_ACCESS_KEY: 'a'.repeat(64) })).toThrow(/HEXTRACKR_SC_ACCESS_KEY.*32 hexadecimal/);
    expect(() => loadConfig({ HEXTRACKR_NESSUS_SECRET_KEY: 'a'.repeat(32) })).toThrow(/HEXTRACKR_NESSUS_SECRET_KEY.*64 hexadecimal/);
  });
});

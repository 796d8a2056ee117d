import { pino, type Logger as PinoLogger } from 'pino';

/** Closed set of log categories, so every line says which part of the system wrote it. */
export type LogCategory = 'lifecycle' | 'http' | 'auth' | 'import' | 'db' | 'ws' | 'cli' | 'jobs' | 'workflow' | 'tenable';

export interface Logger {
  info(category: LogCategory, message: string, extra?: Record<string, unknown>): void;
  warn(category: LogCategory, message: string, extra?: Record<string, unknown>): void;
  error(category: LogCategory, message: string, extra?: Record<string, unknown>): void;
  debug(category: LogCategory, message: string, extra?: Record<string, unknown>): void;
  /** The underlying pino instance, for the HTTP server's request logging. */
  readonly pino: PinoLogger;
}

/** Keys whose values never reach a log line, wherever they appear. */
const SECRET_KEYS = ['password', 'current_password', 'new_password', 'csrfToken', 'sessionSecret', 'apiKey', 'secretKey', 'accessKey', 'access_key', 'secret_key', 'masterKey', 'master_key', 'token', 'authorization'];
// Top level (extra fields are spread there) and one level down.
const REDACT = [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-apikeys"]'];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const base = pino({ level, redact: { paths: REDACT, censor: '[redacted]' } }, destination ?? process.stderr);
  const write = (method: 'info' | 'warn' | 'error' | 'debug') => (category: LogCategory, message: string, extra?: Record<string, unknown>) =>
    base[method]({ category, ...extra }, message);
  return { info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug'), pino: base };
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return createLogger('silent');
}

/**
 * The Tenable simulator: one Fastify server answering as Tenable Vulnerability Management (root
 * paths), Tenable Security Center (`/rest/*`) and a Nessus scanner's export/token endpoints, over a
 * deterministic estate that evolves day by day.
 *
 *   const sim = await startTenableSimulator({ seed: 7, assets: 500, findings: 20_000 });
 *   // X-ApiKeys: accessKey=${sim.accessKey};secretKey=${sim.secretKey}
 *   sim.advanceDay();
 *   await sim.close();
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { DAY_MS, HOUR_MS, SimClock, type ClockMode, utcMidnight } from './clock.ts';
import type { ScCredentials, SimulatorContext } from './context.ts';
import { gatewayError } from './errors.ts';
import { type ChurnRates, Estate } from './estate.ts';
import { DEFAULT_PACING, ExportManager, type ExportPacing } from './exports.ts';
import { DEFAULT_FAULTS, RateLimiter, ServerErrorInjector, type SimulatorFaults, validateFaults } from './faults.ts';
import { Prng, hash } from './random.ts';
import { scRoutes } from './sc-app.ts';
import { ScanService } from './scans.ts';
import { tokenRoutes, vmRoutes } from './vm-app.ts';

export interface TenableSimulatorOptions {
  /** Listen address (default 127.0.0.1) and port (default 0 = any free port). */
  host?: string;
  port?: number;
  /** Same seed + same day → identical records (default 1). */
  seed?: number | string;
  /** Number of assets (default 200). */
  assets?: number;
  /** Findings that exist on day 0 (default 5,000). New ones appear each day. */
  findings?: number;
  /** Day 0 as YYYY-MM-DD, UTC (default 2026-01-05). */
  startDate?: string;
  /** `manual` (default): time moves only by advanceDay()/advanceTime(). `wall`: time flows from noon of day 0. */
  clock?: ClockMode;
  /** 64 hex characters each; random when absent (the simulator's own keys). */
  accessKey?: string;
  secretKey?: string;
  /** Security Center credentials (username/password for /rest/token, 32-hex API keys); generated when absent. */
  sc?: Partial<ScCredentials>;
  faults?: Partial<SimulatorFaults>;
  /** How fast exports advance per status poll. */
  exportPacing?: Partial<ExportPacing>;
  churn?: Partial<ChurnRates>;
}

export interface TenableSimulator {
  /** `http://host:port`: TVM at the root, Security Center under `/rest`. */
  url: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** The `X-ApiKeys` header value. */
  apiKeysHeader: string;
  sc: ScCredentials & { url: string };
  estate: Estate;
  clock: SimClock;
  /** The current data day (0 = start date). */
  day(): number;
  /** Move the simulated clock forward by whole days (default 1); returns the new day. */
  advanceDay(days?: number): number;
  /** Move the simulated clock forward (chunk TTLs, rate-limit windows, export timeouts). */
  advanceTime(ms: number): void;
  faults(): Readonly<SimulatorFaults>;
  /** Change faults on the running simulator. */
  setFaults(patch: Partial<SimulatorFaults>): void;
  close(): Promise<void>;
}

const HEX64 = /^[0-9a-f]{64}$/i;
const HEX32 = /^[0-9a-f]{32}$/i;

export function randomApiKey(): string {
  return randomBytes(32).toString('hex');
}

function checkKey(name: string, value: string, pattern: RegExp, length: number): string {
  if (!pattern.test(value)) throw new RangeError(`${name} must be ${length} hexadecimal characters`);
  return value;
}

/** Build the simulator's Fastify app without listening (startTenableSimulator listens). */
export async function buildTenableSimulator(options: TenableSimulatorOptions = {}): Promise<{ app: FastifyInstance; context: SimulatorContext }> {
  const startDate = options.startDate ?? '2026-01-05';
  const estate = new Estate({
    seed: options.seed ?? 1,
    assets: options.assets ?? 200,
    findings: options.findings ?? 5_000,
    startDate,
    ...(options.churn ? { churn: options.churn } : {}),
  });
  // The clock starts at noon of day 0, after the nightly scans.
  const clock = new SimClock(utcMidnight(startDate) + 12 * HOUR_MS, options.clock ?? 'manual');
  const faults: SimulatorFaults = { ...DEFAULT_FAULTS, ...options.faults };
  validateFaults(faults);
  const pacing: ExportPacing = { ...DEFAULT_PACING, ...options.exportPacing };
  const context: SimulatorContext = {
    estate,
    clock,
    accessKey: checkKey('accessKey', options.accessKey ?? randomApiKey(), HEX64, 64),
    secretKey: checkKey('secretKey', options.secretKey ?? randomApiKey(), HEX64, 64),
    sc: {
      username: options.sc?.username ?? 'secmanager',
      password: options.sc?.password ?? randomBytes(12).toString('base64url'),
      accessKey: checkKey('sc.accessKey', options.sc?.accessKey ?? randomBytes(16).toString('hex'), HEX32, 32),
      secretKey: checkKey('sc.secretKey', options.sc?.secretKey ?? randomBytes(16).toString('hex'), HEX32, 32),
    },
    faults,
    pacing,
    exports: new ExportManager(estate, clock, () => faults, () => pacing),
    scans: new ScanService(estate, clock, () => faults.maxActiveScans, () => faults.scanExportLoadingPolls),
    rate: new RateLimiter(clock),
    errors: new ServerErrorInjector(estate.seed),
    rng: new Prng(hash(estate.seed, 0x2e0)),
    day: () => estate.dayAt(clock.now()),
  };

  // A stopped simulator drops its connections, as a server going away would: a chunk download a
  // cancelled client abandoned must not hold close() until the socket times out.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  // Tenable clients POST with or without a body (cancel, launch): an empty JSON body is fine.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Invalid JSON body'), { statusCode: 400 }), undefined);
    }
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-request-uuid', context.rng.hex(32));
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.code(status).send(status === 500 ? gatewayError(500, 'An internal server error occurred. Please wait a moment and try your request again.') : gatewayError(status, error.message));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(gatewayError(404, `Route ${request.method}:${request.url.split('?')[0]} not found`));
  });
  await app.register(async (scope) => vmRoutes(scope, context));
  await app.register(async (scope) => tokenRoutes(scope, context));
  await app.register(async (scope) => scRoutes(scope, context), { prefix: '/rest' });
  return { app, context };
}

/** Start the simulator on a real port. */
export async function startTenableSimulator(options: TenableSimulatorOptions = {}): Promise<TenableSimulator> {
  const { app, context } = await buildTenableSimulator(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    accessKey: context.accessKey,
    secretKey: context.secretKey,
    apiKeysHeader: `accessKey=${context.accessKey};secretKey=${context.secretKey}`,
    sc: { ...context.sc, url: `${url}/rest` },
    estate: context.estate,
    clock: context.clock,
    day: () => context.day(),
    advanceDay(days = 1) {
      if (!Number.isInteger(days) || days < 1) throw new RangeError('days must be a positive integer');
      context.clock.advance(days * DAY_MS);
      return context.day();
    },
    advanceTime(ms) {
      context.clock.advance(ms);
    },
    faults: () => ({ ...context.faults }),
    setFaults(patch) {
      const next = { ...context.faults, ...patch };
      validateFaults(next);
      Object.assign(context.faults, next);
    },
    close: () => app.close(),
  };
}

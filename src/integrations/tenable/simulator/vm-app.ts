/**
 * Tenable Vulnerability Management routes: vulnerability and asset exports, scans (plus the
 * Nessus-style scan export), plugins, and the simulator's own control endpoints. Every route
 * requires `X-ApiKeys` except `/tokens/*` downloads (the token is the credential, as in Nessus).
 */
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExportCreated, PluginFamilyDetails, PluginListBody, ScanExportResponse } from '../tenable.api-types.ts';
import { pluginDetails, pluginListAttributes } from './catalog.ts';
import { parseKeyHeader, sameSecret, type SimulatorContext } from './context.ts';
import { NGINX_429_HTML, UNAUTHORIZED, gatewayError, scanServiceError, serviceError, vulnExportConflict } from './errors.ts';
import type { ExportJob } from './exports.ts';
import { type SimulatorFaults, validateFaults } from './faults.ts';
import { RequestError, planAssetExport, planVulnExport } from './filters.ts';

const ASSETS_JSON = 'application/json;charset=utf-8';
const CONCURRENCY_RETRY_AFTER = 30;
const DUPLICATE_ASSET_RETRY_AFTER = 40;

type Params = Record<string, string>;

function tooManyRequests(reply: FastifyReply, retryAfter: number): FastifyReply {
  return reply.code(429).header('retry-after', String(retryAfter)).type('text/html').send(NGINX_429_HTML);
}

/** Hooks of the authenticated scope: X-Request-Uuid, auth (401), rate budget (429), random 5xx. */
function guard(ctx: SimulatorContext) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const keys = parseKeyHeader(request.headers['x-apikeys']);
    if (!keys || !sameSecret(keys.accessKey, ctx.accessKey) || !sameSecret(keys.secretKey, ctx.secretKey)) {
      return reply.code(401).send(UNAUTHORIZED);
    }
    if (request.url.startsWith('/_simulator/')) return undefined;
    const budget = ctx.faults.rateLimitPerMinute;
    if (budget !== null) {
      const taken = ctx.rate.take(keys.accessKey, budget);
      if (!taken.ok) return tooManyRequests(reply, taken.retryAfter);
    }
    const failure = ctx.errors.maybe(ctx.faults.serverErrorRate);
    if (failure) return reply.code(failure.status).send(failure.body);
    return undefined;
  };
}

export async function vmRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  app.addHook('onRequest', guard(ctx));
  await exportRoutes(app, ctx);
  scanRoutes(app, ctx);
  pluginRoutes(app, ctx);
  controlRoutes(app, ctx);
}

// ------------------------------------------------------------------------------------------------
// Exports
// ------------------------------------------------------------------------------------------------

async function sendChunk(ctx: SimulatorContext, job: ExportJob, id: number, reply: FastifyReply): Promise<FastifyReply> {
  const result = ctx.exports.chunk(job, id);
  if ('error' in result) {
    if (result.error === 'not-ready') {
      return job.kind === 'vulns'
        ? reply.code(400).send(gatewayError(400, `Chunk ${id} is not ready for download`))
        : reply.code(400).type(ASSETS_JSON).send(serviceError(400, `Chunk ${id} is not ready for download`));
    }
    const message = result.error === 'expired' ? `Chunk ${id} of export ${job.uuid} has expired` : `Chunk ${id} of export ${job.uuid} not found`;
    return job.kind === 'vulns' ? reply.code(404).send(gatewayError(404, message)) : reply.code(404).type(ASSETS_JSON).send(serviceError(404, message));
  }
  if (ctx.faults.slowChunkMs > 0) await sleep(ctx.faults.slowChunkMs);
  if (job.kind === 'vulns') {
    reply.type('application/octet-stream').header('content-disposition', `attachment; filename=${job.uuid}-${id}-vulndoc.json`);
  } else {
    reply.type(ASSETS_JSON);
  }
  if (ctx.errors.roll(ctx.faults.brokenChunkRate)) return sendBroken(reply, result.stream);
  return reply.send(result.stream);
}

/** Body bytes a broken chunk download delivers before its connection drops (less for a smaller chunk). */
const BROKEN_AFTER_BYTES = 64 * 1024;

/**
 * A 200 whose body stops partway and whose connection then closes, as a transfer cut by a proxy
 * or a reset does: whole records first, then half a piece, so the client sees a truncated body
 * rather than a clean end.
 */
async function sendBroken(reply: FastifyReply, body: Readable): Promise<FastifyReply> {
  reply.hijack();
  const raw = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) raw.setHeader(name, typeof value === 'number' ? String(value) : value);
  raw.writeHead(200);
  let sent = 0;
  let held: Buffer | undefined;
  try {
    for await (const piece of body) {
      if (held) {
        sent += held.length;
        if (!raw.write(held)) await once(raw, 'drain');
      }
      held = piece as Buffer;
      if (sent >= BROKEN_AFTER_BYTES) break;
    }
  } finally {
    body.destroy();
  }
  const tail = held?.subarray(0, Math.floor(held.length / 2)) ?? Buffer.alloc(0);
  raw.write(tail, () => raw.destroy());
  return reply;
}

function chunkId(text: string | undefined): number {
  return /^\d+$/.test(text ?? '') ? Number(text) : NaN;
}

async function exportRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const { exports } = ctx;

  // ---- vulnerabilities
  app.post('/vulns/export', async (request, reply) => {
    let plan;
    try {
      plan = planVulnExport(request.body, ctx.clock.now(), ctx.estate, ctx.day());
    } catch (err) {
      if (err instanceof RequestError) return reply.code(400).send(gatewayError(400, err.message));
      throw err;
    }
    const result = exports.createVulnExport(plan);
    if ('duplicate' in result) return reply.code(409).send(vulnExportConflict(result.duplicate.uuid));
    if ('tooMany' in result) return tooManyRequests(reply, CONCURRENCY_RETRY_AFTER);
    return { export_uuid: result.job.uuid } satisfies ExportCreated;
  });

  app.get('/vulns/export/status', async () => ({ exports: exports.vulnJobs() }));

  const vulnJob = (request: FastifyRequest, reply: FastifyReply) => {
    const { uuid } = request.params as Params;
    const job = exports.get(uuid ?? '', 'vulns');
    if (!job) void reply.code(404).send(gatewayError(404, `Export ${uuid} not found`));
    return job;
  };

  app.get('/vulns/export/:uuid/status', async (request, reply) => {
    const job = vulnJob(request, reply);
    if (!job) return reply;
    exports.poll(job);
    return exports.vulnStatus(job);
  });

  app.get('/vulns/export/:uuid/chunks/:chunk', async (request, reply) => {
    const job = vulnJob(request, reply);
    if (!job) return reply;
    return sendChunk(ctx, job, chunkId((request.params as Params).chunk), reply);
  });

  app.post('/vulns/export/:uuid/cancel', async (request, reply) => {
    const job = vulnJob(request, reply);
    if (!job) return reply;
    if (exports.cancel(job) === 'not-cancellable') return reply.code(400).send(gatewayError(400, `Cannot cancel a ${job.status.toLowerCase()} export`));
    // Recorded body; the documentation shows {"status":"CANCELLED"}.
    return { export_uuid: job.uuid, export_status: 'CANCELLED' };
  });

  // ---- assets (v1 and v2 share status, chunks, cancel and job list)
  const createAssets = (model: 'v1' | 'v2') => async (request: FastifyRequest, reply: FastifyReply) => {
    reply.type(ASSETS_JSON);
    let plan;
    try {
      plan = planAssetExport(request.body, model);
    } catch (err) {
      if (err instanceof RequestError) return reply.code(400).send(serviceError(400, err.message));
      throw err;
    }
    const result = exports.createAssetExport(plan, model);
    if ('duplicate' in result) {
      const job = result.duplicate;
      return reply
        .code(429)
        .header('retry-after', String(DUPLICATE_ASSET_RETRY_AFTER))
        .send(serviceError(429, `Duplicate export not allowed. Please modify request or wait until existing export is complete (job_uuid=${job.uuid} container_uuid=${ctx.estate.scans[0]!.scheduleUuid} createdAt=${new Date(job.createdMs).toISOString()})`));
    }
    if ('tooMany' in result) return tooManyRequests(reply, CONCURRENCY_RETRY_AFTER);
    return reply.send({ export_uuid: result.job.uuid } satisfies ExportCreated);
  };
  app.post('/assets/export', createAssets('v1'));
  app.post('/assets/v2/export', createAssets('v2'));

  app.get('/assets/export/status', async (_request, reply) => reply.type(ASSETS_JSON).send({ exports: exports.assetJobs() }));

  const assetJob = (request: FastifyRequest, reply: FastifyReply) => {
    const { uuid } = request.params as Params;
    const job = exports.get(uuid ?? '', 'assets');
    reply.type(ASSETS_JSON);
    if (!job) void reply.code(404).send(serviceError(404, `Job with UUID: ${uuid} not found`));
    return job;
  };

  app.get('/assets/export/:uuid/status', async (request, reply) => {
    const job = assetJob(request, reply);
    if (!job) return reply;
    exports.poll(job);
    return reply.send(exports.assetStatus(job));
  });

  app.get('/assets/export/:uuid/chunks/:chunk', async (request, reply) => {
    const job = assetJob(request, reply);
    if (!job) return reply;
    return sendChunk(ctx, job, chunkId((request.params as Params).chunk), reply);
  });

  app.post('/assets/export/:uuid/cancel', async (request, reply) => {
    const job = assetJob(request, reply);
    if (!job) return reply;
    if (exports.cancel(job) === 'not-cancellable') return reply.code(400).send(serviceError(400, 'Cannot cancel a completed job'));
    return reply.send({ status: 'CANCELLED' });
  });
}

// ------------------------------------------------------------------------------------------------
// Scans
// ------------------------------------------------------------------------------------------------

function scanRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const { scans } = ctx;
  const scanOf = (request: FastifyRequest, reply: FastifyReply) => {
    const scan = scans.find((request.params as Params).id ?? '');
    if (!scan) void reply.code(404).send(scanServiceError('Scan not found'));
    return scan;
  };
  const historyId = (request: FastifyRequest): number | undefined => {
    const raw = (request.query as Params).history_id;
    return raw === undefined || raw === '' ? undefined : Number(raw);
  };

  app.get('/scans', async () => scans.list());

  app.get('/scans/:id', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const details = scans.details(scan, historyId(request));
    if (!details) return reply.code(404).send(scanServiceError('Scan not found'));
    return details;
  });

  app.get('/scans/:id/latest-status', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    return { status: scans.latestStatus(scan) };
  });

  app.get('/scans/:id/history', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const query = request.query as Params;
    const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 50) || 50));
    const offset = Math.max(0, Number(query.offset ?? 0) || 0);
    return scans.historyList(scan, limit, offset);
  });

  app.post('/scans/:id/launch', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const body = (request.body ?? {}) as { alt_targets?: unknown };
    const alt = Array.isArray(body.alt_targets) ? body.alt_targets.map(String) : undefined;
    const result = scans.launch(scan, alt);
    if ('error' in result) {
      if (result.error === 'too-many') return tooManyRequests(reply, CONCURRENCY_RETRY_AFTER);
      return reply.code(409).send(gatewayError(409, 'The scan is already running.'));
    }
    return { scan_uuid: result.scanUuid };
  });

  app.post('/scans/:id/stop', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    if (scans.stop(scan) === 'conflict') return reply.code(409).send(gatewayError(409, 'The scan is not running.'));
    return {};
  });

  app.post('/scans/:id/export', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const format = String(((request.body ?? {}) as { format?: unknown }).format ?? '').toLowerCase();
    if (format !== 'nessus' && format !== 'csv') return reply.code(400).send(scanServiceError(`Invalid 'format' field: the simulator exports nessus or csv, got "${format}"`));
    const exp = scans.requestExport(scan, format, historyId(request));
    if (!exp) return reply.code(404).send(scanServiceError('Scan not found'));
    // TVM answers {file, temp_token}; Nessus answers {file, token}: both, so either client works.
    return { file: exp.file, temp_token: exp.token, token: exp.token } satisfies ScanExportResponse;
  });

  app.get('/scans/:id/export/:file/status', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const exp = scans.exportByFile(scan, (request.params as Params).file ?? '');
    if (!exp) return reply.code(404).send(scanServiceError('The requested file was not found'));
    return { status: scans.exportStatus(exp) };
  });

  app.get('/scans/:id/export/:file/download', async (request, reply) => {
    const scan = scanOf(request, reply);
    if (!scan) return reply;
    const exp = scans.exportByFile(scan, (request.params as Params).file ?? '');
    if (!exp) return reply.code(404).send(scanServiceError('The requested file was not found'));
    if (!scans.isReady(exp)) return reply.code(409).send(scanServiceError('Report is still being generated'));
    const { filename, stream } = scans.download(exp);
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${filename}"`).send(stream);
  });
}

/** Nessus token routes: no API keys needed, the token is the credential. */
export async function tokenRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const { scans } = ctx;
  app.get('/tokens/:token/status', async (request, reply) => {
    const exp = scans.exportByToken((request.params as Params).token ?? '');
    if (!exp) return reply.code(404).send(scanServiceError('The requested file was not found'));
    return { status: scans.exportStatus(exp) };
  });
  app.get('/tokens/:token/download', async (request, reply) => {
    const exp = scans.exportByToken((request.params as Params).token ?? '');
    if (!exp) return reply.code(404).send(scanServiceError('The requested file was not found'));
    if (!scans.isReady(exp)) return reply.code(409).send(scanServiceError('Report is still being generated'));
    const { filename, stream } = scans.download(exp);
    return reply.type('application/octet-stream').header('content-disposition', `attachment; filename="${filename}"`).send(stream);
  });
}

// ------------------------------------------------------------------------------------------------
// Plugins
// ------------------------------------------------------------------------------------------------

function pluginRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const catalog = ctx.estate.catalog;

  app.get('/plugins/families', async () => ({ families: catalog.families() }));

  app.get('/plugins/families/:id', async (request, reply) => {
    const id = Number((request.params as Params).id);
    const family = catalog.families().find((f) => f.id === id);
    if (!family) return reply.code(404).send(gatewayError(404, `Plugin family ${id} not found`));
    const plugins = catalog.plugins.filter((p) => p.familyId === id).map((p) => ({ id: p.id, name: p.name }));
    return { plugins, name: family.name, id: family.id } satisfies PluginFamilyDetails;
  });

  app.get('/plugins/plugin', async (request, reply) => {
    const query = request.query as Params;
    const lastUpdated = query.last_updated ?? '1970-01-01';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(lastUpdated)) return reply.code(400).send(gatewayError(400, 'last_updated must be YYYY-MM-DD'));
    const size = query.size === undefined ? 1000 : Number(query.size);
    const page = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(size) || size < 1 || size > 10000) return reply.code(400).send(gatewayError(400, 'size must be between 1 and 10000'));
    if (!Number.isInteger(page) || page < 1) return reply.code(400).send(gatewayError(400, 'page must be 1 or more'));
    const matching = catalog.plugins.filter((p) => p.modified >= lastUpdated);
    const items = matching.slice((page - 1) * size, page * size);
    return {
      data: { plugin_details: items.map((p) => ({ id: p.id, name: p.name, attributes: pluginListAttributes(p) })) },
      size,
      params: { page, size, last_updated: lastUpdated },
      total_count: matching.length,
    } satisfies PluginListBody;
  });

  app.get('/plugins/plugin/:id', async (request, reply) => {
    const id = Number((request.params as Params).id);
    const plugin = catalog.get(id);
    if (!plugin) return reply.code(404).send(gatewayError(404, `Plugin ${(request.params as Params).id} not found`));
    return pluginDetails(plugin);
  });
}

// ------------------------------------------------------------------------------------------------
// Simulator control (not a Tenable API)
// ------------------------------------------------------------------------------------------------

function controlRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const state = () => ({
    day: ctx.day(),
    now: new Date(ctx.clock.now()).toISOString(),
    clock: ctx.clock.mode,
    seed: ctx.estate.seed,
    assets: ctx.estate.assetCount,
    findings: ctx.estate.findingCount,
    start_date: ctx.estate.startDate,
    faults: ctx.faults,
  });
  app.get('/_simulator/state', async () => state());
  app.post('/_simulator/advance-day', async (request, reply) => {
    const days = Number(((request.body ?? {}) as { days?: unknown }).days ?? 1);
    if (!Number.isInteger(days) || days < 1 || days > 3650) return reply.code(400).send(gatewayError(400, 'days must be an integer from 1 to 3650'));
    ctx.clock.advance(days * 86_400_000);
    return state();
  });
  app.put('/_simulator/faults', async (request, reply) => {
    const patch = (request.body ?? {}) as Partial<SimulatorFaults>;
    const next = { ...ctx.faults, ...patch };
    try {
      validateFaults(next);
    } catch (err) {
      return reply.code(400).send(gatewayError(400, (err as Error).message));
    }
    Object.assign(ctx.faults, next);
    return state();
  });
}

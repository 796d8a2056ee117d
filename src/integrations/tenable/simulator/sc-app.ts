/**
 * Tenable Security Center under `/rest`: `POST/DELETE /rest/token` session login, `x-apikey`
 * keys, and `POST /rest/analysis` (type vuln, tool vulndetails) with startOffset/endOffset paging
 * inside the `{type, response, error_code, error_msg, warnings, timestamp}` wrapper
 * (tenable-api.md §6). The same estate as the TVM side, seen through SC's string-typed rows.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ScAnalysisResponse, ScResponse, ScTokenResponse, ScVulnDetail } from '../tenable.api-types.ts';
import { DAY_MS, epochSeconds } from './clock.ts';
import { parseKeyHeader, sameSecret, type SimulatorContext } from './context.ts';
import type { FindingStateName, FindingView } from './estate.ts';
import { inCidr, parseCidr } from './filters.ts';
import { scVulnDetail } from './records.ts';

const SUPPORTED_FILTERS = ['severity', 'lastSeen', 'firstSeen', 'pluginID', 'ip', 'dnsName', 'exploitAvailable', 'cveID', 'repository'];
const CACHE_LIMIT = 8;

interface AnalysisQuery {
  states: Set<FindingStateName>;
  severities?: Set<number>;
  lastSeen?: [number, number];
  firstSeen?: [number, number];
  pluginIds?: Set<number>;
  cidrs?: { base: number; mask: number }[];
  dnsName?: string;
  exploitAvailable?: boolean;
  cve?: Set<string>;
  /** individual: one scan's assets, `new` = first found that day, `patched` = fixed that day. */
  scan?: { index: number; view: string };
}

class ScError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function wrapper<T>(ctx: SimulatorContext, response: T, errorCode = 0, errorMsg = ''): ScResponse<T> {
  return { type: 'regular', response, error_code: errorCode, error_msg: errorMsg, warnings: [], timestamp: epochSeconds(ctx.clock.now()) };
}

function fail(ctx: SimulatorContext, reply: FastifyReply, err: ScError): FastifyReply {
  return reply.code(err.status).send(wrapper(ctx, '', err.code, err.message));
}

/** `n:m` = between m and n days ago (24-h periods from now). */
function daysAgo(value: string, name: string): [number, number] {
  const match = /^(\d+):(\d+)$/.exec(value.trim());
  if (!match) throw new ScError(403, 146, `Invalid parameters specified for Analysis. The filter '${name}' value '${value}' is invalid (expected n:m).`);
  return [Number(match[1]), Number(match[2])];
}

/** startOffset/endOffset: a non-negative integer, as a number or a string. */
function offset(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new ScError(403, 146, `Invalid parameters specified for Analysis. The parameter '${name}' value '${String(value)}' is invalid (expected a non-negative integer).`);
  return n;
}

function filterValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null && 'id' in v ? String((v as { id: unknown }).id) : String(v))).join(',');
  if (typeof value === 'object' && value !== null && 'id' in value) return String((value as { id: unknown }).id);
  return '';
}

function parseQuery(ctx: SimulatorContext, body: Record<string, unknown>): { query: AnalysisQuery; start: number; end: number; key: string } {
  if (body.type !== 'vuln') throw new ScError(403, 146, `Invalid parameters specified for Analysis. The type '${String(body.type)}' is not supported by the simulator (vuln).`);
  const sourceType = String(body.sourceType ?? 'cumulative');
  const q = (body.query ?? {}) as Record<string, unknown>;
  if (q.id !== undefined && q.tool === undefined) throw new ScError(403, 146, 'Invalid parameters specified for Analysis. Saved queries are not supported by the simulator.');
  const tool = String(q.tool ?? '');
  if (tool !== 'vulndetails') throw new ScError(403, 146, `Invalid parameters specified for Analysis. The tool '${tool}' is not supported by the simulator (vulndetails).`);
  const query: AnalysisQuery = { states: new Set(sourceType === 'patched' ? ['FIXED'] : ['OPEN', 'REOPENED']) };
  if (sourceType === 'individual') {
    const view = body.view === undefined ? undefined : String(body.view);
    if (!view) throw new ScError(403, 142, "Invalid parameters specified for Analysis. The parameter 'view' is required for sourceType 'individual'.");
    const scan = ctx.estate.scans.find((s) => String(s.id) === String(body.scanID ?? ''));
    if (!scan) throw new ScError(403, 146, `Invalid parameters specified for Analysis. Scan result #${String(body.scanID)} not found.`);
    query.scan = { index: scan.index, view };
    query.states = new Set(view === 'patched' ? ['FIXED'] : ['OPEN', 'REOPENED']);
  } else if (sourceType !== 'cumulative' && sourceType !== 'patched') {
    throw new ScError(403, 146, `Invalid parameters specified for Analysis. The sourceType '${sourceType}' is invalid (cumulative, patched, individual).`);
  }
  const filters = Array.isArray(q.filters) ? (q.filters as Record<string, unknown>[]) : [];
  for (const f of filters) {
    const name = String(f.filterName ?? '');
    const value = filterValue(f.value);
    switch (name) {
      case 'severity':
        query.severities = new Set(value.split(',').map(Number));
        break;
      case 'lastSeen':
        query.lastSeen = daysAgo(value, name);
        break;
      case 'firstSeen':
        query.firstSeen = daysAgo(value, name);
        break;
      case 'pluginID':
        query.pluginIds = new Set(value.split(',').map(Number));
        break;
      case 'ip':
        query.cidrs = value.split(',').map((v) => {
          try {
            return parseCidr(v.trim());
          } catch {
            throw new ScError(403, 146, `Invalid parameters specified for Analysis. The filter 'ip' value '${v}' is invalid.`);
          }
        });
        break;
      case 'dnsName':
        query.dnsName = value.toLowerCase();
        break;
      case 'exploitAvailable':
        query.exploitAvailable = value === 'true';
        break;
      case 'cveID':
        query.cve = new Set(value.split(',').map((c) => c.trim().toUpperCase()));
        break;
      case 'repository':
        break;
      default:
        throw new ScError(403, 146, `Invalid parameters specified for Analysis. The filter '${name}' is invalid (valid filters: ${SUPPORTED_FILTERS.join(', ')}).`);
    }
  }
  const start = offset(q.startOffset, 'startOffset', 0);
  const end = offset(q.endOffset, 'endOffset', start + 50);
  if (end < start) throw new ScError(403, 146, `Invalid parameters specified for Analysis. The parameter 'endOffset' (${end}) is less than 'startOffset' (${start}).`);
  const now = ctx.clock.now();
  // Day ranges resolve against the simulated now; the key pins the resolved query for paging.
  const key = JSON.stringify({ ...query, states: [...query.states], severities: query.severities && [...query.severities], pluginIds: query.pluginIds && [...query.pluginIds], cve: query.cve && [...query.cve], day: ctx.day(), now: Math.floor(now / DAY_MS) });
  return { query, start, end, key };
}

function matches(f: FindingView, q: AnalysisQuery, nowMs: number, day: number): boolean {
  if (!q.states.has(f.state)) return false;
  if (q.scan) {
    if (f.asset.scan.index !== q.scan.index) return false;
    if (q.scan.view === 'new' && Math.floor(f.firstFoundMs / DAY_MS) !== Math.floor(f.lastFoundMs / DAY_MS)) return false;
    if (q.scan.view === 'patched' && f.scanDay !== day) return false;
  }
  if (q.severities && !q.severities.has(f.plugin.severityId)) return false;
  if (q.pluginIds && !q.pluginIds.has(f.plugin.id)) return false;
  if (q.lastSeen && (f.lastFoundMs > nowMs - q.lastSeen[0] * DAY_MS || f.lastFoundMs < nowMs - q.lastSeen[1] * DAY_MS)) return false;
  if (q.firstSeen && (f.firstFoundMs > nowMs - q.firstSeen[0] * DAY_MS || f.firstFoundMs < nowMs - q.firstSeen[1] * DAY_MS)) return false;
  if (q.cidrs && !q.cidrs.some((c) => inCidr(f.asset.ipv4, c))) return false;
  if (q.dnsName && !f.asset.fqdn.includes(q.dnsName)) return false;
  if (q.exploitAvailable !== undefined && f.plugin.exploitAvailable !== q.exploitAvailable) return false;
  if (q.cve && !f.plugin.cve.some((c) => q.cve!.has(c))) return false;
  return true;
}

export async function scRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const tokens = new Map<string, string>();
  /** Per resolved query: matching findings per asset as a prefix sum, so any page is O(page). */
  const prefixes = new Map<string, Float64Array>();

  const authenticated = (request: FastifyRequest): ScError | undefined => {
    const token = request.headers['x-securitycenter'];
    const keys = parseKeyHeader(request.headers['x-apikey']);
    if (token !== undefined && keys) return new ScError(400, 74, 'Both a token and API keys were supplied.');
    if (keys) {
      return sameSecret(keys.accessKey, ctx.sc.accessKey) && sameSecret(keys.secretKey, ctx.sc.secretKey) ? undefined : new ScError(400, 74, 'Invalid API key.');
    }
    if (typeof token === 'string' && tokens.has(token)) return undefined;
    return new ScError(403, 74, 'Invalid token');
  };

  app.get('/system', async () => wrapper(ctx, { version: '6.4.0', buildID: '202406101200', banner: '', releaseID: '202406101200', uuid: ctx.estate.scans[0]!.scheduleUuid, logo: 'assets/img/logo.png', serverAuth: 'any', serverClassification: 'None', sessionTimeout: '60', licenseStatus: 'Valid', PasswordComplexity: 'false', timezones: [], reportTypes: [] }));

  app.post('/token', async (request, reply) => {
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
    if (body.username !== ctx.sc.username || body.password !== ctx.sc.password) {
      return fail(ctx, reply, new ScError(403, 74, 'Invalid login credentials.'));
    }
    const token = String(1_000_000_000 + ctx.rng.int(1_000_000_000));
    const session = ctx.rng.hex(32);
    tokens.set(token, session);
    const now = epochSeconds(ctx.clock.now());
    reply.header('set-cookie', `TNS_SESSIONID=${session}; path=/; secure; HttpOnly`);
    return wrapper<ScTokenResponse>(ctx, {
      lastLogin: String(now - 86_400),
      lastLoginIP: '10.255.0.20',
      failedLogins: '0',
      failedLoginIP: '',
      lastFailedLogin: '0',
      token,
      unassociatedCert: 'false',
    });
  });

  app.delete('/token', async (request, reply) => {
    const error = authenticated(request);
    if (error) return fail(ctx, reply, error);
    const token = request.headers['x-securitycenter'];
    if (typeof token === 'string') tokens.delete(token);
    return wrapper(ctx, '');
  });

  app.post('/analysis', async (request, reply) => {
    const error = authenticated(request);
    if (error) return fail(ctx, reply, error);
    // The fault: SC sometimes answers 200 with an error inside the wrapper (tenable-api.md §6.2).
    if (ctx.errors.roll(ctx.faults.scErrorRate)) {
      return reply.code(200).send(wrapper(ctx, '', 146, 'Invalid parameters specified for Analysis. The query could not be processed (simulated fault: sc-errors).'));
    }
    let parsed;
    try {
      parsed = parseQuery(ctx, (request.body ?? {}) as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ScError) return fail(ctx, reply, err);
      throw err;
    }
    const { query, start, end, key } = parsed;
    const estate = ctx.estate;
    const day = ctx.day();
    const now = ctx.clock.now();
    let prefix = prefixes.get(key);
    if (!prefix) {
      prefix = new Float64Array(estate.assetCount + 1);
      for (let a = 0; a < estate.assetCount; a++) {
        let count = 0;
        estate.forEachFinding(a, day, (f) => {
          if (matches(f, query, now, day)) count++;
        });
        prefix[a + 1] = prefix[a]! + count;
      }
      if (prefixes.size >= CACHE_LIMIT) prefixes.delete(prefixes.keys().next().value!);
      prefixes.set(key, prefix);
    }
    const total = prefix[estate.assetCount]!;
    const results: ScVulnDetail[] = [];
    // First asset whose findings reach past `start`.
    let lo = 0;
    let hi = estate.assetCount;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (prefix[mid + 1]! <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let a = lo; a < estate.assetCount && prefix[a]! < end; a++) {
      let index = prefix[a]!;
      estate.forEachFinding(a, day, (f) => {
        if (!matches(f, query, now, day)) return true;
        if (index >= start && index < end) results.push(scVulnDetail(estate, f));
        index++;
        return index < end;
      });
    }
    return wrapper<ScAnalysisResponse<ScVulnDetail>>(ctx, {
      totalRecords: String(total),
      returnedRecords: results.length,
      startOffset: String(start),
      endOffset: String(Math.min(end, Math.max(start, total))),
      matchingDataElementCount: '-1',
      results,
    });
  });
}


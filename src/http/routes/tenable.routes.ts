/** Tenable integration: credentials, asset correlation review, plugin mappings, scan history and monthly summary. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { TenableApiError, TenableExportError, TenableNetworkError } from '../../integrations/tenable/client/index.ts';
import { actorOf } from '../access.ts';
import { HttpError } from '../errors.ts';

const HEX64 = /^[0-9a-fA-F]{64}$/;
const tags = ['tenable'];

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const ConfigureBody = z.object({
  access_key: z.string().regex(HEX64, 'access_key must be 64 hexadecimal characters'),
  secret_key: z.string().regex(HEX64, 'secret_key must be 64 hexadecimal characters'),
  url: z.string().url('url must be a URL such as https://cloud.tenable.com').optional(),
});

const CorrelateParams = z.object({ assetId: z.coerce.number().int().min(1) });
const CorrelateBody = z.union([
  z.object({ tenable_uuid: z.string().regex(/^[0-9a-fA-F-]{32,36}$/, 'tenable_uuid must be a Tenable asset UUID') }).strict(),
  z.object({ reject: z.literal(true) }).strict(),
]);

const MappingsQuery = Page.extend({ q: z.string().max(200).optional() });
const PluginSyncBody = z.object({ full: z.boolean().optional() }).optional();
const HistoryQuery = Page.extend({ scan_type: z.string().max(50).optional() });
const Month = z.string().regex(/^\d{4}-\d{2}$/, 'must be YYYY-MM');
const MonthlyQuery = z.object({ from: Month.optional(), to: Month.optional() });

/** Tenable's own failures are a bad gateway from the caller's point of view. */
async function callingTenable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TenableApiError || err instanceof TenableNetworkError || err instanceof TenableExportError) {
      throw new HttpError(502, 'tenable_error', `Tenable: ${err.message}`);
    }
    throw err;
  }
}

export async function tenableRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/tenable/configure',
    { config: { access: 'admin' }, schema: { body: ConfigureBody, tags, summary: 'Test and store Tenable API keys (encrypted at rest)' } },
    async (request) => hex.tenableSettings.configure(request.body, actorOf(request)),
  );

  app.get(
    '/api/tenable/configuration',
    { config: { access: 'viewer' }, schema: { tags, summary: 'Tenable URL, masked access key, when configured, last connection test' } },
    async () => hex.tenableSettings.configuration(),
  );

  app.post(
    '/api/tenable/test-connection',
    { config: { access: 'analyst' }, schema: { tags, summary: 'Test the configured Tenable keys' } },
    async () => hex.tenableSettings.testConnection(),
  );

  app.delete(
    '/api/tenable/configuration',
    { config: { access: 'admin' }, schema: { tags, summary: 'Forget the stored Tenable keys' } },
    async (request) => ({ deleted: await hex.tenableSettings.deleteConfiguration(actorOf(request)) }),
  );

  app.get(
    '/api/tenable/assets/correlation-review',
    { config: { access: 'viewer' }, schema: { querystring: Page, tags, summary: 'Tenable assets whose correlation awaits a person, with candidates' } },
    async (request) => hex.tenableSync.assets.reviewQueue(request.query),
  );

  app.post(
    '/api/tenable/assets/:assetId/correlate',
    { config: { access: 'analyst' }, schema: { params: CorrelateParams, body: CorrelateBody, tags, summary: 'Map a known asset to a Tenable UUID, or reject the suggested correlation' } },
    async (request) => {
      const body = request.body;
      const decision = 'reject' in body ? { reject: true as const } : { tenableUuid: body.tenable_uuid };
      return hex.tenableSync.assets.correlateManually(request.params.assetId, decision, actorOf(request));
    },
  );

  app.get(
    '/api/tenable/plugins/mappings',
    { config: { access: 'viewer' }, schema: { querystring: MappingsQuery, tags, summary: 'Plugins and their CVEs; q = plugin id, CVE id or part of the name' } },
    async (request) => hex.tenableSync.plugins.mappings(request.query),
  );

  app.post(
    '/api/tenable/plugins/sync',
    { config: { access: 'analyst' }, schema: { body: PluginSyncBody, tags, summary: 'Sync the Tenable plugin catalogue now; returns counts and validation issues' } },
    async (request) => {
      const client = await hex.tenableSettings.client();
      return callingTenable(() => hex.tenableSync.syncPlugins(client, { full: request.body?.full }));
    },
  );

  app.get(
    '/api/tenable/scan-history',
    { config: { access: 'viewer' }, schema: { querystring: HistoryQuery, tags, summary: 'Syncs and Tenable scans, newest first' } },
    async (request) => {
      const { items, total } = await hex.tenableSync.history.scanHistory({ limit: request.query.limit, offset: request.query.offset, scanType: request.query.scan_type });
      return { total, items: items.map((i) => ({ ...i, raw_scan_metadata: JSON.parse(i.raw_scan_metadata) as unknown })) };
    },
  );

  app.get(
    '/api/tenable/monthly-summary',
    { config: { access: 'viewer' }, schema: { querystring: MonthlyQuery, tags, summary: 'Monthly totals (kept when old snapshots are pruned)' } },
    async (request) => ({ items: await hex.tenableSync.history.monthlySummaries(request.query) }),
  );
}

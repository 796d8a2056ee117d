/** Assets and hosts: search with open counts, one asset with its open findings, the hosts summary ranked by risk. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { ASSET_SORT_KEYS, FINDING_SORT_KEYS, HOST_SORT_KEYS } from '../../domain/finding-query.ts';
import { AssetViewSchema, ErrorSchema, FindingPageSchema, IdParams } from '../schemas/findings.schemas.ts';

const Page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

const AssetListQuery = z.object({
  q: z.string().trim().max(200).optional().describe('host name prefix (FQDN, short name), IP address prefix, or Tenable asset UUID'),
  sort_by: z.enum(ASSET_SORT_KEYS).default('hostname'),
  sort_order: z.enum(['asc', 'desc']).default('asc'),
  ...Page,
});

const AssetFindingsQuery = z.object({
  ...Page,
  cursor: z.string().min(1).optional(),
  sort_by: z.enum(FINDING_SORT_KEYS).default('severity'),
  sort_order: z.enum(['asc', 'desc']).default('desc'),
});

const HostsQuery = z.object({ sort_by: z.enum(HOST_SORT_KEYS).default('risk'), ...Page });

export const OpenCountsSchema = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  info: z.number().int(),
  total: z.number().int(),
  vpr_sum: z.number(),
});

const AssetSchema = AssetViewSchema.extend({ open: OpenCountsSchema });

export const HostSummarySchema = OpenCountsSchema.extend({
  asset_id: z.number().int(),
  hostname: z.string().nullable(),
  host_key: z.string(),
  tenable_uuid: z.string().nullable(),
  ip_addresses: z.array(z.string()),
});

export async function assetsRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/assets',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['assets'],
        summary: 'Search assets by host name, IP or Tenable UUID, with open findings per severity',
        querystring: AssetListQuery,
        response: { 200: z.object({ items: z.array(AssetSchema), total: z.number().int() }), 400: ErrorSchema },
      },
    },
    async (request) => {
      const { q, sort_by, sort_order, limit, offset } = request.query;
      return hex.assetsQuery.list({ q: q === '' ? undefined : q, sortBy: sort_by, order: sort_order, limit, offset });
    },
  );

  app.get(
    '/api/assets/:id',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['assets'],
        summary: 'One asset (IPs, MACs, OS, Tenable UUID, correlation) with its open findings, paged',
        params: IdParams,
        querystring: AssetFindingsQuery,
        response: { 200: AssetSchema.extend({ findings: FindingPageSchema }), 404: ErrorSchema },
      },
    },
    async (request) => {
      const { sort_by, sort_order, limit, offset, cursor } = request.query;
      return hex.assetsQuery.detail(request.params.id, { sort: { by: sort_by, order: sort_order }, limit, offset, cursor });
    },
  );

  app.get(
    '/api/hosts/summary',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['assets'],
        summary: 'Per host: open findings per severity and VPR sum, ranked by risk (critical, high, medium, low counts, then VPR)',
        querystring: HostsQuery,
        response: { 200: z.object({ items: z.array(HostSummarySchema), total: z.number().int() }), 400: ErrorSchema },
      },
    },
    async (request) => {
      const { sort_by, limit, offset } = request.query;
      return hex.assetsQuery.hostsSummary({ sortBy: sort_by, limit, offset });
    },
  );
}

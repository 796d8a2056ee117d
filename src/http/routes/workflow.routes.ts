/** Remediation workflow: update one finding or many, history, sync conflicts, and the SLA policy. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { WorkflowPatchSchema } from '../../domain/workflow.ts';
import { SlaPolicySchema } from '../../domain/workflow-sla.ts';
import { MAX_BULK_IDS } from '../../services/workflow.service.ts';
import { RESOLUTION_STRATEGIES } from '../../shared/workflow.ts';
import { actorOf } from '../access.ts';

/** The findings API is also served under the Tenable integration spec's paths. */
const VULNERABILITY_PREFIXES = ['/api/vulnerabilities', '/api/tenable/vulnerabilities'] as const;

const IdParam = z.object({ id: z.coerce.number().int().min(1) });

/**
 * User-owned fields, documented; any other key passes through to the service, which refuses
 * it with a 400 naming it (scanner-owned, managed by HexTrackr, or unknown).
 */
const PatchBody = z.looseObject({
  ...WorkflowPatchSchema.shape,
  expected_updated_at: z.string().optional().describe("the finding's updated_at as last read: 409 if it changed since"),
});

const BulkBody = z.object({
  ids: z.array(z.number().int().min(1)).min(1).max(MAX_BULK_IDS),
  patch: PatchBody,
});

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

const ConflictsQuery = Page.extend({
  resolved: z.enum(['true', 'false']).optional(),
  finding_id: z.coerce.number().int().min(1).optional(),
});

const ResolveBody = z.object({
  resolution: z.enum(RESOLUTION_STRATEGIES),
  note: z.string().max(2000).nullable().optional(),
});

export async function workflowRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  for (const prefix of VULNERABILITY_PREFIXES) {
    app.patch(
      `${prefix}/:id`,
      {
        config: { access: 'analyst' },
        schema: { params: IdParam, body: PatchBody, tags: ['workflow'], summary: "Update a finding's workflow fields (user-owned fields only)" },
      },
      async (request) => hex.workflow.update(request.params.id, request.body, actorOf(request)),
    );
    app.post(
      `${prefix}/bulk-update`,
      {
        config: { access: 'analyst' },
        schema: { body: BulkBody, tags: ['workflow'], summary: `Apply one workflow update to up to ${MAX_BULK_IDS} findings` },
      },
      async (request) => hex.workflow.bulkUpdate(request.body.ids, request.body.patch, actorOf(request)),
    );
  }

  app.get(
    '/api/vulnerabilities/:id/history',
    {
      config: { access: 'viewer' },
      schema: { params: IdParam, querystring: Page, tags: ['workflow'], summary: "A finding's workflow history, oldest first" },
    },
    async (request) => hex.workflow.history(request.params.id, request.query),
  );

  app.get(
    '/api/conflicts',
    {
      config: { access: 'viewer' },
      schema: { querystring: ConflictsQuery, tags: ['workflow'], summary: 'Sync conflicts, newest first' },
    },
    async (request) => {
      const { resolved, finding_id: findingId, limit, offset } = request.query;
      return hex.workflow.listConflicts({ resolved: resolved === undefined ? undefined : resolved === 'true', findingId, limit, offset });
    },
  );

  app.post(
    '/api/conflicts/:id/resolve',
    {
      config: { access: 'analyst' },
      schema: { params: IdParam, body: ResolveBody, tags: ['workflow'], summary: 'Resolve a sync conflict' },
    },
    async (request) => hex.workflow.resolveConflict(request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/settings/sla',
    { config: { access: 'viewer' }, schema: { tags: ['settings'], summary: 'The SLA policy: days to fix per severity' } },
    async () => hex.workflow.slaPolicy(),
  );

  app.put(
    '/api/settings/sla',
    {
      config: { access: 'admin' },
      schema: { body: SlaPolicySchema, tags: ['settings'], summary: 'Replace the SLA policy; due dates that came from it are recomputed' },
    },
    async (request) => hex.workflow.setSlaPolicy(request.body, actorOf(request)),
  );
}

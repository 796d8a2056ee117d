/** The audit log (admins only), newest first. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { AuditEntrySchema } from './auth.schemas.ts';

const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
});

export async function auditRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first (sign-ins, tokens, user changes)',
        querystring: AuditQuery,
        response: { 200: z.object({ items: z.array(AuditEntrySchema), total: z.number(), limit: z.number(), offset: z.number() }) },
      },
    },
    async (request) => {
      const { items, total } = await hex.auth.auditLog(request.query);
      return { items, total, limit: request.query.limit, offset: request.query.offset };
    },
  );
}

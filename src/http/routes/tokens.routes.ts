/** API tokens for scripts: your own; admins may list, create and revoke anyone's. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { actorOf } from '../access.ts';
import { callerOf } from '../auth/authentication.ts';
import { HttpError } from '../errors.ts';
import { IdParam, RoleSchema, TokenSchema } from './auth.schemas.ts';

const ListQuery = z.object({
  user_id: z.coerce.number().int().min(1).optional(),
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export async function tokensRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['tokens'];

  app.get(
    '/api/tokens',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Your tokens; admins: ?all=true or ?user_id=N', querystring: ListQuery, response: { 200: z.object({ items: z.array(TokenSchema) }) } },
    },
    async (request) => {
      const caller = callerOf(request);
      const { user_id, all } = request.query;
      const othersAsked = all === true || (user_id !== undefined && user_id !== caller.id);
      if (othersAsked && caller.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin may list the tokens of other users');
      return { items: await hex.auth.listTokens(all ? undefined : (user_id ?? caller.id)) };
    },
  );

  app.post(
    '/api/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Create a token (shown once) with a role up to yours; admins may create one for another user (user_id)',
        body: z.object({
          name: z.string().max(100),
          role: RoleSchema.optional(),
          expires_days: z.number().int().min(1).max(3650).optional(),
          user_id: z.number().int().min(1).optional(),
        }),
        response: { 201: TokenSchema.extend({ token: z.string() }) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const ownerId = request.body.user_id ?? caller.id;
      if (ownerId !== caller.id && caller.role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin may create a token for another user');
      const { token, record } = await hex.auth.createToken(
        ownerId,
        { name: request.body.name, role: request.body.role, expiresInDays: request.body.expires_days },
        caller.role,
        { actor: actorOf(request), ip: request.ip },
      );
      return reply.status(201).send({ ...record, token });
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Revoke a token (yours; admins: anyone\'s)', params: IdParam, response: { 200: TokenSchema } } },
    async (request) => {
      const caller = callerOf(request);
      return hex.auth.revokeToken(request.params.id, { id: caller.id, role: caller.role }, { actor: actorOf(request), ip: request.ip });
    },
  );
}

/** User administration (admins only). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import { actorOf } from '../access.ts';
import { IdParam, Password, RoleSchema, UserSchema } from './auth.schemas.ts';

export async function usersRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  app.get('/api/users', { config: { access: 'admin' }, schema: { tags, summary: 'List users', response: { 200: z.object({ items: z.array(UserSchema) }) } } }, async () => ({
    items: await hex.auth.listUsers(),
  }));

  app.post(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a user',
        body: z.object({ username: z.string().max(200), password: Password, role: RoleSchema, display_name: z.string().max(200).optional() }),
        response: { 201: UserSchema },
      },
    },
    async (request, reply) => {
      const { username, password, role, display_name } = request.body;
      const user = await hex.auth.createUser({ username, password, role, displayName: display_name }, { actor: actorOf(request), ip: request.ip });
      return reply.status(201).send(user);
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a user: role, disabled, display name, or reset the password (409 for the last active admin)',
        params: IdParam,
        body: z.object({ role: RoleSchema.optional(), disabled: z.boolean().optional(), display_name: z.string().max(200).optional(), password: Password.optional() }).strict(),
        response: { 200: UserSchema },
      },
    },
    async (request) => {
      const { role, disabled, display_name, password } = request.body;
      return hex.auth.updateUser(request.params.id, { role, disabled, displayName: display_name, password }, { actor: actorOf(request), ip: request.ip });
    },
  );

  app.delete(
    '/api/users/:id',
    { config: { access: 'admin' }, schema: { tags, summary: 'Remove a user, their sessions and tokens (409 for the last active admin)', params: IdParam } },
    async (request, reply) => {
      await hex.auth.deleteUser(request.params.id, { actor: actorOf(request), ip: request.ip });
      return reply.status(204).send();
    },
  );
}

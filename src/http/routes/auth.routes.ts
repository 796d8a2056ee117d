/** Sign-in for browsers: first-run setup, login/logout with a session cookie, who am I, own password. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../composition.ts';
import type { SessionContext } from '../../services/auth.service.ts';
import { actorOf } from '../access.ts';
import { callerOf, clearSessionCookie, setSessionCookie } from '../auth/authentication.ts';
import { Password, RoleSchema, UserSchema } from './auth.schemas.ts';

const SignedInSchema = z.object({ user: UserSchema, csrfToken: z.string() });
const Credentials = z.object({ username: z.string().max(200), password: Password });

function sessionContext(request: FastifyRequest, actor: string): SessionContext {
  return { actor, ip: request.ip, userAgent: request.headers['user-agent'] };
}

export async function authRoutes(scope: FastifyInstance, hex: Application): Promise<void> {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  app.get(
    '/api/auth/status',
    {
      config: { access: 'public' },
      schema: { tags, security: [], summary: 'Whether first-run setup is needed, and who is signed in', response: { 200: z.object({ needsSetup: z.boolean(), user: UserSchema.nullable() }) } },
    },
    async (request) => ({
      needsSetup: await hex.auth.needsSetup(),
      user: request.user ? await hex.auth.getUser(request.user.id) : null,
    }),
  );

  app.post(
    '/api/auth/setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        security: [],
        summary: 'Create the first admin and sign in (only while no user exists; 409 afterwards)',
        body: z.object({ username: z.string().max(200), password: Password, display_name: z.string().max(200).optional() }),
        response: { 201: SignedInSchema },
      },
    },
    async (request, reply) => {
      const context = sessionContext(request, request.body.username);
      const user = await hex.auth.createFirstAdmin({ username: request.body.username, password: request.body.password, displayName: request.body.display_name }, context);
      const signedIn = await hex.auth.openSessionFor(user.id, { ...context, actor: user.username });
      setSessionCookie(reply, hex, signedIn);
      return reply.status(201).send({ user: signedIn.user, csrfToken: signedIn.csrfToken });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, security: [], summary: 'Sign in: sets the hextrackr_session cookie and returns the CSRF token', body: Credentials, response: { 200: SignedInSchema } },
    },
    async (request, reply) => {
      const signedIn = await hex.auth.login(request.body.username, request.body.password, sessionContext(request, 'anonymous'));
      setSessionCookie(reply, hex, signedIn);
      return { user: signedIn.user, csrfToken: signedIn.csrfToken };
    },
  );

  app.post('/api/auth/logout', { config: { access: 'authenticated' }, schema: { tags, summary: 'End this session and clear its cookie' } }, async (request, reply) => {
    await hex.auth.logout(callerOf(request), { actor: actorOf(request), ip: request.ip });
    clearSessionCookie(reply, hex);
    return reply.status(204).send();
  });

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The signed-in user, the effective role, and (for a session) the CSRF token',
        response: { 200: z.object({ user: UserSchema, role: RoleSchema, via: z.enum(['session', 'token']), csrfToken: z.string().nullable() }) },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return { user: await hex.auth.getUser(caller.id), role: caller.role, via: caller.via, csrfToken: caller.csrfToken ?? null };
    },
  );

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Change your own password (your other sessions end)',
        body: z.object({ current_password: Password, new_password: Password }),
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await hex.auth.changeOwnPassword(caller.id, request.body.current_password, request.body.new_password, {
        actor: actorOf(request),
        ip: request.ip,
        keepSessionId: caller.sessionId,
      });
      return reply.status(204).send();
    },
  );
}

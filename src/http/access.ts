/**
 * Who may call a route. Every /api route declares one in its config (`config: { access: 'viewer' }`);
 * the server refuses to start with an undeclared route, so the role matrix test covers every route.
 */
import type { Role } from '../shared/roles.ts';

export { ROLES, type Role } from '../shared/roles.ts';
export type Access = 'public' | 'authenticated' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Routes outside /api (static UI files) and the browsable OpenAPI page are public by nature. */
export function needsAccessDeclaration(url: string): boolean {
  if (url === '/api/docs' || url.startsWith('/api/docs/')) return false;
  return url.startsWith('/api/') || url === '/ws';
}

/** A registered route and its declared access, as the server saw it. */
export interface DeclaredRoute {
  method: string | string[];
  url: string;
  access: Access | undefined;
}

/** The caller, once authenticated (by session cookie or API token). */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthUser;
  }
}

/** The name written to history and audit rows for a request. */
export function actorOf(request: { user?: AuthUser | undefined }): string {
  return request.user?.username ?? 'anonymous';
}

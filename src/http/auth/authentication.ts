/**
 * Authentication and authorisation for every request, installed before any route:
 * a session cookie (browsers) or `Authorization: Bearer htk_…` (scripts) identifies the caller,
 * then the route's declared access decides. Cookie-authenticated requests that change state
 * must echo the session's CSRF token; cookie-authenticated WebSocket upgrades must be same-origin.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Application } from '../../composition.ts';
import { roleAtLeast } from '../../shared/roles.ts';
import type { AuthenticatedCaller, SignedIn } from '../../services/auth.service.ts';
import { type Access, needsAccessDeclaration } from '../access.ts';
import { HttpError } from '../errors.ts';

export const SESSION_COOKIE = 'hextrackr_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The full authentication of a request (session id and CSRF token included), for the auth routes. */
const callers = new WeakMap<FastifyRequest, AuthenticatedCaller>();

export function callerOf(request: FastifyRequest): AuthenticatedCaller {
  const caller = callers.get(request);
  if (!caller) throw new HttpError(401, 'unauthenticated', 'sign in or send Authorization: Bearer <token>');
  return caller;
}

function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config?.access;
  if (declared) return declared;
  // Unknown /api paths answer 404 only to callers who are signed in.
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '/';
  return needsAccessDeclaration(path) ? 'authenticated' : 'public';
}

async function identify(request: FastifyRequest, hex: Application): Promise<AuthenticatedCaller | undefined> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    // A request that presents a token is judged by the token alone, never by a cookie beside it.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ? hex.auth.authenticateToken(match[1], { ip: request.ip }) : undefined;
  }
  const secret = request.cookies[SESSION_COOKIE];
  return secret ? hex.auth.authenticateSession(secret) : undefined;
}

function isWebSocketUpgrade(request: FastifyRequest): boolean {
  return request.headers.upgrade?.toLowerCase() === 'websocket';
}

/** Browsers always send Origin on a WebSocket handshake; it must name this very host. */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || !request.headers.host) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export async function installAuthentication(app: FastifyInstance, hex: Application): Promise<void> {
  await app.register(cookie);
  app.addHook('onRequest', async (request) => {
    const access = accessOf(request);
    const caller = await identify(request, hex);
    if (caller) {
      callers.set(request, caller);
      request.user = { id: caller.id, username: caller.username, role: caller.role, via: caller.via };
    }
    if (access === 'public') return;
    if (!caller) throw new HttpError(401, 'unauthenticated', 'sign in or send Authorization: Bearer <token>');
    if (caller.via === 'session') {
      if (isWebSocketUpgrade(request) && !sameOrigin(request)) {
        throw new HttpError(403, 'forbidden_origin', 'a WebSocket signed in by cookie must come from a page of this server (Origin must match Host)');
      }
      if (UNSAFE_METHODS.has(request.method) && !hex.auth.csrfMatches(caller, headerValue(request, CSRF_HEADER))) {
        throw new HttpError(403, 'csrf_failed', `send the ${CSRF_HEADER} header with the csrfToken from sign-in or GET /api/auth/me`);
      }
    }
    if (access !== 'authenticated' && !roleAtLeast(caller.role, access)) {
      throw new HttpError(403, 'forbidden', `this requires the ${access} role; you have ${caller.role}`, { required: access, role: caller.role });
    }
  });
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function setSessionCookie(reply: FastifyReply, hex: Application, signedIn: SignedIn): void {
  void reply.setCookie(SESSION_COOKIE, signedIn.sessionSecret, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: hex.config.secureCookies,
    maxAge: Math.round(hex.config.sessionMaxDays * 86_400),
  });
}

export function clearSessionCookie(reply: FastifyReply, hex: Application): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: hex.config.secureCookies });
}

/** Who is signed in: status at start, sign-in, first-admin setup, sign-out, and the CSRF token. */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api, ApiError, onUnauthenticated, setCsrfToken } from './api';

export type Role = 'viewer' | 'analyst' | 'admin';
export interface User {
  id: number;
  username: string;
  role: Role;
}

type Phase = 'loading' | 'setup' | 'sign-in' | 'ready' | 'unreachable';

interface AuthState {
  phase: Phase;
  user: User | null;
  /** False while the server has no authentication (every request is allowed). */
  enabled: boolean;
  signIn(username: string, password: string): Promise<void>;
  setup(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  retry(): void;
  can(role: Role): boolean;
}

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };
const AuthContext = createContext<AuthState | null>(null);

interface Session {
  user: User | null;
  csrfToken?: string;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [phase, setPhase] = useState<Phase>('loading');
  const [user, setUser] = useState<User | null>(null);
  const [enabled, setEnabled] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      try {
        const status = await api<{ needsSetup: boolean; user: User | null; csrfToken?: string }>('GET', '/api/auth/status');
        if (cancelled) return;
        if (status.needsSetup) return setPhase('setup');
        if (!status.user) return setPhase('sign-in');
        let csrf = status.csrfToken;
        if (!csrf) csrf = (await api<Session>('GET', '/api/auth/me')).csrfToken;
        setCsrfToken(csrf ?? null);
        setUser(status.user);
        setPhase('ready');
      } catch (error) {
        if (cancelled) return;
        if (error instanceof ApiError && error.missingRoute) {
          // A server without authentication: everyone may do everything.
          setEnabled(false);
          setPhase('ready');
        } else if (error instanceof ApiError && error.status === 401) setPhase('sign-in');
        else setPhase('unreachable');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setUser(null);
        setCsrfToken(null);
        setPhase('sign-in');
      }),
    [],
  );

  const accept = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken ?? null);
    setUser(session.user);
    setPhase('ready');
  }, []);

  const value: AuthState = {
    phase,
    user,
    enabled,
    signIn: async (username, password) => accept(await api<Session>('POST', '/api/auth/login', { username, password })),
    setup: async (username, password) => {
      const created = await api<Session | undefined>('POST', '/api/auth/setup', { username, password });
      if (created?.user && created.csrfToken) accept(created);
      else accept(await api<Session>('POST', '/api/auth/login', { username, password }));
    },
    signOut: async () => {
      try {
        await api('POST', '/api/auth/logout');
      } finally {
        setCsrfToken(null);
        setUser(null);
        setPhase('sign-in');
      }
    },
    retry: () => {
      setPhase('loading');
      setAttempt((a) => a + 1);
    },
    can: (role) => !enabled || (user !== null && RANK[user.role] >= RANK[role]),
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

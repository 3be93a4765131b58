/** The signed-in user (GET /auth/session), sign-in/out, and the 401 → /sign-in redirect. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, setUnauthorizedHandler } from './api';
import { clearDirectoryCache } from './directory';
import type { Me, Role } from './types';

interface AuthValue {
  /** undefined while the session is being checked */
  me: Me | null | undefined;
  signIn(username: string, password: string): Promise<Me>;
  signOut(): Promise<void>;
  /** Read the session again (after the first password change, which lifts `mustChangePassword`). */
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    let live = true;
    api<Me>('/auth/session', { ignoreUnauthorized: true })
      .then((m) => live && setMe(m))
      .catch(() => live && setMe(null));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      clearDirectoryCache();
      const here = window.location.pathname + window.location.search;
      if (!window.location.pathname.startsWith('/sign-in')) navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return () => setUnauthorizedHandler(null);
  }, [navigate, location.pathname]);

  const signIn = useCallback(async (username: string, password: string) => {
    // The API answers { me, token } (the token is for API clients; the browser uses the cookie).
    const r = await api<Me | { me: Me; token?: string }>('/auth/session', { method: 'POST', body: { username, password }, ignoreUnauthorized: true });
    const m = 'me' in r ? r.me : r;
    clearDirectoryCache();
    setMe(m);
    return m;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api<void>('/auth/session', { method: 'DELETE', ignoreUnauthorized: true });
    } finally {
      clearDirectoryCache();
      setMe(null);
      navigate('/sign-in', { replace: true });
    }
  }, [navigate]);

  const refresh = useCallback(async () => {
    setMe(await api<Me>('/auth/session'));
  }, []);

  const value = useMemo(() => ({ me, signIn, signOut, refresh }), [me, signIn, signOut, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** The signed-in user, for pages behind RequireAuth. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe outside RequireAuth');
  return me;
}

export function homeFor(role: Role): string {
  switch (role) {
    case 'hall_staff':
      return '/intake';
    case 'cadre':
      return '/inbox';
    case 'assessment':
      return '/dashboard';
    default:
      return '/queue';
  }
}

/** What index.html paints before the scripts run, kept while the session is checked (no flash). */
function BootShell() {
  return (
    <div className="boot" aria-busy="true">
      <div className="boot-bar">
        <span className="boot-mark" aria-hidden="true">民</span>民情 minqing
      </div>
      <div className="boot-wait" />
    </div>
  );
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const location = useLocation();
  if (me === undefined) return <BootShell />;
  if (me === null) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function HomeRedirect() {
  const { me } = useAuth();
  if (me === undefined) return <BootShell />;
  return <Navigate to={me ? homeFor(me.role) : '/sign-in'} replace />;
}

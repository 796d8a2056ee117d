/** The shell: sign-in gate, navigation, user menu, theme toggle, and the page for the current path. */
import { lazy, type ReactNode, Suspense, useEffect, useRef, useState } from 'react';
import { type Role, useAuth } from './auth';
import { Skeleton } from './components';
import { SignInPage } from './pages/sign-in';
import { Link, navigate, useRoute } from './router';
import { toggleTheme, useTheme } from './theme';

const DashboardPage = lazy(() => import('./pages/dashboard'));
const FindingsPage = lazy(() => import('./pages/findings'));
const ImportsPage = lazy(() => import('./pages/imports'));
const AssetsPage = lazy(() => import('./pages/assets'));
const TenablePage = lazy(() => import('./pages/tenable'));
const JobsPage = lazy(() => import('./pages/jobs'));
const AdminPage = lazy(() => import('./pages/admin'));

interface PageEntry {
  path: string;
  label: string;
  role: Role;
  render: () => ReactNode;
}

const PAGES: PageEntry[] = [
  { path: '/', label: 'Dashboard', role: 'viewer', render: () => <DashboardPage /> },
  { path: '/findings', label: 'Findings', role: 'viewer', render: () => <FindingsPage /> },
  { path: '/imports', label: 'Imports', role: 'viewer', render: () => <ImportsPage /> },
  { path: '/assets', label: 'Assets', role: 'viewer', render: () => <AssetsPage /> },
  { path: '/tenable', label: 'Tenable', role: 'analyst', render: () => <TenablePage /> },
  { path: '/jobs', label: 'Jobs', role: 'viewer', render: () => <JobsPage /> },
  { path: '/admin', label: 'Admin', role: 'admin', render: () => <AdminPage /> },
];

export function App() {
  const auth = useAuth();
  if (auth.phase === 'loading') {
    return (
      <div className="center-screen" aria-busy="true">
        <Skeleton width={320} height={220} label="Loading HexTrackr" />
      </div>
    );
  }
  if (auth.phase === 'unreachable') {
    return (
      <div className="center-screen">
        <div className="card auth-card" role="alert">
          <h1>HexTrackr is not reachable</h1>
          <p>The server did not answer. Check that it is running, then try again.</p>
          <button type="button" className="button primary" onClick={auth.retry}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (auth.phase === 'setup' || auth.phase === 'sign-in') return <SignInPage mode={auth.phase} />;
  return <Shell />;
}

function Shell() {
  const route = useRoute();
  const auth = useAuth();
  const page = PAGES.find((p) => p.path === route.path) ?? null;
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = page ? `${page.label} · HexTrackr` : 'HexTrackr';
  }, [page]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="HexTrackr home">
          <svg width="22" height="22" viewBox="0 0 32 32" aria-hidden="true">
            <path d="M16 2l12 7v14l-12 7L4 23V9z" fill="currentColor" />
          </svg>
          HexTrackr
        </Link>
        <nav aria-label="Main" className="nav">
          {PAGES.filter((p) => auth.can(p.role)).map((p) => (
            <Link key={p.path} href={p.path} className="nav-link" aria-current={p.path === route.path ? 'page' : undefined}>
              {p.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <ThemeToggle />
          <UserMenu />
        </div>
      </header>
      <main id="main" ref={main} className="main" tabIndex={-1}>
        <Suspense fallback={<PageSkeleton />}>
          {page && auth.can(page.role) ? (
            page.render()
          ) : page ? (
            <div className="card">
              <h1>Not for your role</h1>
              <p>This page needs the {page.role} role. Ask an administrator.</p>
            </div>
          ) : (
            <div className="card">
              <h1>Page not found</h1>
              <p>
                There is no page at <code>{route.path}</code>. <Link href="/">Go to the dashboard</Link>.
              </p>
            </div>
          )}
        </Suspense>
      </main>
    </div>
  );
}

function PageSkeleton() {
  return (
    <div aria-busy="true" className="page">
      <Skeleton width={220} height={28} />
      <div style={{ height: 16 }} />
      <Skeleton height={420} />
    </div>
  );
}

function ThemeToggle() {
  const theme = useTheme();
  return (
    <button type="button" className="icon-button" onClick={toggleTheme} aria-label={theme === 'dark' ? 'Use light theme' : 'Use dark theme'} title="Toggle theme">
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}

function UserMenu() {
  const auth = useAuth();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  if (!auth.enabled) return <span className="muted small" title="This server has no sign-in yet">open access</span>;
  const user = auth.user;
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="button ghost" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        {user?.username ?? 'Account'} ▾
      </button>
      {open ? (
        <div className="menu-list" role="menu" aria-label="Account">
          <div className="menu-info muted">
            Signed in as <strong>{user?.username}</strong> ({user?.role})
          </div>
          {auth.can('admin') ? (
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                setOpen(false);
                navigate('/admin?tab=tokens');
              }}
            >
              API tokens
            </button>
          ) : null}
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              void auth.signOut();
            }}
          >
            Sign out
          </button>
        </div>
      ) : null}
    </div>
  );
}

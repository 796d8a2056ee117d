/** Admin: users and roles, API tokens (shown once), the SLA policy, and the audit log. */
import { type FormEvent, useEffect, useState } from 'react';
import { api, query } from '../api';
import { type Role, useAuth } from '../auth';
import { Card, EmptyState, ErrorNotice, Field, LoadedView, Notice } from '../components';
import { formatDate, SEVERITIES } from '../format';
import { useApi } from '../hooks';
import { navigate, updateParams, useRoute } from '../router';

const TABS = [
  { id: 'users', label: 'Users' },
  { id: 'tokens', label: 'API tokens' },
  { id: 'sla', label: 'SLA policy' },
  { id: 'audit', label: 'Audit log' },
] as const;
const ROLES: Role[] = ['viewer', 'analyst', 'admin'];

export default function AdminPage() {
  const { params } = useRoute();
  const tab = TABS.find((t) => t.id === params.get('tab'))?.id ?? 'users';
  return (
    <div className="page stack">
      <div className="page-head">
        <h1>Admin</h1>
      </div>
      <div className="tabs" role="tablist" aria-label="Administration">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" className="tab" aria-selected={tab === t.id} onClick={() => navigate(`/admin?tab=${t.id}`)}>
            {t.label}
          </button>
        ))}
      </div>
      {tab === 'users' ? <Users /> : tab === 'tokens' ? <Tokens /> : tab === 'sla' ? <SlaPolicy /> : <Audit />}
    </div>
  );
}

interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  locked_until: string | null;
  last_login_at: string | null;
  created_at: string;
}

function useMutation(reload: () => void) {
  const [error, setError] = useState<unknown>(undefined);
  const [message, setMessage] = useState<string | null>(null);
  async function run(work: () => Promise<unknown>, done: string): Promise<boolean> {
    setError(undefined);
    setMessage(null);
    try {
      await work();
      setMessage(done);
      reload();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  }
  return { error, message, run };
}

function Users() {
  const auth = useAuth();
  const users = useApi<{ items: User[] }>('/api/users');
  const m = useMutation(users.reload);
  const [form, setForm] = useState({ username: '', password: '', role: 'analyst' as Role });

  async function create(event: FormEvent) {
    event.preventDefault();
    const ok = await m.run(() => api('POST', '/api/users', form), `User ${form.username} created.`);
    if (ok) setForm({ username: '', password: '', role: 'analyst' });
  }

  return (
    <Card title="Users and roles">
      <p className="muted">Viewers read everything; analysts also import, edit the workflow and run syncs and jobs; admins also manage users, keys and settings.</p>
      {m.message ? <Notice kind="success">{m.message}</Notice> : null}
      <ErrorNotice error={m.error ?? users.error} onRetry={users.error ? users.reload : undefined} />
      <LoadedView state={users} skeleton={{ rows: 4, columns: 5 }}>
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>User</th>
                <th>Role</th>
                <th>State</th>
                <th>Last sign-in</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((u) => {
                const self = u.id === auth.user?.id;
                return (
                  <tr key={u.id}>
                    <td>
                      {u.username}
                      {u.display_name && u.display_name !== u.username ? <div className="muted small">{u.display_name}</div> : null}
                    </td>
                    <td>
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        disabled={self}
                        onChange={(e) => void m.run(() => api('PATCH', `/api/users/${u.id}`, { role: e.target.value }), `${u.username} is now ${e.target.value}.`)}
                      >
                        {ROLES.map((r) => (
                          <option key={r}>{r}</option>
                        ))}
                      </select>
                    </td>
                    <td>{u.disabled ? 'disabled' : u.locked_until ? `locked until ${formatDate(u.locked_until)}` : 'active'}</td>
                    <td>{formatDate(u.last_login_at)}</td>
                    <td className="row">
                      {!self ? (
                        <>
                          <button
                            type="button"
                            className="button small"
                            onClick={() => void m.run(() => api('PATCH', `/api/users/${u.id}`, { disabled: !u.disabled }), `${u.username} ${u.disabled ? 'enabled' : 'disabled'}.`)}
                          >
                            {u.disabled ? 'Enable' : 'Disable'}
                          </button>
                          <button
                            type="button"
                            className="button small danger"
                            aria-label={`Delete ${u.username}`}
                            onClick={() => {
                              if (window.confirm(`Delete ${u.username}? Their sessions and tokens stop working.`)) void m.run(() => api('DELETE', `/api/users/${u.id}`), `${u.username} deleted.`);
                            }}
                          >
                            Delete
                          </button>
                        </>
                      ) : (
                        <span className="muted small">you</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadedView>
      <form onSubmit={create} aria-label="New user" style={{ marginTop: 14 }}>
        <h3>New user</h3>
        <div className="form-grid">
          <Field label="Username">
            <input required autoComplete="off" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
          </Field>
          <Field label="Initial password" hint="At least 12 characters.">
            <input required type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </Field>
          <Field label="Role">
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        </div>
        <button type="submit" className="button primary">
          Create user
        </button>
      </form>
    </Card>
  );
}

interface Token {
  id: number;
  user_id: number;
  username: string;
  name: string;
  role: Role;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

function Tokens() {
  const tokens = useApi<{ items: Token[] }>('/api/tokens?all=true');
  const m = useMutation(tokens.reload);
  const [form, setForm] = useState({ name: '', role: 'analyst' as Role, expires_days: '90' });
  const [created, setCreated] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    setCopied(false);
    await m.run(async () => {
      const token = await api<Token & { token: string }>('POST', '/api/tokens', {
        name: form.name.trim(),
        role: form.role,
        ...(form.expires_days ? { expires_days: Number(form.expires_days) } : {}),
      });
      setCreated(token.token);
    }, `Token ${form.name} created.`);
  }

  return (
    <Card title="API tokens">
      <p className="muted">
        Scripts send <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once, when created; store it in your secret manager.
      </p>
      {created ? (
        <div className="notice notice-success" role="status" style={{ display: 'block' }}>
          <p style={{ marginTop: 0 }}>Copy this token now — it will not be shown again:</p>
          <div className="secret" aria-label="New token">
            {created}
          </div>
          <button
            type="button"
            className="button small"
            style={{ marginTop: 8 }}
            onClick={() => void navigator.clipboard?.writeText(created).then(() => setCopied(true), () => setCopied(false))}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      ) : m.message ? (
        <Notice kind="success">{m.message}</Notice>
      ) : null}
      <ErrorNotice error={m.error ?? tokens.error} onRetry={tokens.error ? tokens.reload : undefined} />
      <LoadedView
        state={tokens}
        skeleton={{ rows: 3, columns: 6 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="No API tokens">Create one below for a script or a CI job.</EmptyState>}
      >
        {(data) => (
          <table className="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Owner</th>
                <th>Role</th>
                <th>Prefix</th>
                <th>Expires</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.username}</td>
                  <td>{t.role}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.revoked_at ? `revoked ${formatDate(t.revoked_at)}` : formatDate(t.expires_at)}</td>
                  <td>{formatDate(t.last_used_at)}</td>
                  <td>
                    {!t.revoked_at ? (
                      <button type="button" className="button small danger" aria-label={`Revoke ${t.name}`} onClick={() => void m.run(() => api('DELETE', `/api/tokens/${t.id}`), `Token ${t.name} revoked.`)}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
      <form onSubmit={create} aria-label="New token" style={{ marginTop: 14 }}>
        <h3>New token</h3>
        <div className="form-grid">
          <Field label="Token name">
            <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="e.g. nightly-export" />
          </Field>
          <Field label="Role">
            <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
          <Field label="Expires after (days)" hint="Empty: never.">
            <input type="number" min={1} max={3650} value={form.expires_days} onChange={(e) => setForm({ ...form, expires_days: e.target.value })} />
          </Field>
        </div>
        <button type="submit" className="button primary">
          Create token
        </button>
      </form>
    </Card>
  );
}

type Policy = Record<(typeof SEVERITIES)[number], number | null>;

function SlaPolicy() {
  const policy = useApi<Policy>('/api/settings/sla');
  const m = useMutation(policy.reload);
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    if (policy.data) setValues(Object.fromEntries(SEVERITIES.map((s) => [s, policy.data![s] === null ? '' : String(policy.data![s])])));
  }, [policy.data]);

  async function save(event: FormEvent) {
    event.preventDefault();
    const body = Object.fromEntries(SEVERITIES.map((s) => [s, values[s] ? Number(values[s]) : null]));
    await m.run(() => api('PUT', '/api/settings/sla', body), 'SLA policy saved; due dates that came from it were recomputed.');
  }

  return (
    <Card title="SLA policy">
      <p className="muted">Days to fix a finding, counted from when it was first seen. Leave a severity empty for no due date.</p>
      {m.message ? <Notice kind="success">{m.message}</Notice> : null}
      <ErrorNotice error={m.error ?? policy.error} onRetry={policy.error ? policy.reload : undefined} />
      <LoadedView state={policy} skeleton={{ rows: 2, columns: 5 }}>
        {() => (
          <form onSubmit={save} aria-label="SLA policy">
            <div className="form-grid">
              {SEVERITIES.map((s) => (
                <Field key={s} label={`${s} (days)`}>
                  <input type="number" min={1} max={3650} value={values[s] ?? ''} onChange={(e) => setValues({ ...values, [s]: e.target.value })} />
                </Field>
              ))}
            </div>
            <button type="submit" className="button primary">
              Save SLA policy
            </button>
          </form>
        )}
      </LoadedView>
    </Card>
  );
}

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

function Audit() {
  const { params } = useRoute();
  const offset = Number(params.get('offset') ?? 0) || 0;
  const actor = params.get('actor') ?? '';
  const audit = useApi<{ items: AuditEntry[]; total: number }>(`/api/audit${query({ limit: 50, offset, actor })}`);
  return (
    <Card title="Audit log">
      <ErrorNotice error={audit.error} onRetry={audit.reload} />
      <LoadedView
        state={audit}
        skeleton={{ rows: 8, columns: 5 }}
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="Nothing audited yet">Sign-ins, user, token and settings changes are recorded here.</EmptyState>}
      >
        {(data) => (
          <>
            <table className="table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>From</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatDate(e.at)}</td>
                    <td>
                      <button type="button" className="button ghost small" onClick={() => updateParams({ actor: e.actor, offset: null })}>
                        {e.actor}
                      </button>
                    </td>
                    <td>{e.action}</td>
                    <td>{e.target ?? '—'}</td>
                    <td>{e.ip ?? '—'}</td>
                    <td className="small">{Object.keys(e.details).length ? JSON.stringify(e.details) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="row" style={{ marginTop: 10 }}>
              {actor ? (
                <button type="button" className="button small" onClick={() => updateParams({ actor: null, offset: null })}>
                  Show everyone
                </button>
              ) : null}
              <button type="button" className="button small" disabled={offset === 0} onClick={() => updateParams({ offset: offset > 50 ? String(offset - 50) : null })}>
                Newer
              </button>
              <button type="button" className="button small" disabled={offset + 50 >= data.total} onClick={() => updateParams({ offset: String(offset + 50) })}>
                Older
              </button>
            </div>
          </>
        )}
      </LoadedView>
    </Card>
  );
}

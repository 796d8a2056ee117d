/** Sign-in, or creating the first administrator on a new installation. */
import { type FormEvent, useState } from 'react';
import { useAuth } from '../auth';
import { ErrorNotice, Field } from '../components';

export function SignInPage({ mode }: { mode: 'setup' | 'sign-in' }) {
  const auth = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [pending, setPending] = useState(false);
  const setup = mode === 'setup';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (setup && password !== confirm) {
      setError(new Error('The two passwords differ. Type the same password twice.'));
      return;
    }
    setPending(true);
    try {
      if (setup) await auth.setup(username.trim(), password);
      else await auth.signIn(username.trim(), password);
    } catch (err) {
      setError(err);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="center-screen">
      <form className="card auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{setup ? 'Create the first administrator' : 'Sign in to HexTrackr'}</h1>
        {setup ? <p className="muted">This HexTrackr has no users yet. The account you create here can add the others.</p> : null}
        <Field label="Username">
          <input autoFocus autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </Field>
        <Field label="Password" hint={setup ? 'At least 12 characters.' : undefined}>
          <input type="password" autoComplete={setup ? 'new-password' : 'current-password'} required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {setup ? (
          <Field label="Repeat password">
            <input type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </Field>
        ) : null}
        <ErrorNotice error={error} />
        <button type="submit" className="button primary block" disabled={pending}>
          {pending ? 'Please wait…' : setup ? 'Create administrator' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}

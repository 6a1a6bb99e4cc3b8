// Sign-in: username and password against POST /api/v1/session. Every refusal shows the server's
// own words (wrong password, account locked until …, too many attempts from this address).
import { api, type SessionInfo } from '../api.ts';
import { Form, type FieldErrors, TextField, useForm } from '../components/Form.tsx';

interface Credentials {
  username: string;
  password: string;
}

function validate(v: Credentials): FieldErrors<Credentials> {
  const e: FieldErrors<Credentials> = {};
  if (!v.username.trim()) e.username = 'Enter your username.';
  if (!v.password) e.password = 'Enter your password.';
  return e;
}

export function SignInPage({
  notice,
  onSignedIn,
}: {
  notice?: string;
  onSignedIn: (s: SessionInfo) => void;
}) {
  const form = useForm<Credentials>({ username: '', password: '' }, validate);
  return (
    <main className="signin">
      <div className="signin-box">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Bulwark
        </div>
        <h1>Sign in to the console</h1>
        <p className="muted">Cyber security coordination for your federation of organizations.</p>
        {notice && !form.problem && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <Form
          form={form}
          label="Sign in"
          submitLabel="Sign in"
          busyLabel="Signing in…"
          onSubmit={async (v) => {
            const session = await api.session.signIn(v.username.trim(), v.password);
            form.reset();
            onSignedIn(session);
          }}
        >
          <TextField form={form} name="username" label="Username" autoComplete="username" required />
          <TextField
            form={form}
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
          />
        </Form>
        <p className="signin-foot muted">
          Machines use bearer API tokens; see the <a href="/api/docs">API reference</a>.
        </p>
      </div>
    </main>
  );
}

// API tokens: bearer tokens for machines, scoped to an organization and a role. The list never
// holds secrets; a new token's secret is shown once, here, with a copy button. Revoking asks first.
import { useEffect, useMemo, useRef, useState } from 'react';
import { type ApiError, type ApiToken, api, asApiError, type CreatedToken } from '../api.ts';
import { Badge, type Tone } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { type FieldErrors, Form, SelectField, TextField, useForm } from '../components/Form.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { hasRole, useSession } from '../session.tsx';
import { ROLE_OPTIONS } from './Users.tsx';

function tokenStatus(t: ApiToken, now: number): { label: string; tone: Tone } {
  if (t.revokedAt) return { label: 'Revoked', tone: 'bad' };
  if (new Date(t.expiresAt).getTime() <= now) return { label: 'Expired', tone: 'muted' };
  return { label: 'Active', tone: 'ok' };
}

export function TokensPage() {
  const { session } = useSession();
  const data = useLoad(() => Promise.all([api.tokens.list(), api.orgs.list()]), []);
  const [creating, setCreating] = useState(false);
  const [issued, setIssued] = useState<CreatedToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const tokens = data.data?.[0] ?? [];
  const orgs = data.data?.[1] ?? [];
  const orgName = useMemo(() => new Map(orgs.map((o) => [o.id, o.name])), [orgs]);
  const isAdmin = hasRole(session, 'admin');
  const now = Date.now();

  const columns = useMemo<Column<ApiToken>[]>(
    () => [
      { key: 'name', header: 'Name', value: (t) => t.name },
      { key: 'org', header: 'Organization', value: (t) => orgName.get(t.org) ?? t.org },
      { key: 'role', header: 'Role', value: (t) => t.role },
      {
        key: 'createdBy',
        header: 'Created by',
        // Tokens issued from the command line have no user behind them.
        value: (t) => t.createdBy?.username ?? 'local administrator',
        render: (t) => (t.createdBy ? <code>{t.createdBy.username}</code> : <em>local administrator</em>),
      },
      {
        key: 'status',
        header: 'Status',
        value: (t) => tokenStatus(t, now).label,
        render: (t) => {
          const s = tokenStatus(t, now);
          return <Badge tone={s.tone}>{s.label}</Badge>;
        },
      },
      {
        key: 'created',
        header: 'Created',
        value: (t) => t.createdAt,
        nowrap: true,
        render: (t) => formatDateTime(t.createdAt),
      },
      {
        key: 'expires',
        header: 'Expires',
        value: (t) => t.expiresAt,
        nowrap: true,
        render: (t) => formatDateTime(t.expiresAt),
      },
      {
        key: 'used',
        header: 'Last used',
        value: (t) => t.lastUsedAt,
        nowrap: true,
        render: (t) => formatDateTime(t.lastUsedAt),
      },
      {
        key: 'actions',
        header: '',
        sortable: false,
        align: 'right',
        value: () => null,
        render: (t) =>
          isAdmin && tokenStatus(t, now).label === 'Active' ? (
            <button
              type="button"
              className="button small danger"
              onClick={() => setRevoking(t)}
              aria-label={`Revoke ${t.name}`}
            >
              Revoke
            </button>
          ) : null,
      },
    ],
    [orgName, isAdmin, now],
  );

  return (
    <Page
      title="API tokens"
      subtitle="Bearer tokens let machines call the API for one organization with one role. Bulwark stores only their hash."
      actions={
        isAdmin && !creating ? (
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setCreating(true);
              setIssued(null);
              setNotice(null);
            }}
          >
            New token
          </button>
        ) : null
      }
    >
      <ProblemBanner error={data.error} />
      {notice && (
        <p className="notice success" role="status">
          {notice}
        </p>
      )}
      {issued && <IssuedToken issued={issued} onDone={() => setIssued(null)} />}
      {creating && (
        <NewToken
          orgs={orgs.map((o) => ({ value: o.id, label: `${'\u2003'.repeat(o.depth)}${o.name}` }))}
          defaultOrg={session.org.id}
          onCancel={() => setCreating(false)}
          onCreated={(t) => {
            setCreating(false);
            setIssued(t);
            data.reload();
          }}
        />
      )}
      <DataTable
        label="API tokens"
        rows={tokens}
        columns={columns}
        rowKey={(t) => t.id}
        initialSort={{ key: 'created', dir: 'desc' }}
        filterPlaceholder="Filter tokens…"
        loading={data.loading && !data.data}
        emptyMessage="No API tokens."
      />
      {revoking && (
        <ConfirmRevoke
          token={revoking}
          orgName={orgName.get(revoking.org) ?? revoking.org}
          onClose={() => setRevoking(null)}
          onRevoked={(t) => {
            setRevoking(null);
            setNotice(`Revoked the token ${t.name}. Requests that present it are refused from now on.`);
            data.reload();
          }}
        />
      )}
    </Page>
  );
}

function IssuedToken({ issued, onDone }: { issued: CreatedToken; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const secretRef = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.token);
      setCopied('yes');
    } catch {
      // Clipboard refused (insecure origin, permissions): select the text for a manual copy.
      const el = secretRef.current;
      if (el) window.getSelection()?.selectAllChildren(el);
      setCopied('failed');
    }
  };
  return (
    <Panel title="New token issued" className="issued-token">
      <p>
        <strong>Copy the token now: it is shown only once.</strong> Bulwark keeps only its hash and cannot
        show it again. It acts as <em>{issued.meta.role}</em> and expires{' '}
        {formatDateTime(issued.meta.expiresAt)}.
      </p>
      <div className="secret-row">
        <code className="secret" ref={secretRef} data-testid="issued-token">
          {issued.token}
        </code>
        <button type="button" className="button primary" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'failed' && (
        <p className="field-hint">The browser refused the clipboard; the token is selected, press Ctrl+C.</p>
      )}
      <p className="muted">
        Use it as <code>Authorization: Bearer …</code>.
      </p>
      <button type="button" className="button" onClick={onDone}>
        I have stored the token
      </button>
    </Panel>
  );
}

interface TokenForm {
  name: string;
  org: string;
  role: string;
  expiresInDays: string;
}

function validateToken(v: TokenForm): FieldErrors<TokenForm> {
  const e: FieldErrors<TokenForm> = {};
  if (!v.name.trim()) e.name = 'Name the token after what uses it, e.g. "SIEM export".';
  else if (v.name.trim().length > 100) e.name = 'At most 100 characters.';
  if (!v.org) e.org = 'Choose an organization.';
  if (!v.role) e.role = 'Choose a role.';
  const days = Number(v.expiresInDays);
  if (!/^\d+$/.test(v.expiresInDays.trim()) || days < 1 || days > 366)
    e.expiresInDays = 'Whole days, 1 to 366.';
  return e;
}

function NewToken({
  orgs,
  defaultOrg,
  onCancel,
  onCreated,
}: {
  orgs: { value: string; label: string }[];
  defaultOrg: string;
  onCancel: () => void;
  onCreated: (t: CreatedToken) => void;
}) {
  const form = useForm<TokenForm>(
    { name: '', org: defaultOrg, role: 'viewer', expiresInDays: '90' },
    validateToken,
  );
  return (
    <Panel title="New API token" className="form-panel">
      <Form
        form={form}
        label="New API token"
        submitLabel="Create token"
        busyLabel="Creating…"
        onCancel={onCancel}
        onSubmit={async (v) => {
          onCreated(
            await api.tokens.create({
              name: v.name.trim(),
              org: v.org,
              role: v.role as (typeof ROLE_OPTIONS)[number],
              expiresInDays: Number(v.expiresInDays),
            }),
          );
        }}
      >
        <TextField form={form} name="name" label="Name" required />
        <SelectField form={form} name="org" label="Organization" required options={orgs} />
        <SelectField
          form={form}
          name="role"
          label="Role"
          required
          options={ROLE_OPTIONS.map((r) => ({ value: r, label: r }))}
        />
        <TextField form={form} name="expiresInDays" label="Expires in (days)" type="number" required />
      </Form>
    </Panel>
  );
}

function ConfirmRevoke({
  token,
  orgName,
  onClose,
  onRevoked,
}: {
  token: ApiToken;
  orgName: string;
  onClose: () => void;
  onRevoked: (t: ApiToken) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      onRevoked(await api.tokens.revoke(token.id));
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} className="dialog" onClose={onClose} aria-labelledby="revoke-title">
      <h2 id="revoke-title">Revoke the token “{token.name}”?</h2>
      <p>
        It acts as <strong>{token.role}</strong> for <strong>{orgName}</strong>. Every machine that uses it
        loses access at once. This cannot be undone.
      </p>
      <ProblemBanner error={error} />
      <div className="form-actions">
        <button type="button" className="button danger" onClick={() => void revoke()} disabled={busy}>
          {busy ? 'Revoking…' : 'Revoke token'}
        </button>
        <button type="button" className="button" onClick={() => ref.current?.close()} disabled={busy}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

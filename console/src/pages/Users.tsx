// Users of the organizations the caller can see, in a sortable, filterable table, and the
// "New user" form for administrators.
import { useCallback, useMemo, useState } from 'react';
import { api, asApiError, type Organization, type Role, type User } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Field, type FieldErrors, Form, SelectField, TextField, useForm } from '../components/Form.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { hasRole, useSession } from '../session.tsx';

export const ROLE_OPTIONS = [
  'admin',
  'analyst',
  'responder',
  'reporter',
  'auditor',
  'viewer',
] as const satisfies readonly Role[];

const ROLE_HINTS: Record<Role, string> = {
  admin: 'manages the organization, its users and tokens',
  analyst: 'reads and writes records',
  responder: 'reads and writes records, handles incidents',
  reporter: 'reads and writes its own records, reports incidents',
  auditor: 'reads records and the audit trail',
  viewer: 'reads records',
};

function status(u: User): { label: string; tone: 'ok' | 'bad' | 'muted' } {
  if (u.disabled) return { label: 'Disabled', tone: 'muted' };
  if (u.locked) return { label: 'Locked', tone: 'bad' };
  return { label: 'Active', tone: 'ok' };
}

export function UsersPage() {
  const { session } = useSession();
  const data = useLoad(() => Promise.all([api.users.list(), api.orgs.list()]), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<User | null>(null);
  const users = data.data?.[0] ?? [];
  const orgs = data.data?.[1] ?? [];
  const orgName = useMemo(() => new Map(orgs.map((o) => [o.id, o.name])), [orgs]);
  const isAdmin = hasRole(session, 'admin');
  const [actionError, setActionError] = useState<unknown>(null);
  const reload = data.reload;
  const setDisabled = useCallback(
    async (u: User, disabled: boolean) => {
      setActionError(null);
      try {
        await api.users.update(u.id, { disabled });
        reload();
      } catch (e) {
        setActionError(e);
      }
    },
    [reload],
  );
  const unlock = useCallback(
    async (u: User) => {
      setActionError(null);
      try {
        await api.users.unlock(u.id);
        reload();
      } catch (e) {
        setActionError(e);
      }
    },
    [reload],
  );

  const columns = useMemo<Column<User>[]>(
    () => [
      {
        key: 'username',
        header: 'Username',
        value: (u) => u.username,
        render: (u) => <code>{u.username}</code>,
      },
      { key: 'name', header: 'Name', value: (u) => u.name },
      { key: 'org', header: 'Organization', value: (u) => orgName.get(u.org) ?? u.org },
      { key: 'roles', header: 'Roles', value: (u) => u.roles.join(', ') },
      {
        key: 'status',
        header: 'Status',
        value: (u) => status(u).label,
        render: (u) => <Badge tone={status(u).tone}>{status(u).label}</Badge>,
      },
      {
        key: 'created',
        header: 'Created',
        value: (u) => u.createdAt,
        nowrap: true,
        render: (u) => formatDateTime(u.createdAt),
      },
      ...(isAdmin
        ? [
            {
              key: 'actions',
              header: 'Actions',
              sortable: false,
              value: () => '',
              render: (u: User) =>
                u.id === session?.user.id ? null : (
                  <>
                    {u.locked && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => void unlock(u)}
                        aria-label={`Unlock ${u.username}`}
                      >
                        Unlock
                      </button>
                    )}{' '}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void setDisabled(u, !u.disabled)}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                  </>
                ),
            } satisfies Column<User>,
          ]
        : []),
    ],
    [orgName, isAdmin, session, setDisabled, unlock],
  );

  return (
    <Page
      title="Users"
      subtitle="People who sign in to the console, in the organizations your organization can see."
      actions={
        hasRole(session, 'admin') && !creating ? (
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setCreating(true);
              setCreated(null);
            }}
          >
            New user
          </button>
        ) : null
      }
    >
      <ProblemBanner error={data.error} />
      {actionError ? <ProblemBanner error={asApiError(actionError)} /> : null}
      {created && (
        <p className="notice success" role="status">
          Created user {created.username}. Give them their password through a separate channel.
        </p>
      )}
      {creating && (
        <NewUser
          orgs={orgs}
          defaultOrg={session.org.id}
          onCancel={() => setCreating(false)}
          onCreated={(u) => {
            setCreating(false);
            setCreated(u);
            data.reload();
          }}
        />
      )}
      <DataTable
        label="Users"
        rows={users}
        columns={columns}
        rowKey={(u) => u.id}
        initialSort={{ key: 'username', dir: 'asc' }}
        filterPlaceholder="Filter users…"
        loading={data.loading && !data.data}
        emptyMessage="No users."
      />
    </Page>
  );
}

interface UserForm {
  username: string;
  name: string;
  org: string;
  roles: Role[];
  password: string;
  confirm: string;
}

function validateUser(v: UserForm): FieldErrors<UserForm> {
  const e: FieldErrors<UserForm> = {};
  if (!/^[a-z0-9][a-z0-9._-]{2,63}$/.test(v.username))
    e.username = 'Lower case letters, digits, dot, dash or underscore; 3–64 characters.';
  if (!v.name.trim()) e.name = 'Enter the person’s name.';
  else if (v.name.trim().length > 200) e.name = 'At most 200 characters.';
  if (!v.org) e.org = 'Choose an organization.';
  if (v.roles.length === 0) e.roles = 'Choose at least one role.';
  if (v.password.length < 12) e.password = 'At least 12 characters.';
  else if (v.password.length > 256) e.password = 'At most 256 characters.';
  if (!e.password && v.confirm !== v.password) e.confirm = 'The passwords differ.';
  return e;
}

function NewUser({
  orgs,
  defaultOrg,
  onCancel,
  onCreated,
}: {
  orgs: Organization[];
  defaultOrg: string;
  onCancel: () => void;
  onCreated: (u: User) => void;
}) {
  const form = useForm<UserForm>(
    { username: '', name: '', org: defaultOrg, roles: ['viewer'], password: '', confirm: '' },
    validateUser,
  );
  const toggleRole = (r: Role, on: boolean) =>
    form.set('roles', on ? [...form.values.roles, r] : form.values.roles.filter((x) => x !== r));
  return (
    <Panel title="New user" className="form-panel">
      <Form
        form={form}
        label="New user"
        submitLabel="Create user"
        busyLabel="Creating…"
        onCancel={onCancel}
        onSubmit={async (v) => {
          onCreated(
            await api.users.create({
              username: v.username,
              name: v.name.trim(),
              org: v.org,
              roles: ROLE_OPTIONS.filter((r) => v.roles.includes(r)),
              password: v.password,
            }),
          );
        }}
      >
        <TextField form={form} name="username" label="Username" required autoComplete="off" />
        <TextField form={form} name="name" label="Full name" required autoComplete="off" />
        <SelectField
          form={form}
          name="org"
          label="Organization"
          required
          options={orgs.map((o) => ({ value: o.id, label: `${'\u2003'.repeat(o.depth)}${o.name}` }))}
        />
        <Field label="Roles" name="roles" error={form.errors.roles} required>
          {(p) => (
            <fieldset
              className="checks"
              id={p.id}
              aria-invalid={p['aria-invalid']}
              aria-describedby={p['aria-describedby']}
            >
              {ROLE_OPTIONS.map((r) => (
                <label key={r} title={ROLE_HINTS[r]}>
                  <input
                    type="checkbox"
                    name="roles"
                    value={r}
                    checked={form.values.roles.includes(r)}
                    onChange={(e) => toggleRole(r, e.target.checked)}
                  />{' '}
                  {r}
                </label>
              ))}
            </fieldset>
          )}
        </Field>
        <TextField
          form={form}
          name="password"
          label="Initial password"
          type="password"
          required
          autoComplete="new-password"
          hint="At least 12 characters."
        />
        <TextField
          form={form}
          name="confirm"
          label="Repeat the password"
          type="password"
          required
          autoComplete="new-password"
        />
      </Form>
    </Panel>
  );
}

// Organizations: the tree the caller may see (the server's access function decides), with a
// filter box and kind/sector filters that keep the matches and their ancestors, a detail panel of
// the selected organization with its users, and the "New organization" form for administrators.
import { type ReactNode, useMemo, useState } from 'react';
import { api, type CreateOrganization, type Organization, type OrgKind } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import {
  CheckboxField,
  type FieldErrors,
  Form,
  SelectField,
  TextField,
  useForm,
} from '../components/Form.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { hasRole, useSession } from '../session.tsx';

export const KIND_LABELS: Record<OrgKind, string> = {
  'coordination-centre': 'Coordination centre',
  'regional-authority': 'Regional authority',
  'sector-regulator': 'Sector regulator',
  operator: 'Operator',
};

// Within a parent: regional authorities, then regulators, then operators, each by name.
const KIND_ORDER: Record<OrgKind, number> = {
  'coordination-centre': 0,
  'regional-authority': 1,
  'sector-regulator': 2,
  operator: 3,
};
const nameOrder = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function byKindThenName(a: Organization, b: Organization): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || nameOrder.compare(a.name, b.name);
}

const CHILD_KINDS = [
  'regional-authority',
  'sector-regulator',
  'operator',
] as const satisfies readonly OrgKind[];

export function OrganizationsPage() {
  const { session } = useSession();
  const orgs = useLoad(() => api.orgs.list(), []);
  const [text, setText] = useState('');
  const [kind, setKind] = useState<OrgKind | ''>('');
  const [sector, setSector] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  // The caller's own organization is selected at first, so the details panel says where one stands.
  const [selectedId, setSelectedId] = useState<string | null>(session.org.id);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Organization | null>(null);

  const all = orgs.data ?? [];
  const byId = useMemo(() => new Map(all.map((o) => [o.id, o])), [all]);
  const sectors = useMemo(
    () => [...new Set(all.map((o) => o.sector).filter((s): s is string => Boolean(s)))].sort(),
    [all],
  );

  // Parent → children among the visible organizations; an organization whose parent the caller
  // cannot see (a regulator's operators, the caller's own organization) is a root of the view.
  const { roots, children } = useMemo(() => {
    const children = new Map<string, Organization[]>();
    const roots: Organization[] = [];
    for (const o of all) {
      if (o.parent && byId.has(o.parent)) {
        const list = children.get(o.parent) ?? [];
        list.push(o);
        children.set(o.parent, list);
      } else roots.push(o);
    }
    for (const list of children.values()) list.sort(byKindThenName);
    return { roots, children };
  }, [all, byId]);

  const filtering = text.trim() !== '' || kind !== '' || sector !== '';
  // While filtering: the matches, plus their ancestors (dimmed) so each match keeps its place.
  const { shownIds, matchIds } = useMemo(() => {
    if (!filtering) return { shownIds: null, matchIds: null };
    const words = text.toLowerCase().split(/\s+/).filter(Boolean);
    const matchIds = new Set<string>();
    const shownIds = new Set<string>();
    for (const o of all) {
      const hay = `${o.name} ${o.region} ${o.sector ?? ''}`.toLowerCase();
      if (kind && o.kind !== kind) continue;
      if (sector && o.sector !== sector) continue;
      if (!words.every((w) => hay.includes(w))) continue;
      matchIds.add(o.id);
      for (
        let p: Organization | undefined = o;
        p && !shownIds.has(p.id);
        p = p.parent ? byId.get(p.parent) : undefined
      )
        shownIds.add(p.id);
    }
    return { shownIds, matchIds };
  }, [all, byId, filtering, text, kind, sector]);

  const selected = selectedId ? byId.get(selectedId) : undefined;
  const isAdmin = hasRole(session, 'admin');

  const toggle = (id: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // A flat tree (ARIA's tree pattern with aria-level, not nested groups): each item's name is the
  // organization's name alone and its visible text the same (WCAG 2.5.3, label in name); the kind,
  // region, sector and CII mark sit beside the item and describe it (aria-describedby).
  const renderNode = (o: Organization, level: number): ReactNode[] => {
    if (shownIds && !shownIds.has(o.id)) return [];
    const kids = (children.get(o.id) ?? []).filter((k) => !shownIds || shownIds.has(k.id));
    const open = filtering || !collapsed.has(o.id);
    const dimmed = matchIds !== null && !matchIds.has(o.id);
    return [
      <div
        key={o.id}
        className={`tree-row${selectedId === o.id ? ' selected' : ''}${dimmed ? ' dimmed' : ''}`}
      >
        <div
          role="treeitem"
          className="tree-item"
          tabIndex={-1}
          aria-label={o.name}
          aria-describedby={`org-meta-${o.id}`}
          aria-level={level}
          aria-expanded={kids.length ? open : undefined}
          aria-selected={selectedId === o.id}
          data-org-id={o.id}
        >
          <span className="tree-indent" style={{ width: `${(level - 1) * 20}px` }} />
          {kids.length ? (
            <button
              type="button"
              className="tree-toggle"
              aria-label={`${open ? 'Collapse' : 'Expand'} ${o.name}`}
              onClick={() => toggle(o.id)}
              disabled={filtering}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span className="tree-toggle-space" />
          )}
          <button type="button" className="tree-name" onClick={() => setSelectedId(o.id)}>
            {o.name}
          </button>
        </div>
        <span className="tree-meta" id={`org-meta-${o.id}`}>
          <span className={`kind kind-${o.kind}`}>{KIND_LABELS[o.kind]}</span>
          <span className="region">{o.region}</span>
          <span className="sector">{o.sector ?? ''}</span>
          <span className="cii">
            {o.critical && (
              <Badge tone="warn" title="Critical information infrastructure operator">
                CII
              </Badge>
            )}
          </span>
        </span>
      </div>,
      ...(open ? kids.flatMap((k) => renderNode(k, level + 1)) : []),
    ];
  };

  const parents = all.filter((o) => o.kind !== 'operator');

  return (
    <Page
      title="Organizations"
      subtitle="The organizations your organization can see: its own, those below it, and for a sector regulator the operators of its sector."
      actions={
        isAdmin && !creating ? (
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setCreating(true);
              setCreated(null);
            }}
          >
            New organization
          </button>
        ) : null
      }
    >
      <ProblemBanner error={orgs.error} />
      {created && (
        <p className="notice success" role="status">
          Created {created.name}.
        </p>
      )}
      {creating && (
        <NewOrganization
          parents={parents}
          defaultParent={selected && selected.kind !== 'operator' ? selected : parents[0]}
          sectors={sectors}
          onCancel={() => setCreating(false)}
          onCreated={(o) => {
            setCreating(false);
            setCreated(o);
            setSelectedId(o.id);
            setText('');
            setKind('');
            setSector('');
            orgs.reload();
          }}
        />
      )}
      <div className="split">
        <Panel className="tree-panel">
          <div className="datatable-toolbar">
            <input
              type="search"
              className="filter"
              placeholder="Filter…"
              title="Matches name, region or sector"
              aria-label="Filter organizations"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as OrgKind | '')}>
              <option value="">All kinds</option>
              {Object.entries(KIND_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
            <select aria-label="Sector" value={sector} onChange={(e) => setSector(e.target.value)}>
              <option value="">All sectors</option>
              {sectors.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <span className="count" aria-live="polite">
              {orgs.loading && !orgs.data
                ? 'Loading…'
                : matchIds
                  ? `${matchIds.size} of ${all.length}`
                  : `${all.length} organization${all.length === 1 ? '' : 's'}`}
            </span>
            <div className="spacer" />
            <button
              type="button"
              className="button small"
              onClick={() => setCollapsed(new Set())}
              disabled={filtering}
            >
              Expand all
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => setCollapsed(new Set(children.keys()))}
              disabled={filtering}
            >
              Collapse all
            </button>
          </div>
          <div className="tree-head" aria-hidden="true">
            <span>Name</span>
            <span className="tree-meta">
              <span>Kind</span>
              <span>Region</span>
              <span>Sector</span>
              <span>CII</span>
            </span>
          </div>
          <div className="tree" role="tree" aria-label="Organization tree">
            {roots.flatMap((r) => renderNode(r, 1))}
          </div>
          {matchIds && matchIds.size === 0 && <p className="empty">No organization matches the filter.</p>}
        </Panel>
        <OrganizationDetail
          org={selected}
          parent={selected?.parent ? byId.get(selected.parent) : undefined}
          childCount={selected ? (children.get(selected.id)?.length ?? 0) : 0}
        />
      </div>
    </Page>
  );
}

function OrganizationDetail({
  org,
  parent,
  childCount,
}: {
  org: Organization | undefined;
  parent: Organization | undefined;
  childCount: number;
}) {
  const users = useLoad(() => (org ? api.users.list(org.id) : Promise.resolve([])), [org?.id]);
  if (!org) {
    return (
      <Panel title="Details" className="detail-panel">
        <p className="muted">Select an organization in the tree to see its details and users.</p>
      </Panel>
    );
  }
  return (
    <Panel title="Details" className="detail-panel">
      <h3 className="detail-name">{org.name}</h3>
      <dl className="props">
        <dt>Kind</dt>
        <dd>{KIND_LABELS[org.kind]}</dd>
        <dt>Parent</dt>
        <dd>{org.parent ? (parent?.name ?? 'not visible to you') : '— (top of the federation)'}</dd>
        <dt>Region</dt>
        <dd>{org.region}</dd>
        <dt>Sector</dt>
        <dd>{org.sector ?? '—'}</dd>
        <dt>Critical infrastructure</dt>
        <dd>{org.critical ? <Badge tone="warn">CII operator</Badge> : 'No'}</dd>
        <dt>Child organizations</dt>
        <dd>{childCount}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(org.createdAt)}</dd>
        {org.demo && (
          <>
            <dt>Data</dt>
            <dd>
              <Badge tone="info">Demo</Badge>
            </dd>
          </>
        )}
        <dt>Identifier</dt>
        <dd>
          <code className="id">{org.id}</code>
        </dd>
      </dl>
      <h4>Users</h4>
      <ProblemBanner error={users.error} />
      {users.data && users.data.length === 0 && <p className="muted">No users.</p>}
      {users.data && users.data.length > 0 && (
        <ul className="plain-list">
          {users.data.map((u) => (
            <li key={u.id}>
              <strong>{u.name}</strong> <code className="muted">{u.username}</code>{' '}
              <span className="muted">({u.roles.join(', ')})</span>
              {u.locked && (
                <>
                  {' '}
                  <Badge tone="bad">Locked</Badge>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

interface OrgForm {
  name: string;
  kind: string;
  parent: string;
  region: string;
  sector: string;
  critical: boolean;
}

// The schema's rules, checked before sending. Rules that depend on other records (the region must
// lie inside the parent's, an operator has no children, the caller may administer the parent) are
// the server's; its answer lands on the same fields.
function validateOrg(v: OrgForm): FieldErrors<OrgForm> {
  const e: FieldErrors<OrgForm> = {};
  if (!v.name.trim()) e.name = 'Enter a name.';
  else if (v.name.trim().length > 200) e.name = 'At most 200 characters.';
  if (!v.kind) e.kind = 'Choose a kind.';
  if (!v.parent) e.parent = 'Choose the parent organization.';
  if (!v.region.trim()) e.region = 'Enter a region code.';
  else if (!/^[A-Z]{2}(-[A-Z0-9]{1,8})*$/.test(v.region.trim()))
    e.region = 'Upper-case code with dash-separated parts, e.g. BW-N-01.';
  if (v.sector.trim() && !/^[a-z][a-z0-9-]{1,31}$/.test(v.sector.trim()))
    e.sector = 'Lower-case key, e.g. energy or water-supply.';
  else if (!v.sector.trim() && (v.kind === 'sector-regulator' || v.kind === 'operator'))
    e.sector = `A ${KIND_LABELS[v.kind as OrgKind].toLowerCase()} needs a sector.`;
  return e;
}

function NewOrganization({
  parents,
  defaultParent,
  sectors,
  onCancel,
  onCreated,
}: {
  parents: Organization[];
  defaultParent: Organization | undefined;
  sectors: string[];
  onCancel: () => void;
  onCreated: (o: Organization) => void;
}) {
  const form = useForm<OrgForm>(
    {
      name: '',
      kind: 'operator',
      parent: defaultParent?.id ?? '',
      region: defaultParent?.region ?? '',
      sector: '',
      critical: false,
    },
    validateOrg,
  );
  const parentRegion = parents.find((p) => p.id === form.values.parent)?.region;
  return (
    <Panel title="New organization" className="form-panel">
      <Form
        form={form}
        label="New organization"
        submitLabel="Create organization"
        busyLabel="Creating…"
        onCancel={onCancel}
        onSubmit={async (v) => {
          const input: CreateOrganization = {
            name: v.name.trim(),
            kind: v.kind as CreateOrganization['kind'],
            parent: v.parent,
            region: v.region.trim(),
            critical: v.critical,
          };
          if (v.sector.trim()) input.sector = v.sector.trim();
          onCreated(await api.orgs.create(input));
        }}
      >
        <TextField form={form} name="name" label="Name" required />
        <SelectField
          form={form}
          name="kind"
          label="Kind"
          required
          options={CHILD_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
        />
        <SelectField
          form={form}
          name="parent"
          label="Parent organization"
          required
          options={parents.map((p) => ({ value: p.id, label: `${'\u2003'.repeat(p.depth)}${p.name}` }))}
          onChange={(id) => {
            const p = parents.find((x) => x.id === id);
            if (p && !form.values.region) form.set('region', p.region);
          }}
        />
        <TextField
          form={form}
          name="region"
          label="Region code"
          required
          hint={parentRegion ? `${parentRegion} or a region inside it (${parentRegion}-…)` : undefined}
        />
        <TextField
          form={form}
          name="sector"
          label="Sector"
          list="known-sectors"
          hint="Required for sector regulators and operators."
        />
        <datalist id="known-sectors">
          {sectors.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <CheckboxField form={form} name="critical" label="Critical information infrastructure operator" />
      </Form>
    </Panel>
  );
}

// Assets: the list of critical assets the caller can see, a form to register one, and for each
// asset its detail — properties, the components of its current SBOM with the dependency tree,
// the SBOM history, its open exposures, and an upload of a new SBOM version.
import { type ReactNode, useMemo, useState } from 'react';
import { api, asApiError } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
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
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import {
  type Asset,
  type Exposure,
  KevBadge,
  type ListOf,
  readJsonFile,
  type Sbom,
  type SbomDetail,
  type SbomImportResult,
  SeverityBadge,
  StatusBadge,
  uploadSbom,
} from './assets/shared.tsx';

const CRITICALITY_TONE = { low: 'muted', medium: 'info', high: 'warn', critical: 'bad' } as const;

export function AssetsPage() {
  const { pathname } = useLocation();
  const id = pathname.split('/')[2];
  return id ? <AssetDetail id={decodeURIComponent(id)} /> : <AssetList />;
}

function AssetList() {
  const { session } = useSession();
  const data = useLoad(
    () => Promise.all([api.get<ListOf<Asset>>('/api/v1/assets', { limit: '500' }), api.orgs.list()]),
    [],
  );
  const [creating, setCreating] = useState(false);
  const [uploading, setUploading] = useState(false);
  const assets = data.data?.[0].items ?? [];
  const orgName = useMemo(() => new Map((data.data?.[1] ?? []).map((o) => [o.id, o.name])), [data.data]);
  const canWrite = session.user.roles.some((r) => r !== 'viewer' && r !== 'auditor');

  const columns = useMemo<Column<Asset>[]>(
    () => [
      {
        key: 'name',
        header: 'Asset',
        value: (a) => a.name,
        render: (a) => <Link to={`/assets/${a.id}`}>{a.name}</Link>,
      },
      { key: 'org', header: 'Organization', value: (a) => orgName.get(a.org) ?? a.org },
      {
        key: 'criticality',
        header: 'Criticality',
        value: (a) => ['low', 'medium', 'high', 'critical'].indexOf(a.criticality),
        render: (a) => (
          <>
            <Badge tone={CRITICALITY_TONE[a.criticality]}>{a.criticality}</Badge>{' '}
            {a.criticalInfrastructure && <Badge tone="warn">CII</Badge>}
          </>
        ),
      },
      { key: 'internet', header: 'Internet-facing', value: (a) => (a.internetFacing ? 'yes' : 'no') },
      { key: 'sector', header: 'Sector', value: (a) => a.sector ?? '—' },
      { key: 'region', header: 'Region', value: (a) => a.region, nowrap: true },
      {
        key: 'sbom',
        header: 'SBOM',
        value: (a) => (a.currentSbom ? 'yes' : 'none'),
        render: (a) => (a.currentSbom ? <Badge tone="ok">imported</Badge> : <Badge tone="muted">none</Badge>),
      },
      {
        key: 'updated',
        header: 'Updated',
        value: (a) => a.updatedAt,
        nowrap: true,
        render: (a) => formatDateTime(a.updatedAt),
      },
    ],
    [orgName],
  );

  return (
    <Page
      title="Assets"
      subtitle="Critical assets and the software inside them, for the organizations you can see."
      actions={
        canWrite && !creating && !uploading ? (
          <>
            <button type="button" className="button" onClick={() => setUploading(true)}>
              Import SBOM
            </button>{' '}
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              New asset
            </button>
          </>
        ) : null
      }
    >
      <ProblemBanner error={data.error} />
      {creating && (
        <NewAsset
          onCancel={() => setCreating(false)}
          onCreated={(a) => {
            setCreating(false);
            navigate(`/assets/${a.id}`);
          }}
        />
      )}
      {uploading && (
        <Panel title="Import an SBOM">
          <SbomUpload
            askName
            onCancel={() => setUploading(false)}
            onImported={(r) => {
              setUploading(false);
              navigate(`/assets/${r.asset.id}`);
            }}
          />
        </Panel>
      )}
      <DataTable
        label="Assets"
        rows={assets}
        columns={columns}
        rowKey={(a) => a.id}
        loading={data.loading}
        initialSort={{ key: 'criticality', dir: 'desc' }}
        emptyMessage="No assets yet. Register one, or import an SBOM for a new asset."
        onRowClick={(a) => navigate(`/assets/${a.id}`)}
      />
    </Page>
  );
}

interface NewAssetValues {
  name: string;
  kind: string;
  criticality: string;
  criticalInfrastructure: boolean;
  domains: string;
  addresses: string;
}

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

function NewAsset({ onCancel, onCreated }: { onCancel: () => void; onCreated: (a: Asset) => void }) {
  const form = useForm<NewAssetValues>(
    {
      name: '',
      kind: 'system',
      criticality: 'medium',
      criticalInfrastructure: false,
      domains: '',
      addresses: '',
    },
    (v) => {
      const e: FieldErrors<NewAssetValues> = {};
      if (!v.name.trim()) e.name = 'Give the asset a name.';
      return e;
    },
  );
  return (
    <Panel title="New asset" className="form-panel">
      <Form
        form={form}
        label="New asset"
        submitLabel="Register asset"
        onCancel={onCancel}
        onSubmit={async (v) => {
          const a = await api.post<Asset>('/api/v1/assets', {
            name: v.name.trim(),
            kind: v.kind,
            criticality: v.criticality,
            criticalInfrastructure: v.criticalInfrastructure,
            domains: list(v.domains),
            addresses: list(v.addresses),
          });
          onCreated(a);
        }}
      >
        <TextField form={form} name="name" label="Name" required />
        <TextField form={form} name="kind" label="Kind" hint="system, application, device, network …" />
        <SelectField
          form={form}
          name="criticality"
          label="Criticality"
          options={['low', 'medium', 'high', 'critical'].map((c) => ({ value: c, label: c }))}
        />
        <CheckboxField
          form={form}
          name="criticalInfrastructure"
          label="Critical information infrastructure"
        />
        <TextField form={form} name="domains" label="Public domains" hint="Separated by spaces or commas." />
        <TextField
          form={form}
          name="addresses"
          label="Public IP addresses"
          hint="IPv4 or IPv6, separated by spaces or commas."
        />
      </Form>
    </Panel>
  );
}

/** Uploads the chosen CycloneDX or SPDX JSON file, for an existing asset or a named (new) one. */
function SbomUpload({
  asset,
  askName,
  onImported,
  onCancel,
}: {
  asset?: string;
  askName?: boolean;
  onImported: (r: SbomImportResult) => void;
  onCancel?: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setError(null);
    if (!file) return setError(new Error('Choose a CycloneDX or SPDX JSON file.'));
    if (askName && !name.trim()) return setError(new Error('Name the asset the SBOM belongs to.'));
    setBusy(true);
    try {
      const doc = await readJsonFile(file);
      onImported(await uploadSbom(asset ? { asset } : { name: name.trim() }, doc));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="form"
      aria-label="Import SBOM"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      <div className="form-fields">
        {askName && (
          <div className="field">
            <label htmlFor="sbom-asset">Asset name</label>
            <input id="sbom-asset" value={name} onChange={(e) => setName(e.target.value)} />
            <div className="field-hint">An asset of your organization; created when it does not exist.</div>
          </div>
        )}
        <div className="field">
          <label htmlFor="sbom-file">SBOM file</label>
          <input
            id="sbom-file"
            type="file"
            accept=".json,application/json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <div className="field-hint">CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON, up to 50 MB.</div>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function AssetDetail({ id }: { id: string }) {
  const { session } = useSession();
  const data = useLoad(
    () =>
      Promise.all([
        api.get<Asset>(`/api/v1/assets/${encodeURIComponent(id)}`),
        api.get<{ items: Sbom[] }>(`/api/v1/assets/${encodeURIComponent(id)}/sboms`),
        api.get<ListOf<Exposure>>('/api/v1/exposures', {
          asset: id,
          status: 'open,acknowledged,mitigated',
          // The ten most urgent; the queue has the rest.
          limit: '10',
        }),
      ]),
    [id],
  );
  const [sbomId, setSbomId] = useState<string | null>(null);
  const [imported, setImported] = useState<SbomImportResult | null>(null);
  const asset = data.data?.[0];
  const history = data.data?.[1].items ?? [];
  const exposures = data.data?.[2];
  const shownSbom = sbomId ?? asset?.currentSbom ?? null;
  const detail = useLoad(
    () =>
      shownSbom
        ? api.get<SbomDetail>(`/api/v1/sboms/${encodeURIComponent(shownSbom)}`)
        : Promise.resolve(null),
    [shownSbom],
  );
  const canWrite = asset !== undefined && session.user.roles.some((r) => r !== 'viewer' && r !== 'auditor');

  if (data.error)
    return (
      <Page title="Asset">
        <ProblemBanner error={data.error} />
        <p>
          <Link to="/assets">Back to the assets</Link>
        </p>
      </Page>
    );
  if (!asset) return <Page title="Asset">{<p className="muted">Loading…</p>}</Page>;

  return (
    <Page
      title={asset.name}
      subtitle={
        <>
          <Link to="/assets">Assets</Link> · {asset.kind} · {asset.region}
          {asset.sector ? ` · ${asset.sector}` : ''}
        </>
      }
    >
      {imported && (
        <p className="notice success" role="status">
          Imported SBOM version {imported.sbom.seq} with {imported.sbom.componentCount} components:{' '}
          {imported.exposures.opened} exposures opened, {imported.exposures.reopened} reopened,{' '}
          {imported.exposures.resolved} resolved.
        </p>
      )}
      <div className="split">
        <div>
          <Panel title={`Exposures (${exposures?.total ?? 0} unresolved)`}>
            <ExposureMiniTable rows={exposures?.items ?? []} />
            <p>
              <Link to={`/exposures?asset=${asset.id}`}>
                {(exposures?.total ?? 0) > (exposures?.items.length ?? 0)
                  ? `All ${exposures?.total} in the exposure queue`
                  : 'Open the exposure queue for this asset'}
              </Link>
            </p>
          </Panel>
          <Panel title="Components">
            {detail.error && <ProblemBanner error={detail.error} />}
            {detail.data ? (
              <ComponentsView detail={detail.data} />
            ) : (
              <p className="muted">{shownSbom ? 'Loading…' : 'No SBOM imported yet.'}</p>
            )}
          </Panel>
        </div>
        <div className="detail-panel">
          <Panel title="Properties">
            <dl className="props">
              <dt>Criticality</dt>
              <dd>
                <Badge tone={CRITICALITY_TONE[asset.criticality]}>{asset.criticality}</Badge>
              </dd>
              <dt>Critical infrastructure</dt>
              <dd>{asset.criticalInfrastructure ? 'yes' : 'no'}</dd>
              <dt>Domains</dt>
              <dd>{asset.domains.join(', ') || '—'}</dd>
              <dt>IP addresses</dt>
              <dd>{asset.addresses.join(', ') || '—'}</dd>
              <dt>Registered</dt>
              <dd>{formatDateTime(asset.createdAt)}</dd>
            </dl>
          </Panel>
          <Panel title="SBOM history">
            {history.length === 0 ? (
              <p className="muted">None yet.</p>
            ) : (
              <ul className="plain-list">
                {history.map((s) => (
                  <li key={s.id}>
                    <button
                      type="button"
                      className="link-button"
                      aria-current={s.id === shownSbom ? 'true' : undefined}
                      onClick={() => setSbomId(s.id)}
                    >
                      v{s.seq}
                    </button>{' '}
                    {s.format} {s.specVersion}, {s.componentCount} components, {formatDateTime(s.importedAt)}
                    {s.id === asset.currentSbom && ' (current)'}
                  </li>
                ))}
              </ul>
            )}
          </Panel>
          {canWrite && (
            <Panel title="Import a new SBOM version">
              <SbomUpload
                asset={asset.id}
                onImported={(r) => {
                  setImported(r);
                  setSbomId(null);
                  data.reload();
                }}
              />
            </Panel>
          )}
        </div>
      </div>
    </Page>
  );
}

function ExposureMiniTable({ rows }: { rows: Exposure[] }) {
  const columns = useMemo<Column<Exposure>[]>(
    () => [
      {
        key: 'advisory',
        header: 'Advisory',
        value: (e) => e.advisory,
        render: (e) => <Link to={`/advisories/${encodeURIComponent(e.advisory)}`}>{e.advisory}</Link>,
      },
      { key: 'package', header: 'Package', value: (e) => `${e.package}@${e.version}` },
      {
        key: 'severity',
        header: 'Severity',
        value: (e) => e.priority,
        render: (e) => (
          <>
            <KevBadge kev={e.kev} /> <SeverityBadge rating={e.severity.rating} score={e.severity.score} />
          </>
        ),
      },
      { key: 'due', header: 'Due', value: (e) => e.due, nowrap: true },
      {
        key: 'status',
        header: 'Status',
        value: (e) => e.status,
        render: (e) => <StatusBadge status={e.status} />,
      },
    ],
    [],
  );
  return (
    <DataTable
      label="Exposures of the asset"
      rows={rows}
      columns={columns}
      rowKey={(e) => e.id}
      initialSort={{ key: 'severity', dir: 'desc' }}
      emptyMessage="No unresolved exposures."
    />
  );
}

type ComponentRow = SbomDetail['components'][number];

function ComponentsView({ detail }: { detail: SbomDetail }) {
  const [view, setView] = useState<'table' | 'tree'>('table');
  const columns = useMemo<Column<ComponentRow>[]>(
    () => [
      { key: 'name', header: 'Name', value: (c) => c.name },
      { key: 'version', header: 'Version', value: (c) => c.version ?? '—', nowrap: true },
      { key: 'ecosystem', header: 'Ecosystem', value: (c) => c.ecosystem ?? '—' },
      {
        key: 'relation',
        header: 'Dependency',
        value: (c) => c.relation,
        render: (c) => <Badge tone={c.relation === 'direct' ? 'info' : 'muted'}>{c.relation}</Badge>,
      },
      { key: 'licenses', header: 'Licences', value: (c) => c.licenses.join(', ') || '—' },
      {
        key: 'purl',
        header: 'purl',
        value: (c) => c.purl ?? '—',
        render: (c) => (c.purl ? <code>{c.purl}</code> : '—'),
      },
    ],
    [],
  );
  return (
    <>
      <p>
        SBOM v{detail.sbom.seq}: {detail.sbom.format} {detail.sbom.specVersion}, {detail.components.length}{' '}
        components
        {detail.sbom.warnings.length > 0 && (
          <>
            , <Badge tone="warn">{detail.sbom.warnings.length} warnings</Badge>
          </>
        )}
        .{' '}
        <button
          type="button"
          className="link-button"
          onClick={() => setView(view === 'table' ? 'tree' : 'table')}
        >
          {view === 'table' ? 'Show dependency tree' : 'Show table'}
        </button>
      </p>
      {detail.sbom.warnings.length > 0 && (
        <ul className="plain-list muted">
          {detail.sbom.warnings.slice(0, 20).map((w) => (
            <li key={w.pointer + w.message}>
              <code>{w.pointer}</code> {w.message}
            </li>
          ))}
        </ul>
      )}
      {view === 'table' ? (
        <DataTable label="Components" rows={detail.components} columns={columns} rowKey={(c) => c.ref} />
      ) : (
        <DependencyTree detail={detail} />
      )}
    </>
  );
}

/** The dependency graph from the subject down, each component once (a repeat is marked, not expanded). */
function DependencyTree({ detail }: { detail: SbomDetail }) {
  const byRef = useMemo(() => new Map(detail.components.map((c) => [c.ref, c])), [detail]);
  const roots = detail.dependencies.direct.length
    ? detail.dependencies.direct
    : detail.components.filter((c) => !c.parentRef).map((c) => c.ref);
  const seen = new Set<string>();
  const render = (ref: string, depth: number): ReactNode => {
    const c = byRef.get(ref);
    const label = c ? `${c.name}${c.version ? `@${c.version}` : ''}` : ref;
    if (seen.has(ref) || depth > 12)
      return (
        <li key={`${ref}-${depth}-again`} className="muted">
          {label} (see above)
        </li>
      );
    seen.add(ref);
    const children = detail.dependencies.edges[ref] ?? [];
    return (
      <li key={ref}>
        {label}
        {children.length > 0 && <ul>{children.map((r) => render(r, depth + 1))}</ul>}
      </li>
    );
  };
  if (roots.length === 0) return <p className="muted">The SBOM has no dependency graph.</p>;
  return <ul className="dependency-tree">{roots.slice(0, 500).map((r) => render(r, 0))}</ul>;
}

// The exposure views of issue 14: the counts at the top of the queue (status, severity, KEV),
// the queue grouped by asset and component with the advisories folded under each (paged on the
// server with a cursor: "Show more" asks for the next page), and the remediation view ("these 3
// upgrades close 120 exposures"), per component and per asset.
import { Fragment, useEffect, useState } from 'react';
import { api, asApiError, type ExposureCounts, type GroupPage, type Remediation } from '../../api.ts';
import { Badge } from '../../components/Badge.tsx';
import { IntelBadge } from './exploitation.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { useLoad } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import {
  type ExposureStatus,
  KevBadge,
  STATUS_LABELS,
  SeverityBadge,
  StatusBadge,
} from '../assets/shared.tsx';

type Group = GroupPage['items'][number];
const SEVERITY_ORDER = ['Critical', 'High', 'Medium', 'Low', 'None', 'unknown'];

/** Counts of the filtered exposures: total, KEV, by status and by severity. */
export function CountsBar({ filters }: { filters: Record<string, string> }) {
  const key = JSON.stringify(filters);
  const counts = useLoad(() => api.get<ExposureCounts>('/api/v1/exposures/counts', filters), [key]);
  const c = counts.data;
  if (!c) return <ProblemBanner error={counts.error} />;
  return (
    <section className="tallies" aria-label="Exposure counts">
      <div className="tally">
        <span className="tally-n">{c.total}</span> exposures
      </div>
      <div className="tally tally-kev">
        <span className="tally-n">{c.kev}</span> known exploited (KEV)
      </div>
      <div className="tally">
        {SEVERITY_ORDER.filter((s) => c.bySeverity[s]).map((s) => (
          <span key={s} className="tally-part">
            <SeverityBadge rating={s} score={null} /> {c.bySeverity[s]}
          </span>
        ))}
      </div>
      <div className="tally">
        {Object.entries(c.byStatus).map(([s, n]) => (
          <span key={s} className="tally-part">
            {STATUS_LABELS[s as ExposureStatus] ?? s}: {n}
          </span>
        ))}
      </div>
    </section>
  );
}

/** The queue grouped by asset and component, most urgent group first, a server page at a time. */
export function GroupedExposures({ filters }: { filters: Record<string, string> }) {
  const key = JSON.stringify(filters);
  const [groups, setGroups] = useState<Group[]>([]);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());

  const load = async (cursor: string | null, reset: boolean) => {
    setLoading(true);
    try {
      const page = await api.get<GroupPage>('/api/v1/exposures/groups', {
        ...filters,
        limit: '50',
        ...(cursor ? { cursor } : {}),
      });
      setGroups((g) => (reset ? page.items : [...g, ...page.items]));
      setTotal(page.total);
      setNext(page.next);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the filters change
  useEffect(() => {
    setOpen(new Set());
    void load(null, true);
  }, [key]);

  const keyOf = (g: Group) => `${g.asset} ${g.ecosystem} ${g.package} ${g.version}`;
  const toggle = (k: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  return (
    <>
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      <p className="muted" aria-live="polite">
        {loading && groups.length === 0
          ? 'Loading…'
          : `${groups.length} of ${total} asset components with exposures, most urgent first.`}
      </p>
      <table className="table view-table" aria-label="Exposure groups">
        <thead>
          <tr>
            <th scope="col">Priority</th>
            <th scope="col">Asset</th>
            <th scope="col">Component</th>
            <th scope="col">Advisories</th>
            <th scope="col">Earliest due</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const k = keyOf(g);
            const expanded = open.has(k);
            const worst = g.exposures[0];
            return (
              <Fragment key={k}>
                <tr>
                  <td>
                    <KevBadge kev={g.kev} />{' '}
                    {worst && <SeverityBadge rating={worst.severity.rating} score={worst.severity.score} />}
                  </td>
                  <td>
                    <Link to={`/assets/${g.asset}`}>{g.assetName || g.asset}</Link>
                  </td>
                  <td title={g.purl ?? undefined}>
                    {g.package}@<strong>{g.version}</strong> <span className="muted">{g.ecosystem}</span>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      aria-expanded={expanded}
                      aria-label={`${expanded ? 'Hide' : 'Show'} the ${g.count} ${g.count === 1 ? 'advisory' : 'advisories'} of ${g.package}@${g.version} on ${g.assetName}`}
                      onClick={() => toggle(k)}
                    >
                      {expanded ? '▾' : '▸'} {g.count} {g.count === 1 ? 'advisory' : 'advisories'}
                    </button>
                  </td>
                  <td className="nowrap">{g.due}</td>
                </tr>
                {expanded && (
                  <tr className="folded">
                    <td colSpan={5}>
                      <ul className="folded-list" aria-label={`Advisories of ${g.package}@${g.version}`}>
                        {g.exposures.map((e) => (
                          <li key={e.id}>
                            <KevBadge kev={e.kev} /> <IntelBadge exploitation={e.exploitation} />{' '}
                            <SeverityBadge rating={e.severity.rating} score={e.severity.score} />{' '}
                            {e.severitySource?.via === 'alias' && (
                              <span className="muted">(CVSS of alias {e.severitySource.advisory}) </span>
                            )}
                            <Link to={`/advisories/${encodeURIComponent(e.advisory)}`}>{e.advisory}</Link>{' '}
                            {e.aliases.length > 0 && <span className="muted">{e.aliases.join(', ')}</span>}{' '}
                            {e.epss && (
                              <span title={`FIRST EPSS of ${e.epss.cve}`}>
                                EPSS {(e.epss.score * 100).toFixed(1)}% (p
                                {Math.round(e.epss.percentile * 100)}){' '}
                              </span>
                            )}
                            <StatusBadge status={e.status} />{' '}
                            <span title={`Due-date rule: ${e.dueRule}`}>
                              due {e.due} <span className="muted">({e.dueRule})</span>
                            </span>
                            {e.vex && (
                              <span className="vex">
                                {' '}
                                VEX {e.vex.status.replace('_', ' ')}
                                {e.vex.justification ? ` (${e.vex.justification})` : ''}
                                {e.vex.author ? ` by ${e.vex.author}` : ''}
                                {e.vex.statement ? `: ${e.vex.statement}` : ''}
                              </span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {!loading && groups.length === 0 && <p className="muted">No exposures match these filters.</p>}
      {next && (
        <button type="button" className="button" disabled={loading} onClick={() => void load(next, false)}>
          {loading ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

/** Which upgrades close the most exposures, per component and per asset. */
export function RemediationView({ asset }: { asset?: string }) {
  const r = useLoad(
    () => api.get<Remediation>('/api/v1/exposures/remediation', asset ? { asset } : {}),
    [asset ?? ''],
  );
  if (!r.data) return r.error ? <ProblemBanner error={r.error} /> : <p className="muted">Loading…</p>;
  const { totals, components, assets } = r.data;
  const target = (u: Pick<Remediation['components'][number], 'fixedIn' | 'partial'>) =>
    u.fixedIn ?? (u.partial ? `${u.partial.version} (partial)` : null);
  return (
    <>
      <p className="notice" role="status">
        <strong>
          {totals.upgrades} upgrade{totals.upgrades === 1 ? ' closes' : 's close'} {totals.closes} of{' '}
          {totals.exposures} unfixed exposures
        </strong>
        {totals.noFix > 0 &&
          `; ${totals.noFix} component${totals.noFix === 1 ? ' has' : 's have'} no known fix`}
        .
      </p>
      <h2 className="panel-title">Upgrades, most exposures closed first</h2>
      <table className="table view-table" aria-label="Upgrades">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Running</th>
            <th scope="col">Upgrade to</th>
            <th scope="col">Closes</th>
            <th scope="col">Assets</th>
          </tr>
        </thead>
        <tbody>
          {components.map((c) => (
            <tr key={`${c.ecosystem} ${c.package} ${c.version}`}>
              <td title={c.purl ?? undefined}>
                <KevBadge kev={c.kev} /> {c.package} <span className="muted">{c.ecosystem}</span>
              </td>
              <td>{c.version}</td>
              <td>
                {target(c) ?? <Badge tone="bad">No fix</Badge>}
                {c.unfixed.length > 0 && <div className="muted">not fixed: {c.unfixed.join(', ')}</div>}
              </td>
              <td>
                {c.closes} of {c.exposures}
              </td>
              <td>{c.assets.map((a) => a.name).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 className="panel-title">Per asset</h2>
      <table className="table view-table" aria-label="Upgrades per asset">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col">Upgrades</th>
            <th scope="col">Closes</th>
          </tr>
        </thead>
        <tbody>
          {assets.map((a) => (
            <tr key={a.asset}>
              <td>
                <Link to={`/assets/${a.asset}`}>{a.assetName || a.asset}</Link>
              </td>
              <td>
                {a.upgrades.map((u) => `${u.package} ${u.version} → ${target(u) ?? 'no fix'}`).join('; ')}
              </td>
              <td>
                {a.closes} of {a.exposures}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

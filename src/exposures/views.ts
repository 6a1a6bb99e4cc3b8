// The exposure views people act on (issue 14): remediation advice (which upgrades close which
// exposures), the queue grouped by asset and component with a keyset cursor, and the counts at
// the top of the list. Everything goes through the shared access rule (visibleOrgsSql); the
// advisories' ranges come from the engine's index, so advice and matching never disagree.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { ExposureEngine } from './engine.ts';
import { packageKey } from './match-index.ts';
import { presentExposure } from './presenters.ts';
import { type OpenAdvisory, planUpgrade } from './remediation.ts';
import type { ExposureRow } from './repo.ts';
import * as views from './views-repo.ts';
import type {
  AssetUpgrade,
  ComponentUpgrade,
  ExposureCounts,
  ExposureGroup,
  GroupPage,
  Remediation,
  VexEvidence,
} from './views-schema.ts';

const visibleTo = (actor: Actor) => (col: string, params: unknown[]) => visibleOrgsSql(actor, col, params);

function encodeCursor(c: views.GroupCursor): string {
  return Buffer.from(JSON.stringify([c.top, c.due, c.asset, c.ecosystem, c.name, c.version])).toString(
    'base64url',
  );
}

function decodeCursor(text: string): views.GroupCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 6 &&
      Number.isInteger(v[0]) &&
      /^\d{4}-\d{2}-\d{2}$/.test(String(v[1])) &&
      /^[0-9a-f-]{36}$/.test(String(v[2])) &&
      v.slice(3).every((x) => typeof x === 'string')
    )
      return { top: v[0], due: v[1], asset: v[2], ecosystem: v[3], name: v[4], version: v[5] };
  } catch {
    // fall through: reported below
  }
  throw errors.unprocessable('The cursor is not one this server issued.', [
    { pointer: '#querystring/cursor', detail: 'pass the `next` value of the previous page unchanged' },
  ]);
}

export class ExposureViews {
  constructor(
    private readonly db: Database,
    private readonly engine: ExposureEngine,
  ) {}

  private openAdvisories(ecosystem: string, normalizedName: string, ids: string[]): OpenAdvisory[] {
    const key = packageKey(ecosystem, normalizedName);
    return ids.map((id) => ({
      id,
      entries: (this.engine.index.advisory(id)?.entries ?? [])
        .filter((e) => e.key === key)
        .map((e) => ({ matcher: e.matcher, input: e.input })),
    }));
  }

  private async learnNames(rows: { assetId: string; advisoryId?: string }[]): Promise<void> {
    // learnFactsOf reads only the asset and advisory ids of the rows it is given.
    await this.engine.learnFactsOf(
      rows.map((r) => ({ assetId: r.assetId, advisoryId: r.advisoryId ?? '' })) as unknown as ExposureRow[],
    );
  }

  /** The upgrades that close the actor's unfixed exposures, per component and per asset. */
  async remediation(
    actor: Actor,
    f: { asset?: string; assets?: string[]; org?: string; limit?: number },
  ): Promise<Remediation> {
    await this.engine.ready();
    const limit = f.limit ?? 200;
    // Components are read in full up to a generous bound; the answer lists `limit` of each kind.
    const rows = await views.vulnerableComponents(this.db, visibleTo(actor), f, 20_000);
    await this.learnNames(rows);
    const byComponent = new Map<string, ComponentUpgrade>();
    const byAsset = new Map<string, Remediation['assets'][number]>();
    let exposures = 0;
    for (const r of rows) {
      const plan = planUpgrade(
        r.ecosystem,
        r.version,
        this.openAdvisories(r.ecosystem, r.normalizedName, r.advisories),
      );
      const closes = plan.fixedIn ? r.advisories.length : (plan.partial?.clears.length ?? 0);
      exposures += r.advisories.length;
      const upgrade: AssetUpgrade = {
        ecosystem: r.ecosystem,
        package: r.package,
        purl: r.purl,
        version: r.version,
        fixedIn: plan.fixedIn,
        partial: plan.partial,
        closes,
        exposures: r.advisories.length,
        advisories: r.advisories,
        unfixed: plan.unfixed,
        kev: r.kev,
      };
      const assetName = this.engine.assetFacts(r.assetId)?.name ?? '';
      let a = byAsset.get(r.assetId);
      if (!a) {
        a = { asset: r.assetId, assetName, closes: 0, exposures: 0, upgrades: [] };
        byAsset.set(r.assetId, a);
      }
      a.upgrades.push(upgrade);
      a.closes += closes;
      a.exposures += r.advisories.length;
      const k = `${r.ecosystem}\u0000${r.normalizedName}\u0000${r.version}`;
      const c = byComponent.get(k);
      if (!c) byComponent.set(k, { ...upgrade, assets: [{ id: r.assetId, name: assetName }] });
      else {
        c.closes += closes;
        c.exposures += r.advisories.length;
        c.kev ||= r.kev;
        c.advisories = [...new Set([...c.advisories, ...r.advisories])].sort();
        c.assets.push({ id: r.assetId, name: assetName });
      }
    }
    const components = [...byComponent.values()].sort(
      (x, y) => Number(y.kev) - Number(x.kev) || y.closes - x.closes || x.package.localeCompare(y.package),
    );
    for (const a of byAsset.values())
      a.upgrades.sort((x, y) => Number(y.kev) - Number(x.kev) || y.closes - x.closes);
    const assets = [...byAsset.values()].sort(
      (x, y) => y.closes - x.closes || x.assetName.localeCompare(y.assetName),
    );
    const useful = components.filter((c) => c.closes > 0);
    return {
      totals: {
        upgrades: useful.length,
        closes: useful.reduce((n, c) => n + c.closes, 0),
        exposures,
        noFix: components.filter((c) => c.fixedIn === null).length,
      },
      components: components.slice(0, limit),
      assets: assets.slice(0, limit),
      truncated: rows.length >= 20_000 || components.length > limit || assets.length > limit,
    };
  }

  /** The queue grouped by asset and component, a page at a time (keyset cursor). */
  async groups(
    actor: Actor,
    f: views.ViewFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<GroupPage> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? decodeCursor(page.cursor) : undefined;
    const visible = visibleTo(actor);
    const { groups, total } = await views.listGroups(this.db, visible, f, { limit, after });
    const rows = await views.exposuresOfGroups(this.db, visible, f, groups);
    await this.engine.learnFactsOf(rows);
    const vex = new Map(
      (
        await views.vexEvidenceOf(
          this.db,
          rows.map((r) => r.id),
        )
      ).map((v) => [v.exposureId, v]),
    );
    const of = new Map<string, ExposureGroup['exposures']>();
    for (const r of rows) {
      const k = `${r.assetId}\u0000${r.ecosystem}\u0000${r.normalizedName}\u0000${r.version}`;
      const list = of.get(k) ?? [];
      of.set(k, list);
      const v = vex.get(r.id);
      list.push({ ...presentExposure(r, this.engine.namesOf(r)), vex: v ? presentVex(v) : null });
    }
    const items = groups.map(
      (g): ExposureGroup => ({
        asset: g.assetId,
        assetName: this.engine.assetFacts(g.assetId)?.name ?? '',
        ecosystem: g.ecosystem,
        package: g.package,
        version: g.version,
        purl: g.purl,
        priority: g.top,
        due: g.due,
        kev: g.kev,
        count: g.count,
        exposures:
          of.get(`${g.assetId}\u0000${g.ecosystem}\u0000${g.normalizedName}\u0000${g.version}`) ?? [],
      }),
    );
    const last = groups.at(-1);
    const next =
      last && groups.length === limit
        ? encodeCursor({
            top: last.top,
            due: last.due,
            asset: last.assetId,
            ecosystem: last.ecosystem,
            name: last.normalizedName,
            version: last.version,
          })
        : null;
    return { items, total, next };
  }

  /** Counts of the filtered exposures by status, severity and KEV. */
  async counts(actor: Actor, f: views.ViewFilter): Promise<ExposureCounts> {
    const out: ExposureCounts = { total: 0, kev: 0, byStatus: {}, bySeverity: {} };
    for (const r of await views.countsOf(this.db, visibleTo(actor), f)) {
      out.total += r.n;
      if (r.kev) out.kev += r.n;
      out.byStatus[r.status] = (out.byStatus[r.status] ?? 0) + r.n;
      out.bySeverity[r.rating] = (out.bySeverity[r.rating] ?? 0) + r.n;
    }
    return out;
  }
}

export function presentVex(v: views.VexEvidenceRow): VexEvidence {
  return {
    status: v.status,
    justification: v.justification,
    statement: v.impactStatement ?? v.actionStatement,
    author: v.author,
    format: v.format,
    document: v.documentId,
    statementId: v.statementId,
  };
}

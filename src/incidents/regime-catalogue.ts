// The statutory regimes as data: every version of every regime, stored in incident_regimes and
// committed to the ledger (`kind` `incident-regime`, id the regime's, version its number). The
// shipped regimes (regimes.ts) are seeded as version 1 the first time the catalogue is read. An
// edit is a new version; an incident keeps the id and version it was opened under, so the
// deadlines of a filed incident never move because a regime changed.
//
// The catalogue is read whole (a few regimes, a few versions each) and kept in memory: a version,
// once stored, never changes, so a lookup by id and version is always right from the cache; "the
// newest version" is reloaded after a short while, so a version stored by another server is used
// within seconds.
import { type Actor, isRoot } from '../access/index.ts';
import { createAjv, toSchemaErrors } from '../formats/index.ts';
import { commitRecord } from '../ledger/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import { type Regime, regimeIssues } from './deadlines.ts';
import { REGIMES } from './regimes.ts';
import * as repo from './repo.ts';
import { RegimeDefinition, type RegimeDetail, type RegimeVersion } from './schema.ts';

/** How long the newest versions are trusted before the catalogue is read again. */
const MAX_AGE_MS = 2000;

/** Who owns the regimes: administrators of the coordination centre (docs/incidents.md). */
export function mayEditRegimes(actor: Actor): boolean {
  return isRoot(actor.org) && actor.roles.includes('admin');
}

interface Stored {
  regime: Regime;
  createdBy: string;
  createdAt: Date;
}

const checkShape = createAjv({ strict: false }).compile(RegimeDefinition);

/** The regime from a definition as stored or written (the version is the catalogue's). */
function toRegime(d: RegimeDefinition, version: number): Regime {
  return {
    id: d.id,
    version,
    title: d.title,
    entities: d.entities,
    sources: d.sources,
    stages: d.stages.map((s) => ({
      ...s,
      anchor: 'stage' in s.anchor ? { stage: s.anchor.stage } : { event: s.anchor.event },
    })),
    grading: d.grading ?? null,
  };
}

/** The definition of a regime as it is stored and committed (no version: that is the row's). */
export function definitionOf(r: Regime): RegimeDefinition {
  const { version: _v, ...rest } = r;
  return JSON.parse(JSON.stringify({ ...rest, grading: r.grading ?? null })) as RegimeDefinition;
}

/**
 * Checks a definition an administrator wrote: its shape, then its meaning. Answers the regime or
 * throws 422 with a pointer per problem.
 */
export function parseDefinition(input: unknown): RegimeDefinition {
  if (!checkShape(input))
    throw errors.unprocessable('The regime is not well formed.', toSchemaErrors(checkShape.errors));
  const d = input as RegimeDefinition;
  const issues = regimeIssues(toRegime(d, 1));
  if (issues.length) throw errors.unprocessable(`The regime ${d.id} does not hold together.`, issues);
  return d;
}

export class RegimeCatalogue {
  private cache: { at: number; byId: Map<string, Stored[]> } | undefined;
  private loading: Promise<Map<string, Stored[]>> | undefined;

  constructor(
    private readonly db: Database,
    /** The organization the seeded versions are committed under (the coordination centre). */
    private readonly rootId: () => Promise<string | undefined>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every regime's versions, oldest first; seeds the shipped ones when they are missing. */
  private async load(fresh = false): Promise<Map<string, Stored[]>> {
    const c = this.cache;
    if (c && !fresh && Date.now() - c.at < MAX_AGE_MS) return c.byId;
    this.loading ??= (async () => {
      try {
        let rows = await repo.regimeVersions(this.db);
        const have = new Set(rows.filter((r) => r.version === 1).map((r) => r.id));
        const missing = REGIMES.filter((r) => !have.has(r.id));
        if (missing.length && (await this.seed(missing))) rows = await repo.regimeVersions(this.db);
        const byId = new Map<string, Stored[]>();
        for (const row of rows) {
          const list = byId.get(row.id) ?? [];
          byId.set(row.id, list);
          list.push({
            regime: toRegime(row.definition as RegimeDefinition, row.version),
            createdBy: row.createdBy,
            createdAt: new Date(row.createdAt),
          });
        }
        // A database without a federation yet cannot hold the commitments: the shipped ones serve.
        for (const r of missing)
          if (!byId.has(r.id)) byId.set(r.id, [{ regime: r, createdBy: 'bulwark', createdAt: new Date(0) }]);
        this.cache = { at: Date.now(), byId };
        return byId;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Stores the shipped regimes missing as version 1, each with its ledger commitment. */
  private async seed(missing: readonly Regime[]): Promise<boolean> {
    const root = await this.rootId();
    if (!root) return false;
    const at = this.clock();
    await this.db.transaction(async (tx) => {
      for (const r of missing) {
        const definition = definitionOf(r);
        // Another server may seed at the same moment: the key decides, and only the winner commits.
        if (
          !(await repo.insertRegimeVersion(tx, {
            id: r.id,
            version: 1,
            definition,
            createdBy: 'bulwark',
            createdAt: at,
          }))
        )
          continue;
        await commitRecord(tx, {
          kind: 'incident-regime',
          id: r.id,
          version: 1,
          org: root,
          at,
          record: { id: r.id, version: 1, definition, by: 'bulwark' },
        });
      }
    });
    return true;
  }

  /** The newest version of each regime. */
  async current(): Promise<Regime[]> {
    return [...(await this.load()).values()].map((v) => v.at(-1)!.regime);
  }

  /** The newest version of a regime, or undefined. */
  async latest(id: string): Promise<Regime | undefined> {
    return (await this.load()).get(id)?.at(-1)?.regime;
  }

  /** A version of a regime (what an incident was opened under). */
  async version(id: string, version: number): Promise<Regime | undefined> {
    const find = (m: Map<string, Stored[]>) => m.get(id)?.find((s) => s.regime.version === version)?.regime;
    // Versions never change: the cache is right whenever it has it; otherwise it may be new.
    return (this.cache && find(this.cache.byId)) ?? find(await this.load(true));
  }

  /** A regime's versions (the newest, or `version`) as the API shows them; 404 when unknown. */
  async detail(id: string, version?: number): Promise<RegimeDetail> {
    const all = (await this.load()).get(id);
    const pick = version === undefined ? all?.at(-1) : all?.find((s) => s.regime.version === version);
    if (!all || !pick)
      throw errors.notFound(version === undefined ? 'The regime' : 'That version of the regime');
    return {
      current: RegimeCatalogue.present(pick),
      versions: all.map((s) => ({
        version: s.regime.version,
        createdAt: s.createdAt.toISOString(),
        createdBy: s.createdBy,
      })),
    };
  }

  /** Every regime's newest version with its definition. */
  async list(): Promise<RegimeVersion[]> {
    return [...(await this.load()).values()].map((v) => RegimeCatalogue.present(v.at(-1)!));
  }

  private static present(s: Stored): RegimeVersion {
    return {
      id: s.regime.id,
      version: s.regime.version,
      createdAt: s.createdAt.toISOString(),
      createdBy: s.createdBy,
      definition: definitionOf(s.regime),
      receipt: {
        href: `/api/v1/ledger/receipts?kind=incident-regime&id=${encodeURIComponent(s.regime.id)}&version=${s.regime.version}`,
      },
    };
  }

  /**
   * Stores a regime as its next version (`create`: a new id, version 1; `update`: an existing
   * one's next), committed to the ledger in the same transaction. Only the centre's administrators.
   */
  async save(actor: Actor, input: unknown, mode: 'create' | 'update', id?: string): Promise<RegimeVersion> {
    if (!mayEditRegimes(actor))
      throw errors.forbidden("Only the coordination centre's administrators edit the reporting regimes.");
    const d = parseDefinition(input);
    if (id !== undefined && d.id !== id)
      throw errors.unprocessable(`The body describes ${d.id}, not ${id}.`, [
        { pointer: '/id', detail: `must be ${id}` },
      ]);
    await this.load(true); // seeds the shipped regimes before their first edit
    const root = await this.rootId();
    if (!root) throw errors.conflict('The database has no coordination centre yet.');
    const at = this.clock();
    const saved = await this.db.transaction(async (tx) => {
      const latest = await repo.latestRegimeVersion(tx, d.id);
      if (mode === 'create' && latest > 0)
        throw errors.conflict(
          `The regime ${d.id} exists; PUT /api/v1/incidents/regimes/${d.id} makes a new version.`,
        );
      if (mode === 'update' && latest === 0) throw errors.notFound('The regime');
      const version = latest + 1;
      if (
        !(await repo.insertRegimeVersion(tx, {
          id: d.id,
          version,
          definition: d,
          createdBy: actor.id,
          createdAt: at,
        }))
      )
        throw errors.conflict(`Version ${version} of ${d.id} was stored meanwhile; send the edit again.`);
      await commitRecord(tx, {
        kind: 'incident-regime',
        id: d.id,
        version,
        org: root,
        at,
        record: { id: d.id, version, definition: d, by: actor.id },
      });
      return version;
    });
    await this.load(true);
    return RegimeCatalogue.present({ regime: toRegime(d, saved), createdBy: actor.id, createdAt: at });
  }
}

// The matcher's life cycle: built from the live indicators in the database at start (a Worker),
// followed after each local commit (after-commit hooks put, replace or drop indicators), and
// rebuilt when another process changed the indicators (a poll of the indicator change counter, as
// the exposure index polls its fingerprint) or when enough expired ones have piled up. Each indicator carries a marking handle; the
// marking table resolves it to what the TLP clause of the access rule needs.
import { type Actor, canSeeMarked, type Marked, type OrgRef, TLP_LEVELS } from '../access/index.ts';
import type { Database } from '../platform/db/types.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { IndicatorMatcher, type MatchHit } from './matcher/matcher.ts';
import * as repo from './repo.ts';
import { type ObservationExpression, PatternError } from './stix/pattern.ts';
import type { Observable } from './stix/observables.ts';

interface MarkingEntry {
  tlp: number;
  orgId: string;
  authorUser: string | null;
  shareOrgs: string[];
  namedUsers: string[];
}

export class IntelEngine {
  matcher = new IndicatorMatcher();
  private markings: MarkingEntry[] = [];
  private markingIndex = new Map<string, number>();
  /** The indicator change counter (repo.indicatorChanges) this matcher reflects. */
  private changes = -1;
  private built = false;

  constructor(
    private readonly db: Database,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly log?: Logger,
  ) {}

  private markingOf(i: repo.IndicatorRow): number {
    const key = `${i.tlp}|${i.orgId}|${i.authorUser ?? ''}|${i.shareOrgs.join(',')}|${i.namedUsers.join(',')}`;
    let m = this.markingIndex.get(key);
    if (m === undefined) {
      m = this.markings.length;
      this.markings.push({
        tlp: i.tlp,
        orgId: i.orgId,
        authorUser: i.authorUser,
        shareOrgs: i.shareOrgs,
        namedUsers: i.namedUsers,
      });
      this.markingIndex.set(key, m);
    }
    return m;
  }

  /** Puts (or, revoked, removes) one indicator; returns the pattern's warnings. */
  apply(i: repo.IndicatorRow, parsed?: ObservationExpression): string[] {
    if (i.patternType !== 'stix' || i.revoked) {
      this.matcher.remove(i.stixId);
      return [];
    }
    try {
      return this.matcher.put({
        id: i.stixId,
        pattern: i.pattern,
        validFrom: new Date(i.validFrom).getTime(),
        validUntil: i.validUntil ? new Date(i.validUntil).getTime() : null,
        revoked: i.revoked,
        marking: this.markingOf(i),
        parsed,
      });
    } catch (err) {
      if (err instanceof PatternError) return [err.message];
      throw err;
    }
  }

  async rebuild(): Promise<{ indicators: number; ms: number }> {
    const t0 = performance.now();
    const changes = await repo.indicatorChanges(this.db);
    const fresh = new IntelEngine(this.db, this.orgRef, this.log);
    for await (const page of repo.readIndicators(this.db)) for (const i of page) fresh.apply(i);
    this.matcher = fresh.matcher;
    this.markings = fresh.markings;
    this.markingIndex = fresh.markingIndex;
    this.changes = changes;
    this.built = true;
    return { indicators: this.matcher.size, ms: performance.now() - t0 };
  }

  async ensureBuilt(): Promise<void> {
    if (!this.built) await this.rebuild();
  }

  /** Rebuilds when the database's indicators changed behind this process's back. */
  async refreshIfChanged(): Promise<boolean> {
    if ((await repo.indicatorChanges(this.db)) === this.changes) return false;
    await this.rebuild();
    return true;
  }

  /**
   * After a local commit: the process's own writes do not need a rebuild. `changes`: the change
   * counter the write left (repo.upsertIndicators); when it is the next after the one this matcher
   * reflects, nothing else was written between, and the counter is followed without reading the
   * database; otherwise another write came between and the next poll rebuilds. `parsed`: the
   * patterns the ingest's validation parsed already, by row.
   */
  followLocalWrite(
    rows: readonly repo.IndicatorRow[],
    changes: number | null,
    parsed?: ReadonlyMap<repo.IndicatorRow, ObservationExpression>,
  ): void {
    for (const r of rows) this.apply(r, parsed?.get(r));
    if (changes !== null && changes === this.changes + 1) this.changes = changes;
  }

  /** The marked-record view of a hit's indicator, for the TLP clause. */
  async marked(marking: number, cache: Map<string, OrgRef | undefined>): Promise<Marked | undefined> {
    const m = this.markings[marking];
    if (!m) return undefined;
    const ref = async (id: string) => {
      if (!cache.has(id)) cache.set(id, await this.orgRef(id));
      return cache.get(id);
    };
    const org = await ref(m.orgId);
    if (!org) return undefined;
    const shareOrgs: OrgRef[] = [];
    for (const id of m.shareOrgs) {
      const o = await ref(id);
      if (o) shareOrgs.push(o);
    }
    return { tlp: TLP_LEVELS[m.tlp]!, org, authorUser: m.authorUser, shareOrgs, namedUsers: m.namedUsers };
  }

  /** Hits the actor may see (the TLP clause on each indicator). */
  async visibleHits(
    actor: Actor,
    observables: readonly Observable[],
  ): Promise<(MatchHit & { id: string })[]> {
    await this.ensureBuilt();
    const hits = this.matcher.match(observables);
    const cache = new Map<string, OrgRef | undefined>();
    const byMarking = new Map<number, boolean>();
    const out: (MatchHit & { id: string })[] = [];
    for (const h of hits) {
      const mk = this.matcher.markingOf(h.indicator);
      let ok = byMarking.get(mk);
      if (ok === undefined) {
        const m = await this.marked(mk, cache);
        ok = m !== undefined && canSeeMarked(actor, m);
        byMarking.set(mk, ok);
      }
      if (ok) out.push({ ...h, id: this.matcher.idOf(h.indicator) });
    }
    return out;
  }

  worker(): Worker {
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        if (!(await this.refreshIfChanged())) {
          // Expired indicators already never match; drop them once they are a tenth of the index.
          const expired = this.matcher.expiredIds(Date.now());
          if (expired.length > 0 && expired.length * 10 >= this.matcher.size) await this.rebuild();
        }
      } catch (err) {
        this.log?.warn({ err }, 'could not refresh the indicator matcher');
      }
    };
    return {
      name: 'intel-matcher',
      start: async () => {
        const r = await this.rebuild();
        this.log?.info({ indicators: r.indicators, ms: Math.round(r.ms) }, 'indicator matcher built');
        timer = setInterval(() => void tick(), 5_000);
        timer.unref();
      },
      stop: async () => {
        clearInterval(timer);
      },
    };
  }
}

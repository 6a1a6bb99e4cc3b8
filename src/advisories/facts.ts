// What other domains may know of advisories, and what the advisories domain asks of others. The
// exposure engine reads active advisories and their facts (severity, aliases, KEV due date)
// through these functions, never through the advisory tables, and implements `AdvisoryMatching`,
// which the composition root (src/app/context.ts) hands to AdvisoryService: advisories own their
// writes and their transaction, and call the matcher inside it.
import type { Actor } from '../access/index.ts';
import type { Queryable, Tx } from '../platform/db/types.ts';
import type { OsvAdvisory } from './import/index.ts';
import * as repo from './repo.ts';

/** An advisory's facts as exposures are ranked by them (score as a number). */
export interface AdvisoryFacts {
  id: string;
  aliases: string[];
  score: number | null;
  rating: string | null;
  kevDue: string | null;
  /**
   * Where the score came from: the advisory itself, or (it carries no CVSS) another imported
   * advisory that shares an alias (CVE, GHSA); null without a score.
   */
  severitySource: { advisory: string; via: 'advisory' | 'alias' } | null;
  /** FIRST EPSS of the advisory's CVE (the highest when it names several); null when none is imported. */
  epss: { cve: string; score: number; percentile: number; date: string | null } | null;
}

/** What a matcher reports of one write. */
export interface AdvisoryMatchCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  /**
   * The same counts per organization id, so that an answer reports only what its caller may see
   * (an advisory changes exposures across the federation).
   */
  byOrg: ReadonlyMap<string, ExposureChangeCounts>;
}

export interface ExposureChangeCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
}

/** The matcher the advisories domain calls inside its own transactions. */
export interface AdvisoryMatching {
  /** Runs a write that matches: one at a time in this process, once the matcher is ready. */
  serialise<T>(write: () => Promise<T>): Promise<T>;
  /** New, updated or withdrawn advisories stored in `tx`: find their components, reconcile. */
  advisoriesStored(
    tx: Tx,
    list: { advisory: OsvAdvisory; facts: AdvisoryFacts }[],
  ): Promise<AdvisoryMatchCounts>;
  /** Advisories whose KEV status or due date changed in `tx`: re-rank their exposures. */
  advisoryFactsChanged(tx: Tx, facts: AdvisoryFacts[]): Promise<AdvisoryMatchCounts>;
}

/** The affected assets shown with an advisory: those the actor may see (the exposure queue). */
export interface AffectedAssets<E> {
  list(actor: Actor, advisoryId: string, limit: number): Promise<{ items: E[]; total: number }>;
}

export function toAdvisoryFacts(f: repo.AdvisoryFactsRow): AdvisoryFacts {
  const own = f.severityScore !== null;
  const alias = own ? null : f.aliasSeverity;
  return {
    id: f.id,
    aliases: f.aliases,
    score: own ? Number(f.severityScore) : alias ? Number(alias.score) : null,
    rating: own ? f.severityRating : (alias?.rating ?? null),
    kevDue: f.kevDue,
    severitySource: own
      ? { advisory: f.id, via: 'advisory' }
      : alias
        ? { advisory: alias.advisory, via: 'alias' }
        : null,
    epss: f.epss
      ? {
          cve: f.epss.cve,
          score: Number(f.epss.score),
          percentile: Number(f.epss.percentile),
          date: f.epss.date,
        }
      : null,
  };
}

/** The facts of some advisories, or of all of them. */
export async function readAdvisoryFacts(db: Queryable, ids?: string[]): Promise<AdvisoryFacts[]> {
  return (await repo.advisoryFacts(db, ids)).map(toAdvisoryFacts);
}

/** Every advisory document not withdrawn, page by page. */
export function readActiveAdvisories(db: Queryable): AsyncGenerator<OsvAdvisory[]> {
  return repo.activeAdvisoryDocs(db);
}

/** Changes when advisories change (another process's writes). */
export function advisoriesFingerprint(db: Queryable): Promise<string> {
  return repo.advisoriesFingerprint(db);
}

/** Changes when the KEV catalogue or EPSS scores change (another process's imports). */
export function advisoryFactsFingerprint(db: Queryable): Promise<string> {
  return repo.advisoryFactsFingerprint(db);
}

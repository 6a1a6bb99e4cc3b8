// The advisories domain: OSV advisories and the CISA KEV catalogue. The coordination centre,
// regional authorities and regulators import them; everyone signed in reads them (they are
// public data); the affected assets shown with an advisory go through the shared access rules.
// An import stores only advisories that are new or newer (`modified`) than the stored version,
// and lets the matcher (the exposure engine, injected as `AdvisoryMatching`) find the affected
// components in that same transaction.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitRecord } from '../ledger/index.ts';
import { type AdvisoryFacts, type AdvisoryMatching, type AffectedAssets, toAdvisoryFacts } from './facts.ts';
import { type Actor, assertRoleGrants } from '../access/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import {
  type KevCatalog,
  MAX_KEV_BYTES,
  MAX_OSV_FILE_BYTES,
  type OsvAdvisory,
  type OsvFileError,
  type OsvImportedAdvisory,
  type OsvLimits,
  parseKev,
  parseOsv,
  readOsv,
} from './import/index.ts';
import { assertNoNul, convert, ImportError, parseJsonInput, problemOf } from '../formats/index.ts';
import * as repo from './repo.ts';

export interface OsvImportSummary {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  withdrawn: number;
  failed: { source: string; kind: string; message: string; errors: { pointer: string; detail: string }[] }[];
  exposures: { opened: number; reopened: number; resolved: number; updated: number };
}

export interface KevImportSummary {
  catalogVersion: string;
  entries: number;
  advisoriesMarked: number;
  exposures: { opened: number; reopened: number; resolved: number; updated: number };
}

export interface AdvisorySummary {
  id: string;
  modified: string;
  published: string | null;
  withdrawn: string | null;
  aliases: string[];
  summary: string | null;
  severity: { score: number | null; rating: string; vector: string | null };
  kev: { due: string } | null;
  packages: string[];
  version: number;
}

/** One advisory with the affected assets the caller may see (`E`: how the matcher presents them). */
export interface AdvisoryDetail<E = unknown> extends AdvisorySummary {
  details: string | null;
  references: { type: string; url: string }[];
  affected: OsvAdvisory['affected'];
  exposures: E[];
  exposureCount: number;
}

/** The highest CVSS score an advisory carries (top level or per package), or null. */
export function severityOf(a: OsvAdvisory): { score: number; rating: string; vector: string } | null {
  let best: { score: number; rating: string; vector: string } | null = null;
  for (const s of [...a.severity, ...a.affected.flatMap((x) => x.severity)]) {
    if (s.cvss && (!best || s.cvss.score > best.score))
      best = { score: s.cvss.score, rating: s.cvss.rating, vector: s.cvss.vector };
  }
  return best;
}

function packagesOf(a: OsvAdvisory): string[] {
  const set = new Set<string>();
  for (const x of a.affected) if (x.package) set.add(`${x.package.ecosystem}/${x.package.name}`);
  return [...set];
}

function present(r: repo.AdvisoryRow & { kevDue: string | null }): AdvisorySummary {
  const score = r.severityScore === null ? null : Number(r.severityScore);
  return {
    id: r.id,
    modified: new Date(r.modified).toISOString(),
    published: r.published ? new Date(r.published).toISOString() : null,
    withdrawn: r.withdrawn ? new Date(r.withdrawn).toISOString() : null,
    aliases: r.aliases,
    summary: r.summary,
    severity: { score, rating: r.severityRating ?? 'unknown', vector: r.severityVector },
    kev: r.kevDue ? { due: r.kevDue } : null,
    packages: r.packages,
    version: r.version,
  };
}

/** A JSON array of OSV entries sent in one request (an ecosystem's entries are better sent as a zip). */
const OSV_ARRAY_BYTES = 200 * 1024 * 1024;

/** Only organizations that publish or relay advisories may import them. */
function assertMayImport(actor: Actor): void {
  assertRoleGrants(actor, 'write');
  if (actor.org.kind === 'operator')
    throw errors.forbidden(
      'Advisories and the KEV catalogue are imported by the coordination centre, regional authorities and regulators.',
    );
}

export class AdvisoryService<E = unknown> {
  constructor(
    private readonly db: Database,
    private readonly matching: AdvisoryMatching,
    private readonly affected: AffectedAssets<E>,
  ) {}

  /** A write that matches: the advisories' transaction, serialised with the matcher's other writes. */
  private write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.matching.serialise(() => this.db.transaction(fn));
  }

  /** Imports OSV files, directories or zip archives from the local file system (the CLI). */
  async importOsvPaths(
    actor: Actor,
    paths: string[],
    limits: Partial<OsvLimits> = {},
  ): Promise<OsvImportSummary> {
    assertMayImport(actor);
    let read: Awaited<ReturnType<typeof readOsv>>;
    try {
      read = await readOsv(paths, limits);
    } catch (err) {
      if (err instanceof ImportError) throw problemOf(err, limits.maxFileBytes ?? MAX_OSV_FILE_BYTES);
      throw err;
    }
    return this.store(actor, read.advisories, read.errors);
  }

  /** Imports an upload: one OSV JSON document, a JSON array of them, or a zip archive. */
  async importOsvUpload(actor: Actor, body: Buffer, zip: boolean): Promise<OsvImportSummary> {
    assertMayImport(actor);
    if (!zip) {
      const text = body.toString('utf8').trimStart();
      if (text.startsWith('[')) {
        const docs = convert(OSV_ARRAY_BYTES, () => parseJsonInput(text, OSV_ARRAY_BYTES, 'The OSV array'));
        if (!Array.isArray(docs)) throw errors.unprocessable('Expected a JSON array of OSV entries.');
        const advisories: OsvImportedAdvisory[] = [];
        const failed: OsvFileError[] = [];
        docs.forEach((d, i) => {
          try {
            advisories.push({ source: `[${i}]`, advisory: parseOsv(JSON.stringify(d)) });
          } catch (err) {
            if (!(err instanceof ImportError)) throw err;
            failed.push({
              source: `[${i}]`,
              kind: err.kind,
              message: err.message,
              schemaErrors: err.schemaErrors,
            });
          }
        });
        return this.store(actor, advisories, failed);
      }
      const advisory = convert(MAX_OSV_FILE_BYTES, () => parseOsv(body));
      return this.store(actor, [{ source: 'upload', advisory }], []);
    }
    // The zip reader works on files (it checks every entry's size and path before inflating).
    const dir = await mkdtemp(join(tmpdir(), 'bulwark-osv-'));
    try {
      const file = join(dir, 'upload.zip');
      await writeFile(file, body, { mode: 0o600 });
      return await this.importOsvPaths(actor, [file]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async store(
    actor: Actor,
    imported: OsvImportedAdvisory[],
    failures: OsvFileError[],
  ): Promise<OsvImportSummary> {
    const failed = failures.map((f) => ({
      source: f.source,
      kind: f.kind,
      message: f.message,
      errors: f.schemaErrors,
    }));
    // The newest version of each id in this batch.
    const latest = new Map<string, OsvImportedAdvisory>();
    for (const i of imported) {
      try {
        assertNoNul(i.advisory, `The advisory ${i.advisory.id}`);
      } catch (err) {
        failed.push({ source: i.source, kind: 'schema', message: (err as Error).message, errors: [] });
        continue;
      }
      const prev = latest.get(i.advisory.id);
      if (!prev || Date.parse(i.advisory.modified) > Date.parse(prev.advisory.modified))
        latest.set(i.advisory.id, i);
    }
    const summary: OsvImportSummary = {
      read: imported.length + failures.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      failed,
      exposures: { opened: 0, reopened: 0, resolved: 0, updated: 0 },
    };
    if (latest.size === 0) return summary;
    return this.write(async (tx) => {
      const existing = await repo.existingVersions(tx, [...latest.keys()]);
      const writes: repo.AdvisoryWrite[] = [];
      for (const { source, advisory } of latest.values()) {
        const prev = existing.get(advisory.id);
        if (prev && prev.modifiedMs >= Date.parse(advisory.modified)) {
          summary.unchanged++;
          continue;
        }
        if (prev) summary.updated++;
        else summary.created++;
        if (advisory.withdrawn) summary.withdrawn++;
        writes.push({
          advisory,
          version: (prev?.version ?? 0) + 1,
          source,
          severity: severityOf(advisory),
          packages: packagesOf(advisory),
        });
      }
      await repo.upsertAdvisories(tx, writes);
      const kev = await repo.kevDueDates(tx, [...new Set(writes.flatMap((w) => w.advisory.aliases))]);
      for (const w of writes)
        await commitRecord(tx, {
          kind: 'advisory',
          id: w.advisory.id,
          version: w.version,
          org: actor.org.id,
          record: w.advisory,
        });
      const counts = await this.matching.advisoriesStored(
        tx,
        writes.map((w) => ({ advisory: w.advisory, facts: factsOf(w, kev) })),
      );
      summary.exposures = {
        opened: counts.opened,
        reopened: counts.reopened,
        resolved: counts.resolved,
        updated: counts.updated,
      };
      return summary;
    });
  }

  async importKev(actor: Actor, bytes: Uint8Array | string): Promise<KevImportSummary> {
    assertMayImport(actor);
    const catalog: KevCatalog = convert(MAX_KEV_BYTES, () => parseKev(bytes));
    assertNoNul(catalog, 'The KEV catalogue');
    return this.write(async (tx) => {
      // A catalogue version is committed once; importing the same version again changes nothing in it.
      const seen = await repo.catalogVersionSeen(tx, catalog.catalogVersion);
      await repo.upsertKev(tx, catalog.catalogVersion, catalog.vulnerabilities);
      if (!seen)
        await commitRecord(tx, {
          kind: 'kev-catalog',
          id: catalog.catalogVersion,
          version: 1,
          org: actor.org.id,
          record: catalog,
        });
      const marked = await repo.advisoriesWithAliases(
        tx,
        catalog.vulnerabilities.map((v) => v.cveId),
      );
      const counts = await this.matching.advisoryFactsChanged(tx, marked.map(toAdvisoryFacts));
      return {
        catalogVersion: catalog.catalogVersion,
        entries: catalog.vulnerabilities.length,
        advisoriesMarked: marked.length,
        exposures: {
          opened: counts.opened,
          reopened: counts.reopened,
          resolved: counts.resolved,
          updated: counts.updated,
        },
      };
    });
  }

  async list(
    _actor: Actor,
    f: {
      q?: string;
      ecosystem?: string;
      kev?: boolean;
      withdrawn?: boolean;
      limit?: number;
      offset?: number;
    },
  ): Promise<{ items: AdvisorySummary[]; total: number }> {
    const { rows, total } = await repo.listAdvisories(this.db, {
      ...f,
      limit: f.limit ?? 50,
      offset: f.offset ?? 0,
    });
    return { items: rows.map(present), total };
  }

  /** One advisory with the affected assets the actor may see. */
  async get(actor: Actor, id: string): Promise<AdvisoryDetail<E>> {
    const r = await repo.findAdvisory(this.db, id);
    if (!r) throw errors.notFound('The advisory');
    const exposures = await this.affected.list(actor, id, 500);
    return {
      ...present(r),
      details: r.doc.details ?? null,
      references: r.doc.references,
      affected: r.doc.affected,
      exposures: exposures.items,
      exposureCount: exposures.total,
    };
  }
}

function factsOf(w: repo.AdvisoryWrite, kev: Map<string, string>): AdvisoryFacts {
  const dues = w.advisory.aliases.map((a) => kev.get(a)).filter((d): d is string => Boolean(d));
  dues.sort();
  return {
    id: w.advisory.id,
    aliases: w.advisory.aliases,
    score: w.severity?.score ?? null,
    rating: w.severity?.rating ?? null,
    kevDue: dues[0] ?? null,
  };
}

// The advisories domain: OSV advisories and the CISA KEV catalogue. They are global reference
// data — a write changes exposures across the federation — so only those granted
// `publish-reference` import them (src/access; the coordination centre's admins and analysts by
// default); everyone signed in reads them; the affected assets shown with an advisory, and the
// exposure counts of an import's answer, go through the shared access rules.
// An import stores only advisories that are new or newer (`modified`) than the stored version,
// records who supplied each version and how, keeps each advisory with the source that supplied
// it (organization + feed: another source can neither overwrite nor withdraw it), refuses times
// in the future, and lets the matcher (the exposure engine, injected as `AdvisoryMatching`) find
// the affected components in that same transaction.
import { basename } from 'node:path';
import { commitRecord, commitRecords } from '../ledger/index.ts';
import {
  type AdvisoryMatchCounts,
  type AdvisoryMatching,
  type AffectedAssets,
  type ExposureChangeCounts,
  toAdvisoryFacts,
} from './facts.ts';
import {
  type Actor,
  assertCanPublishReference,
  canSee,
  isRoot,
  type OrgRef,
  type ReferenceGrant,
} from '../access/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import { nextTurn } from '../platform/threads.ts';
import {
  type EpssFile,
  type KevCatalog,
  MAX_CSAF_BYTES,
  MAX_EPSS_BYTES,
  MAX_KEV_BYTES,
  MAX_OSV_FILE_BYTES,
  type OsvAdvisory,
  type OsvImportedAdvisory,
  type OsvReadParts,
  type OsvLimits,
  type OsvTaskInput,
  parseCsafAdvisory,
  parseEpss,
  parseKev,
  isWebUrl,
  newestVersions,
  readOsvOffThread,
} from './import/index.ts';
import { assertNoNul, convert, ImportError, problemOf } from '../formats/index.ts';
import * as repo from './repo.ts';
import type {
  CsafImportSummary,
  EpssImportSummary,
  AdvisoryDetail,
  AdvisorySummary,
  AdvisoryVersion,
  KevImportSummary,
  OsvImportSummary,
} from './schema.ts';

export type { AdvisoryDetail, AdvisorySummary, AdvisoryVersion, KevImportSummary, OsvImportSummary };

/** The feed OSV documents arrive by; later feeds (CSAF, STIX …) get their own names. */
export const OSV_FEED = 'osv';
/** The feed of vendors' CSAF 2.0 advisories (`bulwark import csaf`, `POST /csaf`). */
export const CSAF_FEED = 'csaf';

/** How far ahead of this server's clock a `modified`, `published` or `withdrawn` time may be. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** How an import reached the server, and whether the caller takes another source's advisories over. */
export interface ImportOrigin {
  channel: 'api' | 'cli';
  /** Explicit take-over of advisories owned by another source (coordination centre administrators). */
  takeOver?: boolean;
  /** The feed the documents arrive by (default osv): an advisory belongs to its organization + feed. */
  feed?: string;
}

export interface AdvisoryServiceOptions {
  /** Turns an organization id into what the access function needs (answers are scoped by it). */
  orgRef(id: string): Promise<OrgRef | undefined>;
  /** Who holds `publish-reference` (BULWARK_REFERENCE_PUBLISHERS). */
  publishers: readonly ReferenceGrant[];
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
const OSV_ARRAY_BYTES = 100 * 1024 * 1024;

/**
 * Advisories an OSV import stores per transaction: on PGlite (one connection, on the main thread)
 * a group of this size takes a few hundred milliseconds, and other requests are answered between
 * groups.
 */
export const ADVISORIES_PER_TRANSACTION = 250;
/** Advisory commitments built (canonical JSON, SHA-256) per turn of the event loop. */
const COMMITMENTS_PER_TURN = 25;

/** Whether a body (after leading white space) opens a JSON array. */
function startsWithBracket(body: Buffer): boolean {
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x5b;
  }
  return false;
}

/** The coordination centre's administrators (and the local administrator) may take an advisory over. */
function mayTakeOver(actor: Actor): boolean {
  return actor.local === true || (isRoot(actor.org) && actor.roles.includes('admin'));
}

/** A file name without the server's directories: `all.zip!GHSA-….json`, `GHSA-….json`. */
function entryName(source: string): string {
  const bang = source.indexOf('!');
  return bang < 0 ? basename(source) : `${basename(source.slice(0, bang))}${source.slice(bang)}`;
}

type Failure = OsvImportSummary['failed'][number];

/** Times a supplier may not set in the future (beyond the clock-skew allowance). */
function futureTimes(a: OsvAdvisory, now: number): Failure['errors'] {
  const out: Failure['errors'] = [];
  for (const field of ['modified', 'published', 'withdrawn'] as const) {
    const v = a[field];
    if (v !== undefined && Date.parse(v) > now + CLOCK_SKEW_MS)
      out.push({ pointer: `/${field}`, detail: `${v} is in the future` });
  }
  return out;
}

export class AdvisoryService<E = unknown> {
  constructor(
    private readonly db: Database,
    private readonly matching: AdvisoryMatching,
    private readonly affected: AffectedAssets<E>,
    private readonly opts: AdvisoryServiceOptions,
  ) {}

  private assertMayPublish(actor: Actor): void {
    assertCanPublishReference(actor, this.opts.publishers);
  }

  /** Exposure changes in the organizations the actor sees: an answer tells nothing of the others. */
  private async visibleCounts(actor: Actor, counts: AdvisoryMatchCounts) {
    const out = { opened: 0, reopened: 0, resolved: 0, updated: 0 };
    for (const [org, c] of counts.byOrg) {
      const ref = await this.opts.orgRef(org);
      if (!ref || !canSee(actor, ref)) continue;
      out.opened += c.opened;
      out.reopened += c.reopened;
      out.resolved += c.resolved;
      out.updated += c.updated;
    }
    return out;
  }

  /** A write that matches: the advisories' transaction, serialised with the matcher's other writes. */
  private write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.matching.serialise(() => this.db.transaction(fn));
  }

  /** Imports OSV files, directories or zip archives from the local file system (the CLI). */
  async importOsvPaths(
    actor: Actor,
    paths: string[],
    limits: Partial<OsvLimits> = {},
    origin: ImportOrigin = { channel: 'cli' },
    nameOf?: (path: string) => string,
  ): Promise<OsvImportSummary> {
    this.assertMayPublish(actor);
    const names = Object.fromEntries(nameOf ? paths.map((p) => [p, nameOf(p)]) : []);
    const now = Date.now();
    const read = await this.readOffThread(
      { paths, limits, names, notAfter: now + CLOCK_SKEW_MS },
      limits.maxFileBytes ?? MAX_OSV_FILE_BYTES,
    );
    return this.store(actor, read, origin, now);
  }

  /** Reads and converts on the converter thread, the event loop stays free; ImportError → problem. */
  private async readOffThread(input: OsvTaskInput, limit: number): Promise<OsvReadParts> {
    try {
      return await readOsvOffThread(input);
    } catch (err) {
      if (err instanceof ImportError) throw problemOf(err, limit);
      throw err;
    }
  }

  /** Imports an upload: one OSV JSON document, a JSON array of them, or a zip archive. */
  async importOsvUpload(
    actor: Actor,
    body: Buffer,
    zip: boolean,
    opts: { takeOver?: boolean } = {},
  ): Promise<OsvImportSummary> {
    this.assertMayPublish(actor);
    const origin: ImportOrigin = { channel: 'api', takeOver: opts.takeOver };
    const now = Date.now();
    const notAfter = now + CLOCK_SKEW_MS;
    if (!zip) {
      if (startsWithBracket(body)) {
        const read = await this.readOffThread(
          { array: body, maxBytes: OSV_ARRAY_BYTES, notAfter },
          OSV_ARRAY_BYTES,
        );
        return this.store(actor, read, origin, now);
      }
      const read = await this.readOffThread(
        { one: body, maxBytes: MAX_OSV_FILE_BYTES, notAfter },
        MAX_OSV_FILE_BYTES,
      );
      const list = [...read.parts].flat();
      const summary = await this.store(actor, { ...read, parts: [list] }, origin, now);
      const advisory = list[0]?.advisory ?? { id: 'The advisory' };
      // One document: its refusal is the answer (422 naming the field, 409 another source's).
      const refused = summary.failed[0];
      if (refused?.kind === 'future-time')
        throw errors.unprocessable(`${advisory.id}: ${refused.message}`, refused.errors);
      if (refused?.kind === 'other-source') throw errors.advisorySource(refused.message);
      return summary;
    }
    // A zip archive, read from the upload's bytes (each entry's size and path checked before
    // inflating), never written to a temporary file.
    const read = await this.readOffThread(
      { zip: body, name: 'upload.zip', limits: {}, notAfter },
      MAX_OSV_FILE_BYTES,
    );
    return this.store(actor, read, origin, now);
  }

  /**
   * Stores what an import read, group by group as its parts come: `read.parts` holds one version
   * per id (the newest of the input, `newestVersions`) besides entries dated in the future, which
   * are refused here against the same `now`.
   */
  private async store(
    actor: Actor,
    read: OsvReadParts,
    origin: ImportOrigin,
    now: number,
  ): Promise<OsvImportSummary> {
    if (origin.takeOver && !mayTakeOver(actor))
      throw errors.forbidden("Only the coordination centre's administrators may take advisories over.");
    const failed = read.errors.map(
      (f): Failure => ({
        source: f.source,
        kind: f.kind,
        message: f.message,
        errors: f.schemaErrors,
      }),
    );
    const summary: OsvImportSummary = {
      read: read.advisories + read.errors.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      failed,
      exposures: { opened: 0, reopened: 0, resolved: 0, updated: 0 },
    };
    const feed = origin.feed ?? OSV_FEED;
    // In groups, each its own transaction (advisories, their versions, commitments and exposure
    // changes together): an archive of 20,000 entries in one transaction held PGlite's one
    // connection, and every request that needs the database, for tens of seconds. A reader between
    // two groups sees the groups committed so far, each whole; a failure ends the import with the
    // groups before it committed and nothing of its own (sending the archive again stores the
    // rest: the committed entries are then unchanged). A group is stored as soon as its entries
    // have come, so only a group or two of parsed documents is held at a time (20,000 held for the
    // whole import made major garbage collections of a second on the main thread).
    let counts: AdvisoryMatchCounts = { opened: 0, reopened: 0, resolved: 0, updated: 0, byOrg: new Map() };
    // The `modified` time taken for each id so far: the input holds one version per id already,
    // this keeps an older copy out should it not.
    const taken = new Map<string, number>();
    let pending = new Map<string, OsvImportedAdvisory>();
    let groups = 0;
    const storeGroup = async (group: OsvImportedAdvisory[]) => {
      if (groups++ > 0) await nextTurn();
      const tally = { created: 0, updated: 0, unchanged: 0, withdrawn: 0, failed: [] as Failure[] };
      const stored = await this.write(async (tx) => {
        const existing = await repo.existingVersions(
          tx,
          group.map((i) => i.advisory.id),
        );
        const writes: repo.AdvisoryWrite[] = [];
        for (const { source, advisory } of group) {
          const prev = existing.get(advisory.id);
          // An advisory belongs to the source that supplied it (organization + feed); advisories
          // stored before provenance with no known organization go to the first that supplies them.
          const owned = prev?.ownerOrg != null && (prev.ownerOrg !== actor.org.id || prev.ownerFeed !== feed);
          if (owned && !origin.takeOver) {
            tally.failed.push({
              source,
              kind: 'other-source',
              message: `${advisory.id} is supplied by another source; only that source updates or withdraws it (the coordination centre's administrators may take it over).`,
              errors: [],
            });
            continue;
          }
          // A take-over writes a new version even when the stored one claims to be newer.
          if (prev && !owned && prev.modifiedMs >= Date.parse(advisory.modified)) {
            tally.unchanged++;
            continue;
          }
          if (prev) tally.updated++;
          else tally.created++;
          if (advisory.withdrawn) tally.withdrawn++;
          writes.push({
            advisory,
            version: (prev?.version ?? 0) + 1,
            source,
            severity: severityOf(advisory),
            packages: packagesOf(advisory),
            provenance: {
              org: actor.org.id,
              supplierKind: actor.local ? 'local' : actor.subject,
              supplierId: actor.id,
              feed,
              channel: origin.channel,
              entry: entryName(source),
              takenOverFrom: owned && prev ? `${prev.ownerOrg}/${prev.ownerFeed}` : null,
            },
          });
        }
        await repo.upsertAdvisories(tx, writes);
        await repo.insertAdvisoryVersions(tx, writes);
        // A few dozen commitments at a time, a turn of the event loop between: canonicalising and
        // hashing a whole OSV document is costly (200 Go entries took over 100 ms in one turn).
        for (let c = 0; c < writes.length; c += COMMITMENTS_PER_TURN) {
          if (c > 0) await nextTurn();
          await commitRecords(
            tx,
            writes.slice(c, c + COMMITMENTS_PER_TURN).map((w) => ({
              kind: 'advisory',
              id: w.advisory.id,
              version: w.version,
              org: actor.org.id,
              record: w.advisory,
            })),
          );
        }
        const ids = writes.map((w) => w.advisory.id);
        // Facts as stored: KEV due date, EPSS, and a score borrowed from an alias when there is none.
        const facts = new Map((await repo.advisoryFacts(tx, ids)).map((f) => [f.id, toAdvisoryFacts(f)]));
        const stored = await this.matching.advisoriesStored(
          tx,
          writes.map((w) => ({ advisory: w.advisory, facts: facts.get(w.advisory.id)! })),
        );
        // Advisories that share an id or alias with these may borrow (or lose) their score.
        const related = await repo.advisoriesNaming(
          tx,
          [...new Set(writes.flatMap((w) => [w.advisory.id, ...w.advisory.aliases]))],
          ids,
        );
        if (related.length === 0) return stored;
        return addMatchCounts(
          stored,
          await this.matching.advisoryFactsChanged(tx, related.map(toAdvisoryFacts)),
        );
      });
      // Counted once the group has committed: a group that rolls back counts nothing.
      summary.created += tally.created;
      summary.updated += tally.updated;
      summary.unchanged += tally.unchanged;
      summary.withdrawn += tally.withdrawn;
      failed.push(...tally.failed);
      counts = addMatchCounts(counts, stored);
    };
    for (const part of read.parts) {
      for (const i of part) {
        // NUL characters were refused on the converter thread (readOsvTask).
        // A time in the future would make this version look newer than every genuine one.
        const future = futureTimes(i.advisory, now);
        if (future.length > 0) {
          failed.push({
            source: i.source,
            kind: 'future-time',
            message: `${future.map((f) => f.pointer.slice(1)).join(', ')} may not be in the future (more than ${CLOCK_SKEW_MS / 60_000} minutes ahead of this server's clock).`,
            errors: future,
          });
          continue;
        }
        const modified = Date.parse(i.advisory.modified);
        const prev = taken.get(i.advisory.id);
        if (prev !== undefined && modified <= prev) continue;
        taken.set(i.advisory.id, modified);
        pending.set(i.advisory.id, i);
        if (pending.size >= ADVISORIES_PER_TRANSACTION) {
          const group = [...pending.values()];
          pending = new Map();
          await storeGroup(group);
        }
      }
    }
    if (pending.size > 0) await storeGroup([...pending.values()]);
    if (groups === 0) return summary;
    // After the commits: the organization directory may read the database (one connection on PGlite).
    summary.exposures = await this.visibleCounts(actor, counts);
    return summary;
  }

  async importKev(actor: Actor, bytes: Uint8Array | string): Promise<KevImportSummary> {
    this.assertMayPublish(actor);
    const catalog: KevCatalog = convert(MAX_KEV_BYTES, () => parseKev(bytes));
    assertNoNul(catalog, 'The KEV catalogue');
    const { counts, ...result } = await this.write(async (tx) => {
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
      return {
        catalogVersion: catalog.catalogVersion,
        entries: catalog.vulnerabilities.length,
        advisoriesMarked: marked.length,
        counts: await this.matching.advisoryFactsChanged(tx, marked.map(toAdvisoryFacts)),
      };
    });
    return { ...result, exposures: await this.visibleCounts(actor, counts) };
  }

  /**
   * Imports the FIRST EPSS CSV (plain or gzip): reference data, like KEV. The scores replace those
   * stored for the same CVEs, the file is committed to the ledger once per model version and score
   * date, and the exposures of advisories whose id or aliases it scores are re-ranked.
   */
  async importEpss(actor: Actor, bytes: Uint8Array | string): Promise<EpssImportSummary> {
    this.assertMayPublish(actor);
    const file: EpssFile = convert(MAX_EPSS_BYTES, () => parseEpss(bytes));
    const { counts, ...result } = await this.write(async (tx) => {
      const seen = await repo.epssDateSeen(tx, file.modelVersion, file.scoreDate);
      await repo.upsertEpss(tx, file.modelVersion, file.scoreDate, file.scores);
      if (!seen)
        await commitRecord(tx, {
          kind: 'epss-scores',
          id: `${file.modelVersion ?? 'unversioned'}/${file.scoreDate ?? 'undated'}`,
          version: 1,
          org: actor.org.id,
          record: {
            modelVersion: file.modelVersion,
            scoreDate: file.scoreDate,
            scores: file.scores.map((x) => [x.cve, x.score, x.percentile]),
          },
        });
      const scored = await repo.advisoriesNaming(
        tx,
        file.scores.map((x) => x.cve),
      );
      return {
        modelVersion: file.modelVersion,
        scoreDate: file.scoreDate,
        scores: file.scores.length,
        advisoriesScored: scored.length,
        counts: await this.matching.advisoryFactsChanged(tx, scored.map(toAdvisoryFacts)),
      };
    });
    return { ...result, exposures: await this.visibleCounts(actor, counts) };
  }

  /**
   * Imports a vendor's CSAF 2.0 advisory (or VEX) document: refused unless it passes the JSON
   * schema and every mandatory test (422 naming the test and the JSON pointer); otherwise one
   * advisory per vulnerability, owned by the importer's organization and the csaf feed, matched
   * onto the components whose purls its known_affected products name.
   */
  async importCsaf(
    actor: Actor,
    bytes: Uint8Array | string,
    origin: ImportOrigin = { channel: 'api' },
    name = 'upload.json',
  ): Promise<CsafImportSummary> {
    this.assertMayPublish(actor);
    const converted = convert(MAX_CSAF_BYTES, () => parseCsafAdvisory(bytes));
    assertNoNul(converted, 'The CSAF document');
    const now = Date.now();
    const entries = converted.advisories.map((advisory) => ({ source: `${name}#${advisory.id}`, advisory }));
    const summary = await this.store(
      actor,
      {
        advisories: entries.length,
        parts: [newestVersions(entries, now + CLOCK_SKEW_MS)],
        errors: [],
      },
      { ...origin, feed: CSAF_FEED },
      now,
    );
    const refused = summary.failed[0];
    if (refused?.kind === 'future-time')
      throw errors.unprocessable(`${converted.documentId}: ${refused.message}`, refused.errors);
    if (refused?.kind === 'other-source') throw errors.advisorySource(refused.message);
    return {
      ...summary,
      document: converted.documentId,
      advisories: converted.advisories.map((a) => a.id),
      products: {
        mapped: converted.mapped.length,
        unmapped: converted.unmapped,
        fixed: converted.fixed,
        notAffected: converted.notAffected,
      },
    };
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
    const versions: AdvisoryVersion[] = [];
    for (const v of await repo.advisoryVersions(this.db, id)) {
      const org = v.supplierOrg ? await this.opts.orgRef(v.supplierOrg) : undefined;
      versions.push({
        version: v.version,
        modified: v.modified,
        withdrawn: v.withdrawn,
        org: v.supplierOrg,
        suppliedBy:
          org && canSee(actor, org) && v.supplierKind && v.supplierId
            ? { kind: v.supplierKind, id: v.supplierId }
            : null,
        feed: v.feed,
        channel: v.channel,
        entry: v.entry,
        takenOverFrom: v.takenOverFrom,
        importedAt: new Date(v.importedAt).toISOString(),
      });
    }
    return {
      ...present(r),
      details: r.doc.details ?? null,
      // Stored before links were checked: still only http and https leave the server.
      references: r.doc.references.filter((x) => isWebUrl(x.url)),
      affected: r.doc.affected,
      exposures: exposures.items,
      exposureCount: exposures.total,
      source: { org: r.ownerOrg, feed: r.ownerFeed },
      versions,
    };
  }
}

/** The sum of two matchers' reports (per organization too). */
export function addMatchCounts(a: AdvisoryMatchCounts, b: AdvisoryMatchCounts): AdvisoryMatchCounts {
  const byOrg = new Map<string, ExposureChangeCounts>();
  for (const m of [a.byOrg, b.byOrg])
    for (const [org, c] of m) {
      const x = byOrg.get(org) ?? { opened: 0, reopened: 0, resolved: 0, updated: 0 };
      byOrg.set(org, {
        opened: x.opened + c.opened,
        reopened: x.reopened + c.reopened,
        resolved: x.resolved + c.resolved,
        updated: x.updated + c.updated,
      });
    }
  return {
    opened: a.opened + b.opened,
    reopened: a.reopened + b.reopened,
    resolved: a.resolved + b.resolved,
    updated: a.updated + b.updated,
    byOrg,
  };
}

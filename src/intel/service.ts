// The intel domain: STIX 2.1 objects in TAXII collections, shared by TLP 2.0 through the access
// rule, with every accepted object version committed to the ledger, reads and exports audited,
// and live indicators compiled into the in-memory matcher (engine.ts) whose hits become sightings.
//
// Collections: each organization has one (its own intelligence; read by who sees the organization,
// written by who may write for it) and the federation has one community collection (read by every
// member and, for TLP:CLEAR objects, by anyone; written by every writer). Inside any collection each
// object is shown only to whom its TLP allows (src/access/tlp.ts), and a relationship or sighting
// only to whom also sees every stored object it points at.
import { createHash, randomUUID } from 'node:crypto';
import {
  type Actor,
  assertCan,
  can,
  canSee,
  isTlp1,
  type OrgRef,
  strictestTlp,
  TLP_LEVELS,
  TLP1_IDS,
  TLP2_IDS,
  type TlpLevel,
  tlpOfMarking,
  tlpRank,
  tlpVisibleSql,
  visibleOrgsSql,
} from '../access/index.ts';
import { type ExploitationMarks, markExploitedByIntelligence } from '../exposures/index.ts';
import { commitRecord, commitRecords } from '../ledger/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import { IntelEngine } from './engine.ts';
import { IndicatorMatcher } from './matcher/matcher.ts';
import * as repo from './repo.ts';
import type { Collection, IngestResult, ObjectOutcome } from './schema.ts';
import { objectsToImport } from './stix/bundle.ts';
import { cvesOf, exploitMarks, type Marked, referencesToResolve } from './stix/exploited.ts';
import { sharingOf, tlp2Definition } from './stix/extensions.ts';
import {
  extractObservables,
  normalizeObservable,
  type Observable,
  OBSERVABLE_TYPES,
  type ObservableType,
} from './stix/observables.ts';
import { type ObservationExpression, parsePattern } from './stix/pattern.ts';
import { type StixObject, StixValidationError, StixValidator } from './stix/validate.ts';

/** Objects per TAXII page unless the client asks for fewer; the most a page may hold. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;
/** Observables per match request. */
export const MAX_OBSERVABLES = 10_000;
/** At most this much posted JSON (characters) is held in memory for the local status worker. */
const HELD_ENVELOPE_CHARS = 64 * 1024 * 1024;

/** How long an indicator without valid_until stays live, by the observable type of its pattern. */
export const DEFAULT_VALIDITY_DAYS: Record<string, number> = {
  'ipv4-addr': 30,
  'ipv6-addr': 30,
  url: 30,
  'domain-name': 90,
  'email-addr': 180,
  'x-bulwark-phone-number': 180,
  'x-bulwark-sms-sender': 180,
  file: 365,
};
const OTHER_VALIDITY_DAYS = 365;

/** A collection as the caller sees it (the Collection schema of schema.ts). */
export type CollectionView = Collection;
export type { IngestResult };

export interface ObjectPage {
  objects: Record<string, unknown>[];
  more: boolean;
  next?: string;
  first?: string;
  last?: string;
}

export interface ListQuery {
  addedAfter?: string;
  limit?: number;
  next?: string;
  ids?: string[];
  types?: string[];
  versions?: string[];
  specVersions?: string[];
}

const REF_PROPERTIES = [
  'source_ref',
  'target_ref',
  'sighting_of_ref',
  'where_sighted_refs',
  'observed_data_refs',
];

/** Stored ids a relationship or sighting points at. */
function refsOf(o: Record<string, unknown>): string[] {
  if (o.type !== 'relationship' && o.type !== 'sighting') return [];
  const out: string[] = [];
  for (const p of REF_PROPERTIES) {
    const v = o[p];
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return out;
}

/** The object as it leaves Bulwark: TLP 1.0 marking ids become their TLP 2.0 ids. */
export function exportForm(body: string): Record<string, unknown> {
  const o = JSON.parse(body) as Record<string, unknown>;
  if (o.type === 'marking-definition' && typeof o.id === 'string' && isTlp1(o.id))
    return tlp2Definition(TLP1_IDS[o.id]!);
  const swap = (id: unknown) => (typeof id === 'string' && isTlp1(id) ? TLP2_IDS[TLP1_IDS[id]!] : id);
  if (Array.isArray(o.object_marking_refs)) {
    const refs = o.object_marking_refs.map(swap);
    o.object_marking_refs = refs.filter((r, i) => refs.indexOf(r) === i);
  }
  if (Array.isArray(o.granular_markings))
    o.granular_markings = (o.granular_markings as Record<string, unknown>[]).map((g) =>
      g.marking_ref ? { ...g, marking_ref: swap(g.marking_ref) } : g,
    );
  return o;
}

/** The main observable type of a pattern (its first comparison), for the default validity. */
function patternType(pattern: string): string | undefined {
  try {
    const ast = parsePattern(pattern);
    let e: typeof ast = ast;
    while (e.kind !== 'observation') e = e.kind === 'qualified' ? e.expression : e.left;
    let c = e.comparison;
    while (c.kind === 'and' || c.kind === 'or') c = c.left;
    return (c as { path: { type: string } }).path.type;
  } catch {
    return undefined;
  }
}

export function effectiveValidUntil(o: Record<string, unknown>): Date | null {
  if (typeof o.valid_until === 'string') return new Date(o.valid_until);
  const from = new Date(String(o.valid_from)).getTime();
  const type = o.pattern_type === 'stix' ? patternType(String(o.pattern)) : undefined;
  const days = (type ? DEFAULT_VALIDITY_DAYS[type] : undefined) ?? OTHER_VALIDITY_DAYS;
  return new Date(from + days * 86_400_000);
}

/**
 * The ledger record of a posted TAXII envelope (kind `intel.envelope`, id its status resource's
 * id): every object version it stored, with the SHA-256 of the JSON text it is stored and served
 * as, so that one commitment proves each of them (docs/intel.md, *Objects, versions and the ledger*).
 */
export interface EnvelopeRecord {
  collection: string;
  objects: { id: string; version: string; seq: number; sha256: string }[];
}

/** base64 of the SHA-256 of an object's stored JSON text. */
export function sha256Of(body: string): string {
  return createHash('sha256').update(body).digest('base64');
}

function cursorKey(collection: string, actor: Actor | null, q: ListQuery, scope: string): string {
  const canonical = JSON.stringify([
    scope,
    collection,
    actor?.id ?? 'anonymous',
    q.addedAfter ?? null,
    q.ids ?? [],
    q.types ?? [],
    q.versions ?? [],
    q.specVersions ?? [],
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export class IntelService {
  readonly engine: IntelEngine;
  private stixValidator?: StixValidator;

  /** Compiled on first use: the schemas are read only by processes that take STIX objects in. */
  get validator(): StixValidator {
    this.stixValidator ??= new StixValidator();
    return this.stixValidator;
  }

  constructor(
    private readonly db: Database,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly log?: Logger,
    /**
     * Where exploitation marks go: the exposure service records them and re-ranks the exposures
     * they reach (the composition root wires it); without one they are only recorded.
     */
    private readonly exploitation: ExploitationMarks = { markExploited: markExploitedByIntelligence },
  ) {
    this.engine = new IntelEngine(db, orgRef, log);
  }

  // ---- collections ------------------------------------------------------------------------------

  /** The community collection, created on first use. */
  async community(): Promise<repo.CollectionRow> {
    return (
      (await repo.collectionOfOrg(this.db, null)) ??
      repo.insertCollection(this.db, {
        id: randomUUID(),
        orgId: null,
        title: 'Federation community',
        description:
          'Intelligence shared across the federation; each object reaches whom its TLP marking allows.',
      })
    );
  }

  /** An organization's own collection, created on first use. */
  async collectionOf(orgId: string): Promise<repo.CollectionRow> {
    const existing = await repo.collectionOfOrg(this.db, orgId);
    if (existing) return existing;
    const org = await this.orgRef(orgId);
    if (!org) throw errors.notFound('The organization');
    return repo.insertCollection(this.db, {
      id: randomUUID(),
      orgId,
      title: `Intelligence of organization ${orgId}`,
      description: "The organization's own intelligence; each object reaches whom its TLP marking allows.",
    });
  }

  private async view(actor: Actor | null, c: repo.CollectionRow): Promise<CollectionView | undefined> {
    if (c.orgId === null)
      return {
        id: c.id,
        title: c.title,
        description: c.description,
        org: null,
        canRead: true,
        canWrite: !!actor && actor.roles.some((r) => r !== 'viewer' && r !== 'auditor'),
      };
    if (!actor) return undefined;
    const org = await this.orgRef(c.orgId);
    if (!org || !canSee(actor, org)) return undefined;
    return {
      id: c.id,
      title: c.title,
      description: c.description,
      org: c.orgId,
      canRead: true,
      canWrite: can(actor, 'write', org),
    };
  }

  async collections(actor: Actor | null): Promise<CollectionView[]> {
    await this.community();
    if (actor) await this.collectionOf(actor.org.id);
    const out: CollectionView[] = [];
    for (const c of await repo.listCollections(this.db)) {
      const v = await this.view(actor, c);
      if (v) out.push(v);
    }
    return out;
  }

  async collection(actor: Actor | null, id: string): Promise<CollectionView> {
    const c = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findCollection(this.db, id) : undefined;
    const v = c ? await this.view(actor, c) : undefined;
    if (!v) throw errors.notFound('The collection');
    return v;
  }

  // ---- ingest -----------------------------------------------------------------------------------

  /**
   * Validates and stores objects into a collection (a TAXII envelope, a bundle, the CLI). Each
   * object succeeds or fails on its own, with the reason; an object posted again is a success that
   * stores nothing. Accepted versions, their ledger commitments and the indicators' live rows
   * commit together; the matcher follows after the commit.
   */
  async ingest(
    actor: Actor,
    collectionId: string,
    objects: readonly unknown[],
    opts: {
      statusId?: string;
      /** The objects' JSON text, by index, when the caller has it already (a posted envelope). */
      bodies?: readonly string[];
    } = {},
  ): Promise<IngestResult> {
    const col = await this.collection(actor, collectionId);
    if (!col.canWrite) throw errors.forbidden('Your organization may not write to this collection.');
    // The author: the collection's organization when writing into an organization's collection.
    const authorOrg = col.org ?? actor.org.id;
    const outcomes: ObjectOutcome[] = new Array(objects.length);
    const valid: { i: number; o: StixObject }[] = [];
    objects.forEach((raw, i) => {
      const id = (raw as { id?: unknown })?.id;
      const version = (raw as { modified?: unknown; created?: unknown }) ?? {};
      const v = String(version.modified ?? version.created ?? '');
      try {
        valid.push({ i, o: this.validator.validate(raw) });
      } catch (err) {
        if (!(err instanceof StixValidationError)) throw err;
        outcomes[i] = {
          id: typeof id === 'string' ? id.slice(0, 300) : '',
          version: v,
          status: 'failure',
          message: err.message,
        };
      }
    });
    // Sharing-group markings: from the envelope itself, else from the store.
    const markingIds = new Set<string>();
    for (const { o } of valid)
      for (const ref of (o.object_marking_refs as string[] | undefined) ?? [])
        if (!tlpOfMarking(ref)) markingIds.add(ref);
    const sharing = new Map<string, { orgs: string[]; users: string[] }>();
    for (const { o } of valid)
      if (o.type === 'marking-definition' && markingIds.has(o.id)) {
        const s = sharingOf(o);
        if (s) sharing.set(o.id, s);
      }
    const missing = [...markingIds].filter((id) => !sharing.has(id));
    for (const [id, body] of await repo.findMarkingDefinitions(this.db, missing)) {
      const s = sharingOf(JSON.parse(body) as Record<string, unknown>);
      if (s) sharing.set(id, s);
    }
    const rows: repo.NewObjectRow[] = [];
    const rowOf: number[] = [];
    // The validated objects beside their rows: the body is their JSON, so they need no parsing back.
    const objectOf: StixObject[] = [];
    const warnings: string[] = [];
    for (const { i, o } of valid) {
      const refs = (o.object_marking_refs as string[] | undefined) ?? [];
      const levels = refs.map(tlpOfMarking).filter((l): l is TlpLevel => l !== undefined);
      // TLP marking definitions themselves are public; other objects default to AMBER.
      const isTlpDefinition = o.type === 'marking-definition' && tlpOfMarking(o.id) !== undefined;
      const tlp = isTlpDefinition ? 'clear' : strictestTlp(levels, 'amber');
      const shareOrgs = new Set<string>();
      const namedUsers = new Set<string>();
      for (const r of refs) {
        const s = sharing.get(r);
        if (s) {
          for (const x of s.orgs) shareOrgs.add(x);
          for (const x of s.users) namedUsers.add(x);
        }
      }
      const own = o.type === 'marking-definition' ? sharingOf(o) : undefined;
      if (own) {
        for (const x of own.orgs) shareOrgs.add(x);
        for (const x of own.users) namedUsers.add(x);
      }
      const version =
        typeof o.modified === 'string' ? o.modified : typeof o.created === 'string' ? o.created : null;
      rows.push({
        collectionId: col.id,
        stixId: o.id,
        type: o.type,
        version,
        specVersion: typeof o.spec_version === 'string' ? o.spec_version : '2.1',
        orgId: authorOrg,
        authorUser: actor.userId,
        tlp: own && levels.length === 0 ? tlpRank('amber+strict') : tlpRank(tlp),
        shareOrgs: [...shareOrgs],
        namedUsers: [...namedUsers],
        refs: refsOf(o),
        // Validation does not change an object, so the text it arrived as serialised is its body.
        body: opts.bodies?.[i] ?? JSON.stringify(o),
      });
      rowOf.push(i);
      objectOf.push(o);
    }
    const statusId = opts.statusId ?? randomUUID();
    const indicators: repo.IndicatorRow[] = [];
    // The patterns validation parsed: the matcher does not parse them again.
    const parsed = new Map<repo.IndicatorRow, ObservationExpression>();
    await this.db.transaction(async (tx) => {
      await repo.lockIngest(tx);
      // A posted envelope is committed as one record (below); anything else object by object.
      const envelope = opts.statusId ?? null;
      const inserted = await repo.insertObjects(tx, rows, envelope);
      const commitments = [];
      const covered: EnvelopeRecord['objects'] = [];
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k]!;
        const ins = inserted[k];
        const i = rowOf[k]!;
        outcomes[i] = { id: row.stixId, version: ins?.version ?? row.version ?? '', status: 'success' };
        if (!ins) continue;
        const body = objectOf[k]! as Record<string, unknown>;
        if (envelope)
          covered.push({ id: row.stixId, version: ins.version, seq: ins.seq, sha256: sha256Of(row.body) });
        else
          commitments.push({
            kind: 'intel.object',
            id: row.stixId,
            version: ins.seq,
            org: row.orgId,
            record: { collection: row.collectionId, version: ins.version, object: body },
          });
        if (body.type === 'indicator') {
          const ast = this.validator.patternOf(body);
          const indicator: repo.IndicatorRow = {
            stixId: row.stixId,
            version: ins.version,
            name: typeof body.name === 'string' ? body.name : null,
            pattern: String(body.pattern),
            patternType: String(body.pattern_type),
            validFrom: new Date(String(body.valid_from)),
            validUntil: effectiveValidUntil(body),
            revoked: body.revoked === true,
            confidence: typeof body.confidence === 'number' ? body.confidence : null,
            orgId: row.orgId,
            authorUser: row.authorUser,
            tlp: row.tlp,
            shareOrgs: row.shareOrgs,
            namedUsers: row.namedUsers,
          };
          indicators.push(indicator);
          if (ast) parsed.set(indicator, ast);
        }
      }
      if (envelope && covered.length > 0)
        await commitRecord(tx, {
          kind: 'intel.envelope',
          id: envelope,
          version: 1,
          org: authorOrg,
          record: { collection: col.id, objects: covered } satisfies EnvelopeRecord,
        });
      await commitRecords(tx, commitments);
      const exploitedBy: Marked[] = [];
      for (let k = 0; k < rows.length; k++)
        if (inserted[k] && (rows[k]!.type === 'vulnerability' || rows[k]!.type === 'sighting'))
          exploitedBy.push({ object: objectOf[k]!, tlp: rows[k]!.tlp, orgId: rows[k]!.orgId });
      if (exploitedBy.length) await this.markExploited(tx, actor, exploitedBy, rows);
      const { changed, changes } = await repo.upsertIndicators(tx, indicators);
      const stored = indicators.filter((i) => changed.has(i.stixId));
      const ok = outcomes.filter((x) => x.status === 'success');
      const bad = outcomes.filter((x) => x.status === 'failure');
      const details = {
        successes: ok.map((x) => ({ id: x.id, version: x.version })),
        failures: bad.map((x) => ({ id: x.id, version: x.version, message: x.message ?? '' })),
      };
      // A posted envelope completes its pending status in the transaction that stores its objects.
      if (opts.statusId) await repo.completeStatus(tx, statusId, details);
      else
        await repo.insertCompleteStatus(tx, {
          id: statusId,
          orgId: actor.org.id,
          collectionId: col.id,
          totalCount: objects.length,
          ...details,
        });
      tx.afterCommit(() => {
        this.engine.followLocalWrite(stored, changes, parsed);
      });
    });
    // The warnings reach whoever imports directly; a TAXII status has no place for them, so a
    // posted envelope (statusId) skips compiling its indicators a second time only to find them.
    const scratch = new IndicatorMatcher();
    for (const ind of opts.statusId ? [] : indicators)
      if (ind.patternType === 'stix')
        for (const w of previewWarnings(ind.pattern, scratch)) warnings.push(`${ind.stixId}: ${w}`);
    const success = outcomes.filter((x) => x.status === 'success').length;
    return {
      statusId,
      collection: col.id,
      total: objects.length,
      success,
      failure: objects.length - success,
      outcomes,
      warnings,
    };
  }

  // ---- asynchronous TAXII posts ------------------------------------------------------------------

  /** Set by the status worker: wakes it when an envelope is queued. */
  onSubmitted?: () => void;

  /**
   * Queues a posted envelope (TAXII 2.1 5.4): the collection and the caller's right to write are
   * checked now, the objects are kept in a pending status resource and ingested off the request
   * path by the status worker (any process of the database; a claim with a lease so that an
   * envelope whose process died is taken again). Answers the pending status at once.
   */
  async submit(actor: Actor, collectionId: string, objects: readonly unknown[]): Promise<repo.StatusRow> {
    const col = await this.collection(actor, collectionId);
    if (!col.canWrite) throw errors.forbidden('Your organization may not write to this collection.');
    const pendings = objects.map((o) => {
      const x = (o ?? {}) as { id?: unknown; modified?: unknown; created?: unknown };
      return {
        id: typeof x.id === 'string' ? x.id.slice(0, 300) : '',
        version: String(x.modified ?? x.created ?? '').slice(0, 64),
      };
    });
    // Each object serialised once: the stored envelope is their array, the ingest their bodies.
    const bodies = objects.map((o) => JSON.stringify(o) ?? 'null');
    const envelope = `[${bodies.join(',')}]`;
    const st = await repo.insertPendingStatus(this.db, {
      id: randomUUID(),
      orgId: actor.org.id,
      collectionId: col.id,
      totalCount: objects.length,
      pendings,
      envelope,
      actor: {
        subject: actor.subject,
        id: actor.id,
        userId: actor.userId,
        name: actor.name,
        orgId: actor.org.id,
        roles: [...actor.roles],
      },
    });
    this.holdEnvelope(st.id, objects, bodies, envelope.length);
    this.onSubmitted?.();
    return st;
  }

  /**
   * Envelopes posted through this process, kept in memory until its worker ingests them, so that
   * the worker does not read back and parse what it was just given (about 300 kB of JSON per 1,000
   * objects), nor serialise each object again for its body. The stored copy stays the truth: another process, or this one after a restart, takes
   * it from the status resource. Bounded: the oldest are dropped (read back when claimed).
   */
  private readonly held = new Map<
    string,
    { objects: readonly unknown[]; bodies: readonly string[]; size: number }
  >();
  private heldSize = 0;

  private holdEnvelope(
    id: string,
    objects: readonly unknown[],
    bodies: readonly string[],
    chars: number,
  ): void {
    // The objects and their bodies (the same text again): counted twice against the bound.
    const size = chars * 2;
    if (size > HELD_ENVELOPE_CHARS) return;
    this.held.set(id, { objects, bodies, size });
    this.heldSize += size;
    for (const [k, v] of this.held) {
      if (this.heldSize <= HELD_ENVELOPE_CHARS) break;
      this.releaseEnvelope(k, v.size);
    }
  }

  private releaseEnvelope(id: string, size = this.held.get(id)?.size): void {
    if (size !== undefined && this.held.delete(id)) this.heldSize -= size;
  }

  /**
   * Ingests the oldest queued envelope, completing its status with each object's outcome. An
   * envelope that cannot be ingested (its poster's organization is gone, it lost the right to write,
   * or processing failed `maxAttempts` times) is completed with its objects as failures and the
   * reason. Returns false when nothing waits.
   */
  async processNextSubmission(opts: { leaseSeconds?: number; maxAttempts?: number } = {}): Promise<boolean> {
    const claimed = await repo.claimPendingStatus(this.db, opts.leaseSeconds ?? 300, [...this.held.keys()]);
    if (!claimed) return false;
    const held = claimed.envelope === null ? this.held.get(claimed.id) : undefined;
    const envelope = claimed.envelope ?? held?.objects;
    this.releaseEnvelope(claimed.id);
    const objects = (
      typeof envelope === 'string'
        ? JSON.parse(envelope)
        : (envelope ?? JSON.parse((await repo.findEnvelope(this.db, claimed.id)) ?? '[]'))
    ) as unknown[];
    const failAll = (reason: string) =>
      repo.completeStatus(
        this.db,
        claimed.id,
        {
          successes: [],
          failures: objects.map((o) => {
            const x = (o ?? {}) as { id?: unknown; modified?: unknown; created?: unknown };
            return {
              id: typeof x.id === 'string' ? x.id.slice(0, 300) : '',
              version: String(x.modified ?? x.created ?? '').slice(0, 64),
              message: reason,
            };
          }),
        },
        reason,
      );
    const org = await this.orgRef(claimed.actor.orgId);
    if (!org) {
      await failAll('The posting organization no longer exists.');
      return true;
    }
    const actor: Actor = {
      subject: claimed.actor.subject,
      id: claimed.actor.id,
      userId: claimed.actor.userId,
      name: claimed.actor.name,
      org,
      roles: claimed.actor.roles as Actor['roles'],
    };
    try {
      await this.ingest(actor, claimed.collectionId, objects, { statusId: claimed.id, bodies: held?.bodies });
    } catch (err) {
      const reason = `The envelope could not be ingested: ${(err as Error).message}`.slice(0, 1000);
      const problem = (err as { status?: number }).status;
      // A refusal (4xx: no longer allowed, collection gone) is final; anything else is tried again.
      if ((problem !== undefined && problem < 500) || claimed.attempts >= (opts.maxAttempts ?? 3))
        await failAll(reason);
      else await repo.releaseStatus(this.db, claimed.id);
      this.log?.warn({ status: claimed.id, err }, 'TAXII envelope ingest failed');
    }
    return true;
  }

  hasPendingSubmissions(): Promise<boolean> {
    return repo.hasPendingStatus(this.db);
  }

  /**
   * Marks the exposures of the CVEs that newly stored objects show exploited in the wild (a
   * vulnerability object that says so, a sighting of a vulnerability or of an indicator naming a
   * CVE), through the exposures domain, in the ingest's transaction. Intelligence every member may
   * see (CLEAR, GREEN, and every object it rests on too) marks every organization's exposures;
   * anything stricter only the publishing organization's, so a marking never shows through.
   * Referenced objects count only when the poster may see them.
   */
  private async markExploited(
    tx: Tx,
    actor: Actor,
    added: Marked[],
    batch: readonly repo.NewObjectRow[],
  ): Promise<void> {
    const known = new Map<string, Marked>();
    for (const r of batch)
      if (r.type === 'vulnerability' || r.type === 'indicator' || r.type === 'relationship')
        known.set(r.stixId, { object: JSON.parse(r.body), tlp: r.tlp, orgId: r.orgId });
    const visible = this.visibleSql(actor);
    const stored = async (ids: string[], types?: string[], text?: string) =>
      ids.length === 0 && !text
        ? []
        : (
            await repo.listObjects(tx, visible, {
              ids: ids.length ? ids : undefined,
              types,
              text,
              versions: ['last'],
              limit: 500,
            })
          ).map((r) => ({
            object: JSON.parse(r.body) as Record<string, unknown>,
            tlp: r.tlp,
            orgId: r.orgId,
          }));
    for (const m of await stored(
      referencesToResolve(
        added.map((a) => a.object),
        (id) => known.has(id),
      ),
    ))
      known.set(String(m.object.id), m);
    // Vulnerabilities that sighted indicators `indicate`, from the batch and the store.
    const indicates = new Map<string, Marked[]>();
    for (const a of added) {
      const ref = a.object.sighting_of_ref;
      if (typeof ref !== 'string' || !ref.startsWith('indicator--')) continue;
      const rels = [...known.values()].filter(
        (k) => k.object.type === 'relationship' && k.object.source_ref === ref,
      );
      rels.push(...(await stored([], ['relationship'], ref)).filter((k) => k.object.source_ref === ref));
      const targets = rels
        .filter(
          (r) =>
            r.object.relationship_type === 'indicates' &&
            String(r.object.target_ref).startsWith('vulnerability--'),
        )
        .map((r) => ({ rel: r, id: String(r.object.target_ref) }));
      for (const v of await stored(targets.map((t) => t.id).filter((id) => !known.has(id))))
        known.set(String(v.object.id), v);
      indicates.set(
        ref,
        targets.flatMap((t) => {
          const v = known.get(t.id);
          return v ? [{ ...v, tlp: Math.max(v.tlp, t.rel.tlp) }] : [];
        }),
      );
    }
    const marks = exploitMarks(
      added,
      (id) => known.get(id),
      (id) => indicates.get(id) ?? [],
    );
    for (const mark of marks)
      await this.exploitation.markExploited(
        tx,
        mark.cves,
        mark.source,
        mark.tlp <= tlpRank('green') ? null : mark.orgId,
      );
  }

  /** Imports a STIX 2.1 bundle, a lone STIX object or an array of objects into a collection. */
  async importBundle(
    actor: Actor,
    bundle: unknown,
    target: { collection?: string; org?: string } = {},
  ): Promise<IngestResult> {
    const input = objectsToImport(bundle);
    if (!input.ok)
      throw errors.unprocessable(input.title, [{ pointer: input.pointer, detail: input.detail }]);
    let collection = target.collection;
    if (!collection) {
      const org = target.org ?? actor.org.id;
      const ref = await this.orgRef(org);
      if (!ref) throw errors.notFound('The organization');
      assertCan(actor, 'write', ref, 'The organization');
      collection = (await this.collectionOf(org)).id;
    }
    return this.ingest(actor, collection, input.objects);
  }

  /** Revokes an indicator (or any SDO): a new version with revoked: true, by its author organization. */
  async revoke(actor: Actor, stixId: string): Promise<IngestResult> {
    const [latest] = await repo.listObjects(this.db, this.visibleSql(actor), {
      ids: [stixId],
      versions: ['last'],
      limit: 1,
    });
    if (!latest) throw errors.notFound('The object');
    const org = await this.orgRef(latest.orgId);
    if (!org) throw errors.notFound('The object');
    assertCan(actor, 'write', org, 'The object');
    const o = JSON.parse(latest.body) as Record<string, unknown>;
    if (typeof o.modified !== 'string')
      throw errors.unprocessable('Only objects with versions (created/modified) can be revoked.');
    if (o.revoked === true) throw errors.conflict('The object is already revoked.');
    let modified = new Date().toISOString();
    if (modified <= o.modified) modified = new Date(new Date(o.modified).getTime() + 1).toISOString();
    return this.ingest(actor, latest.collectionId, [{ ...o, modified, revoked: true }]);
  }

  // ---- reads ------------------------------------------------------------------------------------

  private visibleSql(actor: Actor | null): repo.VisibleSql {
    return (alias, params) =>
      tlpVisibleSql(
        actor,
        {
          tlp: `${alias}.tlp`,
          org: `${alias}.org_id`,
          authorUser: `${alias}.author_user`,
          shareOrgs: `${alias}.share_orgs`,
          namedUsers: `${alias}.named_users`,
        },
        params,
        (col, p) => (actor ? visibleOrgsSql(actor, col, p) : 'false'),
      );
  }

  async audit(
    actor: Actor | null,
    action: string,
    collectionId: string | null,
    objectId: string | null,
    count: number,
  ): Promise<void> {
    await repo.logAccess(this.db, {
      actor: actor ? `${actor.subject}:${actor.id}` : 'anonymous',
      orgId: actor?.org.id ?? null,
      action,
      collectionId,
      objectId,
      count,
    });
  }

  private decodeCursor(next: string, key: string): number {
    const m = /^([0-9]+)\.([A-Za-z0-9_-]{16})$/.exec(Buffer.from(next, 'base64url').toString('utf8'));
    if (!m || m[2] !== key)
      throw errors.badRequest(
        "'next' does not belong to this query: repeat the query's parameters with the 'next' it returned.",
      );
    return Number(m[1]);
  }

  /**
   * A page of object versions of a collection in date_added order. `next` is an opaque cursor: the
   * last row's seq and a digest of the query, so it cannot be replayed with other filters, and
   * seq order equals date_added order (ingest holds one lock), so paging never skips or repeats
   * even when thousands of objects share one date_added.
   */
  async page(
    actor: Actor | null,
    collectionId: string,
    q: ListQuery,
    scope: 'objects' | 'manifest' | 'versions',
  ): Promise<{ rows: repo.StoredObjectRow[]; more: boolean; next?: string }> {
    await this.collection(actor, collectionId);
    const limit = Math.min(Math.max(q.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const key = cursorKey(collectionId, actor, q, scope);
    // Kept as text: the database compares it at microsecond precision (a Date would drop them).
    const addedAfter = q.addedAfter;
    if (addedAfter !== undefined) {
      if (
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(addedAfter) ||
        Number.isNaN(new Date(addedAfter).getTime())
      )
        throw errors.badRequest("'added_after' must be an RFC 3339 timestamp in UTC (…Z).");
    }
    const rows = await repo.listObjects(this.db, this.visibleSql(actor), {
      collectionId,
      afterSeq: q.next ? this.decodeCursor(q.next, key) : undefined,
      addedAfter,
      ids: q.ids,
      types: q.types,
      specVersions: q.specVersions,
      versions: q.versions ?? (scope === 'versions' ? ['all'] : ['last']),
      limit: limit + 1,
    });
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const last = pageRows[pageRows.length - 1];
    return {
      rows: pageRows,
      more,
      next: more && last ? Buffer.from(`${last.seq}.${key}`).toString('base64url') : undefined,
    };
  }

  async objects(actor: Actor | null, collectionId: string, q: ListQuery): Promise<ObjectPage> {
    const p = await this.page(actor, collectionId, q, 'objects');
    await this.audit(
      actor,
      q.ids?.length === 1 ? 'read-object' : 'pull',
      collectionId,
      q.ids?.length === 1 ? q.ids[0]! : null,
      p.rows.length,
    );
    return {
      objects: p.rows.map((r) => exportForm(r.body)),
      more: p.more,
      next: p.next,
      first: p.rows[0]?.dateAdded,
      last: p.rows[p.rows.length - 1]?.dateAdded,
    };
  }

  async manifest(actor: Actor | null, collectionId: string, q: ListQuery) {
    const p = await this.page(actor, collectionId, q, 'manifest');
    await this.audit(actor, 'manifest', collectionId, null, p.rows.length);
    return {
      entries: p.rows.map((r) => ({
        id: r.stixId,
        date_added: r.dateAdded,
        version: r.version,
        media_type: `application/stix+json;version=${r.specVersion}`,
      })),
      more: p.more,
      next: p.next,
      first: p.rows[0]?.dateAdded,
      last: p.rows[p.rows.length - 1]?.dateAdded,
    };
  }

  async versions(actor: Actor | null, collectionId: string, stixId: string, q: ListQuery) {
    const p = await this.page(actor, collectionId, { ...q, ids: [stixId] }, 'versions');
    if (p.rows.length === 0 && !q.next) throw errors.notFound('The object');
    await this.audit(actor, 'versions', collectionId, stixId, p.rows.length);
    return {
      versions: p.rows.map((r) => r.version),
      more: p.more,
      next: p.next,
      first: p.rows[0]?.dateAdded,
      last: p.rows[p.rows.length - 1]?.dateAdded,
    };
  }

  async deleteObject(
    actor: Actor,
    collectionId: string,
    stixId: string,
    versions: string[] | undefined,
  ): Promise<void> {
    const col = await this.collection(actor, collectionId);
    if (!col.canWrite) throw errors.forbidden('Your organization may not delete from this collection.');
    const seen = await repo.listObjects(this.db, this.visibleSql(actor), {
      collectionId,
      ids: [stixId],
      versions: ['all'],
      limit: 1,
    });
    if (seen.length === 0) throw errors.notFound('The object');
    const explicit = versions?.filter((v) => v !== 'all' && v !== 'last' && v !== 'first');
    await this.db.transaction(async (tx) => {
      const n = await repo.deleteObject(tx, collectionId, stixId, explicit?.length ? explicit : null);
      await commitRecords(tx, [
        {
          kind: 'intel.object-deleted',
          id: stixId,
          version: n,
          org: actor.org.id,
          record: { collection: collectionId, versions: explicit ?? 'all' },
        },
      ]);
    });
    await this.audit(actor, 'delete', collectionId, stixId, 1);
  }

  async status(actor: Actor, id: string): Promise<repo.StatusRow> {
    const s = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findStatus(this.db, id) : undefined;
    const org = s ? await this.orgRef(s.orgId) : undefined;
    if (!s || !org || !canSee(actor, org)) throw errors.notFound('The status');
    return s;
  }

  /** A whole collection as a STIX bundle (what the caller may see), audited as an export. */
  async exportBundle(actor: Actor, collectionId: string): Promise<Record<string, unknown>> {
    await this.collection(actor, collectionId);
    const objects: Record<string, unknown>[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const rows = await repo.listObjects(this.db, this.visibleSql(actor), {
        collectionId,
        afterSeq,
        versions: ['all'],
        limit: 5000,
      });
      for (const r of rows) objects.push(exportForm(r.body));
      if (rows.length < 5000) break;
      afterSeq = rows[rows.length - 1]!.seq;
    }
    await this.audit(actor, 'export', collectionId, null, objects.length);
    return { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
  }

  /** Search for the console: latest versions the caller may see, newest first by insertion. */
  async search(actor: Actor, q: { q?: string; type?: string; limit?: number }) {
    const rows = await repo.listObjects(this.db, this.visibleSql(actor), {
      text: q.q,
      types: q.type ? [q.type] : undefined,
      versions: ['last'],
      limit: Math.min(q.limit ?? 100, 500),
    });
    await this.audit(actor, 'search', null, null, rows.length);
    return rows.map((r) => summaryOf(r));
  }

  /** One object for its page: versions, markings, the relationships the caller may see. */
  async detail(actor: Actor, stixId: string) {
    const versions = await repo.listObjects(this.db, this.visibleSql(actor), {
      ids: [stixId],
      versions: ['all'],
      limit: 1000,
    });
    if (versions.length === 0) throw errors.notFound('The object');
    const latest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    const rels = await repo.listObjects(this.db, this.visibleSql(actor), {
      types: ['relationship', 'sighting'],
      text: stixId,
      versions: ['last'],
      limit: 500,
    });
    const object = exportForm(latest.body);
    const markings = ((object.object_marking_refs as string[] | undefined) ?? []).map((id) => ({
      id,
      tlp: tlpOfMarking(id) ?? null,
    }));
    await this.audit(actor, 'read-object', latest.collectionId, stixId, 1);
    const [indicator] = latest.type === 'indicator' ? await repo.findIndicators(this.db, [stixId]) : [];
    return {
      object,
      tlp: TLP_LEVELS[latest.tlp]!,
      collection: latest.collectionId,
      markings,
      versions: versions.map((v) => ({
        version: v.version,
        dateAdded: v.dateAdded,
        collection: v.collectionId,
      })),
      relationships: rels.map((r) => exportForm(r.body)),
      lifecycle: indicator
        ? {
            validFrom: new Date(indicator.validFrom).toISOString(),
            validUntil: indicator.validUntil ? new Date(indicator.validUntil).toISOString() : null,
            revoked: indicator.revoked,
            live:
              !indicator.revoked && (!indicator.validUntil || new Date(indicator.validUntil) > new Date()),
          }
        : null,
    };
  }

  // ---- matching ---------------------------------------------------------------------------------

  /**
   * Checks observables (given, or extracted from a log excerpt) against every live indicator the
   * caller may see; the hits are recorded as sightings of the caller's organization.
   */
  async match(
    actor: Actor,
    input: { observables?: { type: string; value: string }[]; text?: string; region?: string },
  ) {
    const rejected: { index: number; reason: string }[] = [];
    const observables: Observable[] = [];
    if (input.text !== undefined) observables.push(...extractObservables(input.text, MAX_OBSERVABLES));
    (input.observables ?? []).forEach((o, index) => {
      if (!(OBSERVABLE_TYPES as readonly string[]).includes(o.type)) {
        rejected.push({ index, reason: `type must be one of ${OBSERVABLE_TYPES.join(', ')}` });
        return;
      }
      const value = normalizeObservable(o.type as ObservableType, o.value, input.region);
      if (value === undefined) rejected.push({ index, reason: `not a valid ${o.type}` });
      else observables.push({ type: o.type as ObservableType, value });
    });
    if (observables.length > MAX_OBSERVABLES)
      throw errors.tooLarge(MAX_OBSERVABLES, `At most ${MAX_OBSERVABLES} observables per request.`);
    const hits = await this.engine.visibleHits(actor, observables);
    const byIndicator = new Map<string, { count: number; value: string }>();
    for (const h of hits) {
      const e = byIndicator.get(h.id);
      if (e) e.count++;
      else
        byIndicator.set(h.id, {
          count: 1,
          value: `${observables[h.observable]!.type}:${observables[h.observable]!.value}`,
        });
    }
    const names = new Map(
      (await repo.findIndicators(this.db, [...byIndicator.keys()])).map((i) => [i.stixId, i]),
    );
    const now = new Date();
    if (byIndicator.size > 0) {
      await this.db.transaction(async (tx: Tx) => {
        const rows = await repo.addSightings(
          tx,
          [...byIndicator]
            .filter(([id]) => names.has(id))
            .map(([indicatorId, e]) => ({
              id: randomUUID(),
              indicatorId,
              orgId: actor.org.id,
              count: e.count,
              value: e.value,
              at: now,
            })),
        );
        await commitRecords(
          tx,
          rows.map((s) => ({
            kind: 'intel.sighting',
            id: s.id,
            version: s.version,
            org: s.orgId,
            record: s,
          })),
        );
        // A hit on an indicator that names a CVE is a sighting of its exploitation: it marks the
        // sighting organization's own exposures of that CVE (no one else's).
        for (const o of await repo.listObjects(tx, this.visibleSql(actor), {
          ids: [...byIndicator.keys()].filter((id) => names.has(id)),
          versions: ['last'],
          limit: byIndicator.size * 4,
        })) {
          const cves = cvesOf(JSON.parse(o.body) as Record<string, unknown>);
          if (cves.length) await this.exploitation.markExploited(tx, cves, o.stixId, actor.org.id);
        }
      });
    }
    await this.audit(actor, 'match', null, null, observables.length);
    return {
      observables,
      rejected,
      hits: hits.map((h) => {
        const i = names.get(h.id);
        return {
          observable: observables[h.observable]!,
          indicator: h.id,
          name: i?.name ?? null,
          confidence: i?.confidence ?? null,
          tlp: i ? TLP_LEVELS[i.tlp]! : null,
        };
      }),
    };
  }

  async sightings(actor: Actor, indicator?: string) {
    const rows = await repo.listSightings(
      this.db,
      (col, p) => visibleOrgsSql(actor, col, p),
      actor.org.id,
      indicator,
      500,
    );
    return rows.map((s) => ({
      id: s.id,
      indicator: s.indicatorId,
      indicatorName: s.indicatorName,
      org: s.orgId,
      count: s.count,
      firstSeen: new Date(s.firstSeen).toISOString(),
      lastSeen: new Date(s.lastSeen).toISOString(),
      lastValue: s.lastValue,
    }));
  }

  /** The latest versions the caller may see of these objects (any collection). */
  async latestVisible(actor: Actor, ids: string[]): Promise<repo.StoredObjectRow[]> {
    if (ids.length === 0) return [];
    return repo.listObjects(this.db, this.visibleSql(actor), {
      ids,
      versions: ['last'],
      limit: ids.length * 4,
    });
  }

  /** A matcher sighting the caller may see (its organization is visible, or the indicator is its own), with its indicator. */
  async visibleSighting(actor: Actor, id: string) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const s = await repo.findVisibleSighting(
      this.db,
      (col, p) => visibleOrgsSql(actor, col, p),
      actor.org.id,
      id,
    );
    if (!s) return undefined;
    // The indicator itself must be visible too: a sighting never reveals an indicator.
    const [ind] = await this.latestVisible(actor, [s.indicatorId]);
    return ind ? { sighting: s, indicator: ind } : undefined;
  }

  async accessLog(actor: Actor) {
    if (!actor.roles.includes('admin') && !actor.roles.includes('auditor'))
      throw errors.forbidden('The intelligence access log is for administrators and auditors.');
    const rows = await repo.listAccess(this.db, (col, p) => visibleOrgsSql(actor, col, p), 500);
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** Status resources older than a week go (TAXII keeps them at least 24 hours). */
  sweepStatus(): Promise<number> {
    return repo.deleteOldStatus(this.db);
  }
}

/** What a STIX pattern leaves unmatched (a public suffix …), compiled apart from the live matcher. */
function previewWarnings(pattern: string, scratch = new IndicatorMatcher()): string[] {
  try {
    // The same id each time: a put replaces the previous pattern, so one scratch matcher serves a batch.
    return scratch.put({
      id: 'indicator--00000000-0000-4000-8000-000000000000',
      pattern,
      validFrom: 0,
      validUntil: null,
      revoked: false,
      marking: 0,
    });
  } catch (err) {
    return [(err as Error).message];
  }
}

export function summaryOf(r: repo.StoredObjectRow) {
  const o = JSON.parse(r.body) as Record<string, unknown>;
  return {
    id: r.stixId,
    type: r.type,
    name: typeof o.name === 'string' ? o.name : typeof o.value === 'string' ? o.value : null,
    version: r.version,
    tlp: TLP_LEVELS[r.tlp]!,
    collection: r.collectionId,
    org: r.orgId,
    dateAdded: r.dateAdded,
    pattern: typeof o.pattern === 'string' ? o.pattern : null,
    revoked: o.revoked === true,
  };
}

// The public reporting domain: intake of reports from people without an account (proof of work,
// rate limits, canonical observables, a receipt committed to the ledger), the reporter's status
// timeline, the staff triage queue and decisions, the aggregation of observables into candidates
// and their promotion to indicators (through the IndicatorPublisher port, which the composition
// root implements with the threat-intelligence domain), and the public lookups and statistics.
//
// Reporter data — the contact, the receipt token, the reporter and network keys — never leaves
// through a list, an export, a feed or a log: the contact is stored encrypted and only its keyed
// hash is compared; the receipt token only as a hash.
import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import { type Actor, assertCan, type OrgRef } from '../access/index.ts';
import { commitRecord, commitRecords } from '../ledger/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import type { EventBus } from '../platform/events.ts';
import { AppError, errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { type ContactMailer, type StatusMailPass, StatusMessages } from './status-mail.ts';
import { type CanonicalObservable, canonicalize, defang, ObservableError } from './canonical.ts';
import { networkPrefix, RateMeter, WindowLimiter } from './limits.ts';
import { ProofOfWork, type PowPayload } from './pow.ts';
import { GroupReader, GroupWriter } from '../platform/group.ts';
import * as repo from './repo.ts';
import type {
  Decide,
  FileReport,
  LedgerProof,
  Promote,
  QueueQuery,
  Receipt,
  TimelineStep as TimelineStepSchema,
} from './schema.ts';
import { loadPortalKeys, type PortalKeys, tokenHash } from './secrets.ts';
import { SIMHASH_DISTANCE, simhash } from './simhash.ts';
import { type AbuseDesks, deskFor, hostOf } from './abuse-desks.ts';
import { centreContact, toXarf } from './xarf.ts';
import { MAX_ATTACHMENTS, sanitizeAttachment } from './attachments.ts';
import {
  AUDIENCE_OF_KIND,
  CLOSING_DECISIONS,
  type ObservableKind,
  type OperatorAction,
  STATUS_OF_DECISION,
  VALIDITY_DAYS,
} from './taxonomy.ts';

export const RECORD_KIND = 'public.report';
/** The ledger kind of an operator's post-back on an indicator promoted from public reports. */
export const ACTION_KIND = 'public.indicator-action';
/** Statistics cells below this count are suppressed (shown as null). */
export const SUPPRESS_BELOW = 5;
const DAY = 86_400_000;
const CONTACT_RETENTION_DAYS = 30;
/** At most this many reports in one intake transaction. */
const INTAKE_GROUP = 256;
/**
 * A published observable's indicator is given its extended validity once the portal's is this much
 * later than what the indicator has: one new indicator version per hour of extension at most, not
 * one per report (each is a new object version in every operator's feed).
 */
export const VALIDITY_PUSH_SLACK_MS = 3600_000;
/** Validity pushes per sweeper pass, and how often the pass runs. */
export const VALIDITY_PUSH_BATCH = 500;
const VALIDITY_PUSH_EVERY_MS = 60_000;
/** A failed push is tried again on the first pass this long after the failure. */
export const VALIDITY_PUSH_RETRY_MS = 600_000;

interface PendingReport {
  spent: { spentKey: string; expiresAt: Date } | undefined;
  report: repo.NewReport;
  observables: CanonicalObservable[];
  record: Record<string, unknown>;
}

export interface PublicSettings {
  /** Encrypts the portal's root secret in the database (BULWARK_PUBLIC_SECRET, else the ledger's). */
  secret?: string;
  /** The public origin, for status URLs. */
  publicOrigin: string;
  pow: { counter: number; ttlSeconds: number; surgePerMinute: number };
  perPrefixPerHour: number;
  perContactPerDay: number;
  candidateReporters: number;
  candidateWindowHours: number;
  /** `kind:key` values that need two analysts to promote (bank hotlines, official numbers, top domains). */
  allowlist: string[];
  /** Observable kinds whose indicators are TLP:CLEAR (public blocklists); others TLP:AMBER to their operators. */
  clearKinds: ObservableKind[];
  /** Abuse desks X-ARF is e-mailed to (BULWARK_PUBLIC_ABUSE_DESKS); none: nothing is mailed. */
  abuseDesks?: AbuseDesks;
}

/** What the ledger answers for a report's commitment (a port: the root hands the ledger's receipts). */
export interface ReportReceipt {
  leafIndex: number;
  treeSize: number;
  commitment: string;
  receipt: string;
}

export interface ReportReceipts {
  /** The receipt of a committed record version, or undefined while the sequencer has not integrated it. */
  receiptOf(kind: string, id: string, version: number): Promise<ReportReceipt | undefined>;
}

/**
 * Publishes a confirmed observable as an indicator for the operators that act on its kind
 * (telecoms: phones and sender ids; banks: accounts and wallets; registrars and hosts: URLs and
 * domains). Implemented at the composition root by the threat-intelligence domain.
 */
export interface IndicatorPublisher {
  publish(
    actor: Actor,
    input: {
      kind: ObservableKind;
      key: string;
      audience: 'telecom' | 'finance' | 'hosting';
      tlp: 'clear' | 'amber';
      validUntil: Date;
      name: string;
      description: string;
    },
  ): Promise<{ indicatorId: string; sharedWith: number }>;
  /**
   * Extends a published indicator's validity to `validUntil`: a new version of the same indicator,
   * reaching the same operators. Answers the validity the indicator has now (already that or later:
   * nothing is written) and whether a version was added. Called by the public sweeper in batches,
   * never on intake; it acts for the portal (the coordination centre), not for a person.
   */
  extend(input: { indicatorId: string; validUntil: Date }): Promise<{ validUntil: Date; extended: boolean }>;
}

export interface PublicOrgs {
  root(): Promise<{ id: string; name?: string } | undefined>;
  orgRef(id: string): Promise<OrgRef | undefined>;
}

export interface ClientInfo {
  address: string;
  idempotencyKey?: string;
}

/** What a reporter gets back on filing: the Receipt schema of schema.ts. */
export type ReceiptView = Static<typeof Receipt>;
/** A report's ledger commitment and, once integrated, its receipt: the LedgerProof schema. */
export type LedgerProofView = Static<typeof LedgerProof>;
/** One step of a report's public timeline: the TimelineStep schema. */
export type TimelineStep = Static<typeof TimelineStepSchema>;

export class PublicService {
  private keysPromise: Promise<PortalKeys> | undefined;
  private powPromise: Promise<ProofOfWork> | undefined;
  private readonly perPrefix: WindowLimiter;
  private readonly perContact: WindowLimiter;
  private readonly challenges: WindowLimiter;
  readonly intake = new RateMeter();
  private publisher: IndicatorPublisher | undefined;
  private events: EventBus | undefined;
  private statusMessages: StatusMessages | undefined;
  private mailer: ContactMailer | undefined;
  private wakeMail: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly orgs: PublicOrgs,
    private readonly receipts: ReportReceipts,
    readonly settings: PublicSettings,
    private readonly log?: Logger,
  ) {
    this.perPrefix = new WindowLimiter(settings.perPrefixPerHour, 3600_000);
    this.perContact = new WindowLimiter(settings.perContactPerDay, DAY);
    this.challenges = new WindowLimiter(settings.perPrefixPerHour * 4, 3600_000);
  }

  /** The threat-intelligence side, wired by the composition root once it exists. */
  connectPublisher(p: IndicatorPublisher): void {
    this.publisher = p;
  }

  /**
   * The mailer for status messages to reporters' contacts (notify's `sendTo`), wired by the
   * composition root; without it no contact is messaged.
   */
  connectMailer(mailer: ContactMailer): void {
    this.mailer = mailer;
    this.statusMessages = new StatusMessages(
      this.db,
      () => this.keys(),
      mailer,
      this.settings.publicOrigin,
      this.log,
    );
  }

  /** Mails the contacts of reports decided or closed since they were last told (the worker does this). */
  async sendStatusMessages(): Promise<StatusMailPass> {
    return this.statusMessages?.sendDue() ?? { sent: 0, failed: 0, skipped: 0 };
  }

  /**
   * The domain events, wired by the composition root: after a report is filed or decided,
   * `public.report_filed` / `public.report_decided` name its region and month received (the
   * metrics' cell whose counts changed), for the centre's organization. No reporter, no content.
   */
  connectEvents(events: EventBus): void {
    this.events = events;
  }

  private publishCell(tx: Tx, topic: string, org: string, region: string | null, createdAt: Date): void {
    const events = this.events;
    if (!events) return;
    const month = createdAt.toISOString().slice(0, 7);
    tx.afterCommit(() => events.publish(topic, org, { region, month }));
  }

  private keys(): Promise<PortalKeys> {
    this.keysPromise ??= loadPortalKeys(this.db, this.settings.secret).catch((err: unknown) => {
      this.keysPromise = undefined;
      throw err;
    });
    return this.keysPromise;
  }

  private pow(): Promise<ProofOfWork> {
    this.powPromise ??= this.keys().then((k) => new ProofOfWork(k, this.settings.pow));
    return this.powPromise;
  }

  private async centre(): Promise<OrgRef> {
    const root = await this.orgs.root();
    const ref = root && (await this.orgs.orgRef(root.id));
    if (!ref) throw errors.unavailable('Public reporting needs the coordination centre: create it first.');
    return ref;
  }

  // ---- the public side ------------------------------------------------------------------------

  /** A proof-of-work challenge; its cost rises with intake in the last minute. */
  async challenge(client: ClientInfo) {
    const wait = this.challenges.take(networkPrefix(client.address));
    if (wait !== undefined)
      throw errors.tooManyRequests(wait, 'Too many challenges from your network; try again later.');
    return (await this.pow()).challenge(this.intake.perMinute());
  }

  /**
   * Files a report. A resubmission (the same Idempotency-Key, or the same observables and narrative
   * with the same reporter token within 24 h) answers the existing receipt; otherwise the proof of
   * work is spent, the rate limits counted, and the report, its observables, their aggregates and
   * its ledger commitment are written in one transaction.
   */
  async file(
    input: FileReport,
    client: ClientInfo,
    opts: { demo?: boolean; skipPow?: boolean } = {},
  ): Promise<ReceiptView> {
    const keys = await this.keys();
    const pow = await this.pow();
    let spent: { spentKey: string; expiresAt: Date } | undefined;
    if (!opts.skipPow) {
      const verdict = await pow.verify(input.pow as unknown as PowPayload);
      if (!verdict.ok) throw errors.forbidden(verdict.reason);
      spent = verdict;
    }
    const observables = this.canonicalObservables(input);
    const narrative = input.narrative.trim();
    const fingerprint = keys.keyed(
      'fingerprint',
      JSON.stringify([
        input.category,
        narrative,
        input.message?.trim() ?? '',
        observables
          .filter((o) => !o.derived)
          .map((o) => `${o.kind}:${o.key}`)
          .sort(),
      ]),
    );
    const prefix = networkPrefix(client.address);
    const reporterKey = keys.keyed(
      'reporter',
      input.reporterToken ? `token:${input.reporterToken}` : `net:${prefix}`,
    );
    const material = client.idempotencyKey
      ? `idem:${client.idempotencyKey}`
      : input.reporterToken
        ? `fp:${input.reporterToken}:${fingerprint.toString('hex')}`
        : undefined;
    let token = keys.receiptToken(material);
    let receiptHash = tokenHash(token);
    if (material) {
      const existing = await this.receiptLookup.read(receiptHash);
      if (existing && (client.idempotencyKey || Date.now() - existing.createdAt.getTime() < DAY))
        return { ...(await this.receiptOf(existing, token)), replayed: true };
      if (existing) {
        token = keys.receiptToken();
        receiptHash = tokenHash(token);
      }
    }
    const wait = this.perPrefix.take(prefix);
    if (wait !== undefined)
      throw errors.tooManyRequests(wait, 'Too many reports from your network; try again later.');
    const contact = input.contact?.trim();
    const contactHash = contact ? keys.keyed('contact', contact.toLowerCase()) : null;
    if (contactHash) {
      const w = this.perContact.take(contactHash.toString('base64'));
      if (w !== undefined)
        throw errors.tooManyRequests(w, 'Too many reports with this contact today; try again tomorrow.');
    }
    const now = new Date();
    const id = randomUUID();
    const centre = await this.centre();
    const message = input.message?.trim() || null;
    await this.intakeWriter.write({
      spent,
      report: {
        id,
        orgId: centre.id,
        category: input.category,
        region: input.region ?? null,
        contactMethod: input.contactMethod ?? null,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : null,
        lossMinor: input.loss?.amountMinor ?? null,
        lossCurrency: input.loss?.currency ?? null,
        paymentMethod: input.loss?.paymentMethod ?? null,
        narrative,
        message,
        simhash: message ? simhash(message) : null,
        receiptHash,
        reporterKey,
        fingerprint,
        contactCiphertext: contact ? keys.encryptContact(contact) : null,
        contactHash,
        demo: opts.demo ?? false,
        createdAt: now,
      },
      observables,
      record: this.recordOf(id, input, observables, now),
    });
    // Just committed: the sequencer integrates it within moments; the status shows the proof.
    return {
      id,
      receiptToken: token,
      statusUrl: `${this.settings.publicOrigin}/report#status=${token}`,
      ledger: {
        kind: RECORD_KIND,
        id,
        version: 1,
        leafIndex: null,
        treeSize: null,
        commitment: null,
        receipt: null,
        state: 'pending',
      },
      replayed: false,
    };
  }

  /**
   * Writes filed reports in groups: while one transaction is being written, the reports that
   * arrive wait and then go together in the next one (one statement per table for the group and
   * their ledger commitments in one insert). Nothing waits when intake is quiet: a lone report
   * is written at once. A report whose proof of work was already spent fails alone; if the group's
   * transaction fails for another reason, each report is retried on its own so one bad report
   * cannot fail the others.
   */
  private readonly intakeWriter = new GroupWriter<PendingReport>(
    (batch) => this.writeReports(batch),
    INTAKE_GROUP,
  );

  /** Resubmission checks, grouped like the writes (one lookup statement for many reports). */
  private readonly receiptLookup = new GroupReader<Buffer, repo.ReportRow>(async (hashes) => {
    const found = await repo.findByReceipts(this.db, hashes);
    return hashes.map((h) => found.get(h.toString('hex')));
  }, INTAKE_GROUP);

  private async writeReports(batch: PendingReport[]): Promise<(Error | undefined)[]> {
    const allow = new Set(this.settings.allowlist);
    const now = new Date();
    const outcome: (Error | undefined)[] = batch.map(() => undefined);
    await this.db.transaction(async (tx) => {
      // Spend the challenges: a replay (already spent, or twice in this group) fails its report only.
      const wanted = new Map<string, number>();
      const replay = () => errors.forbidden('This proof of work was already used: solve a new challenge.');
      batch.forEach((p, i) => {
        if (!p.spent) return;
        if (wanted.has(p.spent.spentKey)) outcome[i] = replay();
        else wanted.set(p.spent.spentKey, i);
      });
      // The challenges spent, the reports and their observables: one statement for the group.
      const fresh = await repo.insertIntake(
        tx,
        batch.flatMap((p, i) =>
          outcome[i]
            ? []
            : [
                {
                  report: p.report,
                  spends: p.spent && { key: p.spent.spentKey, expiresAt: p.spent.expiresAt },
                  observables: p.observables.map((o) => ({
                    type: o.kind,
                    key: o.key,
                    country: o.country ?? null,
                    spoofable: !!o.spoofable,
                    derived: !!o.derived,
                  })),
                },
              ],
        ),
      );
      for (const [k, i] of wanted) if (!fresh.has(k)) outcome[i] = replay();
      const ok = batch.filter((_p, i) => !outcome[i]);
      if (ok.length === 0) return;
      await this.aggregate(
        tx,
        ok.flatMap((p) => p.observables),
        now,
        allow,
      );
      await commitRecords(
        tx,
        ok.map((p) => ({
          kind: RECORD_KIND,
          id: p.report.id,
          version: 1,
          org: p.report.orgId,
          record: p.record,
          at: p.report.createdAt,
        })),
      );
      tx.afterCommit(() => {
        for (let i = 0; i < ok.length; i++) this.intake.mark();
      });
      for (const p of ok)
        this.publishCell(tx, 'public.report_filed', p.report.orgId, p.report.region, p.report.createdAt);
    });
    return outcome;
  }

  private canonicalObservables(input: FileReport): CanonicalObservable[] {
    const out: CanonicalObservable[] = [];
    const seen = new Set<string>();
    const errs: { pointer: string; detail: string }[] = [];
    input.observables.forEach((o, i) => {
      try {
        for (const c of canonicalize(o.type, o.value, input.region)) {
          const k = `${c.kind}:${c.key}`;
          if (seen.has(k)) continue;
          seen.add(k);
          out.push(c);
        }
      } catch (err) {
        if (!(err instanceof ObservableError)) throw err;
        errs.push({ pointer: `/observables/${i}/value`, detail: err.message });
      }
    });
    if (errs.length) throw errors.unprocessable(errs[0]!.detail, errs);
    return out;
  }

  /** What the ledger commits for a report: its fields and canonical observables, never the contact. */
  private recordOf(id: string, input: FileReport, observables: CanonicalObservable[], at: Date) {
    return {
      id,
      category: input.category,
      contactMethod: input.contactMethod ?? null,
      occurredAt: input.occurredAt ?? null,
      region: input.region ?? null,
      loss: input.loss ?? null,
      narrative: input.narrative.trim(),
      message: input.message?.trim() || null,
      observables: observables.map((o) => ({ type: o.kind, key: o.key, derived: !!o.derived })),
      receivedAt: at.toISOString(),
    };
  }

  /** Distinct reporters per observable: a candidate at the threshold; a published one lives longer. */
  private async aggregate(
    tx: Tx,
    observables: CanonicalObservable[],
    now: Date,
    allow: Set<string>,
  ): Promise<void> {
    const windowStart = new Date(now.getTime() - this.settings.candidateWindowHours * 3600_000);
    // One row per observable (a group of reports names the same number many times); it counts as
    // derived only when no report named it itself.
    const unique = new Map<string, CanonicalObservable>();
    for (const o of observables) {
      const k = `${o.kind}:${o.key}`;
      const seen = unique.get(k);
      if (!seen || (seen.derived && !o.derived)) unique.set(k, o);
    }
    const distinct = [...unique.values()];
    // Reporters are counted (up to the threshold) only where they can make a candidate.
    const counted = await repo.touchObservables(
      tx,
      distinct.map((o) => ({ type: o.kind, key: o.key, derived: !!o.derived })),
      now,
      windowStart,
      distinct.map((o) => allow.has(`${o.kind}:${o.key}`)),
      this.settings.candidateReporters,
    );
    const ready = counted.filter(
      (c) => c.status === 'watching' && c.reporters >= this.settings.candidateReporters,
    );
    await repo.markCandidates(tx, ready, 'reporters', now);
    for (const c of counted)
      if (c.status === 'published')
        await repo.extendValidity(
          tx,
          c.type,
          c.key,
          new Date(now.getTime() + VALIDITY_DAYS[c.type as ObservableKind] * DAY),
        );
  }

  private async ledgerOf(row: repo.ReportRow): Promise<LedgerProofView> {
    const base = { kind: RECORD_KIND, id: row.id, version: 1 };
    const r = await this.receipts.receiptOf(RECORD_KIND, row.id, 1);
    if (!r)
      return { ...base, leafIndex: null, treeSize: null, commitment: null, receipt: null, state: 'pending' };
    return {
      ...base,
      leafIndex: r.leafIndex,
      treeSize: r.treeSize,
      commitment: r.commitment,
      receipt: r.receipt,
      state: 'included',
    };
  }

  private async receiptOf(row: repo.ReportRow, token: string): Promise<Omit<ReceiptView, 'replayed'>> {
    return {
      id: row.id,
      receiptToken: token,
      statusUrl: `${this.settings.publicOrigin}/report#status=${token}`,
      ledger: await this.ledgerOf(row),
    };
  }

  private async byToken(token: string): Promise<repo.ReportRow> {
    const row = await repo.findByReceipt(this.db, tokenHash(token));
    if (!row) throw errors.notFound('The report of this receipt');
    return row;
  }

  /** The reporter's view: the report's status and its timeline, and its ledger receipt. */
  async status(token: string) {
    const row = await this.byToken(token);
    const obs = await repo.observablesOf(this.db, row.id);
    return {
      id: row.id,
      category: row.category,
      status: row.status,
      receivedAt: row.createdAt.toISOString(),
      hasContact: row.hasContact,
      observables: obs
        .filter((o) => !o.derived)
        .map((o) => ({ type: o.type, value: defang(o.type as ObservableKind, o.key) })),
      timeline: await this.timeline(row, obs),
      ledger: await this.ledgerOf(row),
    };
  }

  private async timeline(row: repo.ReportRow, obs: repo.ObservableRow[]): Promise<TimelineStep[]> {
    const steps: TimelineStep[] = [{ step: 'received', at: row.createdAt.toISOString() }];
    for (const e of await repo.eventsOf(this.db, row.id)) {
      const step = e.kind === 'decision' ? 'triaged' : (e.kind as TimelineStep['step']);
      steps.push({ step, at: e.at.toISOString(), ...(e.detail ? { detail: e.detail } : {}) });
    }
    const linked = await repo.countLinked(this.db, row.id, row.simhash, SIMHASH_DISTANCE);
    if (linked > 0) steps.push({ step: 'linked', at: null, count: linked });
    const published = obs.filter((o) => o.status === 'published' && o.indicatorId);
    if (published.length > 0) {
      const first = published.map((o) => o.publishedAt!).sort((a, b) => a.getTime() - b.getTime())[0]!;
      steps.push({ step: 'indicator-published', at: first.toISOString(), count: published.length });
      const shared = published.reduce((n, o) => n + o.sharedWith, 0);
      steps.push({ step: 'shared', at: first.toISOString(), count: shared });
      const actions = await repo.actionsFor(
        this.db,
        published.map((o) => o.indicatorId!),
      );
      if (actions.length > 0) {
        const byAction = new Map<string, number>();
        for (const a of actions) byAction.set(a.action, (byAction.get(a.action) ?? 0) + 1);
        steps.push({
          step: 'acted',
          at: actions[actions.length - 1]!.at.toISOString(),
          count: actions.filter((a) => a.action !== 'refused').length,
          of: Math.max(shared, actions.length),
          detail: [...byAction].map(([a, n]) => `${a}: ${n}`).join(', '),
        });
      }
    }
    return steps;
  }

  /** The reporter adds to its report: a new version of the report in the ledger. */
  async supplement(token: string, text: string): Promise<{ id: string; version: number }> {
    const row = await this.byToken(token);
    if (row.closedAt) throw errors.conflict('This report is closed; file a new report instead.');
    if ((await repo.countSupplements(this.db, row.id)) >= 20)
      throw errors.quotaExceeded('supplements', 20, 'A report takes at most 20 supplements.');
    const now = new Date();
    const version = await this.db.transaction(async (tx) => {
      await repo.lockReport(tx, row.id);
      await repo.insertSupplement(tx, randomUUID(), row.id, text.trim(), now);
      const v = await repo.bumpVersion(tx, row.id, now);
      await repo.insertEvent(tx, row.id, 'supplement', null, now);
      await commitRecord(tx, {
        kind: RECORD_KIND,
        id: row.id,
        version: v,
        org: row.orgId,
        record: { supplement: text.trim(), at: now.toISOString() },
        at: now,
      });
      return v;
    });
    return { id: row.id, version };
  }

  /**
   * The reporter attaches a file (at most 5 a report, 5 MiB each): an image is re-encoded without
   * its metadata and stored; another file is kept only as its SHA-256. Either way the SHA-256 of
   * what is kept is committed to the ledger as the report's next version (a salted commitment).
   */
  async attach(token: string, bytes: Buffer, contentType: string) {
    const row = await this.byToken(token);
    if (row.closedAt) throw errors.conflict('This report is closed; file a new report instead.');
    if (!bytes.length)
      throw errors.unprocessable('The request has no file in its body.', [
        { pointer: '/body', detail: 'empty' },
      ]);
    if ((await repo.countAttachments(this.db, row.id)) >= MAX_ATTACHMENTS)
      throw errors.quotaExceeded(
        'attachments',
        MAX_ATTACHMENTS,
        `A report takes at most ${MAX_ATTACHMENTS} attachments.`,
      );
    const a = await sanitizeAttachment(bytes, contentType);
    const id = randomUUID();
    const now = new Date();
    const version = await this.db.transaction(async (tx) => {
      await repo.lockReport(tx, row.id);
      // Counted again under the lock: two uploads at once cannot make a sixth.
      if ((await repo.countAttachments(tx, row.id)) >= MAX_ATTACHMENTS)
        throw errors.quotaExceeded(
          'attachments',
          MAX_ATTACHMENTS,
          `A report takes at most ${MAX_ATTACHMENTS} attachments.`,
        );
      await repo.insertAttachment(tx, { id, reportId: row.id, ...a, at: now });
      const v = await repo.bumpVersion(tx, row.id, now);
      await repo.insertEvent(tx, row.id, 'attachment', a.content ? 'image' : 'hash only', now);
      await commitRecord(tx, {
        kind: RECORD_KIND,
        id: row.id,
        version: v,
        org: row.orgId,
        record: {
          attachment: {
            id,
            mediaType: a.mediaType,
            sha256: a.sha256.toString('hex'),
            size: a.size,
            stored: a.content !== null,
          },
          at: now.toISOString(),
        },
        at: now,
      });
      return v;
    });
    return {
      id,
      version,
      mediaType: a.mediaType,
      sha256: a.sha256.toString('hex'),
      size: a.size,
      stored: a.content !== null,
    };
  }

  /** The reporter withdraws its contact: deleted at once. */
  async deleteContact(token: string): Promise<void> {
    const row = await this.byToken(token);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      if (await repo.clearContact(tx, row.id))
        await repo.insertEvent(tx, row.id, 'contact-deleted', null, now);
    });
  }

  /** Is this phone number, URL or wallet a published indicator? */
  async check(q: { type: string; value: string; region?: string }) {
    let keys: CanonicalObservable[];
    try {
      keys = canonicalize(q.type as ObservableKind, q.value, q.region);
    } catch (err) {
      if (err instanceof ObservableError)
        throw errors.unprocessable(err.message, [{ pointer: '/value', detail: err.message }]);
      throw err;
    }
    const hits = await repo.findPublished(
      this.db,
      keys.map((k) => ({ type: k.kind, key: k.key })),
      new Date(),
    );
    const main = keys[0]!;
    const hit = hits.find((h) => h.type === main.kind && h.key === main.key) ?? hits[0];
    return {
      type: main.kind,
      value: defang(main.kind, main.key),
      listed: !!hit,
      ...(hit
        ? { since: hit.publishedAt.toISOString(), validUntil: hit.validUntil?.toISOString() ?? null }
        : {}),
      advice: hit
        ? 'Reported and confirmed as fraud: do not answer, pay or sign in. Report it too if it reached you.'
        : 'Not on the published list. That does not make it safe: if in doubt, report it.',
    };
  }

  /** Reports per category and region in a month; cells under 5 are suppressed (null). */
  async statistics(month?: string) {
    const now = new Date();
    const m = month ?? `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const from = new Date(`${m}-01T00:00:00Z`);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const rows = await repo.monthlyCounts(this.db, from, to);
    const total = rows.reduce((n, r) => n + r.n, 0);
    return {
      month: m,
      suppressedBelow: SUPPRESS_BELOW,
      cells: rows.map((r) => ({
        category: r.category,
        region: r.region || 'unknown',
        count: r.n < SUPPRESS_BELOW ? null : r.n,
      })),
      total: total < SUPPRESS_BELOW ? null : total,
    };
  }

  /** The TLP:CLEAR blocklist: live published observables of the clear kinds (no reporter data). */
  async blocklist(): Promise<
    {
      type: string;
      value: string;
      indicatorId: string | null;
      publishedAt: string;
      validUntil: string | null;
    }[]
  > {
    const rows = await repo.publishedOfKinds(this.db, this.settings.clearKinds, new Date(), 100_000);
    return rows.map((r) => ({
      type: r.type,
      value: r.key,
      indicatorId: r.indicatorId,
      publishedAt: r.publishedAt.toISOString(),
      validUntil: r.validUntil?.toISOString() ?? null,
    }));
  }

  // ---- the staff side ------------------------------------------------------------------------

  private async assertStaff(actor: Actor, op: 'read' | 'write'): Promise<OrgRef> {
    const centre = await this.centre();
    assertCan(actor, op, centre, 'Public reports');
    return centre;
  }

  async queue(actor: Actor, q: QueueQuery) {
    await this.assertStaff(actor, 'read');
    const { rows, total } = await repo.queue(this.db, { ...q, limit: q.limit ?? 50, offset: q.offset ?? 0 });
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        category: r.category,
        region: r.region,
        status: r.status,
        receivedAt: r.createdAt.toISOString(),
        observables: r.observables,
        narrativePreview: r.narrative.length > 140 ? `${r.narrative.slice(0, 139)}…` : r.narrative,
        demo: r.demo,
      })),
    };
  }

  async report(actor: Actor, id: string) {
    await this.assertStaff(actor, 'read');
    const row = await repo.findReport(this.db, id);
    if (!row) throw errors.notFound('The report');
    const obs = await repo.observablesOf(this.db, id);
    return {
      id: row.id,
      category: row.category,
      region: row.region,
      contactMethod: row.contactMethod,
      occurredAt: row.occurredAt?.toISOString() ?? null,
      loss:
        row.lossMinor !== null
          ? { amountMinor: row.lossMinor, currency: row.lossCurrency ?? '', paymentMethod: row.paymentMethod }
          : null,
      narrative: row.narrative,
      message: row.message,
      status: row.status,
      decision: row.decision,
      decisionReason: row.decisionReason,
      duplicateOf: row.duplicateOf,
      hasContact: row.hasContact,
      receivedAt: row.createdAt.toISOString(),
      version: row.version,
      demo: row.demo,
      observables: obs.map((o) => ({
        type: o.type,
        value: defang(o.type as ObservableKind, o.key),
        key: o.key,
        country: o.country,
        spoofable: o.spoofable,
        derived: o.derived,
        status: o.status,
        reporters: o.reporters,
        indicatorId: o.indicatorId,
      })),
      duplicates: await repo.duplicatesOf(this.db, id),
      campaign: (await repo.linkedReports(this.db, id, row.simhash, SIMHASH_DISTANCE, 200)).map((l) => ({
        id: l.id,
        category: l.category,
        status: l.status,
        receivedAt: l.createdAt.toISOString(),
        via:
          l.via === 'message'
            ? 'similar message'
            : defang(l.via.split(':')[0] as ObservableKind, l.via.slice(l.via.indexOf(':') + 1)),
      })),
      attachments: (await repo.attachmentsOf(this.db, id)).map((a) => ({
        id: a.id,
        mediaType: a.mediaType,
        sha256: Buffer.from(a.sha256).toString('hex'),
        size: a.size,
        stored: a.stored,
        width: a.width,
        height: a.height,
        at: a.createdAt.toISOString(),
      })),
      supplements: (await repo.supplementsOf(this.db, id)).map((s) => ({
        text: s.text,
        at: s.createdAt.toISOString(),
      })),
      timeline: await this.timeline(row, obs),
    };
  }

  /** A stored (re-encoded) image of a report, for staff to view; hash-only files have no bytes. */
  async attachment(actor: Actor, reportId: string, id: string) {
    await this.assertStaff(actor, 'read');
    const a = await repo.attachmentContent(this.db, reportId, id);
    if (!a) throw errors.notFound('The attachment');
    if (!a.content)
      throw errors.notFound("The attachment's bytes (only its SHA-256 was kept: it is not an image)");
    return { mediaType: a.mediaType, content: Buffer.from(a.content) };
  }

  /** A staff decision with its reason, committed to the ledger as the report's next version. */
  async decide(actor: Actor, id: string, d: Decide) {
    const centre = await this.assertStaff(actor, 'write');
    if (d.decision === 'duplicate' && !d.duplicateOf)
      throw errors.unprocessable('A duplicate names the report it duplicates.', [
        { pointer: '/duplicateOf', detail: 'required' },
      ]);
    if (d.duplicateOf === id)
      throw errors.unprocessable('A report cannot duplicate itself.', [
        { pointer: '/duplicateOf', detail: 'is this report' },
      ]);
    const now = new Date();
    await this.db.transaction(async (tx) => {
      const row = await repo.lockReport(tx, id);
      if (!row) throw errors.notFound('The report');
      this.publishCell(tx, 'public.report_decided', row.orgId, row.region, new Date(row.createdAt));
      if (d.duplicateOf && !(await repo.findReport(tx, d.duplicateOf)))
        throw errors.notFound('The original report');
      const status = STATUS_OF_DECISION[d.decision];
      const closed = CLOSING_DECISIONS.has(d.decision);
      const version = await repo.updateDecision(tx, id, {
        status,
        decision: d.decision,
        reason: d.reason,
        duplicateOf: d.duplicateOf ?? null,
        by: actor.userId ?? null,
        at: now,
        closed,
      });
      await repo.insertEvent(tx, id, 'decision', status, now);
      if (closed) await repo.insertEvent(tx, id, 'closed', null, now);
      if (row.hasContact) tx.afterCommit(() => this.wakeMail?.());
      if (d.decision === 'confirm') {
        const obs = (await repo.observablesOf(tx, id)).filter((o) => !o.derived);
        await repo.markCandidates(tx, obs, 'analyst', now);
      }
      await commitRecord(tx, {
        kind: RECORD_KIND,
        id,
        version,
        org: centre.id,
        record: {
          decision: d.decision,
          reason: d.reason,
          duplicateOf: d.duplicateOf ?? null,
          status,
          by: actor.userId,
          at: now.toISOString(),
        },
        at: now,
      });
    });
    return this.report(actor, id);
  }

  async candidates(actor: Actor, q: { status?: string; limit?: number }) {
    await this.assertStaff(actor, 'read');
    const windowStart = new Date(Date.now() - this.settings.candidateWindowHours * 3600_000);
    const rows = await repo.listObservables(this.db, q.status ?? 'candidate', windowStart, q.limit ?? 100);
    return { items: rows.map((r) => this.candidateView(r)) };
  }

  private candidateView(r: repo.CandidateRow) {
    return {
      type: r.type,
      key: r.key,
      value: defang(r.type as ObservableKind, r.key),
      status: r.status,
      reason: r.candidateReason,
      allowlisted: r.allowlisted,
      approvalsNeeded: r.allowlisted ? 2 : 1,
      approvals: r.approvals.length,
      reports: r.reports,
      reporters: r.reporters,
      recentReporters: r.recentReporters,
      derivedOnly: r.derivedOnly,
      indicatorId: r.indicatorId,
      sharedWith: r.sharedWith,
      validUntil: r.validUntil?.toISOString() ?? null,
      indicatorValidUntil: r.status === 'published' ? (r.pushedValidUntil?.toISOString() ?? null) : null,
    };
  }

  /**
   * An analyst promotes an observable to an indicator: a candidate (or any reported observable the
   * analyst vouches for); allowlisted values need two different analysts; a domain only when the
   * attacker registered it. The indicator is created through the IndicatorPublisher.
   */
  async promote(actor: Actor, p: Promote) {
    const centre = await this.assertStaff(actor, 'write');
    if (!actor.roles.includes('analyst') && !actor.roles.includes('admin'))
      throw errors.forbidden('Only an analyst promotes a reported observable to an indicator.');
    if (p.type === 'domain' && !p.attackerRegistered)
      throw errors.unprocessable(
        'A domain is listed only when the attacker registered it: confirm with attackerRegistered, or promote the exact URL.',
        [{ pointer: '/attackerRegistered', detail: 'required for a domain' }],
      );
    const publisher = this.publisher;
    if (!publisher)
      throw errors.unavailable(
        'Indicators cannot be published: the threat-intelligence domain is not wired.',
      );
    const windowStart = new Date(Date.now() - this.settings.candidateWindowHours * 3600_000);
    const decided = await this.db.transaction(async (tx) => {
      const o = await repo.lockObservable(tx, p.type, p.key, windowStart);
      if (!o) throw errors.notFound('The observable');
      if (o.status === 'published') throw errors.conflict('This observable is already published.');
      // Two analysts are two actors: two people, or two tokens (the user's id, else the token's).
      const who = actor.userId ?? actor.id;
      await repo.addApproval(tx, p.type, p.key, who);
      const approvals = new Set([...o.approvals, who]);
      const needed = o.allowlisted ? 2 : 1;
      if (approvals.size < needed) {
        await repo.setObservableStatus(tx, p.type, p.key, {
          status: 'candidate',
          candidateReason: o.candidateReason ?? 'analyst',
        });
        return { ready: false as const, approvals: approvals.size, needed };
      }
      return { ready: true as const, approvals: approvals.size, needed };
    });
    if (!decided.ready) {
      const o = await repo.lockObservable(this.db, p.type, p.key, windowStart);
      return { ...this.candidateView(o!), awaiting: 'a second analyst (allowlisted value)' };
    }
    const kind = p.type as ObservableKind;
    const validUntil = new Date(Date.now() + VALIDITY_DAYS[kind] * DAY);
    const tlp = this.settings.clearKinds.includes(kind) ? 'clear' : 'amber';
    const published = await publisher.publish(actor, {
      kind,
      key: p.key,
      audience: AUDIENCE_OF_KIND[kind],
      tlp,
      validUntil,
      name: `Reported ${kind}: ${defang(kind, p.key)}`,
      description:
        'Confirmed from public reports (Bulwark public reporting portal). Observables and counts only; no reporter data.',
    });
    const now = new Date();
    await this.db.transaction(async (tx) => {
      await repo.setObservableStatus(tx, p.type, p.key, {
        status: 'published',
        indicatorId: published.indicatorId,
        publishedAt: now,
        validUntil,
        pushedValidUntil: validUntil,
        sharedWith: published.sharedWith,
      });
      await commitRecord(tx, {
        kind: 'public.observable',
        id: `${p.type}:${p.key}`.slice(0, 200),
        version: 1,
        org: centre.id,
        record: {
          type: p.type,
          key: p.key,
          indicator: published.indicatorId,
          by: actor.userId ?? actor.id,
          at: now.toISOString(),
        },
        at: now,
      });
    });
    void this.mailAbuseDesk(p.type, p.key).catch((err: unknown) =>
      this.log?.warn({ err }, 'X-ARF e-mail to the abuse desk failed'),
    );
    const o = await repo.lockObservable(this.db, p.type, p.key, windowStart);
    return { ...this.candidateView(o!), awaiting: null };
  }

  /**
   * X-ARF v4 reports of the live confirmed URLs and domains, for abuse desks (hosts, registrars).
   * Only the TLP:CLEAR kinds (BULWARK_PUBLIC_CLEAR_KINDS): an AMBER+STRICT indicator does not leave
   * its sharing group. Observables and counts only: no reporter data, no attachments.
   */
  async xarf(actor: Actor, q: { since?: string; limit?: number }) {
    await this.assertStaff(actor, 'read');
    const kinds = (['url', 'domain'] as const).filter((k) => this.settings.clearKinds.includes(k));
    const root = await this.orgs.root();
    const centre = centreContact(root?.name ?? 'Coordination centre', this.settings.publicOrigin);
    const rows = await repo.confirmedForExport(
      this.db,
      kinds,
      new Date(),
      q.since ? new Date(q.since) : null,
      q.limit ?? 1000,
    );
    return rows.map((r) => toXarf(confirmedOf(r), centre));
  }

  /**
   * E-mails the X-ARF report of a just-promoted TLP:CLEAR URL or domain to its abuse desk (the most
   * specific BULWARK_PUBLIC_ABUSE_DESKS entry, else its fallback) through notify's SMTP server.
   * After the promotion commits, once, no retry: a failure is logged (the export keeps it).
   */
  async mailAbuseDesk(type: string, key: string): Promise<{ to: string } | undefined> {
    const desks = this.settings.abuseDesks;
    const mailer = this.mailer;
    if (!desks || !mailer || (type !== 'url' && type !== 'domain')) return undefined;
    if (!this.settings.clearKinds.includes(type)) return undefined;
    const to = deskFor(desks, hostOf(type, key));
    if (!to) return undefined;
    const [row] = await repo.confirmedForExport(this.db, [type], new Date(), null, 1, key);
    if (!row) return undefined;
    const root = await this.orgs.root();
    const report = toXarf(
      confirmedOf(row),
      centreContact(root?.name ?? 'Coordination centre', this.settings.publicOrigin),
    );
    const outcome = await mailer.sendTo(
      to,
      `[X-ARF] ${type === 'url' ? 'URL' : 'domain'} confirmed from public reports: ${defang(type, key)}`,
      `${JSON.stringify(report, null, 2)}\n`,
    );
    if (!outcome.ok) {
      this.log?.warn(
        { to, indicator: row.indicatorId, error: outcome.error },
        'X-ARF e-mail to the abuse desk failed',
      );
      return undefined;
    }
    return { to };
  }

  /** An analyst rejects a candidate (it goes back to watching only if reported again later by hand). */
  async reject(actor: Actor, ref: { type: string; key: string }) {
    await this.assertStaff(actor, 'write');
    await repo.setObservableStatus(this.db, ref.type, ref.key, { status: 'rejected' });
  }

  /**
   * An operator says what it did with a published indicator; the reporters' timelines show it.
   * Committed to the ledger (kind `public.indicator-action`, id `<indicator>/<organization>`, each
   * new post-back of that operator the next version) in the same transaction.
   */
  async recordAction(actor: Actor, indicatorId: string, action: OperatorAction): Promise<void> {
    const org = await this.orgs.orgRef(actor.org.id);
    if (!org) throw errors.notFound('Your organization');
    assertCan(actor, 'write', org, 'Your organization');
    const now = new Date();
    await this.db.transaction(async (tx) => {
      const version = await repo.upsertAction(tx, indicatorId, actor.org.id, action, now);
      if (version === undefined) throw errors.notFound('The indicator (of a public report)');
      await commitRecord(tx, {
        kind: ACTION_KIND,
        id: `${indicatorId}/${actor.org.id}`,
        version,
        org: actor.org.id,
        record: {
          indicator: indicatorId,
          org: actor.org.id,
          action,
          by: actor.userId ?? actor.id,
          at: now.toISOString(),
        },
        at: now,
      });
    });
  }

  // ---- housekeeping -----------------------------------------------------------------------------

  /** Deletes contacts 30 days after closure and spent challenges after they expire. */
  async sweep(now = new Date()): Promise<{ contacts: number; challenges: number }> {
    const contacts = await this.db.transaction(async (tx) => {
      const ids = await repo.deleteExpiredContacts(
        tx,
        new Date(now.getTime() - CONTACT_RETENTION_DAYS * DAY),
      );
      for (const id of ids) await repo.insertEvent(tx, id, 'contact-deleted', 'retention', now);
      return ids.length;
    });
    const challenges = await repo.sweepSpentChallenges(this.db, now);
    return { contacts, challenges };
  }

  private validityPass: Promise<unknown> = Promise.resolve();
  /** Set while the worker stops: a pass in progress ends after the observable at hand. */
  private validityStopping = false;

  /**
   * Gives the indicators of published observables the validity each new report extended in the
   * portal's table (intake only moves `valid_until` here: a new indicator version per report would
   * flood the operators' feeds and slow intake). One pass: up to VALIDITY_PUSH_BATCH observables
   * whose validity is more than VALIDITY_PUSH_SLACK_MS later than their indicator's, each pushed
   * through the IndicatorPublisher on its own; what was pushed is recorded, a failure is logged,
   * recorded and tried again on a pass VALIDITY_PUSH_RETRY_MS later, after the others. Passes in
   * this process run one at a time; two processes may both push one extension (two versions with
   * the same validity, harmless; the second usually finds it done and writes nothing).
   */
  pushValidity(now = new Date()): Promise<{ pushed: number; unchanged: number; failed: number }> {
    const pass = this.validityPass.then(() => this.pushValidityPass(now));
    this.validityPass = pass.catch(() => undefined);
    return pass;
  }

  private async pushValidityPass(now: Date): Promise<{ pushed: number; unchanged: number; failed: number }> {
    const out = { pushed: 0, unchanged: 0, failed: 0 };
    const publisher = this.publisher;
    if (!publisher) return out;
    const due = await repo.validityToPush(
      this.db,
      VALIDITY_PUSH_SLACK_MS,
      now,
      new Date(now.getTime() - VALIDITY_PUSH_RETRY_MS),
      VALIDITY_PUSH_BATCH,
    );
    for (const o of due) {
      if (this.validityStopping) break;
      try {
        const r = await publisher.extend({ indicatorId: o.indicatorId, validUntil: o.validUntil });
        await repo.recordPushedValidity(this.db, o.type, o.key, r.validUntil);
        if (r.extended) out.pushed++;
        else out.unchanged++;
      } catch (err) {
        out.failed++;
        this.log?.warn(
          { indicator: o.indicatorId, err: err instanceof AppError ? err.message : err },
          "pushing a published observable's validity to its indicator failed (tried again later)",
        );
        await repo
          .recordValidityPushFailure(this.db, o.type, o.key, now)
          .catch((e: unknown) => this.log?.warn({ err: e }, 'recording a failed validity push failed'));
      }
    }
    return out;
  }

  /**
   * The sweeper (every 10 minutes), the validity pushes (every minute) and the status messages:
   * sent at once after a decision commits, and every 30 s for those that failed (one pass at a time).
   */
  worker(): Worker {
    let timer: NodeJS.Timeout | undefined;
    let validityTimer: NodeJS.Timeout | undefined;
    let mailTimer: NodeJS.Timeout | undefined;
    let mailing: Promise<unknown> | undefined;
    let again = false;
    let stopped = false;
    const run = () =>
      this.sweep().catch((err: unknown) =>
        this.log?.warn({ err: err instanceof AppError ? err.message : err }, 'public report sweep failed'),
      );
    // A pass longer than the interval is not queued behind: the next tick after it ends runs.
    let pushing = false;
    const pushValidity = (): void => {
      if (stopped || pushing) return;
      pushing = true;
      this.pushValidity()
        .catch((err: unknown) =>
          this.log?.warn({ err: err instanceof AppError ? err.message : err }, 'validity push pass failed'),
        )
        .finally(() => {
          pushing = false;
        });
    };
    const mail = (): void => {
      if (stopped || !this.statusMessages) return;
      if (mailing) {
        again = true;
        return;
      }
      mailing = this.sendStatusMessages()
        .catch((err: unknown) => this.log?.warn({ err }, 'status messages to contacts failed'))
        .finally(() => {
          mailing = undefined;
          if (again) {
            again = false;
            mail();
          }
        });
    };
    return {
      name: 'public-sweeper',
      start: async () => {
        stopped = false;
        this.validityStopping = false;
        await run();
        timer = setInterval(run, 600_000);
        timer.unref();
        pushValidity();
        validityTimer = setInterval(pushValidity, VALIDITY_PUSH_EVERY_MS);
        validityTimer.unref();
        this.wakeMail = mail;
        mail();
        mailTimer = setInterval(mail, 30_000);
        mailTimer.unref();
      },
      stop: async () => {
        stopped = true;
        this.validityStopping = true;
        this.wakeMail = undefined;
        clearInterval(timer);
        clearInterval(validityTimer);
        clearInterval(mailTimer);
        await mailing;
        await this.validityPass;
      },
    };
  }
}

/** An export row as the X-ARF converter reads it. */
function confirmedOf(r: Awaited<ReturnType<typeof repo.confirmedForExport>>[number]) {
  return {
    type: r.type as 'url' | 'domain',
    key: r.key,
    indicatorId: r.indicatorId,
    firstSeen: r.firstSeen,
    publishedAt: r.publishedAt,
    validUntil: r.validUntil,
    reports: r.reports,
    reporters: r.reporters,
    category: r.category ?? 'fraud.other',
  };
}

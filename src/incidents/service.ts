// The incidents domain's service: filing, the workflow, regrading (which recomputes the
// obligations with the deadline engine and escalates to the centre), statutory reports with their
// ledger receipts, the timeline, tasks, the queues and the regional overview. Every change is one
// transaction with its ledger commitment; events are published after the commit. Access: the
// shared rule decides what is visible (404 otherwise), policy.ts which side may do what.
import { createHash, randomUUID } from 'node:crypto';
import { type Actor, assertCan, isRoot, type OrgRef, relationOf, visibleOrgsSql } from '../access/index.ts';
import { commitRecord, commitRecords, type RecordCommitment } from '../ledger/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { GroupWriter } from '../platform/group.ts';
import { uuidv7 } from '../platform/ids.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import type { NotifyInput } from '../notify/index.ts';
import {
  computeObligations,
  type Grade,
  mergeObligations,
  nextDue,
  type Obligation,
  type Recipient,
  type Regime,
} from './deadlines.ts';
import {
  assertActs,
  assertSees,
  ESCALATING_GRADES,
  type IncidentStatus,
  type Side,
  sideOf,
  transitionOf,
} from './policy.ts';
import {
  presentAttachment,
  presentEvent,
  presentIncident,
  presentObligation,
  presentReport,
  presentTask,
} from './presenters.ts';
import { RegimeCatalogue } from './regime-catalogue.ts';
import { DEFAULT_REGIME, defaultEntity } from './regimes.ts';
import * as repo from './repo.ts';
import type {
  Attachment,
  CreateIncident,
  CreateTask,
  FileReport,
  GradeSuggestion,
  GradingQuery,
  Incident,
  IncidentListQuery,
  Preview,
  Profile,
  RequestReport,
  StatutoryReport,
  Summary,
  Task,
  TimelineEntry,
  UpdateIncident,
  UpdateProfile,
  UpdateTask,
} from './schema.ts';
import type { ReportDocument } from './document-schema.ts';
import { suggestGrade } from './grading.ts';
import { buildReportDocument } from './report-document.ts';
import { categoryOf } from './taxonomy.ts';
import { isTimeZone } from './zone.ts';

/** What the incidents domain needs of the organizations domain. */
export type IncidentOrgs = Pick<OrgService, 'orgRef' | 'listOrgs' | 'root'>;
/** What it needs of the notify domain: notifications written in the caller's transaction. */
export interface IncidentNotifier {
  notify(tx: Tx, input: NotifyInput): Promise<boolean>;
  /** Several at once (a group of filings' escalations): one statement each for all of them. */
  notifyAll(tx: Tx, inputs: readonly NotifyInput[]): Promise<boolean[]>;
}
/** What it needs of the assets domain: whether an asset is visible to the actor, and whose it is. */
export interface IncidentAssets {
  get(actor: Actor, id: string): Promise<{ id: string; org: string }>;
}

interface OrgInfo {
  id: string;
  name: string;
  kind: OrgRef['kind'];
  parent: string | null;
  region: string;
  sector: string | null;
  critical: boolean;
}

/**
 * The sector regulators of a directory by sector, each sector's most specific region first. Built
 * once per directory (a directory is never changed once loaded): every obligation addressed to a
 * sector regulator looks its regulator up here instead of scanning the whole directory (6,000
 * organizations in the benchmark's federation: a tenth of a filing's CPU time).
 */
const regulatorIndex = new WeakMap<Map<string, OrgInfo>, Map<string | null, OrgInfo[]>>();
function regulatorsBySector(dir: Map<string, OrgInfo>): Map<string | null, OrgInfo[]> {
  let index = regulatorIndex.get(dir);
  if (!index) {
    index = new Map();
    for (const o of dir.values()) {
      if (o.kind !== 'sector-regulator') continue;
      const list = index.get(o.sector) ?? [];
      list.push(o);
      index.set(o.sector, list);
    }
    // A stable sort, as before: among regulators of equally long regions the directory's order holds.
    for (const list of index.values()) list.sort((a, b) => b.region.length - a.region.length);
    regulatorIndex.set(dir, index);
  }
  return index;
}

/** An instant for a notification's text: minutes, UTC (the console shows the zone's wall clock). */
const utc = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** How long the organization directory (names, tree) is kept between reads. */
const DIRECTORY_MAX_AGE_MS = 2000;
const DEFAULT_TIME_ZONE = 'UTC';
/** An awareness time further ahead than this (clock skew) is refused. */
const FUTURE_SLACK_MS = 5 * 60_000;
/** At most this many filings in one transaction (the benchmark's 64 reporters fit in one group). */
const FILING_GROUP = 64;

/** A validated filing waiting for its group's transaction: everything it writes, computed. */
interface PendingFiling {
  row: repo.IncidentRow;
  obligations: repo.ObligationRow[];
  actor: Actor;
  at: Date;
  dir: Map<string, OrgInfo>;
}

export class IncidentService {
  private directoryCache: { at: number; byId: Map<string, OrgInfo> } | undefined;
  private directoryLoading: Promise<Map<string, OrgInfo>> | undefined;
  private profileCache: { at: number; byOrg: Map<string, repo.ProfileRow> } | undefined;
  private profileLoading: Promise<Map<string, repo.ProfileRow>> | undefined;
  private profileGeneration = 0;
  private notifier: IncidentNotifier | undefined;
  /** The regimes as data: every version, the shipped ones seeded (regime-catalogue.ts). */
  readonly regimeCatalogue: RegimeCatalogue;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly orgs: IncidentOrgs,
    private readonly assets?: IncidentAssets,
    /** The clock, replaceable in tests. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.regimeCatalogue = new RegimeCatalogue(db, async () => (await orgs.root())?.id, clock);
    this.filingWriter = new GroupWriter<PendingFiling>(
      async (group) => {
        await this.writeFilings(group);
        return group.map(() => undefined);
      },
      FILING_GROUP,
      { concurrency: db.dialect === 'postgres' ? 2 : 1 },
    );
  }

  /** The newest version of a regime named in a request, or 422 naming the field. */
  private async regimeNamed(id: string, pointer: string): Promise<Regime> {
    const r = await this.regimeCatalogue.latest(id);
    if (!r)
      throw errors.unprocessable(`Unknown regime ${id}.`, [
        { pointer, detail: `one of ${(await this.regimeCatalogue.current()).map((x) => x.id).join(', ')}` },
      ]);
    return r;
  }

  /** The regime version an incident was opened under. */
  private async regimeOf(row: Pick<repo.IncidentRow, 'regime' | 'regimeVersion'>): Promise<Regime> {
    const r = await this.regimeCatalogue.version(row.regime, row.regimeVersion);
    if (!r)
      throw errors.conflict(
        `The incident's regime ${row.regime} version ${row.regimeVersion} is not stored.`,
      );
    return r;
  }

  /** Notifications (console, webhooks, e-mail) for escalations, filed reports, reminders, overdue alerts. */
  connectNotifier(notifier: IncidentNotifier): void {
    this.notifier = notifier;
  }

  // --- the organization directory -------------------------------------------------------------

  /** The directory, reloaded when older than a moment or when it lacks an organization asked for. */
  private async directory(mustHave?: string): Promise<Map<string, OrgInfo>> {
    const c = this.directoryCache;
    if (c && Date.now() - c.at < DIRECTORY_MAX_AGE_MS && (!mustHave || c.byId.has(mustHave))) return c.byId;
    // One reload at a time: concurrent requests share it.
    this.directoryLoading ??= (async () => {
      try {
        const all = await this.orgs.listOrgs(await localAdministrator(this.orgs));
        const byId = new Map(all.map((o) => [o.id, o as OrgInfo]));
        this.directoryCache = { at: Date.now(), byId };
        return byId;
      } finally {
        this.directoryLoading = undefined;
      }
    })();
    return this.directoryLoading;
  }

  private async nameOf(): Promise<(id: string) => string | undefined> {
    const dir = await this.directory();
    return (id) => dir.get(id)?.name;
  }

  private async orgRefOf(id: string): Promise<OrgRef> {
    const o = await this.orgs.orgRef(id);
    if (!o) throw errors.notFound('The organization');
    return o;
  }

  private static ancestors(dir: Map<string, OrgInfo>, org: OrgInfo): OrgInfo[] {
    const out: OrgInfo[] = [];
    let p = org.parent ? dir.get(org.parent) : undefined;
    while (p) {
      out.push(p);
      p = p.parent ? dir.get(p.parent) : undefined;
    }
    return out;
  }

  /** The organization a recipient role names for an incident of `org`. */
  private static recipientOrg(dir: Map<string, OrgInfo>, org: OrgInfo, role: Recipient): string | null {
    const up = IncidentService.ancestors(dir, org);
    const root = up.at(-1) ?? org;
    const regional = up.filter((o) => o.kind === 'regional-authority');
    switch (role) {
      case 'centre':
        return root.id;
      case 'regional-authority':
        return (regional[0] ?? root).id;
      case 'provincial-authority':
        return (regional.at(-1) ?? root).id;
      case 'sector-regulator': {
        const covers = (r: string) => org.region === r || org.region.startsWith(`${r}-`);
        const regulator = regulatorsBySector(dir)
          .get(org.sector)
          ?.find((o) => covers(o.region));
        return (regulator ?? regional[0] ?? root).id;
      }
    }
  }

  /**
   * Every explicit reporting profile (a few rows: the federation's and its exceptions), kept like
   * the directory: reloaded when older than a moment, at once after a change made here. Filing
   * reads it on every incident; a statement outside the filing's transaction is a second wait for
   * a pooled connection under load (bench/incidents-profile.ts measured it at about 200 ms).
   */
  private async profiles(): Promise<Map<string, repo.ProfileRow>> {
    const c = this.profileCache;
    if (c && Date.now() - c.at < DIRECTORY_MAX_AGE_MS) return c.byOrg;
    this.profileLoading ??= (async () => {
      const generation = this.profileGeneration;
      try {
        const byOrg = new Map((await repo.allProfiles(this.db)).map((p) => [p.orgId, p]));
        // A change made here while this read ran may be missing from it: keep it for this caller only.
        if (generation === this.profileGeneration) this.profileCache = { at: Date.now(), byOrg };
        return byOrg;
      } finally {
        this.profileLoading = undefined;
      }
    })();
    return this.profileLoading;
  }

  /** After a profile changed here: the next read goes to the database. */
  private forgetProfiles(): void {
    this.profileGeneration++;
    this.profileCache = undefined;
    this.profileLoading = undefined;
  }

  /** Entity type, time zone and regime of an organization: its own profile, inherited, defaults. */
  async profileOf(orgId: string): Promise<{
    entityType: string;
    timeZone: string;
    regime: Regime;
    explicit: repo.ProfileRow | undefined;
  }> {
    const dir = await this.directory(orgId);
    const org = dir.get(orgId);
    if (!org) throw errors.notFound('The organization');
    const chain = [org, ...IncidentService.ancestors(dir, org)];
    const rows = await this.profiles();
    const first = <K extends 'timeZone' | 'regime'>(k: K) =>
      chain.map((o) => rows.get(o.id)?.[k]).find((v) => v !== null && v !== undefined) ?? undefined;
    const regime =
      (await this.regimeCatalogue.latest(first('regime') ?? DEFAULT_REGIME)) ??
      (await this.regimeCatalogue.latest(DEFAULT_REGIME))!;
    const own = rows.get(orgId);
    const entityType =
      own?.entityType && regime.entities.includes(own.entityType)
        ? own.entityType
        : defaultEntity(regime, org);
    return { entityType, timeZone: first('timeZone') ?? DEFAULT_TIME_ZONE, regime, explicit: own };
  }

  // --- reads ------------------------------------------------------------------------------------

  /** Presents incidents; `written` are obligations just written (no need to read them back). */
  private async present(rows: repo.IncidentRow[], written?: repo.ObligationRow[]): Promise<Incident[]> {
    const obligations = written
      ? // In the order the database answers them (repo.obligationsOf): by deadline, none last, then stage.
        [...written].sort(
          (a, b) =>
            (a.due ? new Date(a.due).getTime() : Number.POSITIVE_INFINITY) -
              (b.due ? new Date(b.due).getTime() : Number.POSITIVE_INFINITY) ||
            (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0),
        )
      : await repo.obligationsOf(
          this.db,
          rows.map((r) => r.id),
        );
    const byIncident = new Map<string, repo.ObligationRow[]>();
    for (const o of obligations) {
      const list = byIncident.get(o.incidentId) ?? [];
      byIncident.set(o.incidentId, list);
      list.push(o);
    }
    const nameOf = await this.nameOf();
    const now = this.clock();
    const regimes = new Map<string, Regime | undefined>();
    for (const r of rows) {
      const key = `${r.regime}@${r.regimeVersion}`;
      if (!regimes.has(key)) regimes.set(key, await this.regimeCatalogue.version(r.regime, r.regimeVersion));
    }
    return rows.map((r) =>
      presentIncident(
        r,
        regimes.get(`${r.regime}@${r.regimeVersion}`),
        byIncident.get(r.id) ?? [],
        now,
        nameOf,
      ),
    );
  }

  async list(actor: Actor, q: IncidentListQuery = {}): Promise<{ items: Incident[]; total?: number }> {
    const split = (s: string | undefined) => (s ? s.split(',') : undefined);
    const { rows, total } = await repo.listIncidents(
      this.db,
      (col, params) => visibleOrgsSql(actor, col, params),
      {
        status: split(q.status) as IncidentStatus[] | undefined,
        grade: split(q.grade) as Grade[] | undefined,
        org: q.org,
        region: q.region,
        sector: q.sector,
        overdue: q.overdue,
        exercise: q.exercise,
        escalated: q.escalated,
        open: q.open,
        now: this.clock(),
        limit: q.limit ?? 100,
        offset: q.offset ?? 0,
      },
    );
    return { items: await this.present(rows), ...(total !== undefined ? { total } : {}) };
  }

  /** The incident row and its organization, after the visibility check (404 otherwise). */
  private async visible(actor: Actor, id: string): Promise<{ row: repo.IncidentRow; org: OrgRef }> {
    const row = await repo.findIncident(this.db, id);
    const org = row ? await this.orgs.orgRef(row.orgId) : undefined;
    if (!row || !org) throw errors.notFound('The incident');
    assertSees(actor, org);
    return { row, org };
  }

  async get(actor: Actor, id: string): Promise<Incident> {
    const { row } = await this.visible(actor, id);
    return (await this.present([row]))[0]!;
  }

  async timeline(actor: Actor, id: string): Promise<{ items: TimelineEntry[] }> {
    await this.visible(actor, id);
    return { items: (await repo.eventsOf(this.db, id)).map(presentEvent) };
  }

  /**
   * A stage's statutory report document (report-document.ts): the filed values, or a draft of what
   * is due by when; for whoever may see the incident (404 otherwise, and for a stage the regime lacks).
   */
  async reportDocument(actor: Actor, id: string, stageKey: string): Promise<ReportDocument> {
    const incident = await this.get(actor, id);
    const regime = await this.regimeOf(incident);
    const { items } = await this.reports(actor, incident.id);
    const doc = buildReportDocument({
      incident,
      regime,
      stageKey,
      report: items.find((r) => r.stage === stageKey),
      now: this.clock(),
    });
    if (!doc) throw errors.notFound(`The stage '${stageKey}' of regime ${regime.id}`);
    return doc;
  }

  async reports(actor: Actor, id: string): Promise<{ items: StatutoryReport[] }> {
    const { row } = await this.visible(actor, id);
    const regime = await this.regimeCatalogue.version(row.regime, row.regimeVersion);
    return {
      items: (await repo.reportsOf(this.db, id)).map((r) =>
        presentReport(r, regime?.stages.find((s) => s.key === r.stage)?.title ?? r.stage),
      ),
    };
  }

  async tasks(actor: Actor, id: string): Promise<{ items: Task[] }> {
    await this.visible(actor, id);
    const nameOf = await this.nameOf();
    const now = this.clock();
    return { items: (await repo.tasksOf(this.db, id)).map((t) => presentTask(t, now, nameOf)) };
  }

  async summary(actor: Actor): Promise<Summary> {
    return repo.summary(this.db, (col, params) => visibleOrgsSql(actor, col, params), this.clock());
  }

  /** The newest version of every regime (the deadline engine's view of them). */
  regimes(): Promise<Regime[]> {
    return this.regimeCatalogue.current();
  }

  /** What an incident of the organization would owe: the guided form's "what is due by when". */
  async preview(
    actor: Actor,
    q: { grade: Grade; awareAt: string; regime?: string; org?: string },
  ): Promise<Preview> {
    const orgId = q.org ?? actor.org.id;
    assertSees(actor, await this.orgRefOf(orgId));
    const p = await this.profileOf(orgId);
    const regime = q.regime ? await this.regimeNamed(q.regime, '/regime') : p.regime;
    const entityType =
      regime === p.regime ? p.entityType : defaultEntity(regime, (await this.directory(orgId)).get(orgId)!);
    const computed = computeObligations({
      regime,
      entity: entityType,
      grade: q.grade,
      timeZone: p.timeZone,
      events: { aware: new Date(q.awareAt) },
    });
    const dir = await this.directory();
    const org = dir.get(orgId)!;
    const rows = computed.map((o) => this.obligationRow('', org, dir, o, new Map()));
    const nameOf = (id: string) => dir.get(id)?.name;
    const now = this.clock();
    const incident = { timeZone: p.timeZone };
    return {
      regime: regime.id,
      entityType,
      timeZone: p.timeZone,
      obligations: rows.map((o) => presentObligation(o, incident, regime, rows, now, nameOf)),
    };
  }

  /**
   * The grading checklist's suggestion for impact figures, under a regime (by default the
   * organization's): the grade and the criteria that fired. The guided form shows it.
   */
  async suggestGrade(actor: Actor, q: GradingQuery): Promise<GradeSuggestion> {
    const orgId = q.org ?? actor.org.id;
    assertSees(actor, await this.orgRefOf(orgId));
    const regime = q.regime
      ? await this.regimeNamed(q.regime, '/regime')
      : (await this.profileOf(orgId)).regime;
    const { org: _o, regime: _r, ...figures } = q;
    const s = suggestGrade(regime, figures);
    return {
      regime: regime.id,
      grade: s.grade,
      fired: s.fired,
      checklist: s.checklist ? { source: s.checklist.source, criteria: s.checklist.criteria } : null,
    };
  }

  // --- writes -----------------------------------------------------------------------------------

  private obligationRow(
    incidentId: string,
    org: OrgInfo,
    dir: Map<string, OrgInfo>,
    o: Obligation,
    reports: Map<string, string>,
  ): repo.ObligationRow {
    return {
      incidentId,
      stage: o.stage,
      title: o.title,
      due: o.due,
      recipient: o.recipient,
      recipientOrg: IncidentService.recipientOrg(dir, org, o.recipient),
      filer: o.filer,
      satisfiedAt: o.satisfiedAt,
      reportId: reports.get(o.stage) ?? null,
      requestedAt: o.requestedAt ?? null,
    };
  }

  /** Recomputes the obligations of an incident (after a regrade, a new anchor, a filed report). */
  private async recompute(
    row: repo.IncidentRow,
    before: repo.ObligationRow[],
    /** The version the incident was opened under, read before the transaction (as the directory). */
    regime: Regime,
    /** Read before the transaction: reloading it inside one would query outside the transaction. */
    directory?: Map<string, OrgInfo>,
  ): Promise<repo.ObligationRow[]> {
    const submissions: Record<string, Date> = {};
    const requests: Record<string, Date> = {};
    const reports = new Map<string, string>();
    for (const o of before) {
      if (o.satisfiedAt) {
        submissions[o.stage] = new Date(o.satisfiedAt);
        if (o.reportId) reports.set(o.stage, o.reportId);
      }
      if (o.requestedAt) requests[o.stage] = new Date(o.requestedAt);
    }
    const now = computeObligations({
      regime,
      entity: row.entityType,
      grade: row.grade,
      timeZone: row.timeZone,
      events: {
        aware: new Date(row.awareAt),
        'ransom-paid': row.ransomPaidAt ? new Date(row.ransomPaidAt) : null,
        recovered: row.recoveredAt ? new Date(row.recoveredAt) : null,
        closed: row.closedAt ? new Date(row.closedAt) : null,
      },
      submissions,
      requests,
    });
    const previous: Obligation[] = before.map((o) => ({
      stage: o.stage,
      title: o.title,
      due: o.due ? new Date(o.due) : null,
      recipient: o.recipient,
      filer: o.filer,
      satisfiedAt: o.satisfiedAt ? new Date(o.satisfiedAt) : null,
      anchor: '',
      requestedAt: o.requestedAt ? new Date(o.requestedAt) : null,
    }));
    const dir = directory ?? (await this.directory(row.orgId));
    const org = dir.get(row.orgId);
    if (!org) throw errors.notFound('The organization');
    return mergeObligations(now, previous).map((o) => this.obligationRow(row.id, org, dir, o, reports));
  }

  /**
   * The ledger commitment of an incident's version: every write of an incident (a filing, alone or
   * in a group, and each later change) commits this record.
   */
  private static ledgerEntry(
    row: repo.IncidentRow,
    obligations: repo.ObligationRow[],
    actor: Actor,
    at: Date,
  ): RecordCommitment {
    return {
      kind: 'incident',
      id: row.id,
      version: row.versionNo,
      org: row.orgId,
      at,
      record: IncidentService.ledgerRecord(row, obligations, actor.id),
    };
  }

  private static ledgerRecord(row: repo.IncidentRow, obligations: repo.ObligationRow[], by: string) {
    return {
      id: row.id,
      org: row.orgId,
      title: row.title,
      description: row.description,
      category: row.category,
      grade: row.grade,
      status: row.status,
      regime: row.regime,
      regimeVersion: row.regimeVersion,
      entityType: row.entityType,
      exercise: row.exercise,
      occurredAt: row.occurredAt,
      awareAt: row.awareAt,
      containedAt: row.containedAt,
      recoveredAt: row.recoveredAt,
      closedAt: row.closedAt,
      ransomDemanded: row.ransomDemanded,
      ransomPaidAt: row.ransomPaidAt,
      impact: row.impact,
      assets: row.assets,
      indicators: row.indicators,
      escalatedAt: row.escalatedAt,
      obligations: obligations.map((o) => ({
        stage: o.stage,
        due: o.due,
        satisfiedAt: o.satisfiedAt,
        report: o.reportId,
      })),
      by,
    };
  }

  private event(row: repo.IncidentRow, actor: Actor, at: Date, kind: string, data: Record<string, unknown>) {
    return {
      incidentId: row.id,
      at,
      kind,
      actorId: actor.id,
      actorName: actor.name,
      actorOrg: actor.local ? null : actor.org.id,
      data,
    };
  }

  private async checkAssets(actor: Actor, orgId: string, ids: readonly string[] | undefined): Promise<void> {
    if (!ids?.length) return;
    if (!this.assets) throw errors.unprocessable('Assets cannot be linked on this server.');
    for (const [i, id] of ids.entries()) {
      const a = await this.assets.get(actor, id).catch(() => undefined);
      if (!a || a.org !== orgId)
        throw errors.unprocessable('Linked assets must be assets of the reporting organization.', [
          { pointer: `/assets/${i}`, detail: 'not an asset of the reporting organization' },
        ]);
    }
  }

  private checkTimes(
    input: { awareAt?: string; occurredAt?: string; ransomPaidAt?: string; containedAt?: string },
    awareAt: Date,
  ): void {
    const now = this.clock().getTime();
    const errs: { pointer: string; detail: string }[] = [];
    for (const k of ['awareAt', 'occurredAt', 'ransomPaidAt', 'containedAt'] as const) {
      const v = input[k];
      if (v && new Date(v).getTime() > now + FUTURE_SLACK_MS)
        errs.push({ pointer: `/${k}`, detail: 'is in the future' });
    }
    if (input.occurredAt && new Date(input.occurredAt).getTime() > awareAt.getTime())
      errs.push({
        pointer: '/occurredAt',
        detail: 'is after awareAt (one cannot become aware before it happens)',
      });
    if (errs.length) throw errors.unprocessable('Some times of the incident are impossible.', errs);
  }

  /** Files an incident: by the reporting organization, or a drill launched by a coordinating one. */
  async file(actor: Actor, input: CreateIncident): Promise<Incident> {
    const orgId = input.org ?? actor.org.id;
    const orgRef = await this.orgRefOf(orgId);
    if (input.org && input.org !== actor.org.id) {
      if (!input.exercise)
        throw errors.unprocessable(
          'Only an exercise may be filed for another organization (a drill launched by a coordinating one).',
          [{ pointer: '/org', detail: 'allowed only with exercise: true' }],
        );
      assertActs(actor, orgRef, ['coordinating'], 'launch a drill');
    } else {
      assertActs(actor, orgRef, ['reporting'], 'file an incident');
    }
    if (!categoryOf(input.category)) throw errors.unprocessable(`Unknown category ${input.category}.`);
    const awareAt = new Date(input.awareAt);
    this.checkTimes(input, awareAt);
    await this.checkAssets(actor, orgId, input.assets);
    const dir = await this.directory(orgId);
    const org = dir.get(orgId)!;
    const profile = await this.profileOf(orgId);
    const regime = input.regime ? await this.regimeNamed(input.regime, '/regime') : profile.regime;
    const entityType = regime === profile.regime ? profile.entityType : defaultEntity(regime, org);
    const now = this.clock();
    const draft = input.draft === true;
    const row: repo.IncidentRow = {
      // Time-ordered: at a million incidents each filing's index entries land on the right edge.
      id: uuidv7(),
      orgId,
      region: orgRef.region,
      sector: orgRef.sector,
      title: input.title,
      description: input.description ?? '',
      category: input.category,
      grade: input.grade,
      status: draft ? 'draft' : 'reported',
      regime: regime.id,
      regimeVersion: regime.version,
      entityType,
      timeZone: profile.timeZone,
      exercise: input.exercise === true,
      occurredAt: input.occurredAt ? new Date(input.occurredAt) : null,
      awareAt,
      containedAt: null,
      recoveredAt: null,
      closedAt: null,
      ransomDemanded: input.ransomDemanded === true,
      ransomPaidAt: input.ransomPaidAt ? new Date(input.ransomPaidAt) : null,
      impact: input.impact ?? {},
      assets: input.assets ?? [],
      indicators: input.indicators ?? '',
      nextDue: null,
      escalatedAt: (ESCALATING_GRADES as readonly string[]).includes(input.grade) ? now : null,
      alertAcknowledgedAt: null,
      reportedAt: draft ? null : now,
      createdBy: actor.id,
      versionNo: 1,
      createdAt: now,
      updatedAt: now,
    };
    const obligations = await this.recompute(row, [], regime);
    row.nextDue = nextDue(obligations);
    await this.filingWriter.write({ row, obligations, actor, at: now, dir });
    return (await this.present([row], obligations))[0]!;
  }

  /**
   * Filings are written in groups (platform/group.ts): while one group's transaction runs, the
   * filings validated meanwhile wait and then go together in the next one, each table's rows in one
   * statement and the ledger commitments in one insert. A lone filing is written at once. If a
   * group's transaction fails, each filing in it is written again on its own, so one filing the
   * database refuses fails alone; nothing of a failed transaction stays, and events are published
   * only after the commit that wrote them. On PostgreSQL two groups are written at once (each on its
   * own pooled connection: a group's transaction is mostly round trips, and two groups' filings
   * share no row); PGlite has one connection, so one group at a time.
   */
  private readonly filingWriter: GroupWriter<PendingFiling>;

  private async writeFilings(group: PendingFiling[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The incidents, their obligations and timeline entries: one statement for the group.
      await repo.insertFilings(
        tx,
        group.map((f) => f.row),
        group.flatMap((f) => f.obligations),
        group.flatMap(({ row, actor, at }) => {
          const filed = this.event(row, actor, at, 'filed', {
            status: row.status,
            grade: row.grade,
            exercise: row.exercise,
          });
          return row.escalatedAt
            ? [filed, this.event(row, actor, at, 'escalated', { grade: row.grade })]
            : [filed];
        }),
      );
      await commitRecords(
        tx,
        group.map(({ row, obligations, actor, at }) =>
          IncidentService.ledgerEntry(row, obligations, actor, at),
        ),
      );
      if (this.notifier) {
        const alerts = group.flatMap((f) =>
          f.row.escalatedAt ? (this.escalationNotice(f.dir, f.row, f.obligations) ?? []) : [],
        );
        if (alerts.length) await this.notifier.notifyAll(tx, alerts);
      }
      tx.afterCommit(() => {
        for (const { row, obligations } of group) {
          this.events.publish('incident.filed', row.orgId, this.eventData(row));
          if (row.escalatedAt) this.publishEscalation(row, obligations);
        }
      });
    });
  }

  private eventData(row: repo.IncidentRow) {
    return {
      incident: row.id,
      grade: row.grade,
      status: row.status,
      exercise: row.exercise,
      nextDue: row.nextDue?.toISOString() ?? null,
    };
  }

  private publishEscalation(row: repo.IncidentRow, obligations: repo.ObligationRow[]): void {
    this.events.publish('incident.escalated', row.orgId, {
      ...this.eventData(row),
      // The onward deadlines the centre is waiting for.
      onward: obligations
        .filter((o) => o.recipient === 'centre' && !o.satisfiedAt)
        .map((o) => ({ stage: o.stage, due: o.due?.toISOString() ?? null })),
    });
  }

  /** The alert at the centre for a major or particularly major incident, with the onward deadlines. */
  private async notifyEscalation(
    tx: Tx,
    dir: Map<string, OrgInfo>,
    row: repo.IncidentRow,
    obligations: repo.ObligationRow[],
  ): Promise<void> {
    const notice = this.notifier && this.escalationNotice(dir, row, obligations);
    if (notice) await this.notifier!.notify(tx, notice);
  }

  /** The centre's alert for an escalated incident (none when the organization is unknown). */
  private escalationNotice(
    dir: Map<string, OrgInfo>,
    row: repo.IncidentRow,
    obligations: repo.ObligationRow[],
  ): NotifyInput | undefined {
    const org = dir.get(row.orgId);
    const centre = org ? (IncidentService.ancestors(dir, org).at(-1) ?? org) : undefined;
    if (!centre) return undefined;
    const onward = obligations
      .filter((o) => o.recipient === 'centre' && !o.satisfiedAt)
      .map((o) => ({ stage: o.stage, title: o.title, due: o.due ? new Date(o.due).toISOString() : null }));
    const grade =
      row.grade === 'major' ? 'Major' : row.grade === 'particularly-major' ? 'Particularly major' : row.grade;
    return {
      org: centre.id,
      topic: 'incident.escalated',
      title: `${row.exercise ? 'DRILL: ' : ''}${grade} incident at ${org?.name ?? row.orgId}: ${row.title}`,
      body: onward.length
        ? `Onward deadlines: ${onward.map((o) => `${o.title} by ${o.due ? utc(o.due) : 'not yet running'}`).join('; ')}.`
        : 'No onward report is owed under the regime.',
      link: `/incidents/${row.id}`,
      data: { ...this.eventData(row), org: row.orgId, onward },
      dedupeKey: `incident:${row.id}:escalated`,
    };
  }

  // --- reminders and overdue alerts ------------------------------------------------------------

  /**
   * One scan of the open deadlines: a reminder `leadMs` before each deadline to the organization
   * that must file (the operator for its own stages, the organization above it for an authority's
   * onward report), and once the deadline passed an overdue alert to that organization and to the
   * one above it (the escalation), with a timeline entry. Each alert is raised once per obligation
   * and kind (incident_alerts), across restarts and servers. Answers what it raised.
   */
  async scanDeadlines(leadMs: number, limit = 500): Promise<{ reminders: number; overdue: number }> {
    const out = { reminders: 0, overdue: 0 };
    if (!this.notifier) return out;
    const notifier = this.notifier;
    const now = this.clock();
    const due = await repo.alertsDue(this.db, now, new Date(now.getTime() + leadMs), limit);
    if (due.length === 0) return out;
    const dir = await this.directory();
    for (const a of due) {
      const org = dir.get(a.orgId);
      const responsible = a.filer === 'operator' ? org : org?.parent ? dir.get(org.parent) : org;
      if (!org || !responsible) continue;
      const above = responsible.parent ? dir.get(responsible.parent) : undefined;
      const drill = a.exercise ? 'DRILL: ' : '';
      const dueIso = new Date(a.due).toISOString();
      const dueText = utc(dueIso);
      const data = {
        incident: a.incidentId,
        org: a.orgId,
        stage: a.stage,
        due: dueIso,
        exercise: a.exercise,
        responsible: responsible.id,
      };
      const link = `/incidents/${a.incidentId}`;
      const raised = await this.db.transaction(async (tx) => {
        if (!(await repo.insertAlert(tx, { ...a, due: new Date(a.due), at: now }))) return false;
        const key = `incident:${a.incidentId}:${a.stage}:${a.kind}`;
        if (a.kind === 'reminder') {
          await notifier.notify(tx, {
            org: responsible.id,
            topic: 'incident.reminder',
            title: `${drill}${a.title} due ${dueText}: ${a.incidentTitle}`,
            body: `The ${a.title} of the incident “${a.incidentTitle}” (${org.name}) is due at ${dueText}.`,
            link,
            data,
            dedupeKey: key,
          });
          return true;
        }
        await notifier.notify(tx, {
          org: responsible.id,
          topic: 'incident.overdue',
          title: `${drill}Overdue: ${a.title} of ${a.incidentTitle}`,
          body: `The ${a.title} of the incident “${a.incidentTitle}” (${org.name}) was due at ${dueText} and is not filed.`,
          link,
          data,
          dedupeKey: key,
        });
        if (above)
          await notifier.notify(tx, {
            org: above.id,
            topic: 'incident.overdue',
            title: `${drill}Overdue at ${responsible.name}: ${a.title} of ${a.incidentTitle}`,
            body: `${responsible.name} has not filed the ${a.title} of the incident “${a.incidentTitle}”, due at ${dueText}.`,
            link,
            data: { ...data, escalatedFrom: responsible.id },
            dedupeKey: `${key}:escalated`,
          });
        await repo.insertEvents(tx, [
          {
            incidentId: a.incidentId,
            at: now,
            kind: 'overdue',
            actorId: 'system',
            actorName: 'Bulwark',
            actorOrg: null,
            data: { stage: a.stage, due: dueIso, escalatedTo: above?.id ?? null },
          },
        ]);
        return true;
      });
      if (raised) out[a.kind === 'reminder' ? 'reminders' : 'overdue']++;
    }
    return out;
  }

  /** The reminder scheduler: scans the open deadlines every `intervalMs`. */
  reminderWorker(opts: { intervalMs: number; leadMinutes: number; log?: Logger }): Worker {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<unknown> | undefined;
    const scan = () => {
      running ??= this.scanDeadlines(opts.leadMinutes * 60_000)
        .catch((err: unknown) => opts.log?.error({ err }, 'incident reminder scan'))
        .finally(() => {
          running = undefined;
        });
    };
    return {
      name: 'incident-reminders',
      start: async () => {
        scan();
        timer = setInterval(scan, opts.intervalMs);
        timer.unref();
      },
      stop: async () => {
        clearInterval(timer);
        await running;
      },
    };
  }

  private async commit(
    tx: Tx,
    row: repo.IncidentRow,
    obligations: repo.ObligationRow[],
    actor: Actor,
    at: Date,
  ) {
    await commitRecord(tx, IncidentService.ledgerEntry(row, obligations, actor, at));
  }

  /** Changes fields, the grade (recomputing obligations), the status (the workflow), or acknowledges the alert. */
  async update(actor: Actor, id: string, patch: UpdateIncident): Promise<Incident> {
    const { row: seen, org } = await this.visible(actor, id);
    const side = sideOf(actor, org);
    const fields = Object.keys(patch).filter(
      (k) => k !== 'status' && k !== 'acknowledgeAlert' && k !== 'note',
    );
    if (patch.status !== undefined && patch.status !== seen.status) {
      const t = transitionOf(seen.status, patch.status);
      assertActs(actor, org, t.by, `${t.name} this incident (${t.from} → ${t.to})`);
    }
    if (fields.length > 0) assertActs(actor, org, ['reporting', 'coordinating'], 'change this incident');
    if (patch.acknowledgeAlert) {
      assertActs(actor, org, ['coordinating', 'reporting'], 'acknowledge the alert');
      if (!isRoot(actor.org))
        throw errors.forbidden('Only the coordination centre acknowledges an escalation alert.');
    }
    if (patch.category && !categoryOf(patch.category))
      throw errors.unprocessable(`Unknown category ${patch.category}.`);
    if (patch.assets) await this.checkAssets(actor, seen.orgId, patch.assets);
    this.checkTimes(patch, new Date(seen.awareAt));
    const now = this.clock();
    const dir = await this.directory(seen.orgId);
    const regime = await this.regimeOf(seen);
    const result = await this.db.transaction(async (tx) => {
      const row = await repo.findIncident(tx, id, true);
      if (!row) throw errors.notFound('The incident');
      const before = await repo.obligationsOf(tx, [id]);
      const next: repo.IncidentRow = { ...row, updatedAt: now, versionNo: row.versionNo + 1 };
      const events: ReturnType<IncidentService['event']>[] = [];
      const changed: string[] = [];
      for (const k of ['title', 'description', 'category', 'indicators', 'ransomDemanded'] as const)
        if (patch[k] !== undefined && patch[k] !== row[k]) {
          (next as unknown as Record<string, unknown>)[k] = patch[k];
          changed.push(k);
        }
      for (const k of ['occurredAt', 'containedAt', 'ransomPaidAt'] as const)
        if (patch[k] !== undefined) {
          next[k] = new Date(patch[k]!);
          changed.push(k);
        }
      if (patch.impact) {
        next.impact = patch.impact;
        changed.push('impact');
      }
      if (patch.assets) {
        next.assets = [...new Set(patch.assets)];
        changed.push('assets');
      }
      if (changed.length)
        events.push(this.event(row, actor, now, 'updated', { fields: changed, note: patch.note ?? null }));
      if (patch.grade && patch.grade !== row.grade) {
        next.grade = patch.grade;
        events.push(
          this.event(row, actor, now, 'graded', {
            from: row.grade,
            to: patch.grade,
            note: patch.note ?? null,
          }),
        );
        if ((ESCALATING_GRADES as readonly string[]).includes(patch.grade) && !row.escalatedAt) {
          next.escalatedAt = now;
          events.push(this.event(row, actor, now, 'escalated', { grade: patch.grade }));
        }
      }
      if (patch.status && patch.status !== row.status) {
        // Checked again on the locked row: another change may have moved it meanwhile.
        const t = transitionOf(row.status, patch.status);
        if (!side || !t.by.includes(side))
          throw errors.conflict('The incident changed meanwhile; reload it.');
        next.status = patch.status;
        if (t.to === 'reported') next.reportedAt = now;
        if (t.to === 'recovered') next.recoveredAt = now;
        if (t.to === 'closed') next.closedAt = now;
        if (t.name === 'reopen') next.closedAt = null;
        if (t.name === 'relapse') next.recoveredAt = null;
        events.push(
          this.event(row, actor, now, 'status', {
            from: row.status,
            to: t.to,
            move: t.name,
            note: patch.note ?? null,
          }),
        );
      }
      if (patch.acknowledgeAlert && row.escalatedAt && !row.alertAcknowledgedAt) {
        next.alertAcknowledgedAt = now;
        events.push(this.event(row, actor, now, 'acknowledged', {}));
      }
      if (events.length === 0) return { row, obligations: before, escalated: false };
      const obligations = await this.recompute(next, before, regime, dir);
      next.nextDue = nextDue(obligations);
      await repo.updateIncident(tx, next);
      await repo.replaceObligations(tx, id, obligations);
      await repo.insertEvents(tx, events);
      await this.commit(tx, next, obligations, actor, now);
      const escalated = next.escalatedAt !== null && row.escalatedAt === null;
      if (escalated) await this.notifyEscalation(tx, dir, next, obligations);
      tx.afterCommit(() => {
        this.events.publish('incident.changed', next.orgId, {
          ...this.eventData(next),
          by: actor.id,
          changes: events.map((e) => e.kind),
        });
        if (escalated) this.publishEscalation(next, obligations);
      });
      return { row: next, obligations, escalated };
    });
    return (await this.present([result.row], result.obligations))[0]!;
  }

  /** Files a stage's statutory report: satisfies its obligation; the report is committed to the ledger. */
  async fileReport(actor: Actor, id: string, input: FileReport): Promise<StatutoryReport> {
    const { row: seen, org } = await this.visible(actor, id);
    const regime = await this.regimeOf(seen);
    const stage = regime.stages.find((s) => s.key === input.stage);
    const owed = (await repo.obligationsOf(this.db, [id])).find((o) => o.stage === input.stage);
    if (!stage || !owed)
      throw errors.unprocessable(
        `This incident owes no '${input.stage}' report under ${seen.regime} at its grade.`,
        [{ pointer: '/stage', detail: 'not an obligation of this incident' }],
      );
    const need: Side = stage.filer === 'operator' ? 'reporting' : 'coordinating';
    assertActs(actor, org, [need], `file the ${stage.key} report`);
    const missing = stage.content.filter((f) => !input.content[f]?.trim());
    if (missing.length)
      throw errors.unprocessable(
        `The ${stage.key} report needs ${missing.join(', ')}.`,
        missing.map((f) => ({ pointer: `/content/${f}`, detail: 'required by the regime' })),
      );
    const now = this.clock();
    const dir = await this.directory(seen.orgId);
    const reportRow = await this.db.transaction(async (tx) => {
      const row = await repo.findIncident(tx, id, true);
      if (!row) throw errors.notFound('The incident');
      const before = await repo.obligationsOf(tx, [id]);
      const ob = before.find((o) => o.stage === input.stage);
      if (!ob) throw errors.conflict('The incident changed meanwhile; reload it.');
      if (ob.satisfiedAt) throw errors.conflict(`The ${input.stage} report was filed already.`);
      const reportId = randomUUID();
      const { entrySeq } = await commitRecord(tx, {
        kind: 'incident-report',
        id: reportId,
        version: 1,
        org: row.orgId,
        at: now,
        record: {
          incident: row.id,
          stage: input.stage,
          content: input.content,
          by: actor.id,
          filedAt: now.toISOString(),
        },
      });
      const report: repo.ReportRow = {
        id: reportId,
        incidentId: id,
        stage: input.stage,
        content: input.content,
        recipientOrg: ob.recipientOrg,
        filedBy: actor.id,
        filedByName: actor.name,
        filedByOrg: actor.org.id,
        filedAt: now,
        due: ob.due,
        entrySeq: String(entrySeq),
      };
      await repo.insertReport(tx, report);
      const marked = before.map((o) => (o.stage === input.stage ? { ...o, satisfiedAt: now, reportId } : o));
      const next: repo.IncidentRow = { ...row, updatedAt: now, versionNo: row.versionNo + 1 };
      const events = [
        this.event(row, actor, now, 'report', {
          stage: input.stage,
          report: reportId,
          late: !!(ob.due && now > new Date(ob.due)),
        }),
      ];
      if (row.status === 'draft') {
        next.status = 'reported';
        next.reportedAt = now;
        events.push(this.event(row, actor, now, 'status', { from: 'draft', to: 'reported', move: 'report' }));
      }
      const obligations = await this.recompute(next, marked, regime, dir);
      next.nextDue = nextDue(obligations);
      await repo.updateIncident(tx, next);
      await repo.replaceObligations(tx, id, obligations);
      await repo.insertEvents(tx, events);
      await this.commit(tx, next, obligations, actor, now);
      if (ob.recipientOrg && ob.recipientOrg !== actor.org.id)
        await this.notifier?.notify(tx, {
          org: ob.recipientOrg,
          topic: 'incident.report_filed',
          title: `${row.exercise ? 'DRILL: ' : ''}${stage.title} filed: ${row.title}`,
          body: `${actor.name} filed the ${stage.title} of the incident “${row.title}”.`,
          link: `/incidents/${row.id}`,
          data: {
            incident: row.id,
            stage: input.stage,
            report: reportId,
            org: row.orgId,
            exercise: row.exercise,
          },
          dedupeKey: `incident-report:${reportId}`,
        });
      tx.afterCommit(() =>
        this.events.publish('incident.report_filed', row.orgId, {
          incident: id,
          stage: input.stage,
          report: reportId,
          recipient: ob.recipientOrg,
        }),
      );
      return report;
    });
    return presentReport(reportRow, stage.title);
  }

  /**
   * An authority's request for a stage's report (NIS2 art. 23(4)(c): an intermediate report upon
   * the request of the CSIRT or competent authority). Only a stage anchored on `requested`; only an
   * organization coordinating the incident (above it, or its sector regulator) with the role
   * analyst, responder or admin. The request starts the stage's clock: due = request + its delay.
   * Recorded in the timeline and committed to the ledger with the incident's new version.
   */
  async requestReport(actor: Actor, id: string, input: RequestReport): Promise<Incident> {
    const { row: seen, org } = await this.visible(actor, id);
    // The coordinating side is an organization above the operator or its sector regulator, acting
    // with admin, analyst or responder (policy.ts: a reporter acts for its own organization only).
    assertActs(actor, org, ['coordinating'], `request the ${input.stage} report`);
    const regime = await this.regimeOf(seen);
    const stage = regime.stages.find((s) => s.key === input.stage);
    if (!stage || !('event' in stage.anchor) || stage.anchor.event !== 'requested')
      throw errors.unprocessable(`${seen.regime} has no stage '${input.stage}' owed on request.`, [
        {
          pointer: '/stage',
          detail: `must be a stage anchored on requested: ${
            regime.stages
              .filter((s) => 'event' in s.anchor && s.anchor.event === 'requested')
              .map((s) => s.key)
              .join(', ') || '(none in this regime)'
          }`,
        },
      ]);
    const now = this.clock();
    const dir = await this.directory(seen.orgId);
    const result = await this.db.transaction(async (tx) => {
      const row = await repo.findIncident(tx, id, true);
      if (!row) throw errors.notFound('The incident');
      const before = await repo.obligationsOf(tx, [id]);
      const ob = before.find((o) => o.stage === input.stage);
      if (!ob)
        throw errors.unprocessable(
          `This incident owes no '${input.stage}' report under ${row.regime} at its grade.`,
          [{ pointer: '/stage', detail: 'not an obligation of this incident' }],
        );
      if (ob.satisfiedAt) throw errors.conflict(`The ${input.stage} report was filed already.`);
      if (ob.requestedAt)
        throw errors.conflict(
          `The ${input.stage} report was requested at ${new Date(ob.requestedAt).toISOString()} and is not yet filed.`,
        );
      const marked = before.map((o) => (o.stage === input.stage ? { ...o, requestedAt: now } : o));
      const next: repo.IncidentRow = { ...row, updatedAt: now, versionNo: row.versionNo + 1 };
      const obligations = await this.recompute(next, marked, regime, dir);
      const due = obligations.find((o) => o.stage === input.stage)?.due ?? null;
      const events = [
        this.event(row, actor, now, 'requested', {
          stage: input.stage,
          note: input.note ?? null,
          due: due ? new Date(due).toISOString() : null,
        }),
      ];
      next.nextDue = nextDue(obligations);
      await repo.updateIncident(tx, next);
      await repo.replaceObligations(tx, id, obligations);
      await repo.insertEvents(tx, events);
      await this.commit(tx, next, obligations, actor, now);
      if (row.orgId !== actor.org.id)
        await this.notifier?.notify(tx, {
          org: row.orgId,
          topic: 'incident.report_requested',
          title: `${row.exercise ? 'DRILL: ' : ''}${stage.title} requested: ${row.title}`,
          body: `${actor.name} requested the ${stage.title} of the incident “${row.title}”${
            due ? `, due ${new Date(due).toISOString()}` : ''
          }.`,
          link: `/incidents/${row.id}`,
          data: { incident: row.id, stage: input.stage, org: row.orgId, exercise: row.exercise },
          dedupeKey: `incident-request:${row.id}:${input.stage}:${now.toISOString()}`,
        });
      tx.afterCommit(() =>
        this.events.publish('incident.changed', next.orgId, {
          ...this.eventData(next),
          by: actor.id,
          changes: ['requested'],
        }),
      );
      return { row: next, obligations };
    });
    return (await this.present([result.row], result.obligations))[0]!;
  }

  /** A comment in the shared timeline (any side that may act, or read-only roles of coordinating orgs). */
  async comment(actor: Actor, id: string, text: string): Promise<TimelineEntry> {
    const { org } = await this.visible(actor, id);
    assertActs(actor, org, ['reporting', 'coordinating'], 'comment on this incident');
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const row = await repo.findIncident(tx, id, true);
      if (!row) throw errors.notFound('The incident');
      // A comment is part of the shared record of the response: it is committed like the rest.
      const commentId = randomUUID();
      await repo.insertEvents(tx, [this.event(row, actor, now, 'comment', { text, commentId })]);
      await commitRecord(tx, {
        kind: 'incident-comment',
        id: commentId,
        version: 1,
        org: row.orgId,
        at: now,
        record: { incident: id, text, by: actor.id },
      });
    });
    const all = await repo.eventsOf(this.db, id, 'comment');
    return presentEvent(all.at(-1)!);
  }

  // --- attachments ----------------------------------------------------------------------------

  /**
   * Attaches an evidence file (either side that may act): its SHA-256 is recorded and committed
   * to the ledger with the upload, and the timeline notes it. The size limit is the upload route's.
   */
  async attach(
    actor: Actor,
    id: string,
    input: { name: string; mediaType: string; content: Buffer },
  ): Promise<Attachment> {
    const { org } = await this.visible(actor, id);
    assertActs(actor, org, ['reporting', 'coordinating'], 'attach evidence to this incident');
    if (!/^[\p{L}\p{N} ._()+-]+$/u.test(input.name) || /^\.+$/.test(input.name))
      throw errors.unprocessable('The file name may hold letters, digits, spaces and . _ ( ) + - only.', [
        { pointer: '/name', detail: 'not a plain file name' },
      ]);
    if (input.content.length === 0)
      throw errors.unprocessable('The file is empty.', [{ pointer: '/body', detail: 'no bytes' }]);
    const now = this.clock();
    const sha256 = createHash('sha256').update(input.content).digest('hex');
    const attachmentId = randomUUID();
    const row = await this.db.transaction(async (tx) => {
      const incident = await repo.findIncident(tx, id, true);
      if (!incident) throw errors.notFound('The incident');
      const { entrySeq } = await commitRecord(tx, {
        kind: 'incident-attachment',
        id: attachmentId,
        version: 1,
        org: incident.orgId,
        at: now,
        record: {
          incident: id,
          name: input.name,
          mediaType: input.mediaType,
          size: input.content.length,
          sha256,
          by: actor.id,
        },
      });
      const a: repo.AttachmentRow = {
        id: attachmentId,
        incidentId: id,
        name: input.name,
        mediaType: input.mediaType,
        size: input.content.length,
        sha256,
        uploadedBy: actor.id,
        uploadedByName: actor.name,
        uploadedByOrg: actor.local ? null : actor.org.id,
        uploadedAt: now,
        entrySeq: String(entrySeq),
      };
      await repo.insertAttachment(tx, a, input.content);
      await repo.insertEvents(tx, [
        this.event(incident, actor, now, 'attachment', {
          attachment: attachmentId,
          name: input.name,
          size: a.size,
          sha256,
        }),
      ]);
      return a;
    });
    return presentAttachment(row);
  }

  async attachments(actor: Actor, id: string): Promise<{ items: Attachment[] }> {
    await this.visible(actor, id);
    return { items: (await repo.attachmentsOf(this.db, id)).map(presentAttachment) };
  }

  /** An attachment's bytes, to whoever sees the incident (the shared access rule). */
  async attachmentContent(
    actor: Actor,
    id: string,
    attachmentId: string,
  ): Promise<{ attachment: Attachment; content: Buffer }> {
    await this.visible(actor, id);
    const a = await repo.findAttachment(this.db, id, attachmentId);
    if (!a) throw errors.notFound('The attachment');
    return { attachment: presentAttachment(a), content: Buffer.from(a.content) };
  }

  // --- tasks ------------------------------------------------------------------------------------

  async createTask(actor: Actor, id: string, input: CreateTask): Promise<Task> {
    const { row: seen, org } = await this.visible(actor, id);
    assertActs(actor, org, ['reporting', 'coordinating'], 'assign tasks on this incident');
    const assignee = input.org ?? seen.orgId;
    const assigneeRef = await this.orgs.orgRef(assignee);
    // The assignee must itself see the incident: the operator, an organization above it, its regulator.
    if (!assigneeRef || relationOf(assigneeRef, org) === 'none')
      throw errors.unprocessable('A task goes to an organization that sees the incident.', [
        { pointer: '/org', detail: 'the organization does not see this incident' },
      ]);
    const now = this.clock();
    const task: repo.TaskRow = {
      id: randomUUID(),
      incidentId: id,
      orgId: assignee,
      title: input.title,
      kind: input.kind ?? 'task',
      owner: input.owner ?? null,
      due: input.due ? new Date(input.due) : null,
      status: 'open',
      createdBy: actor.id,
      versionNo: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction(async (tx) => {
      const row = await repo.findIncident(tx, id, true);
      if (!row) throw errors.notFound('The incident');
      await repo.insertTask(tx, task);
      await repo.insertEvents(tx, [
        this.event(row, actor, now, 'task', {
          task: task.id,
          title: task.title,
          org: assignee,
          kind: task.kind,
        }),
      ]);
      await commitRecord(tx, {
        kind: 'incident-task',
        id: task.id,
        version: 1,
        org: row.orgId,
        at: now,
        record: { ...task, by: actor.id },
      });
      tx.afterCommit(() =>
        this.events.publish('incident.task_assigned', assignee, { incident: id, task: task.id }),
      );
    });
    return presentTask(task, now, await this.nameOf());
  }

  async updateTask(actor: Actor, id: string, taskId: string, patch: UpdateTask): Promise<Task> {
    const { org } = await this.visible(actor, id);
    const existing = await repo.findTask(this.db, taskId);
    if (!existing || existing.incidentId !== id) throw errors.notFound('The task');
    // The assignee works its task; the incident's sides manage it.
    const assigneeActs =
      existing.orgId === actor.org.id && actor.roles.some((r) => r !== 'viewer' && r !== 'auditor');
    if (!assigneeActs) assertActs(actor, org, ['reporting', 'coordinating'], 'change this task');
    const now = this.clock();
    const task = await this.db.transaction(async (tx) => {
      const t = await repo.findTask(tx, taskId, true);
      if (!t) throw errors.notFound('The task');
      const next: repo.TaskRow = {
        ...t,
        title: patch.title ?? t.title,
        owner: patch.owner ?? t.owner,
        due: patch.due ? new Date(patch.due) : t.due,
        status: patch.status ?? t.status,
        versionNo: t.versionNo + 1,
        updatedAt: now,
      };
      await repo.updateTask(tx, next);
      const row = (await repo.findIncident(tx, id))!;
      await repo.insertEvents(tx, [
        this.event(row, actor, now, 'task', { task: t.id, title: next.title, changes: patch }),
      ]);
      await commitRecord(tx, {
        kind: 'incident-task',
        id: t.id,
        version: next.versionNo,
        org: row.orgId,
        at: now,
        record: { ...next, by: actor.id },
      });
      return next;
    });
    return presentTask(task, now, await this.nameOf());
  }

  /**
   * The local administrator acting as an administrator of another organization (the demo seeder,
   * benchmarks): only the local administrator, who reaches the database anyway, may.
   */
  async actingFor(local: Actor, orgId: string): Promise<Actor> {
    if (!local.local) throw errors.forbidden('Only the local administrator acts for another organization.');
    const org = await this.orgRefOf(orgId);
    return {
      subject: 'user',
      id: `local:${orgId}`,
      userId: null,
      name: `${local.name} for ${orgId}`,
      org,
      roles: ['admin'],
    };
  }

  // --- profiles ---------------------------------------------------------------------------------

  async profile(actor: Actor, orgId: string): Promise<Profile> {
    assertSees(actor, await this.orgRefOf(orgId));
    const p = await this.profileOf(orgId);
    return {
      org: orgId,
      entityType: p.entityType,
      timeZone: p.timeZone,
      regime: p.regime.id,
      explicit: {
        entityType: p.explicit?.entityType ?? null,
        timeZone: p.explicit?.timeZone ?? null,
        regime: p.explicit?.regime ?? null,
      },
    };
  }

  /** Sets an organization's entity type, time zone or regime (administrators of it or above). */
  async setProfile(actor: Actor, orgId: string, patch: UpdateProfile): Promise<Profile> {
    assertCan(actor, 'administer', await this.orgRefOf(orgId), 'The organization');
    if (patch.timeZone && !isTimeZone(patch.timeZone))
      throw errors.unprocessable(`Unknown time zone ${patch.timeZone}.`, [
        { pointer: '/timeZone', detail: 'not an IANA time zone' },
      ]);
    if (patch.regime) await this.regimeNamed(patch.regime, '/regime');
    const known = new Set((await this.regimeCatalogue.current()).flatMap((r) => r.entities));
    if (patch.entityType && !known.has(patch.entityType))
      throw errors.unprocessable(`Unknown entity type ${patch.entityType}.`, [
        { pointer: '/entityType', detail: `one of ${[...known].join(', ')}` },
      ]);
    const current = (await repo.profilesOf(this.db, [orgId]))[0];
    const next: repo.ProfileRow = {
      orgId,
      entityType: patch.entityType !== undefined ? patch.entityType : (current?.entityType ?? null),
      timeZone: patch.timeZone !== undefined ? patch.timeZone : (current?.timeZone ?? null),
      regime: patch.regime !== undefined ? patch.regime : (current?.regime ?? null),
      versionNo: (current?.versionNo ?? 0) + 1,
    };
    await this.db.transaction(async (tx) => {
      await repo.upsertProfile(tx, next);
      await commitRecord(tx, {
        kind: 'incident-profile',
        id: orgId,
        version: next.versionNo,
        org: orgId,
        record: { ...next, by: actor.id },
      });
    });
    this.forgetProfiles();
    return this.profile(actor, orgId);
  }
}

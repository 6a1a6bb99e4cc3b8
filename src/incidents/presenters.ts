// Every field of an incident, report, timeline entry and task that leaves the server, typed by the
// response schemas. Deadlines are UTC instants, each also shown on the organization's wall clock.
import { describeDelay, isOverdue, type Regime } from './deadlines.ts';
import type { AttachmentRow, EventRow, IncidentRow, ObligationRow, ReportRow, TaskRow } from './repo.ts';
import type { Attachment, Incident, Obligation, StatutoryReport, Task, TimelineEntry } from './schema.ts';
import { formatInZone } from './zone.ts';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export type NameOf = (orgId: string) => string | undefined;

/** What a stored obligation's deadline counts from, in words (the regime's stage, the anchor's state). */
function anchorOf(regime: Regime | undefined, o: ObligationRow, all: readonly ObligationRow[]): string {
  const stage = regime?.stages.find((s) => s.key === o.stage);
  if (!stage) return '';
  const delay = describeDelay(stage.delay);
  if ('event' in stage.anchor && stage.anchor.event === 'requested')
    return o.requestedAt ? `${delay} after the request` : `on request (${delay} after it)`;
  if ('event' in stage.anchor)
    return `${delay} after ${stage.anchor.event === 'aware' ? 'awareness' : stage.anchor.event}`;
  const earlier = stage.anchor.stage;
  const filed = all.find((x) => x.stage === earlier)?.satisfiedAt;
  return `${delay} after the ${earlier} report${filed ? ' (filed)' : "'s deadline (not yet filed)"}`;
}

/** Whether the regime's stage is owed only upon an authority's request (anchor `requested`). */
export function isOnRequest(regime: Regime | undefined, stage: string): boolean {
  const s = regime?.stages.find((x) => x.key === stage);
  return !!s && 'event' in s.anchor && s.anchor.event === 'requested';
}

export function presentObligation(
  o: ObligationRow,
  incident: Pick<IncidentRow, 'timeZone'>,
  /** The regime version the incident was opened under (its stages say what each deadline counts from). */
  regime: Regime | undefined,
  all: readonly ObligationRow[],
  now: Date,
  nameOf: NameOf,
): Obligation {
  const timeZone = incident.timeZone;
  const due = o.due ? new Date(o.due) : null;
  const satisfiedAt = o.satisfiedAt ? new Date(o.satisfiedAt) : null;
  return {
    stage: o.stage,
    title: o.title,
    due: iso(due),
    dueLocal: due ? formatInZone(due, timeZone) : null,
    anchor: anchorOf(regime, o, all),
    recipient: o.recipient,
    recipientOrg: o.recipientOrg,
    recipientName: o.recipientOrg ? (nameOf(o.recipientOrg) ?? null) : null,
    filer: o.filer,
    satisfiedAt: iso(satisfiedAt),
    report: o.reportId,
    overdue: isOverdue({ due, satisfiedAt }, now),
    late: !!(due && satisfiedAt && satisfiedAt.getTime() > due.getTime()),
    onRequest: isOnRequest(regime, o.stage),
    requestedAt: iso(o.requestedAt),
  };
}

export function presentIncident(
  r: IncidentRow,
  regime: Regime | undefined,
  obligations: ObligationRow[],
  now: Date,
  nameOf: NameOf,
): Incident {
  const nextDue = r.nextDue ? new Date(r.nextDue) : null;
  return {
    id: r.id,
    org: r.orgId,
    orgName: nameOf(r.orgId) ?? r.orgId,
    region: r.region,
    sector: r.sector,
    title: r.title,
    description: r.description,
    category: r.category,
    grade: r.grade,
    status: r.status,
    regime: r.regime,
    regimeVersion: r.regimeVersion,
    entityType: r.entityType,
    timeZone: r.timeZone,
    exercise: r.exercise,
    occurredAt: iso(r.occurredAt),
    awareAt: iso(r.awareAt)!,
    containedAt: iso(r.containedAt),
    recoveredAt: iso(r.recoveredAt),
    closedAt: iso(r.closedAt),
    ransomDemanded: r.ransomDemanded,
    ransomPaidAt: iso(r.ransomPaidAt),
    impact: r.impact,
    assets: r.assets,
    indicators: r.indicators,
    obligations: obligations.map((o) => presentObligation(o, r, regime, obligations, now, nameOf)),
    nextDue: iso(nextDue),
    overdue: !!nextDue && nextDue.getTime() < now.getTime(),
    escalated: r.escalatedAt !== null,
    escalatedAt: iso(r.escalatedAt),
    alertAcknowledgedAt: iso(r.alertAcknowledgedAt),
    reportedAt: iso(r.reportedAt),
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
    revision: r.versionNo,
  };
}

export function presentReport(r: ReportRow, title: string): StatutoryReport {
  const filedAt = new Date(r.filedAt);
  const due = r.due ? new Date(r.due) : null;
  return {
    id: r.id,
    incident: r.incidentId,
    stage: r.stage,
    title,
    content: r.content,
    recipientOrg: r.recipientOrg,
    filedBy: { id: r.filedBy, name: r.filedByName, org: r.filedByOrg },
    filedAt: filedAt.toISOString(),
    due: iso(due),
    late: !!due && filedAt.getTime() > due.getTime(),
    receipt: {
      kind: 'incident-report',
      id: r.id,
      version: 1,
      href: `/api/v1/ledger/receipts?kind=incident-report&id=${r.id}&version=1`,
    },
  };
}

export function presentEvent(e: EventRow): TimelineEntry {
  return {
    id: Number(e.id),
    at: new Date(e.at).toISOString(),
    kind: e.kind,
    actor: { id: e.actorId, name: e.actorName, org: e.actorOrg },
    data: e.data,
  };
}

export function presentTask(t: TaskRow, now: Date, nameOf: NameOf): Task {
  const due = t.due ? new Date(t.due) : null;
  return {
    id: t.id,
    incident: t.incidentId,
    org: t.orgId,
    orgName: nameOf(t.orgId) ?? t.orgId,
    title: t.title,
    kind: t.kind,
    owner: t.owner,
    due: iso(due),
    status: t.status,
    overdue: !!due && (t.status === 'open' || t.status === 'in-progress') && due.getTime() < now.getTime(),
    createdAt: new Date(t.createdAt).toISOString(),
    updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

export function presentAttachment(a: AttachmentRow): Attachment {
  return {
    id: a.id,
    incident: a.incidentId,
    name: a.name,
    mediaType: a.mediaType,
    size: a.size,
    sha256: a.sha256,
    uploadedAt: new Date(a.uploadedAt).toISOString(),
    uploadedBy: { id: a.uploadedBy, name: a.uploadedByName, org: a.uploadedByOrg },
    receipt: { href: `/api/v1/ledger/receipts?kind=incident-attachment&id=${a.id}` },
  };
}

// The statutory report document of one stage of one incident, built from what the service
// presents (the incident, its filed reports) and the regime version the incident was opened under.
// Pure: no database, no clock of its own. A filed stage shows the filed values; an owed stage not
// yet filed is a draft showing each required field as missing and the deadline; a stage of the
// regime this incident does not owe says so. A drill carries its label in every rendering.
import type { Regime } from './deadlines.ts';
import { DOCUMENT_FORMAT, type ReportDocument } from './document-schema.ts';
import type { Incident, StatutoryReport } from './schema.ts';
import { CATEGORIES } from './taxonomy.ts';

export const EXERCISE_NOTICE = 'EXERCISE: a drill, not a real incident';

/**
 * The document of `stageKey`, or undefined when the regime has no such stage.
 * `report` is the filed report of that stage, if any; `now` decides whether a draft is overdue.
 */
export function buildReportDocument(input: {
  incident: Incident;
  regime: Regime;
  stageKey: string;
  report: StatutoryReport | undefined;
  now: Date;
}): ReportDocument | undefined {
  const { incident, regime, report, now } = input;
  const stage = regime.stages.find((s) => s.key === input.stageKey);
  if (!stage) return undefined;
  const obligation = incident.obligations.find((o) => o.stage === stage.key);
  const content = report?.content ?? {};
  const filled = (key: string) => {
    const v = content[key];
    return typeof v === 'string' && v.trim() !== '' ? v : null;
  };
  const required = new Set(stage.content);
  const due = report?.due ?? obligation?.due ?? null;
  const filedAt = report?.filedAt ?? null;
  return {
    format: DOCUMENT_FORMAT,
    state: report ? 'filed' : obligation ? 'draft' : 'not-owed',
    exercise: incident.exercise,
    exerciseNotice: incident.exercise ? EXERCISE_NOTICE : null,
    generatedAt: now.toISOString(),
    regime: {
      id: regime.id,
      version: regime.version,
      title: regime.title,
      sources: regime.sources.map((s) => ({ title: s.title, url: s.url })),
    },
    stage: { key: stage.key, title: stage.title, filer: stage.filer, note: stage.note ?? null },
    recipient: {
      kind: stage.recipient,
      org: report?.recipientOrg ?? obligation?.recipientOrg ?? null,
      name: obligation?.recipientName ?? null,
    },
    incident: {
      id: incident.id,
      title: incident.title,
      org: incident.org,
      orgName: incident.orgName,
      region: incident.region,
      sector: incident.sector,
      entityType: incident.entityType,
      category: incident.category,
      categoryLabel: CATEGORIES.find((c) => c.key === incident.category)?.label ?? incident.category,
      grade: incident.grade,
      status: incident.status,
      occurredAt: incident.occurredAt,
      awareAt: incident.awareAt,
      timeZone: incident.timeZone,
      exercise: incident.exercise,
    },
    fields: stage.content.map((key) => {
      const value = filled(key);
      return { key, value, missing: value === null };
    }),
    extraFields: Object.entries(content)
      .filter(([k]) => !required.has(k))
      .map(([key, value]) => ({ key, value })),
    due,
    dueLocal: obligation?.dueLocal ?? null,
    anchor: obligation?.anchor ?? '',
    onRequest: obligation?.onRequest ?? false,
    requestedAt: obligation?.requestedAt ?? null,
    filedAt,
    filedBy: report ? { ...report.filedBy } : null,
    onTime: filedAt ? !due || new Date(filedAt).getTime() <= new Date(due).getTime() : null,
    overdue: !filedAt && !!obligation && !!due && new Date(due).getTime() < now.getTime(),
    report: report?.id ?? null,
    ledger: report ? { ...report.receipt } : null,
  };
}

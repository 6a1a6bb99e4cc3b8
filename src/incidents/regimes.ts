// The statutory reporting regimes Bulwark ships, as data for the deadline engine (deadlines.ts).
// Each stage cites where it comes from; docs/incidents.md gives the sources in full. A regime is
// checked by validateRegime when this module loads, so a bad edit fails at start, not at 3 a.m.
// These are version 1 of each: the service seeds them into the database (incident_regimes), where
// administrators edit them as new versions; the server reads the regimes from there.
import { type Regime, validateRegime } from './deadlines.ts';
import { CHECKLISTS } from './grading.ts';

const SERIOUS = ['relatively-major', 'major', 'particularly-major'] as const;
const MAJOR = ['major', 'particularly-major'] as const;

/**
 * 国家网络安全事件报告管理办法 (National Cybersecurity Incident Reporting Measures, Cyberspace
 * Administration of China, 2025-09-11, in force 2025-11-01), article 4: incidents graded 较大
 * (relatively major) or above are reported by the operator — CII operators to their protection
 * department within 1 hour, central and state organs to their department's cyberspace office
 * within 2 hours, other operators to the provincial cyberspace office within 4 hours; for 重大 and
 * 特别重大 the receiving department reports onward to the national level within 30 minutes (CII
 * path) or 1 hour (the other two). The summary report after handling is our reading of the
 * measures (5 working days after the incident is handled); an administrator may edit it.
 */
const CN_2025: Regime = {
  id: 'cn-2025',
  version: 1,
  title: 'China: National Cybersecurity Incident Reporting Measures (2025)',
  entities: ['other', 'cii-operator', 'central-agency'],
  sources: [
    {
      title: '国家网络安全事件报告管理办法 (CAC, 2025-09-11, in force 2025-11-01), art. 4',
      url: 'https://www.cac.gov.cn/',
    },
  ],
  stages: [
    {
      key: 'initial-cii',
      title: 'Initial report to the protection department (CII operator)',
      anchor: { event: 'aware' },
      delay: { hours: 1 },
      recipient: 'sector-regulator',
      filer: 'operator',
      entities: ['cii-operator'],
      grades: SERIOUS,
      content: ['summary', 'systems', 'impact', 'measures', 'contact'],
    },
    {
      key: 'initial-agency',
      title: "Initial report to the department's cyberspace office (central or state organ)",
      anchor: { event: 'aware' },
      delay: { hours: 2 },
      recipient: 'regional-authority',
      filer: 'operator',
      entities: ['central-agency'],
      grades: SERIOUS,
      content: ['summary', 'systems', 'impact', 'measures', 'contact'],
    },
    {
      key: 'initial',
      title: 'Initial report to the provincial cyberspace office',
      anchor: { event: 'aware' },
      delay: { hours: 4 },
      recipient: 'provincial-authority',
      filer: 'operator',
      entities: ['other'],
      grades: SERIOUS,
      content: ['summary', 'systems', 'impact', 'measures', 'contact'],
    },
    {
      key: 'onward-cii',
      title: 'Onward report to the national level (protection department)',
      anchor: { stage: 'initial-cii' },
      delay: { minutes: 30 },
      recipient: 'centre',
      filer: 'authority',
      grades: MAJOR,
      content: ['summary', 'impact', 'assessment'],
    },
    {
      key: 'onward-agency',
      title: 'Onward report to the national cyberspace office',
      anchor: { stage: 'initial-agency' },
      delay: { hours: 1 },
      recipient: 'centre',
      filer: 'authority',
      grades: MAJOR,
      content: ['summary', 'impact', 'assessment'],
    },
    {
      key: 'onward',
      title: 'Onward report to the national cyberspace office (provincial office)',
      anchor: { stage: 'initial' },
      delay: { hours: 1 },
      recipient: 'centre',
      filer: 'authority',
      grades: MAJOR,
      content: ['summary', 'impact', 'assessment'],
    },
    {
      key: 'summary',
      title: 'Summary report after handling',
      anchor: { event: 'recovered' },
      delay: { workingDays: 5 },
      recipient: 'regional-authority',
      filer: 'operator',
      grades: SERIOUS,
      content: ['cause', 'measures', 'consequences', 'accountability', 'remediation', 'lessons'],
      note: 'Delay as we read the measures; check it against the published text for your federation.',
    },
  ],
};

/**
 * Directive (EU) 2022/2555 (NIS2), article 23(4): for a significant incident an early warning
 * within 24 hours of becoming aware, an incident notification within 72 hours (24 hours for trust
 * service providers, 23(4)(b) last subparagraph), and a final report within one month of the
 * notification (23(4)(d)). An intermediate report on relevant status updates is owed upon the request
 * of the CSIRT or competent authority (23(4)(c)); the directive sets no delay, so the stage counts
 * 72 hours from the request (our default; an administrator may edit it). Bulwark treats grades from
 * relatively major up as "significant".
 */
const EU_NIS2: Regime = {
  id: 'eu-nis2',
  version: 1,
  title: 'EU: NIS2 Directive, article 23',
  entities: ['essential', 'important', 'trust-service'],
  sources: [
    { title: 'Directive (EU) 2022/2555, art. 23(4)', url: 'https://eur-lex.europa.eu/eli/dir/2022/2555/oj' },
  ],
  stages: [
    {
      key: 'early-warning',
      title: 'Early warning to the CSIRT or competent authority',
      anchor: { event: 'aware' },
      delay: { hours: 24 },
      recipient: 'centre',
      filer: 'operator',
      grades: SERIOUS,
      content: ['summary', 'suspectedMalicious', 'crossBorder'],
    },
    {
      key: 'notification',
      title: 'Incident notification',
      anchor: { event: 'aware' },
      delay: { hours: 72 },
      recipient: 'centre',
      filer: 'operator',
      entities: ['essential', 'important'],
      grades: SERIOUS,
      content: ['summary', 'severity', 'impact', 'indicators'],
    },
    {
      key: 'notification-trust',
      title: 'Incident notification (trust service provider)',
      anchor: { event: 'aware' },
      delay: { hours: 24 },
      recipient: 'centre',
      filer: 'operator',
      entities: ['trust-service'],
      grades: SERIOUS,
      content: ['summary', 'severity', 'impact', 'indicators'],
    },
    {
      key: 'intermediate',
      title: 'Intermediate report on request',
      anchor: { event: 'requested' },
      delay: { hours: 72 },
      recipient: 'centre',
      filer: 'operator',
      grades: SERIOUS,
      content: ['summary', 'statusUpdate'],
      note: 'Art. 23(4)(c): owed only upon the request of the CSIRT or competent authority; the 72 hours from the request are our default, the directive sets none.',
    },
    {
      key: 'final',
      title: 'Final report',
      anchor: { stage: 'notification' },
      delay: { months: 1 },
      recipient: 'centre',
      filer: 'operator',
      grades: SERIOUS,
      content: ['description', 'severity', 'impact', 'threatType', 'rootCause', 'mitigation', 'crossBorder'],
    },
    {
      key: 'final-trust',
      title: 'Final report (trust service provider)',
      anchor: { stage: 'notification-trust' },
      delay: { months: 1 },
      recipient: 'centre',
      filer: 'operator',
      grades: SERIOUS,
      content: ['description', 'severity', 'impact', 'threatType', 'rootCause', 'mitigation', 'crossBorder'],
    },
  ],
};

/**
 * Cyber Incident Reporting for Critical Infrastructure Act of 2022 (CIRCIA), 6 U.S.C. 681b(a):
 * a covered cyber incident within 72 hours after the covered entity reasonably believes it has
 * occurred, a ransom payment within 24 hours after it is made. Bulwark treats grades from
 * relatively major up as "covered"; a ransom payment is reported whatever the grade.
 */
const US_CIRCIA: Regime = {
  id: 'us-circia',
  version: 1,
  title: 'US: Cyber Incident Reporting for Critical Infrastructure Act (CIRCIA)',
  entities: ['covered-entity'],
  sources: [{ title: '6 U.S.C. 681b(a)(1)–(2)', url: 'https://www.law.cornell.edu/uscode/text/6/681b' }],
  stages: [
    {
      key: 'covered-incident',
      title: 'Covered cyber incident report to CISA',
      anchor: { event: 'aware' },
      delay: { hours: 72 },
      recipient: 'centre',
      filer: 'operator',
      grades: SERIOUS,
      content: ['summary', 'systems', 'impact', 'indicators', 'contact'],
    },
    {
      key: 'ransom-payment',
      title: 'Ransom payment report to CISA',
      anchor: { event: 'ransom-paid' },
      delay: { hours: 24 },
      recipient: 'centre',
      filer: 'operator',
      content: ['amount', 'paymentInstructions', 'demand', 'contact'],
    },
  ],
};

/** The shipped regimes, version 1, each with its grading checklist (grading.ts). */
export const REGIMES: readonly Regime[] = [CN_2025, EU_NIS2, US_CIRCIA].map((r) => ({
  ...r,
  grading: CHECKLISTS[r.id] ?? null,
}));
for (const r of REGIMES) validateRegime(r);

export const REGIME_IDS = REGIMES.map((r) => r.id);
export const DEFAULT_REGIME = 'cn-2025';

/** A shipped regime (version 1) by id; the server asks its stored catalogue instead (regime-catalogue.ts). */
export function regimeById(id: string): Regime | undefined {
  return REGIMES.find((r) => r.id === id);
}

/**
 * An organization's entity type under a regime when its profile sets none: from its attributes
 * (the critical-infrastructure flag makes a CII operator in cn-2025 and an essential entity in
 * NIS2), else the regime's first.
 */
export function defaultEntity(regime: Regime, org: { critical: boolean }): string {
  if (org.critical && regime.entities.includes('cii-operator')) return 'cii-operator';
  if (org.critical && regime.entities.includes('essential')) return 'essential';
  if (!org.critical && regime.entities.includes('important')) return 'important';
  return regime.entities[0]!;
}

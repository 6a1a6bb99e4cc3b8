// Input and output schemas of the incidents domain (one contract per resource: incident,
// statutory report, timeline entry, task, regime); they validate requests and make the OpenAPI
// document.
import { type Static, Type } from 'typebox';
import { enumOf, Id, ListOf } from '../platform/http/schemas.ts';
import { Limit, Offset, Text } from '../platform/http/text.ts';
import { ANCHOR_EVENTS, GRADES, RECIPIENTS } from './deadlines.ts';
import { FIGURES } from './grading.ts';
import { STATUSES, TASK_STATUSES } from './policy.ts';
import { CATEGORY_KEYS } from './taxonomy.ts';

export const GradeSchema = enumOf(GRADES, 'general, relatively-major, major, particularly-major');
export const StatusSchema = enumOf(STATUSES);
/** A regime's id: the shipped ones (cn-2025, eu-nis2, us-circia) or one an administrator added. */
export const RegimeId = Type.String({
  pattern: '^[a-z][a-z0-9-]{2,39}$',
  description: 'A regime id (cn-2025, eu-nis2, us-circia, or one an administrator added)',
});
const Category = enumOf(CATEGORY_KEYS, 'GB/T 20986-2023 (gbt:…) or ENISA taxonomy (enisa:…) category');
const Instant = Type.String({ format: 'date-time' });
/**
 * A string or null, as a JSON Schema type array rather than anyOf: the response serialiser
 * (fast-json-stringify) writes a type array directly, while for anyOf it resolves and runs a
 * validator for each branch of each field (a third of a filing's answer time, 30 such fields).
 */
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) =>
  Type.Unsafe<Static<T> | null>({ ...t, type: ['string', 'null'] });
const Amount = Type.Number({ minimum: 0, maximum: 1e15 });

/** The cn-2025 grading guide's further criteria (grading.ts), as impact figures. */
const ExtraFigures = {
  mainFunctionOutageHours: Type.Optional(
    Type.Number({ minimum: 0, maximum: 1e6, description: 'Outage of the main functions of a CII system' }),
  ),
  cityPopulationSharePercent: Type.Optional(
    Type.Number({ minimum: 0, maximum: 100, description: "Share of one city's population affected, %" }),
  ),
  provincePopulationSharePercent: Type.Optional(
    Type.Number({ minimum: 0, maximum: 100, description: "Share of one province's population affected, %" }),
  ),
  importantDataThreat: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3,
      description:
        'Important data leaked or stolen: 0 none, 1 relatively serious, 2 serious, 3 particularly serious threat',
    }),
  ),
};

export const Impact = Type.Object(
  {
    outageHours: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1e6, description: 'Outage of a CII system' }),
    ),
    peopleAffected: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e10 })),
    recordsLeaked: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1e12, description: 'Personal-data records' }),
    ),
    directLoss: Type.Optional(Amount),
    portalDowntimeHours: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
    ...ExtraFigures,
    summary: Type.Optional(Text({ maxLength: 4000, multiline: true })),
  },
  { additionalProperties: false },
);

export const Obligation = Type.Object({
  stage: Type.String(),
  title: Type.String(),
  due: Nullable(Instant),
  dueLocal: Nullable(
    Type.String({ description: "The deadline on the organization's wall clock, with its offset" }),
  ),
  anchor: Type.String({ description: 'What the deadline counts from' }),
  recipient: enumOf(RECIPIENTS),
  recipientOrg: Nullable(Id),
  recipientName: Nullable(Type.String()),
  filer: enumOf(['operator', 'authority'] as const),
  satisfiedAt: Nullable(Instant),
  report: Nullable(Id),
  overdue: Type.Boolean(),
  late: Type.Boolean({ description: 'Filed after its deadline' }),
  onRequest: Type.Boolean({
    description: "The stage is owed only upon an authority's request (anchor `requested`)",
  }),
  requestedAt: Nullable(Instant),
});
export type Obligation = Static<typeof Obligation>;

export const Incident = Type.Object(
  {
    id: Id,
    org: Id,
    orgName: Type.String(),
    region: Type.String(),
    sector: Nullable(Type.String()),
    title: Type.String(),
    description: Type.String(),
    category: Type.String(),
    grade: GradeSchema,
    status: StatusSchema,
    regime: Type.String(),
    regimeVersion: Type.Integer({
      description: "The regime's version the incident was opened under; its deadlines follow that version",
    }),
    entityType: Type.String(),
    timeZone: Type.String(),
    exercise: Type.Boolean({ description: 'A drill: same workflow and clocks, excluded from statistics' }),
    occurredAt: Nullable(Instant),
    awareAt: Instant,
    containedAt: Nullable(Instant),
    recoveredAt: Nullable(Instant),
    closedAt: Nullable(Instant),
    ransomDemanded: Type.Boolean(),
    ransomPaidAt: Nullable(Instant),
    impact: Impact,
    assets: Type.Array(Id),
    indicators: Type.String(),
    obligations: Type.Array(Obligation),
    nextDue: Nullable(Instant),
    overdue: Type.Boolean(),
    escalated: Type.Boolean({ description: 'Graded major or above: an alert at the centre' }),
    escalatedAt: Nullable(Instant),
    alertAcknowledgedAt: Nullable(Instant),
    reportedAt: Nullable(Instant),
    createdAt: Instant,
    updatedAt: Instant,
    revision: Type.Integer({ description: 'Ledger version of the incident record' }),
  },
  { $id: 'Incident' },
);
export type Incident = Static<typeof Incident>;

const IncidentFields = {
  title: Text({ minLength: 1, maxLength: 300 }),
  description: Text({ maxLength: 20_000, multiline: true }),
  category: Category,
  grade: GradeSchema,
  occurredAt: Instant,
  containedAt: Instant,
  ransomDemanded: Type.Boolean(),
  ransomPaidAt: Instant,
  impact: Impact,
  assets: Type.Array(Id, { maxItems: 200 }),
  indicators: Text({ maxLength: 20_000, multiline: true }),
};

export const CreateIncident = Type.Object(
  {
    title: IncidentFields.title,
    category: IncidentFields.category,
    grade: IncidentFields.grade,
    awareAt: Instant,
    regime: Type.Optional(RegimeId),
    description: Type.Optional(IncidentFields.description),
    occurredAt: Type.Optional(IncidentFields.occurredAt),
    exercise: Type.Optional(Type.Boolean()),
    draft: Type.Optional(
      Type.Boolean({ description: 'Keep as a draft (not yet reported); the clocks run anyway' }),
    ),
    impact: Type.Optional(IncidentFields.impact),
    assets: Type.Optional(IncidentFields.assets),
    ransomDemanded: Type.Optional(IncidentFields.ransomDemanded),
    ransomPaidAt: Type.Optional(IncidentFields.ransomPaidAt),
    indicators: Type.Optional(IncidentFields.indicators),
    org: Type.Optional(
      Type.Unsafe<string>({
        ...Id,
        description:
          'Only for an exercise launched by a coordinating organization: the operator that runs the drill',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateIncident = Static<typeof CreateIncident>;

export const UpdateIncident = Type.Object(
  {
    title: Type.Optional(IncidentFields.title),
    description: Type.Optional(IncidentFields.description),
    category: Type.Optional(IncidentFields.category),
    grade: Type.Optional(IncidentFields.grade),
    status: Type.Optional(StatusSchema),
    occurredAt: Type.Optional(IncidentFields.occurredAt),
    containedAt: Type.Optional(IncidentFields.containedAt),
    ransomDemanded: Type.Optional(IncidentFields.ransomDemanded),
    ransomPaidAt: Type.Optional(IncidentFields.ransomPaidAt),
    impact: Type.Optional(IncidentFields.impact),
    assets: Type.Optional(IncidentFields.assets),
    indicators: Type.Optional(IncidentFields.indicators),
    acknowledgeAlert: Type.Optional(
      Type.Literal(true, { description: 'The centre acknowledges the escalation' }),
    ),
    note: Type.Optional(
      Text({ maxLength: 4000, multiline: true, description: 'Why (kept in the timeline)' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateIncident = Static<typeof UpdateIncident>;

const Bool = Type.Boolean();
export const IncidentListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z]+(,[a-z]+)*$' })),
    grade: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z-]+(,[a-z-]+)*$' })),
    org: Type.Optional(Id),
    region: Type.Optional(Text({ maxLength: 64, description: 'This region and the regions below it' })),
    sector: Type.Optional(Text({ maxLength: 64 })),
    overdue: Type.Optional(Bool),
    exercise: Type.Optional(Bool),
    escalated: Type.Optional(Type.Boolean({ description: 'Only incidents with an unacknowledged alert' })),
    open: Type.Optional(Type.Boolean({ description: 'Only incidents not closed' })),
    limit: Type.Optional(Limit(100)),
    offset: Type.Optional(Offset()),
  },
  { additionalProperties: false },
);
export type IncidentListQuery = Static<typeof IncidentListQuery>;

export const IncidentList = ListOf(Incident);

export const FileReport = Type.Object(
  {
    stage: Text({ minLength: 1, maxLength: 64 }),
    content: Type.Record(
      Type.String({ maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' }),
      Text({ maxLength: 20_000, multiline: true }),
      {
        maxProperties: 40,
        description: "The regime's required fields for the stage, each as text",
      },
    ),
  },
  { additionalProperties: false },
);
export type FileReport = Static<typeof FileReport>;

export const RequestReport = Type.Object(
  {
    stage: Text({ minLength: 1, maxLength: 64, description: 'A stage anchored on `requested`' }),
    note: Type.Optional(Text({ maxLength: 2000, multiline: true })),
  },
  { additionalProperties: false },
);
export type RequestReport = Static<typeof RequestReport>;

export const StatutoryReport = Type.Object(
  {
    id: Id,
    incident: Id,
    stage: Type.String(),
    title: Type.String(),
    content: Type.Record(Type.String(), Type.String()),
    recipientOrg: Nullable(Id),
    filedBy: Type.Object({ id: Type.String(), name: Type.String(), org: Id }),
    filedAt: Instant,
    due: Nullable(Instant),
    late: Type.Boolean(),
    receipt: Type.Object({
      kind: Type.Literal('incident-report'),
      id: Id,
      version: Type.Integer(),
      href: Type.String({
        description: 'Where the ledger receipt (C2SP tlog-proof) of this report is served',
      }),
    }),
  },
  { $id: 'StatutoryReport' },
);
export type StatutoryReport = Static<typeof StatutoryReport>;

export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Instant,
  kind: Type.String({
    description:
      'filed, status, graded, updated, report, requested, task, escalated, acknowledged, comment, overdue (by the system)',
  }),
  actor: Type.Object({ id: Type.String(), name: Type.String(), org: Nullable(Id) }),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const Comment = Type.Object(
  { text: Text({ minLength: 1, maxLength: 4000, multiline: true }) },
  { additionalProperties: false },
);

export const Task = Type.Object(
  {
    id: Id,
    incident: Id,
    org: Id,
    orgName: Type.String(),
    title: Type.String(),
    kind: enumOf(['task', 'assistance'] as const),
    owner: Nullable(Type.String()),
    due: Nullable(Instant),
    status: enumOf(TASK_STATUSES),
    overdue: Type.Boolean(),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { $id: 'IncidentTask' },
);
export type Task = Static<typeof Task>;

export const CreateTask = Type.Object(
  {
    title: Text({ minLength: 1, maxLength: 300 }),
    org: Type.Optional(
      Type.Unsafe<string>({ ...Id, description: "Assignee; default the incident's organization" }),
    ),
    kind: Type.Optional(enumOf(['task', 'assistance'] as const, 'assistance: a request for assistance')),
    owner: Type.Optional(Text({ maxLength: 200 })),
    due: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type CreateTask = Static<typeof CreateTask>;

export const UpdateTask = Type.Object(
  {
    title: Type.Optional(Text({ minLength: 1, maxLength: 300 })),
    owner: Type.Optional(Text({ maxLength: 200 })),
    due: Type.Optional(Instant),
    status: Type.Optional(enumOf(TASK_STATUSES)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTask = Static<typeof UpdateTask>;

export const TaskParams = Type.Object({ id: Id, taskId: Id }, { additionalProperties: false });

export const PreviewQuery = Type.Object(
  {
    grade: GradeSchema,
    awareAt: Instant,
    regime: Type.Optional(RegimeId),
    org: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const Preview = Type.Object({
  regime: Type.String(),
  entityType: Type.String(),
  timeZone: Type.String(),
  obligations: Type.Array(Obligation),
});
export type Preview = Static<typeof Preview>;

export { ATTACHMENT_MEDIA_TYPES, MAX_ATTACHMENT_BYTES } from './attachment-limits.ts';

export const AttachmentQuery = Type.Object(
  {
    name: Text({
      minLength: 1,
      maxLength: 200,
      description: "The file's name (no path): letters, digits, spaces, dot, dash, underscore, parentheses",
    }),
  },
  { additionalProperties: false },
);
export const AttachmentParams = Type.Object({ id: Id, attachmentId: Id }, { additionalProperties: false });

export const Attachment = Type.Object({
  id: Id,
  incident: Id,
  name: Type.String(),
  mediaType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the bytes, hex; committed to the ledger' }),
  uploadedAt: Instant,
  uploadedBy: Type.Object({ id: Type.String(), name: Type.String(), org: Nullable(Id) }),
  receipt: Type.Object({ href: Type.String() }),
});
export type Attachment = Static<typeof Attachment>;

export const GradingQuery = Type.Object(
  {
    regime: Type.Optional(RegimeId),
    org: Type.Optional(Id),
    outageHours: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
    peopleAffected: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e10 })),
    recordsLeaked: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e12 })),
    directLoss: Type.Optional(Amount),
    portalDowntimeHours: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
    ...ExtraFigures,
  },
  { additionalProperties: false },
);
export type GradingQuery = Static<typeof GradingQuery>;

const AboveGeneral = enumOf(['relatively-major', 'major', 'particularly-major'] as const);
export const GradeSuggestion = Type.Object({
  regime: Type.String(),
  grade: GradeSchema,
  fired: Type.Array(
    Type.Object({
      figure: Type.String(),
      label: Type.String(),
      value: Type.Number(),
      threshold: Type.Number(),
      grade: AboveGeneral,
    }),
  ),
  checklist: Type.Union([
    Type.Object({
      source: Type.Object({ title: Type.String(), url: Type.Optional(Type.String()) }),
      criteria: Type.Array(
        Type.Object({
          figure: Type.String(),
          label: Type.String(),
          unit: Type.String(),
          thresholds: Type.Record(Type.String(), Type.Number()),
          note: Type.Optional(Type.String()),
          choices: Type.Optional(Type.Array(Type.Object({ value: Type.Number(), label: Type.String() }))),
        }),
      ),
    }),
    Type.Null(),
  ]),
});
export type GradeSuggestion = Static<typeof GradeSuggestion>;

export const RegimeView = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  createdAt: Nullable(Instant),
  createdBy: Nullable(Type.String()),
  title: Type.String(),
  entities: Type.Array(Type.String()),
  sources: Type.Array(Type.Object({ title: Type.String(), url: Type.String() })),
  stages: Type.Array(
    Type.Object({
      key: Type.String(),
      title: Type.String(),
      anchor: Type.String(),
      delay: Type.String(),
      recipient: Type.String(),
      filer: Type.String(),
      entities: Type.Union([Type.Array(Type.String()), Type.Null()]),
      grades: Type.Union([Type.Array(Type.String()), Type.Null()]),
      content: Type.Array(Type.String()),
      note: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/** GET /api/v1/incident-regimes: the regimes and the incident categories. */
export const Regimes = Type.Object({
  items: Type.Array(RegimeView),
  categories: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), maps: Type.String() })),
});

export const Summary = Type.Object({
  rows: Type.Array(
    Type.Object({
      region: Type.String(),
      grade: Type.String(),
      status: Type.String(),
      count: Type.Integer(),
      overdue: Type.Integer(),
    }),
  ),
  exercises: Type.Integer({ description: 'Drills, counted apart and left out of the rows' }),
});
export type Summary = Static<typeof Summary>;

export const Profile = Type.Object({
  org: Id,
  entityType: Type.String(),
  timeZone: Type.String(),
  regime: Type.String(),
  explicit: Type.Object({
    entityType: Nullable(Type.String()),
    timeZone: Nullable(Type.String()),
    regime: Nullable(Type.String()),
  }),
});
export type Profile = Static<typeof Profile>;

export const UpdateProfile = Type.Object(
  {
    entityType: Type.Optional(Type.Union([Text({ minLength: 1, maxLength: 64 }), Type.Null()])),
    timeZone: Type.Optional(Type.Union([Text({ minLength: 1, maxLength: 64 }), Type.Null()])),
    regime: Type.Optional(Type.Union([RegimeId, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProfile = Static<typeof UpdateProfile>;

// --- regimes as data: the definition an administrator writes (GET/POST/PUT /api/v1/incidents/regimes)

const AboveGeneralThresholds = Type.Object(
  {
    'relatively-major': Type.Optional(Type.Number()),
    major: Type.Optional(Type.Number()),
    'particularly-major': Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const ChecklistDefinition = Type.Object(
  {
    source: Type.Object(
      { title: Text({ minLength: 1, maxLength: 500 }), url: Type.Optional(Text({ maxLength: 500 })) },
      { additionalProperties: false },
    ),
    criteria: Type.Array(
      Type.Object(
        {
          figure: enumOf(FIGURES),
          label: Text({ minLength: 1, maxLength: 300 }),
          unit: Text({ minLength: 1, maxLength: 32 }),
          thresholds: AboveGeneralThresholds,
          note: Type.Optional(Text({ maxLength: 1000 })),
          choices: Type.Optional(
            Type.Array(
              Type.Object(
                { value: Type.Number(), label: Text({ minLength: 1, maxLength: 200 }) },
                { additionalProperties: false },
              ),
              { maxItems: 20 },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);

const Key = Type.String({ pattern: '^[a-z][a-z0-9-]{0,63}$' });
const FieldName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' });

/**
 * A regime as an administrator writes it (the deadline engine's `Regime`). The shape is checked
 * here; what it means (anchors on earlier stages, delays, entity types, rising thresholds) by
 * deadlines.ts `regimeIssues`. Both answer 422 with a pointer to what is wrong.
 */
export const RegimeDefinition = Type.Object(
  {
    id: RegimeId,
    title: Text({ minLength: 1, maxLength: 300 }),
    entities: Type.Array(Key, { maxItems: 20 }),
    sources: Type.Array(
      Type.Object(
        { title: Text({ minLength: 1, maxLength: 500 }), url: Text({ minLength: 1, maxLength: 500 }) },
        { additionalProperties: false },
      ),
      { maxItems: 20 },
    ),
    stages: Type.Array(
      Type.Object(
        {
          key: Key,
          title: Text({ minLength: 1, maxLength: 300 }),
          anchor: Type.Union([
            Type.Object({ event: enumOf(ANCHOR_EVENTS) }, { additionalProperties: false }),
            Type.Object({ stage: Key }, { additionalProperties: false }),
          ]),
          delay: Type.Object(
            {
              minutes: Type.Optional(Type.Integer()),
              hours: Type.Optional(Type.Integer()),
              days: Type.Optional(Type.Integer()),
              workingDays: Type.Optional(Type.Integer()),
              months: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
          recipient: enumOf(RECIPIENTS),
          filer: enumOf(['operator', 'authority'] as const),
          entities: Type.Optional(Type.Array(Key, { maxItems: 20 })),
          grades: Type.Optional(Type.Array(GradeSchema, { maxItems: 4 })),
          content: Type.Array(FieldName, { maxItems: 50 }),
          note: Type.Optional(Text({ maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
    grading: Type.Optional(Type.Union([ChecklistDefinition, Type.Null()])),
  },
  { additionalProperties: false },
);
export type RegimeDefinition = Static<typeof RegimeDefinition>;

export const RegimeIdParams = Type.Object({ regimeId: RegimeId });
export const RegimeVersionQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

/** One version of a regime: its definition as stored, who made it and its ledger receipt. */
export const RegimeVersion = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  createdAt: Instant,
  createdBy: Type.String(),
  definition: Type.Unsafe<RegimeDefinition>({ type: 'object', additionalProperties: true }),
  receipt: Type.Object({ href: Type.String() }),
});
export type RegimeVersion = Static<typeof RegimeVersion>;

/** GET /api/v1/incidents/regimes/{id}: the newest version (or the one asked for) and every version's number. */
export const RegimeDetail = Type.Object({
  current: RegimeVersion,
  versions: Type.Array(
    Type.Object({ version: Type.Integer(), createdAt: Instant, createdBy: Type.String() }),
  ),
});
export type RegimeDetail = Static<typeof RegimeDetail>;

// The statutory report document of one stage of one incident (issue 10): what a regime requires a
// report to hold, with the filed values or, before filing, what is due and by when. Served as JSON
// (GET /api/v1/incidents/{id}/reports/{stage}/document) and printed by the console's page.
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { GRADES, RECIPIENTS } from './deadlines.ts';

const Instant = Type.String({ format: 'date-time' });
/** A string or null as a type array (fast-json-stringify writes it directly; schema.ts explains). */
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) =>
  Type.Unsafe<Static<T> | null>({ ...t, type: ['string', 'null'] });

export const DOCUMENT_FORMAT = 'bulwark.statutory-report/1';

export const REPORT_DOCUMENT_STATES = ['filed', 'draft', 'not-owed'] as const;

export const ReportDocument = Type.Object(
  {
    format: Type.Literal(DOCUMENT_FORMAT),
    state: enumOf(
      REPORT_DOCUMENT_STATES,
      'filed: the report as filed; draft: owed, not filed yet (missing fields, deadline); not-owed: the stage is in the regime but not an obligation of this incident',
    ),
    exercise: Type.Boolean({ description: 'A drill, not a real incident' }),
    exerciseNotice: Nullable(Type.String({ description: 'The drill label every rendering must show' })),
    generatedAt: Instant,
    regime: Type.Object({
      id: Type.String(),
      version: Type.Integer(),
      title: Type.String(),
      sources: Type.Array(Type.Object({ title: Type.String(), url: Type.String() })),
    }),
    stage: Type.Object({
      key: Type.String(),
      title: Type.String(),
      filer: enumOf(['operator', 'authority'] as const, 'Which side files this stage'),
      note: Nullable(Type.String()),
    }),
    recipient: Type.Object({
      kind: enumOf(RECIPIENTS),
      org: Nullable(Id),
      name: Nullable(Type.String()),
    }),
    incident: Type.Object({
      id: Id,
      title: Type.String(),
      org: Id,
      orgName: Type.String(),
      region: Type.String(),
      sector: Nullable(Type.String()),
      entityType: Type.String(),
      category: Type.String(),
      categoryLabel: Type.String({ description: "The category's label in its taxonomy" }),
      grade: enumOf(GRADES),
      status: Type.String(),
      occurredAt: Nullable(Instant),
      awareAt: Instant,
      timeZone: Type.String(),
      exercise: Type.Boolean(),
    }),
    fields: Type.Array(
      Type.Object({
        key: Type.String({ description: 'A content field the regime requires for this stage' }),
        value: Nullable(Type.String()),
        missing: Type.Boolean({ description: 'No value filed (yet)' }),
      }),
    ),
    /** Fields filed beyond those the stage requires (kept, shown apart). */
    extraFields: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
    due: Nullable(Instant),
    dueLocal: Nullable(Type.String({ description: "The deadline on the organization's wall clock" })),
    anchor: Type.String({ description: 'What the deadline counts from' }),
    onRequest: Type.Boolean({
      description: 'Owed when an authority requests it (NIS2 intermediate report): no deadline until then',
    }),
    requestedAt: Nullable(Instant),
    filedAt: Nullable(Instant),
    filedBy: Type.Union([Type.Object({ id: Type.String(), name: Type.String(), org: Id }), Type.Null()]),
    onTime: Type.Unsafe<boolean | null>({
      type: ['boolean', 'null'],
      description: 'Filed by its deadline (null before filing)',
    }),
    overdue: Type.Boolean({ description: 'Not filed and past its deadline' }),
    report: Nullable(Id),
    ledger: Type.Union([
      Type.Object({
        kind: Type.Literal('incident-report'),
        id: Id,
        version: Type.Integer(),
        href: Type.String({
          description: 'Where the ledger receipt (C2SP tlog-proof, with its leaf index) is served',
        }),
      }),
      Type.Null(),
    ]),
  },
  { $id: 'StatutoryReportDocument' },
);
export type ReportDocument = Static<typeof ReportDocument>;

export const DocumentParams = Type.Object({ id: Id, stage: Type.String({ minLength: 1, maxLength: 100 }) });

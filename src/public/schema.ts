// Input and output schemas of the public reporting domain (TypeBox): they validate requests and
// generate the OpenAPI document. Bodies are bounded: a narrative of at most 4,000 characters, at
// most 20 observables, no attachments yet.
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { Int, Limit, Offset, Text } from '../platform/http/text.ts';
import {
  ACTIONS,
  CATEGORIES,
  CONTACT_METHODS,
  DECISIONS,
  OBSERVABLE_KINDS,
  PAYMENT_METHODS,
  STATUSES,
} from './taxonomy.ts';

export const MAX_NARRATIVE = 4000;
export const MAX_OBSERVABLES = 20;

const Region = Text({
  maxLength: 20,
  minLength: 2,
  description: 'coarse region code, e.g. BW-N (province) — never an address',
});

export const PowPayload = Type.Object(
  {
    challenge: Type.Object(
      {
        parameters: Type.Record(Type.String({ maxLength: 40 }), Type.Unknown()),
        signature: Type.String({ maxLength: 256 }),
      },
      { additionalProperties: false },
    ),
    solution: Type.Object(
      {
        counter: Type.Integer({ minimum: 0, maximum: 4_294_967_295 }),
        derivedKey: Type.String({ maxLength: 256, pattern: '^[0-9a-f]*$' }),
        time: Type.Optional(Type.Number()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'A solved ALTCHA challenge from GET /api/v1/public/challenge' },
);

export const ObservableInput = Type.Object(
  {
    type: enumOf(OBSERVABLE_KINDS),
    value: Text({ maxLength: 2048, minLength: 1 }),
  },
  { additionalProperties: false },
);

export const FileReport = Type.Object(
  {
    category: enumOf(CATEGORIES, 'fraud.*, intrusion.* or privacy.* (nothing about speech or opinion)'),
    contactMethod: Type.Optional(enumOf(CONTACT_METHODS, 'how the reporter was approached')),
    occurredAt: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    region: Type.Optional(Region),
    loss: Type.Optional(
      Type.Object(
        {
          amountMinor: Int({ minimum: 0, description: 'minor units (cents, fen)' }),
          currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
          paymentMethod: Type.Optional(enumOf(PAYMENT_METHODS)),
        },
        { additionalProperties: false },
      ),
    ),
    narrative: Text({ maxLength: MAX_NARRATIVE, multiline: true }),
    message: Type.Optional(
      Text({ maxLength: 1600, multiline: true, description: 'the SMS or message text as received' }),
    ),
    observables: Type.Array(ObservableInput, { maxItems: MAX_OBSERVABLES }),
    contact: Type.Optional(
      Text({
        maxLength: 254,
        minLength: 3,
        description: 'optional e-mail or phone for status messages; stored encrypted',
      }),
    ),
    reporterToken: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{22,64}$',
        description: 'a random token the reporting device keeps: one reporter',
      }),
    ),
    language: Type.Optional(enumOf(['en', 'zh-CN'] as const)),
    pow: PowPayload,
  },
  { additionalProperties: false },
);
export type FileReport = Static<typeof FileReport>;

/**
 * An integer or string that may be null, as a JSON Schema type array rather than anyOf: the
 * response serialiser writes a type array directly, while for anyOf it resolves and runs a
 * validator per branch (every receipt answered at intake has four such fields).
 */
const NullableInteger = Type.Unsafe<number | null>({ type: ['integer', 'null'] });
const NullableString = (options: { description?: string } = {}) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], ...options });

export const LedgerProof = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  version: Type.Integer(),
  leafIndex: NullableInteger,
  treeSize: NullableInteger,
  commitment: NullableString(),
  receipt: NullableString({ description: 'C2SP tlog-proof: verify with bulwark ledger verify-receipt' }),
  state: enumOf(['pending', 'included'] as const),
});

export const Receipt = Type.Object({
  id: Id,
  receiptToken: Type.String({ description: 'shown once: keep it; it reads the status and nothing else' }),
  statusUrl: Type.String(),
  replayed: Type.Boolean({ description: 'true when a resubmission returned the existing receipt' }),
  ledger: LedgerProof,
});

export const TimelineStep = Type.Object({
  step: enumOf([
    'received',
    'triaged',
    'supplement',
    'attachment',
    'linked',
    'indicator-published',
    'shared',
    'acted',
    'closed',
    'contact-deleted',
  ] as const),
  at: Type.Union([Type.String(), Type.Null()]),
  count: Type.Optional(Type.Integer()),
  /** For `acted`: how many operators the indicators were shared with (M of K acted). */
  of: Type.Optional(Type.Integer()),
  detail: Type.Optional(Type.String()),
});

export const ReportStatus = Type.Object({
  id: Id,
  category: Type.String(),
  status: enumOf(STATUSES),
  receivedAt: Type.String(),
  hasContact: Type.Boolean(),
  observables: Type.Array(
    Type.Object({ type: Type.String(), value: Type.String({ description: 'defanged' }) }),
  ),
  timeline: Type.Array(TimelineStep),
  ledger: LedgerProof,
});

export const Supplement = Type.Object(
  { text: Text({ maxLength: MAX_NARRATIVE, minLength: 1, multiline: true }) },
  { additionalProperties: false },
);

export const ReceiptHeader = Type.Object({
  'x-receipt-token': Type.String({ pattern: '^bwr_[A-Za-z0-9_-]{43}$', description: 'the receipt token' }),
});

export const CheckQuery = Type.Object(
  {
    type: enumOf(['phone', 'sender-id', 'url', 'domain', 'email', 'iban', 'wallet'] as const),
    value: Text({ maxLength: 2048, minLength: 1 }),
    region: Type.Optional(Region),
  },
  { additionalProperties: false },
);

export const CheckResult = Type.Object({
  type: Type.String(),
  value: Type.String({ description: 'canonical and defanged' }),
  listed: Type.Boolean(),
  since: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  advice: Type.String(),
});

export const StatisticsQuery = Type.Object(
  { month: Type.Optional(Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' })) },
  { additionalProperties: false },
);

export const Statistics = Type.Object({
  month: Type.String(),
  suppressedBelow: Type.Integer(),
  cells: Type.Array(
    Type.Object({
      category: Type.String(),
      region: Type.String(),
      count: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  total: Type.Union([Type.Integer(), Type.Null()]),
});

// ---- staff ------------------------------------------------------------------------------------------

export const QueueQuery = Type.Object(
  {
    category: Type.Optional(
      Type.String({ pattern: '^(fraud|intrusion|privacy)(\\.[a-z-]+|\\.\\*)?$', maxLength: 60 }),
    ),
    region: Type.Optional(Region),
    status: Type.Optional(enumOf(STATUSES)),
    observableType: Type.Optional(enumOf(OBSERVABLE_KINDS)),
    limit: Limit(50),
    offset: Offset(),
  },
  { additionalProperties: false },
);
export type QueueQuery = Static<typeof QueueQuery>;

export const StaffObservable = Type.Object({
  type: Type.String(),
  value: Type.String({ description: 'defanged' }),
  key: Type.String({ description: 'canonical key (as stored; never link it)' }),
  country: Type.Union([Type.String(), Type.Null()]),
  spoofable: Type.Boolean(),
  derived: Type.Boolean(),
  status: Type.String(),
  reporters: Type.Integer(),
  indicatorId: Type.Union([Type.String(), Type.Null()]),
});

export const QueueItem = Type.Object({
  id: Id,
  category: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  receivedAt: Type.String(),
  observables: Type.Integer(),
  narrativePreview: Type.String(),
  demo: Type.Boolean(),
});

export const Queue = Type.Object({ items: Type.Array(QueueItem), total: Type.Integer() });

export const Attachment = Type.Object({
  id: Id,
  mediaType: Type.String(),
  sha256: Type.String({ description: 'of the stored bytes (re-encoded image) or of the file (hash only)' }),
  size: Type.Integer(),
  stored: Type.Boolean({ description: 'false: only the SHA-256 was kept' }),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  at: Type.String(),
});

export const AttachmentReceipt = Type.Object({
  id: Id,
  version: Type.Integer(),
  mediaType: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  stored: Type.Boolean(),
});

export const AttachmentParams = Type.Object({ id: Id, attachment: Id }, { additionalProperties: false });

export const ReportDetail = Type.Object({
  id: Id,
  category: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  contactMethod: Type.Union([Type.String(), Type.Null()]),
  occurredAt: Type.Union([Type.String(), Type.Null()]),
  loss: Type.Union([
    Type.Object({
      amountMinor: Type.String(),
      currency: Type.String(),
      paymentMethod: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  narrative: Type.String(),
  message: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  decision: Type.Union([Type.String(), Type.Null()]),
  decisionReason: Type.Union([Type.String(), Type.Null()]),
  duplicateOf: Type.Union([Id, Type.Null()]),
  hasContact: Type.Boolean({ description: 'the contact itself never leaves the server' }),
  receivedAt: Type.String(),
  version: Type.Integer(),
  demo: Type.Boolean(),
  observables: Type.Array(StaffObservable),
  duplicates: Type.Array(Id),
  campaign: Type.Array(
    Type.Object({
      id: Id,
      category: Type.String(),
      status: Type.String(),
      receivedAt: Type.String(),
      via: Type.String(),
    }),
  ),
  supplements: Type.Array(Type.Object({ text: Type.String(), at: Type.String() })),
  attachments: Type.Array(Attachment),
  timeline: Type.Array(TimelineStep),
});

export const Decide = Type.Object(
  {
    decision: enumOf(DECISIONS),
    reason: Text({ maxLength: 1000, minLength: 3, multiline: true }),
    duplicateOf: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type Decide = Static<typeof Decide>;

export const ObservableRef = Type.Object(
  { type: enumOf(OBSERVABLE_KINDS), key: Text({ maxLength: 2100, minLength: 1 }) },
  { additionalProperties: false },
);

export const Promote = Type.Object(
  {
    type: enumOf(OBSERVABLE_KINDS),
    key: Text({ maxLength: 2100, minLength: 1 }),
    attackerRegistered: Type.Optional(
      Type.Boolean({ description: 'a domain is listed only when the attacker registered it' }),
    ),
  },
  { additionalProperties: false },
);
export type Promote = Static<typeof Promote>;

export const Candidate = Type.Object({
  type: Type.String(),
  key: Type.String(),
  value: Type.String({ description: 'defanged' }),
  status: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  allowlisted: Type.Boolean(),
  approvalsNeeded: Type.Integer(),
  approvals: Type.Integer(),
  reports: Type.Integer(),
  reporters: Type.Integer(),
  recentReporters: Type.Integer(),
  derivedOnly: Type.Boolean(),
  indicatorId: Type.Union([Type.String(), Type.Null()]),
  sharedWith: Type.Integer(),
  validUntil: Type.Union([Type.String(), Type.Null()], {
    description: "the portal's validity of a published observable, extended by each new report",
  }),
  indicatorValidUntil: Type.Union([Type.String(), Type.Null()], {
    description:
      "the valid_until last given to the published observable's indicator in threat intelligence (at promotion, then by the public sweeper once validUntil is an hour or more later); null when not published or not known",
  }),
});

export const CandidateQuery = Type.Object(
  {
    status: Type.Optional(enumOf(['watching', 'candidate', 'published', 'rejected'] as const)),
    limit: Limit(100),
  },
  { additionalProperties: false },
);

export const OperatorActionInput = Type.Object(
  { indicator: Type.String({ pattern: '^indicator--[0-9a-f-]{36}$' }), action: enumOf(ACTIONS) },
  { additionalProperties: false },
);

export const XarfQuery = Type.Object(
  {
    since: Type.Optional(
      Type.String({ format: 'date-time', maxLength: 40, description: 'published at or after' }),
    ),
    limit: Limit(1000, 10_000),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('ndjson')], {
        description: 'json: an array; ndjson: one X-ARF report a line',
      }),
    ),
  },
  { additionalProperties: false },
);

// Input and output schemas of the intel REST API (/api/v1/intel). STIX objects themselves are
// validated by the OASIS schemas in the service (stix/validate.ts), so here they are open objects.
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { Limit, Text } from '../platform/http/text.ts';
import { TLP_LEVELS } from '../access/index.ts';
import { OBSERVABLE_TYPES } from './stix/observables.ts';

// Unsafe only types it: the JSON schema is the open object, its Static an object of unknown values.
const StixObject = Type.Unsafe<Record<string, unknown>>(
  Type.Object({}, { additionalProperties: true, description: 'A STIX 2.1 object' }),
);
const Tlp = enumOf(TLP_LEVELS);

export const Collection = Type.Object(
  {
    id: Id,
    title: Type.String(),
    description: Type.String(),
    org: Type.Union([Id, Type.Null()], {
      description: 'Owning organization; null for the community collection',
    }),
    canRead: Type.Boolean(),
    canWrite: Type.Boolean(),
  },
  { $id: 'IntelCollection' },
);
export type Collection = Static<typeof Collection>;

export const ImportBundle = Type.Object(
  {
    bundle: Type.Object(
      {},
      { additionalProperties: true, description: 'A STIX 2.1 bundle, or a single STIX object' },
    ),
    collection: Type.Optional(Id),
    org: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type ImportBundle = Static<typeof ImportBundle>;

export const IngestResult = Type.Object({
  statusId: Id,
  collection: Id,
  total: Type.Integer(),
  success: Type.Integer(),
  failure: Type.Integer(),
  outcomes: Type.Array(
    Type.Object({
      id: Type.String(),
      version: Type.String(),
      status: enumOf(['success', 'failure'] as const),
      message: Type.Optional(Type.String()),
    }),
  ),
  warnings: Type.Array(Type.String()),
});
export type IngestResult = Static<typeof IngestResult>;
/** What became of one object of an ingest. */
export type ObjectOutcome = IngestResult['outcomes'][number];

export const ObjectSummary = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  version: Type.String(),
  tlp: Tlp,
  collection: Id,
  org: Id,
  dateAdded: Type.String({ format: 'date-time' }),
  pattern: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(Text({ maxLength: 200 })),
    type: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,250}$' })),
    limit: Type.Optional(Limit(100)),
  },
  { additionalProperties: false },
);

export const StixIdParams = Type.Object(
  { id: Type.String({ pattern: '^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F-]{36}$', maxLength: 300 }) },
  { additionalProperties: false },
);

export const ObjectDetail = Type.Object({
  object: StixObject,
  tlp: Tlp,
  collection: Id,
  markings: Type.Array(Type.Object({ id: Type.String(), tlp: Type.Union([Tlp, Type.Null()]) })),
  versions: Type.Array(Type.Object({ version: Type.String(), dateAdded: Type.String(), collection: Id })),
  relationships: Type.Array(StixObject),
  lifecycle: Type.Union([
    Type.Object({
      validFrom: Type.String(),
      validUntil: Type.Union([Type.String(), Type.Null()]),
      revoked: Type.Boolean(),
      live: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});

const ObservableInput = Type.Object(
  { type: enumOf(OBSERVABLE_TYPES), value: Type.String({ minLength: 1, maxLength: 8192 }) },
  { additionalProperties: false },
);

export const MatchRequest = Type.Object(
  {
    observables: Type.Optional(Type.Array(ObservableInput, { maxItems: 10_000 })),
    text: Type.Optional(
      Type.String({ maxLength: 1_000_000, description: 'A log excerpt to extract observables from' }),
    ),
    region: Type.Optional(
      Type.String({ pattern: '^[A-Z]{2}$', description: 'Country of phone numbers written without +' }),
    ),
  },
  { additionalProperties: false },
);
export type MatchRequest = Static<typeof MatchRequest>;

const Observable = Type.Object({ type: Type.String(), value: Type.String() });

export const MatchResult = Type.Object({
  observables: Type.Array(Observable),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })),
  hits: Type.Array(
    Type.Object({
      observable: Observable,
      indicator: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      confidence: Type.Union([Type.Integer(), Type.Null()]),
      tlp: Type.Union([Tlp, Type.Null()]),
    }),
  ),
});

export const Sighting = Type.Object({
  id: Id,
  indicator: Type.String(),
  indicatorName: Type.Union([Type.String(), Type.Null()]),
  org: Id,
  count: Type.Integer(),
  firstSeen: Type.String(),
  lastSeen: Type.String(),
  lastValue: Type.String(),
});

export const SightingQuery = Type.Object(
  { indicator: Type.Optional(Text({ maxLength: 300 })) },
  { additionalProperties: false },
);

export const AccessEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  orgId: Type.Union([Id, Type.Null()]),
  action: Type.String(),
  collectionId: Type.Union([Id, Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
});

export const Feed = Type.Object({
  id: Id,
  org: Id,
  name: Type.String(),
  direction: enumOf(['pull', 'push'] as const),
  apiRoot: Type.String(),
  collection: Type.String(),
  localCollection: Id,
  cursor: Type.Union([Type.String(), Type.Null()]),
  intervalSeconds: Type.Integer(),
  lastRun: Type.Union([Type.String(), Type.Null()]),
  lastResult: Type.Union([Type.String(), Type.Null()]),
  hasToken: Type.Boolean(),
});

export const CreateFeed = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 200 }),
    direction: enumOf(['pull', 'push'] as const),
    apiRoot: Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' }),
    collection: Type.String({ minLength: 1, maxLength: 300 }),
    token: Type.Optional(Type.String({ maxLength: 500 })),
    localCollection: Type.Optional(Id),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type CreateFeed = Static<typeof CreateFeed>;

export const FeedLogEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export const FeedRunResult = Type.Object({
  pulled: Type.Integer(),
  pushed: Type.Integer(),
  success: Type.Integer(),
  failure: Type.Integer(),
  cursor: Type.Union([Type.String(), Type.Null()]),
});
export type FeedRunResult = Static<typeof FeedRunResult>;

export const CreateLink = Type.Object(
  {
    incident: Id,
    /** A STIX indicator or sighting id, or the id of a matcher sighting. */
    target: Text({ minLength: 1, maxLength: 300 }),
    note: Type.Optional(Text({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type CreateLink = Static<typeof CreateLink>;

export const LinkQuery = Type.Object(
  {
    incident: Type.Optional(Id),
    target: Type.Optional(Text({ minLength: 1, maxLength: 300 })),
  },
  { additionalProperties: false },
);

export const Link = Type.Object({
  id: Id,
  incident: Id,
  incidentTitle: Type.Union([Type.String(), Type.Null()]),
  org: Id,
  kind: enumOf(['indicator', 'sighting'] as const),
  target: Type.String(),
  note: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  /** The target as the reader sees it. */
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  tlp: Tlp,
  indicator: Type.Union([Type.String(), Type.Null()]),
  pattern: Type.Union([Type.String(), Type.Null()]),
  count: Type.Union([Type.Integer(), Type.Null()]),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
});
export type Link = Static<typeof Link>;

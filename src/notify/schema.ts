// Request and response schemas of the notify domain (TypeBox: they validate requests and make the
// OpenAPI document), and their inferred types.
import { type Static, Type } from 'typebox';
import { enumOf, Id, ListOf } from '../platform/http/schemas.ts';
import { Int, Text } from '../platform/http/text.ts';

export const CHANNELS = ['webhook', 'email'] as const;

export const Notification = Type.Object({
  id: Id,
  topic: Type.String(),
  title: Type.String(),
  body: Type.String(),
  link: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
export type Notification = Static<typeof Notification>;
export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  unread: Type.Integer({ description: 'Unread notifications of the organization for this reader' }),
});
export type NotificationList = Static<typeof NotificationList>;

export const NotificationQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only those not yet read' })),
    limit: Type.Optional(Int({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Int({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type NotificationQuery = Static<typeof NotificationQuery>;

export const UnreadCount = Type.Object({ unread: Type.Integer() });
export type UnreadCount = Static<typeof UnreadCount>;

export const MarkRead = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 500, description: 'These; else all' })),
  },
  { additionalProperties: false },
);
export type MarkRead = Static<typeof MarkRead>;
export const Marked = Type.Object({ marked: Type.Integer(), unread: Type.Integer() });
export type Marked = Static<typeof Marked>;

/** `incident.overdue`, `incident.*` or `*`. */
export const EventFilter = Type.String({
  maxLength: 100,
  pattern: '^(\\*|[a-z][a-z0-9-]*\\.(\\*|[a-z][a-z0-9_.-]*))$',
});

export const Subscription = Type.Object({
  id: Id,
  org: Id,
  channel: enumOf(CHANNELS),
  target: Type.String({ description: 'The webhook URL or the e-mail address' }),
  events: Type.Array(Type.String()),
  description: Type.String(),
  active: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Subscription = Static<typeof Subscription>;
export const SubscriptionList = ListOf(Subscription);

export const CreatedSubscription = Type.Intersect([
  Subscription,
  Type.Object({
    secret: Type.Optional(
      Type.String({
        description:
          'The webhook signing secret, shown this once (stored encrypted): verify Bulwark-Signature with it',
      }),
    ),
  }),
]);
export type CreatedSubscription = Static<typeof CreatedSubscription>;

export const CreateSubscription = Type.Object(
  {
    org: Type.Optional(Id),
    channel: enumOf(CHANNELS),
    target: Text({ minLength: 3, maxLength: 2000 }),
    events: Type.Array(EventFilter, { minItems: 1, maxItems: 50 }),
    description: Type.Optional(Text({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateSubscription = Static<typeof CreateSubscription>;

export const UpdateSubscription = Type.Object(
  {
    target: Type.Optional(Text({ minLength: 3, maxLength: 2000 })),
    events: Type.Optional(Type.Array(EventFilter, { minItems: 1, maxItems: 50 })),
    description: Type.Optional(Text({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateSubscription = Static<typeof UpdateSubscription>;

export const SubscriptionQuery = Type.Object({ org: Type.Optional(Id) }, { additionalProperties: false });

export const Delivery = Type.Object({
  id: Type.String(),
  delivery: Id,
  topic: Type.String(),
  attempt: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  ok: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Integer(),
  status: enumOf(['pending', 'delivered', 'failed'] as const, "The delivery's state now"),
});
export const DeliveryList = ListOf(Delivery);
export type Delivery = Static<typeof Delivery>;
export const DeliveryQuery = Type.Object(
  { limit: Type.Optional(Int({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);

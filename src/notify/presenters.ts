// Every field of the notify domain that leaves the server. A subscription's secret never does
// (it is shown once, by the service, when the subscription is made).
import type { DeliveryRow, NotificationRow, SubscriptionRow } from './repo.ts';
import type { Delivery, Notification, Subscription } from './schema.ts';

const iso = (d: Date | string) => new Date(d).toISOString();

export function presentNotification(n: NotificationRow): Notification {
  return {
    id: n.id,
    topic: n.topic,
    title: n.title,
    body: n.body,
    link: n.link,
    data: n.data,
    createdAt: iso(n.createdAt),
    read: n.read,
  };
}

export function presentSubscription(s: SubscriptionRow): Subscription {
  return {
    id: s.id,
    org: s.orgId,
    channel: s.channel,
    target: s.target,
    events: s.events,
    description: s.description,
    active: s.active,
    version: s.versionNo,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function presentDelivery(d: DeliveryRow): Delivery {
  return {
    id: d.id,
    delivery: d.outboxId,
    topic: d.topic,
    attempt: d.attempt,
    at: iso(d.at),
    ok: d.ok,
    statusCode: d.statusCode,
    error: d.error,
    durationMs: d.durationMs,
    status: d.status,
  };
}

// HTTP routes of the notify domain: thin — validate (TypeBox), call the service, return.
import { Type } from 'typebox';
import { actorOf } from '../access/index.ts';
import { IdParams, responses } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import {
  CreatedSubscription,
  CreateSubscription,
  DeliveryList,
  DeliveryQuery,
  Marked,
  MarkRead,
  NotificationList,
  NotificationQuery,
  Subscription,
  SubscriptionList,
  SubscriptionQuery,
  UnreadCount,
  UpdateSubscription,
} from './schema.ts';
import type { NotifyService } from './service.ts';

const tags = ['notifications'];

export async function notifyRoutes(app: App, notify: NotifyService): Promise<void> {
  app.get(
    '/api/v1/notifications',
    {
      schema: {
        tags,
        summary: "The caller's organization's notifications, newest first, with the caller's read marks",
        querystring: NotificationQuery,
        response: responses({ 200: NotificationList }),
      },
    },
    async (req) => notify.list(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/notifications/unread-count',
    {
      schema: {
        tags,
        summary: 'How many notifications the caller has not read (the console bell)',
        response: responses({ 200: UnreadCount }),
      },
    },
    async (req) => ({ unread: await notify.unreadCount(actorOf(req)) }),
  );

  app.post(
    '/api/v1/notifications/read',
    {
      schema: {
        tags,
        summary: 'Mark notifications read for the caller (the listed ones, else all)',
        body: MarkRead,
        response: responses({ 200: Marked }),
      },
    },
    async (req) => notify.markRead(actorOf(req), req.body),
  );

  app.get(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        summary: 'Webhook and e-mail subscriptions of the organizations the caller sees',
        querystring: SubscriptionQuery,
        response: responses({ 200: SubscriptionList }),
      },
    },
    async (req) => notify.listSubscriptions(actorOf(req), req.query),
  );

  app.post(
    '/api/v1/subscriptions',
    {
      schema: {
        tags,
        summary:
          'Subscribe an organization (administrators) to events by webhook (signed; the secret is answered once) or e-mail',
        body: CreateSubscription,
        response: responses({ 201: CreatedSubscription }),
      },
    },
    async (req, reply) => reply.code(201).send(await notify.createSubscription(actorOf(req), req.body)),
  );

  app.patch(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Change a subscription (target, events, description, paused)',
        params: IdParams,
        body: UpdateSubscription,
        response: responses({ 200: Subscription }),
      },
    },
    async (req) => notify.updateSubscription(actorOf(req), req.params.id, req.body),
  );

  app.delete(
    '/api/v1/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Remove a subscription (its delivery log stays)',
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await notify.deleteSubscription(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/subscriptions/:id/deliveries',
    {
      schema: {
        tags,
        summary: "A subscription's delivery log, newest attempt first",
        params: IdParams,
        querystring: DeliveryQuery,
        response: responses({ 200: DeliveryList }),
      },
    },
    async (req) => notify.deliveries(actorOf(req), req.params.id, req.query),
  );
}

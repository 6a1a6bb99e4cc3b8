// The notify domain's service. Other domains call `notify(tx, …)` inside the transaction of the
// change that causes a notification: the console notification and one outbox row per matching
// subscription (webhook or e-mail) are written with that change, so a crash after the commit loses
// no delivery. A worker delivers the outbox off the request path, retrying with exponential
// backoff, and logs every attempt. Access: an organization's users read its notifications; its
// administrators (and those above it) manage its subscriptions; whoever sees it reads their log.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Actor, assertCan, type OrgRef, visibleOrgsSql } from '../access/index.ts';
import { commitRecord } from '../ledger/index.ts';
import type { NotifySection } from '../platform/config.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { callWebhook, type Mailer, type Outcome, smtpMailer } from './deliver.ts';
import { NotifyKey } from './keys.ts';
import { presentDelivery, presentNotification, presentSubscription } from './presenters.ts';
import * as repo from './repo.ts';
import type {
  CreatedSubscription,
  CreateSubscription,
  Delivery,
  Marked,
  MarkRead,
  NotificationList,
  NotificationQuery,
  Subscription,
  UpdateSubscription,
} from './schema.ts';
import { TargetPolicy } from './targets.ts';

/** What another domain asks to be notified: the console notification and the event delivered. */
export interface NotifyInput {
  /** The organization whose users (and subscriptions) receive it. */
  org: string;
  /** The event topic (`incident.overdue`): subscriptions filter on it. */
  topic: string;
  title: string;
  body?: string;
  /** A console path (`/incidents/…`). */
  link?: string;
  /** The event's data, delivered to webhooks as it is. */
  data?: Record<string, unknown>;
  /** At most one notification per key, ever (a reminder per obligation and kind): a repeat is skipped. */
  dedupeKey?: string;
}

const EMAIL = /^[^@\s<>()",;:]+@[^@\s<>()",;:]+\.[^@\s<>()",;:]+$/;
/** Deliveries made at once by one worker. */
const BATCH = 16;

export class NotifyService {
  readonly targets: TargetPolicy;
  private readonly key: NotifyKey;
  private readonly mailer: Mailer | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly settings: NotifySection & { publicOrigin?: string },
    private readonly log?: Logger,
    /** The clock, replaceable in tests. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.targets = new TargetPolicy(settings.allowRanges);
    this.key = NotifyKey.load(settings);
    this.mailer = settings.smtp ? smtpMailer(settings.smtp, settings.timeoutMs) : undefined;
  }

  // --- for other domains ------------------------------------------------------------------------

  /**
   * Records a notification for an organization and queues its deliveries, in the caller's
   * transaction. Answers false when `dedupeKey` was notified before (nothing is written then).
   */
  async notify(tx: Tx, input: NotifyInput): Promise<boolean> {
    return (await this.notifyAll(tx, [input]))[0]!;
  }

  /**
   * `notify` for several notifications at once (a group of filings' escalations): one statement
   * for the notifications, one for the subscriptions that deliver them, then their outbox rows.
   * Answers, for each input, whether it was recorded (false: its dedupe key was notified before,
   * or earlier in the same list).
   */
  async notifyAll(tx: Tx, inputs: readonly NotifyInput[]): Promise<boolean[]> {
    if (inputs.length === 0) return [];
    const now = this.clock();
    const rows = inputs.map((input) => ({
      id: randomUUID(),
      orgId: input.org,
      topic: input.topic,
      title: input.title,
      body: input.body ?? '',
      link: input.link ?? null,
      data: input.data ?? {},
      createdAt: now,
      dedupeKey: input.dedupeKey ?? null,
    }));
    const fresh = await repo.insertNotifications(tx, rows);
    const recorded = rows.filter((r) => fresh.has(r.id));
    const subs = await repo.subscriptionsForAll(
      tx,
      recorded.map((r) => ({ orgId: r.orgId, topic: r.topic })),
    );
    if (subs.length) {
      await repo.insertOutbox(
        tx,
        subs.map((s) => {
          const n = recorded[s.pair]!;
          return {
            id: randomUUID(),
            subscriptionId: s.id,
            topic: n.topic,
            nextAt: now,
            payload: {
              notification: n.id,
              topic: n.topic,
              org: n.orgId,
              at: now.toISOString(),
              title: n.title,
              body: n.body,
              link: n.link ? this.absolute(n.link) : null,
              data: n.data,
            },
          };
        }),
      );
      tx.afterCommit(() => this.wakeUp?.());
    }
    return rows.map((r) => fresh.has(r.id));
  }

  /**
   * Sends one e-mail to an address now, through the configured SMTP server: not a subscription,
   * nothing stored, no retry (the caller keeps what it still has to send). For another domain's
   * own recipients, e.g. a public reporter's contact, which notify must never keep.
   */
  async sendTo(to: string, subject: string, text: string): Promise<Outcome> {
    if (!EMAIL.test(to)) return { ok: false, statusCode: null, error: 'not an e-mail address' };
    if (!this.mailer)
      return { ok: false, statusCode: null, error: 'e-mail is not configured (BULWARK_SMTP_URL)' };
    return this.mailer.send(to, subject, text);
  }

  /** Whether e-mail can be sent (BULWARK_SMTP_URL is set). */
  get canMail(): boolean {
    return this.mailer !== undefined;
  }

  private absolute(link: string): string {
    return this.settings.publicOrigin ? new URL(link, this.settings.publicOrigin).href : link;
  }

  // --- console notifications ----------------------------------------------------------------------

  async list(actor: Actor, q: NotificationQuery = {}): Promise<NotificationList> {
    const rows = await repo.listNotifications(this.db, actor.org.id, actor.id, {
      unread: q.unread,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    return { items: rows.map(presentNotification), unread: await this.unreadCount(actor) };
  }

  async unreadCount(actor: Actor): Promise<number> {
    return repo.unreadCount(this.db, actor.org.id, actor.id);
  }

  /** Marks the listed (else all) notifications of the actor's organization read for the actor. */
  async markRead(actor: Actor, body: MarkRead): Promise<Marked> {
    const marked = await repo.markRead(this.db, actor.org.id, actor.id, body.ids ?? null);
    return { marked, unread: await this.unreadCount(actor) };
  }

  // --- subscriptions --------------------------------------------------------------------------------

  private async orgOf(id: string, what = 'The organization'): Promise<OrgRef> {
    const org = await this.orgRef(id);
    if (!org) throw errors.notFound(what);
    return org;
  }

  private async checkTarget(channel: repo.Channel, target: string): Promise<void> {
    if (channel === 'email') {
      if (!this.mailer)
        throw errors.unprocessable('E-mail is not configured on this server (BULWARK_SMTP_URL).', [
          { pointer: '/channel', detail: 'no SMTP server configured' },
        ]);
      if (!EMAIL.test(target))
        throw errors.unprocessable('The target is not an e-mail address.', [
          { pointer: '/target', detail: 'not an e-mail address' },
        ]);
      return;
    }
    const checked = await this.targets.check(target);
    if (!checked.ok)
      throw errors.unprocessable(`The webhook URL is refused: ${checked.reason}.`, [
        { pointer: '/target', detail: checked.reason },
      ]);
  }

  private async visibleSubscription(_actor: Actor, id: string) {
    const row = await repo.findSubscription(this.db, id);
    const org = row ? await this.orgRef(row.orgId) : undefined;
    if (!row || !org) throw errors.notFound('The subscription');
    return { row, org };
  }

  async listSubscriptions(actor: Actor, q: { org?: string } = {}): Promise<{ items: Subscription[] }> {
    const rows = await repo.listSubscriptions(
      this.db,
      (col, params) => visibleOrgsSql(actor, col, params),
      q.org,
    );
    return { items: rows.map(presentSubscription) };
  }

  async createSubscription(actor: Actor, input: CreateSubscription): Promise<CreatedSubscription> {
    const org = await this.orgOf(input.org ?? actor.org.id);
    assertCan(actor, 'administer', org, 'The organization');
    await this.checkTarget(input.channel, input.target);
    const now = this.clock();
    const secret = input.channel === 'webhook' ? `whsec_${randomBytes(24).toString('base64url')}` : undefined;
    const row: repo.SubscriptionRow = {
      id: randomUUID(),
      orgId: org.id,
      channel: input.channel,
      target: input.target,
      events: [...new Set(input.events)],
      description: input.description ?? '',
      secretEnc: secret ? this.key.seal(secret) : null,
      active: input.active ?? true,
      deleted: false,
      createdBy: actor.id,
      versionNo: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.db.transaction(async (tx) => {
      await repo.insertSubscription(tx, row);
      await this.commit(tx, row, actor, now);
    });
    return { ...presentSubscription(row), ...(secret ? { secret } : {}) };
  }

  async updateSubscription(actor: Actor, id: string, patch: UpdateSubscription): Promise<Subscription> {
    const { row: seen, org } = await this.visibleSubscription(actor, id);
    assertCan(actor, 'administer', org, 'The subscription');
    if (patch.target !== undefined) await this.checkTarget(seen.channel, patch.target);
    const now = this.clock();
    const next = await this.db.transaction(async (tx) => {
      const row = await repo.findSubscription(tx, id, true);
      if (!row) throw errors.notFound('The subscription');
      const next: repo.SubscriptionRow = {
        ...row,
        target: patch.target ?? row.target,
        events: patch.events ? [...new Set(patch.events)] : row.events,
        description: patch.description ?? row.description,
        active: patch.active ?? row.active,
        versionNo: row.versionNo + 1,
        updatedAt: now,
      };
      await repo.updateSubscription(tx, next);
      await this.commit(tx, next, actor, now);
      return next;
    });
    return presentSubscription(next);
  }

  /** Removes a subscription: nothing more is queued for it; its log stays. */
  async deleteSubscription(actor: Actor, id: string): Promise<void> {
    const { org } = await this.visibleSubscription(actor, id);
    assertCan(actor, 'administer', org, 'The subscription');
    const now = this.clock();
    await this.db.transaction(async (tx) => {
      const row = await repo.findSubscription(tx, id, true);
      if (!row) throw errors.notFound('The subscription');
      const next = { ...row, deleted: true, active: false, versionNo: row.versionNo + 1, updatedAt: now };
      await repo.updateSubscription(tx, next);
      await this.commit(tx, next, actor, now);
    });
  }

  /** The delivery log of a subscription, newest first: to whoever sees its organization. */
  async deliveries(actor: Actor, id: string, q: { limit?: number } = {}): Promise<{ items: Delivery[] }> {
    const { org } = await this.visibleSubscription(actor, id);
    assertCan(actor, 'read', org, 'The subscription');
    return { items: (await repo.deliveriesOf(this.db, id, q.limit ?? 100)).map(presentDelivery) };
  }

  /** The subscription as committed to the ledger: never its secret. */
  private async commit(tx: Tx, row: repo.SubscriptionRow, actor: Actor, at: Date) {
    await commitRecord(tx, {
      kind: 'notify-subscription',
      id: row.id,
      version: row.versionNo,
      org: row.orgId,
      at,
      record: {
        id: row.id,
        org: row.orgId,
        channel: row.channel,
        target: row.target,
        events: row.events,
        description: row.description,
        active: row.active,
        deleted: row.deleted,
        by: actor.id,
      },
    });
  }

  // --- delivery ------------------------------------------------------------------------------------

  /** Delay before attempt `n + 1` after `n` failed: base × 2^(n−1), ±10 % so retries spread. */
  backoffMs(attempt: number): number {
    const base = this.settings.retryBaseMs * 2 ** Math.min(attempt - 1, 20);
    return Math.round(base * (0.9 + Math.random() * 0.2));
  }

  /** Delivers what is due now; answers how many deliveries were attempted. */
  async deliverDue(): Promise<number> {
    const now = this.clock();
    const claimed = await repo.claimDue(
      this.db,
      now,
      new Date(now.getTime() + 2 * this.settings.timeoutMs + 5000),
      BATCH,
    );
    await Promise.all(claimed.map((o) => this.deliverOne(o)));
    return claimed.length;
  }

  private async deliverOne(o: repo.OutboxRow): Promise<void> {
    const attempt = o.attempts + 1;
    const started = Date.now();
    const sub = await repo.findSubscription(this.db, o.subscriptionId);
    let outcome: Outcome;
    if (!sub?.active)
      outcome = { ok: false, statusCode: null, error: 'the subscription was removed or paused' };
    else if (sub.channel === 'webhook') {
      const body = JSON.stringify({ id: o.id, ...o.payload });
      outcome = await callWebhook(
        this.targets,
        sub.target,
        this.key.open(sub.secretEnc!),
        { 'bulwark-event': o.topic, 'bulwark-delivery': o.id },
        body,
        this.settings.timeoutMs,
        this.clock(),
      );
    } else if (!this.mailer)
      outcome = { ok: false, statusCode: null, error: 'e-mail is no longer configured' };
    else {
      const p = o.payload as { title?: string; body?: string; link?: string | null };
      const text = [p.body ?? '', p.link ? `\n${p.link}` : '', `\n\n(${o.topic}, delivery ${o.id})`].join('');
      outcome = await this.mailer.send(sub.target, `[Bulwark] ${p.title ?? o.topic}`, text);
    }
    const at = this.clock();
    const giveUp = !sub?.active || attempt >= this.settings.maxAttempts;
    const status = outcome.ok ? 'delivered' : giveUp ? 'failed' : 'pending';
    const nextAt = status === 'pending' ? new Date(at.getTime() + this.backoffMs(attempt)) : at;
    await this.db.transaction((tx) =>
      repo.recordAttempt(
        tx,
        { id: o.id, subscriptionId: o.subscriptionId, attempt },
        {
          at,
          ok: outcome.ok,
          statusCode: outcome.statusCode,
          error: outcome.error,
          durationMs: Date.now() - started,
        },
        { status, nextAt },
      ),
    );
    if (!outcome.ok)
      this.log?.warn(
        { delivery: o.id, attempt, status, error: outcome.error },
        'notification delivery failed',
      );
  }

  /** The outbox worker: delivers due rows, sleeps until the next is due (at most the interval), wakes on new ones. */
  worker(): Worker {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | undefined;
    let again = false;
    const schedule = (ms: number) => {
      clearTimeout(timer);
      if (stopped) return;
      timer = setTimeout(run, Math.max(0, ms));
      timer.unref();
    };
    const run = (): void => {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        try {
          while (!stopped && (await this.deliverDue()) > 0);
          const next = await repo.nextDueAt(this.db);
          const wait = next ? next.getTime() - this.clock().getTime() : this.settings.intervalMs;
          schedule(Math.min(Math.max(wait, 10), this.settings.intervalMs));
        } catch (err) {
          this.log?.error({ err }, 'notification outbox');
          schedule(this.settings.intervalMs);
        } finally {
          running = undefined;
          if (again) {
            again = false;
            schedule(0);
          }
        }
      })();
    };
    return {
      name: 'notify-outbox',
      start: async () => {
        stopped = false;
        this.wakeUp = () => schedule(0);
        schedule(0);
      },
      stop: async () => {
        stopped = true;
        this.wakeUp = undefined;
        clearTimeout(timer);
        await running;
        this.mailer?.close();
      },
    };
  }
}

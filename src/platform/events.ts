// Domain events: in-process by default. Subscribers (webhooks, matchers, console refresh) register
// by topic; a failing subscriber is logged and never fails the write that published the event.
import type { Logger } from './log.ts';

export interface DomainEvent<T = unknown> {
  topic: string;
  org: string;
  at: string;
  data: T;
}

export type EventHandler = (e: DomainEvent) => void | Promise<void>;

export class EventBus {
  private readonly handlers = new Map<string, Set<EventHandler>>();
  constructor(private readonly log?: Logger) {}

  subscribe(topic: string, handler: EventHandler): () => void {
    const set = this.handlers.get(topic) ?? new Set<EventHandler>();
    this.handlers.set(topic, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Publish after the transaction that produced the event has committed. */
  publish<T>(topic: string, org: string, data: T): void {
    const e: DomainEvent<T> = { topic, org, at: new Date().toISOString(), data };
    for (const key of [topic, '*']) {
      for (const h of this.handlers.get(key) ?? []) {
        Promise.resolve()
          .then(() => h(e as DomainEvent))
          .catch((err: unknown) => this.log?.error({ err, topic }, 'event subscriber failed'));
      }
    }
  }
}

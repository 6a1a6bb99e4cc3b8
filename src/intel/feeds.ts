// Remote TAXII feeds of an organization: pulls into a local collection with a persisted cursor
// and pushes of a local collection to a remote one, each object's outcome logged with its reason,
// so that a failed sync is never silent. Scheduled by a Worker; also run on demand.
import { randomUUID } from 'node:crypto';
import { type Actor, assertCan, type OrgRef, visibleOrgsSql } from '../access/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import type { CredentialBox } from './credentials.ts';
import * as repo from './repo.ts';
import type { CreateFeed, FeedRunResult } from './schema.ts';
import { exportForm, type IntelService } from './service.ts';
import { TaxiiClient } from './taxii/client.ts';

function present(f: repo.FeedRow) {
  return {
    id: f.id,
    org: f.orgId,
    name: f.name,
    direction: f.direction,
    apiRoot: f.apiRoot,
    collection: f.collection,
    localCollection: f.localCollection,
    cursor: f.cursor,
    intervalSeconds: f.intervalSeconds,
    lastRun: f.lastRun ? new Date(f.lastRun).toISOString() : null,
    lastResult: f.lastResult,
    // Whether a credential is kept; the credential itself never leaves the server.
    hasToken: f.tokenSealed !== null || f.tokenClear !== null,
  };
}

export class FeedService {
  constructor(
    private readonly db: Database,
    private readonly intel: IntelService,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly credentials: CredentialBox,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly logger?: Logger,
  ) {}

  /** Seals the credentials an older version stored in the clear; returns how many. */
  async sealClearTokens(): Promise<number> {
    const clear = await repo.feedsWithClearTokens(this.db);
    for (const f of clear) await repo.sealFeedToken(this.db, f.id, this.credentials.seal(f.token));
    if (clear.length > 0)
      this.logger?.info({ feeds: clear.length }, 'sealed remote feed credentials stored in the clear');
    return clear.length;
  }

  private tokenOf(f: repo.FeedRow): string | null {
    if (f.tokenSealed) return this.credentials.open(Buffer.from(f.tokenSealed));
    return f.tokenClear;
  }

  private async ownFeed(actor: Actor, id: string, op: 'read' | 'write'): Promise<repo.FeedRow> {
    const f = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findFeed(this.db, id) : undefined;
    const org = f ? await this.orgRef(f.orgId) : undefined;
    if (!f || !org) throw errors.notFound('The feed');
    assertCan(actor, op, org, 'The feed');
    return f;
  }

  async create(actor: Actor, input: CreateFeed) {
    assertCan(actor, 'write', actor.org, 'The organization');
    const local = input.localCollection ?? (await this.intel.collectionOf(actor.org.id)).id;
    const col = await this.intel.collection(actor, local);
    if (!col.canWrite) throw errors.forbidden('Your organization may not write to that collection.');
    const id = randomUUID();
    await repo.insertFeed(this.db, {
      id,
      orgId: actor.org.id,
      name: input.name,
      direction: input.direction,
      apiRoot: input.apiRoot,
      collection: input.collection,
      tokenSealed: input.token ? this.credentials.seal(input.token) : null,
      localCollection: local,
      intervalSeconds: input.intervalSeconds ?? 3600,
    });
    return present((await repo.findFeed(this.db, id))!);
  }

  async list(actor: Actor) {
    return (await repo.listFeeds(this.db, (col, p) => visibleOrgsSql(actor, col, p))).map(present);
  }

  async outcomes(actor: Actor, id: string) {
    await this.ownFeed(actor, id, 'read');
    return (await repo.listFeedLog(this.db, id, 500)).map((r) => ({
      ...r,
      at: new Date(r.at).toISOString(),
    }));
  }

  async runAs(actor: Actor, id: string): Promise<FeedRunResult> {
    const f = await this.ownFeed(actor, id, 'write');
    return this.run(f, actor);
  }

  /** The feed's own actor for scheduled runs: its organization, as an analyst, no user. */
  private async feedActor(f: repo.FeedRow): Promise<Actor | undefined> {
    const org = await this.orgRef(f.orgId);
    return org
      ? {
          subject: 'token',
          id: `feed:${f.id}`,
          userId: null,
          name: `feed ${f.name}`,
          org,
          roles: ['analyst'],
        }
      : undefined;
  }

  async run(f: repo.FeedRow, actor: Actor): Promise<FeedRunResult> {
    const result: FeedRunResult = { pulled: 0, pushed: 0, success: 0, failure: 0, cursor: f.cursor };
    try {
      const client = new TaxiiClient(f.apiRoot, this.tokenOf(f), this.fetchImpl);
      if (f.direction === 'pull') await this.pull(f, client, actor, result);
      else await this.push(f, client, actor, result);
      await repo.updateFeedRun(
        this.db,
        f.id,
        result.cursor,
        `ok: ${result.success} accepted, ${result.failure} refused`,
      );
    } catch (err) {
      const reason = (err as Error).message.slice(0, 1000);
      await repo.logFeedOutcomes(this.db, f.id, [
        { objectId: null, version: null, outcome: 'error', reason },
      ]);
      await repo.updateFeedRun(this.db, f.id, result.cursor, `error: ${reason}`);
      this.logger?.warn({ feed: f.id, err }, 'TAXII feed run failed');
      throw errors.unavailable(`The feed run failed: ${reason}`);
    }
    return result;
  }

  private async pull(
    f: repo.FeedRow,
    client: TaxiiClient,
    actor: Actor,
    result: FeedRunResult,
  ): Promise<void> {
    let next: string | undefined;
    let last = f.cursor ?? undefined;
    for (;;) {
      // A `next` belongs to its query: every page repeats the run's added_after.
      const page = await client.objects(f.collection, { addedAfter: f.cursor ?? undefined, next });
      if (page.objects.length > 0) {
        const r = await this.intel.ingest(actor, f.localCollection, page.objects);
        result.pulled += page.objects.length;
        result.success += r.success;
        result.failure += r.failure;
        await repo.logFeedOutcomes(
          this.db,
          f.id,
          r.outcomes.map((o) => ({
            objectId: o.id,
            version: o.version,
            outcome: o.status,
            reason: o.message ?? null,
          })),
        );
      }
      if (page.dateAddedLast) last = page.dateAddedLast;
      if (!page.more || !page.next) break;
      next = page.next;
    }
    // The next run asks for what was added after the last object seen.
    result.cursor = last ?? null;
  }

  private async push(
    f: repo.FeedRow,
    client: TaxiiClient,
    actor: Actor,
    result: FeedRunResult,
  ): Promise<void> {
    let afterSeq = f.cursor ? Number(f.cursor) : 0;
    let next: string | undefined;
    for (;;) {
      const page = await this.intel.page(
        actor,
        f.localCollection,
        { versions: ['all'], limit: 500, next },
        'objects',
      );
      next = page.next;
      const rows = page.rows.filter((r) => r.seq > afterSeq);
      if (rows.length === 0) {
        if (!page.more) break;
        continue;
      }
      const status = await client.postAndWait(
        f.collection,
        rows.map((r) => exportForm(r.body)),
      );
      if (status.status !== 'complete')
        throw new Error(
          `the remote server still has ${status.pending_count} of ${rows.length} objects pending (status ${status.id}); the next run sends them again`,
        );
      result.pushed += rows.length;
      result.success += status.success_count;
      result.failure += status.failure_count;
      await repo.logFeedOutcomes(this.db, f.id, [
        ...(status.successes ?? []).map((s) => ({
          objectId: s.id,
          version: s.version ?? null,
          outcome: 'success' as const,
          reason: s.message ?? null,
        })),
        ...(status.failures ?? []).map((s) => ({
          objectId: s.id,
          version: s.version ?? null,
          outcome: 'failure' as const,
          reason: s.message ?? 'refused',
        })),
      ]);
      afterSeq = rows[rows.length - 1]!.seq;
      result.cursor = String(afterSeq);
      if (!page.more) break;
    }
  }

  /** Runs the pull and push feeds whose interval has passed, one at a time. */
  worker(): Worker {
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        for (const f of await repo.listFeeds(this.db)) {
          const due = !f.lastRun || Date.now() - new Date(f.lastRun).getTime() >= f.intervalSeconds * 1000;
          const actor = due ? await this.feedActor(f) : undefined;
          if (actor) await this.run(f, actor).catch(() => undefined);
        }
      } finally {
        running = false;
      }
    };
    return {
      name: 'intel-feeds',
      start: async () => {
        await this.sealClearTokens();
        timer = setInterval(() => void tick(), 60_000);
        timer.unref();
      },
      stop: async () => {
        clearInterval(timer);
      },
    };
  }
}

// The exposure queue people work from: lists and counts through the shared access rule, one
// exposure, and status decisions (each a new ledger version, all or nothing, serialised with the
// engine's writes so a match never sees a half-applied decision).
import { type Actor, assertCan, type OrgRef, visibleOrgsSql } from '../access/index.ts';
import { commitRecords } from '../ledger/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { ExposureEngine } from './engine.ts';
import type { ExposureStatus } from './policy.ts';
import { presentExposure } from './presenters.ts';
import { ledgerRecord } from './reconcile.ts';
import * as repo from './repo.ts';
import type { Exposure } from './schema.ts';

const MANUAL_STATUSES: readonly ExposureStatus[] = [
  'open',
  'acknowledged',
  'mitigated',
  'accepted_risk',
  'false_positive',
];

export type ExposureListFilter = Omit<repo.ExposureFilter, 'limit' | 'offset'> & {
  limit?: number;
  offset?: number;
};

export class ExposureQueue {
  constructor(
    private readonly db: Database,
    private readonly engine: ExposureEngine,
    private readonly events: EventBus,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
  ) {}

  private async present(rows: repo.ExposureRow[]): Promise<Exposure[]> {
    await this.engine.learnFactsOf(rows);
    return rows.map((r) => presentExposure(r, this.engine.namesOf(r)));
  }

  async list(actor: Actor, filter: ExposureListFilter): Promise<{ items: Exposure[]; total: number }> {
    const { rows, total } = await repo.listExposures(
      this.db,
      (col, params) => visibleOrgsSql(actor, col, params),
      {
        ...filter,
        limit: filter.limit ?? 100,
        offset: filter.offset ?? 0,
      },
    );
    return { items: await this.present(rows), total };
  }

  async get(actor: Actor, id: string): Promise<Exposure> {
    const { rows } = await repo.listExposures(this.db, (col, params) => visibleOrgsSql(actor, col, params), {
      ids: [id],
      limit: 1,
      offset: 0,
    });
    const row = rows.find((r) => r.id === id);
    if (!row) throw errors.notFound('The exposure');
    return (await this.present([row]))[0]!;
  }

  counts(actor: Actor): Promise<Record<string, number>> {
    return repo.countsByStatus(this.db, (col, params) => visibleOrgsSql(actor, col, params));
  }

  /** A person's decision on one or more exposures; each change is a new ledger version. */
  async setStatus(actor: Actor, ids: string[], status: ExposureStatus, note?: string): Promise<Exposure[]> {
    if (!MANUAL_STATUSES.includes(status))
      throw errors.unprocessable(
        `Status '${status}' cannot be set by hand; exposures are resolved when the SBOM or the advisory no longer matches.`,
        [{ pointer: '/status', detail: `must be one of ${MANUAL_STATUSES.join(', ')}` }],
      );
    const unique = [...new Set(ids)];
    // Access is decided before the transaction: resolving an organization may read the database,
    // which inside the transaction the adapter refuses (QueryInTransactionError).
    const seen = new Map((await repo.findExposures(this.db, unique, false)).map((r) => [r.id, r]));
    for (const id of unique) {
      const row = seen.get(id);
      const org = row ? await this.orgRef(row.orgId) : undefined;
      if (!row || !org) throw errors.notFound(`The exposure ${id}`);
      assertCan(actor, 'write', org, `The exposure ${id}`);
    }
    const updated = await this.engine.serialise(() =>
      this.db.transaction(async (tx) => {
        const rows = await repo.findExposures(tx, unique, true);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const changes: { row: repo.ExposureRow; change: repo.ExposureChange }[] = [];
        for (const id of unique) {
          const row = byId.get(id);
          if (!row) throw errors.notFound(`The exposure ${id}`);
          if (row.status === 'resolved')
            throw errors.exposureResolved(
              `The exposure ${id} is resolved; it reopens by itself if the version comes back.`,
            );
          changes.push({
            row,
            change: {
              id,
              status,
              versionNo: row.versionNo + 1,
              priority: row.priority,
              due: row.due,
              kev: row.kev,
              severityScore: row.severityScore === null ? null : Number(row.severityScore),
              severityRating: row.severityRating,
              reopened: row.reopened,
              resolvedAt: null,
              note: note ?? row.note,
            },
          });
        }
        await repo.updateExposures(
          tx,
          changes.map((c) => c.change),
        );
        const now = new Date();
        await commitRecords(
          tx,
          changes.map(({ row, change }) => ({
            kind: 'exposure',
            id: row.id,
            version: change.versionNo,
            org: row.orgId,
            at: now,
            record: { ...ledgerRecord({ ...row, ...change }), by: actor.id },
          })),
        );
        const result = changes.map(({ row, change }) => ({
          ...row,
          status: change.status,
          versionNo: change.versionNo,
          note: change.note,
          updatedAt: now,
        }));
        tx.afterCommit(() => this.publishDecisions(actor, result));
        return result;
      }),
    );
    return this.present(updated);
  }

  private publishDecisions(actor: Actor, rows: repo.ExposureRow[]): void {
    const byOrg = new Map<string, unknown[]>();
    for (const r of rows) {
      const list = byOrg.get(r.orgId) ?? [];
      byOrg.set(r.orgId, list);
      list.push({ id: r.id, asset: r.assetId, advisory: r.advisoryId, status: r.status });
    }
    for (const [org, exposures] of byOrg)
      this.events.publish('exposure.status_changed', org, { exposures, by: actor.id });
  }
}

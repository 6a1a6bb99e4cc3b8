// The exposures domain's service: the engine (src/exposures/engine.ts: the index, the matching
// the assets and advisories domains call inside their own transactions, full rematch) and the
// queue people work from (src/exposures/queue.ts), behind one object the composition root wires,
// the routes and the CLI use. Reconciliation itself is pure (reconcile.ts); presenters.ts chooses
// every field that leaves the server.
import type { AffectedAssets } from '../advisories/index.ts';
import { randomUUID } from 'node:crypto';
import { type Actor, assertRoleGrants, canSee } from '../access/index.ts';
import { readAssetFacts } from '../assets/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import type { OrgRef } from '../access/index.ts';
import { ExposureEngine } from './engine.ts';
import { type ExploitationMarks, markExploitedByIntelligence } from './intel-exploited.ts';
import { DEFAULT_DUE_POLICY, type DueDatePolicy, type ExposureStatus, STATUSES } from './policy.ts';
import { type ExposureListFilter, ExposureQueue } from './queue.ts';
import type { ReconcileCounts } from './reconcile.ts';
import type { Exposure } from './schema.ts';
import { ExposureViews } from './views.ts';
import { vexEvidenceOf } from './views-repo.ts';
import { buildCycloneDxVex } from './vex/export.ts';
import { VexService } from './vex/service.ts';

/** The version the exported documents name as their tool's. */
const BULWARK_VERSION = '0.1.0';

export type { ReconcileCounts } from './reconcile.ts';

export class ExposureService implements ExploitationMarks {
  /** The matcher: the composition root hands it to AssetService and AdvisoryService. */
  readonly engine: ExposureEngine;
  private readonly queue: ExposureQueue;
  /** The affected assets shown with an advisory (the AdvisoryService's AffectedAssets port). */
  readonly affected: AffectedAssets<Exposure>;
  /** Remediation advice, the grouped queue and its counts (views.ts). */
  readonly views: ExposureViews;
  /** VEX statements (CycloneDX, OpenVEX, CSAF VEX) applied to exposures (vex/service.ts). */
  readonly vex: VexService;

  constructor(
    private readonly db: Database,
    events: EventBus,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    log?: Logger,
    readonly policy: DueDatePolicy = DEFAULT_DUE_POLICY,
  ) {
    this.engine = new ExposureEngine(db, events, policy, log);
    this.queue = new ExposureQueue(db, this.engine, events, orgRef);
    this.views = new ExposureViews(db, this.engine);
    this.vex = new VexService(db, this.engine, orgRef);
    this.affected = { list: (actor, advisory, limit) => this.queue.list(actor, { advisory, limit }) };
  }

  get index() {
    return this.engine.index;
  }

  rebuild() {
    return this.engine.rebuild();
  }

  ready(): Promise<void> {
    return this.engine.ready();
  }

  refreshIfChanged(): Promise<boolean> {
    return this.engine.refreshIfChanged();
  }

  worker(intervalMs?: number): Worker {
    return this.engine.worker(intervalMs);
  }

  /**
   * Threat intelligence shows these CVEs exploited, for `org`'s exposures (null: every
   * organization's): recorded in the caller's transaction; once it commits, the exposures of the
   * advisories that are or alias one of them are re-ranked (KEV's tier) before the caller's
   * transaction call returns. Returns the CVE ids recorded.
   */
  async markExploited(
    tx: Tx,
    cveIds: readonly string[],
    source: string,
    org: string | null,
  ): Promise<string[]> {
    const ids = await markExploitedByIntelligence(tx, cveIds, source, org);
    const stored = source.slice(0, 300);
    if (ids.length > 0)
      tx.afterCommit(() => this.engine.intelMarked(ids.map((cveId) => ({ cveId, org, source: stored }))));
    return ids;
  }

  /** Full rematch (centre administrators, or the local command line without an actor). */
  async rematch(actor?: Actor): Promise<ReconcileCounts & { components: number; ms: number }> {
    if (actor) {
      assertRoleGrants(actor, 'administer');
      if (actor.org.kind !== 'coordination-centre')
        throw errors.forbidden('Only the coordination centre may run a full rematch.');
    }
    return this.engine.rematch();
  }

  list(actor: Actor, filter: ExposureListFilter): Promise<{ items: Exposure[]; total: number }> {
    return this.queue.list(actor, filter);
  }

  get(actor: Actor, id: string): Promise<Exposure> {
    return this.queue.get(actor, id);
  }

  counts(actor: Actor): Promise<Record<string, number>> {
    return this.queue.counts(actor);
  }

  /**
   * The asset's unresolved exposures as a CycloneDX 1.6 VEX document (vex/export.ts), for those who
   * see the asset (its owner, a regulator of its sector, the centre); another's asset is 404.
   */
  async exportVex(actor: Actor, assetId: string): Promise<Record<string, unknown>> {
    const asset =
      this.engine.assetFacts(assetId) ?? (await readAssetFacts(this.db)).find((a) => a.id === assetId);
    const org = asset ? await this.orgRef(asset.orgId) : undefined;
    if (!asset || !org || !canSee(actor, org)) throw errors.notFound('The asset');
    const exposures: Exposure[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await this.queue.list(actor, {
        asset: assetId,
        status: STATUSES.filter((x) => x !== 'resolved'),
        limit: 1000,
        offset,
      });
      exposures.push(...page.items);
      if (page.items.length < 1000) break;
    }
    const evidence = new Map(
      (
        await vexEvidenceOf(
          this.db,
          exposures.map((e) => e.id),
        )
      ).map((v) => [
        v.exposureId,
        {
          status: v.status,
          justification: v.justification,
          statement: v.impactStatement ?? v.actionStatement,
          author: v.author,
        },
      ]),
    );
    return buildCycloneDxVex({
      asset: { id: asset.id, name: asset.name },
      exposures,
      evidence,
      serialNumber: `urn:uuid:${randomUUID()}`,
      now: new Date(),
      toolVersion: BULWARK_VERSION,
    });
  }

  setStatus(actor: Actor, ids: string[], status: ExposureStatus, note?: string): Promise<Exposure[]> {
    return this.queue.setStatus(actor, ids, status, note);
  }
}

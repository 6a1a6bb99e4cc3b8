// The assets domain: critical assets of an organization and their SBOM versions. An SBOM import
// parses and validates the document (pure converter, off the event loop), stages the SBOM and its
// components in bounded batches, each its own short transaction (other requests, which on PGlite
// share its one connection, are answered in between), then in one short transaction makes it
// live: creates the asset when asked to, gives the SBOM its sequence number, makes it the asset's
// current one, commits both to the ledger and lets the matcher (the exposure engine, injected as
// `AssetMatching`) reconcile the asset's exposures. A staged SBOM is invisible to every read; an
// import that fails removes its staging, and one killed midway is swept at the next start
// (`stagingSweeper`). A document that is refused stores nothing.
import { randomUUID } from 'node:crypto';
import { ImportError, problemOf } from '../formats/index.ts';
import { commitRecord } from '../ledger/index.ts';
import { type Actor, assertCan, canSee, type OrgRef, visibleOrgsSql } from '../access/index.ts';
import type { Database, Queryable, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import { nextTurn } from '../platform/threads.ts';
import type { Worker } from '../platform/worker.ts';
import type { AssetFacts, AssetMatching, DeployedComponent } from './facts.ts';
import * as repo from './repo.ts';
import type {
  Asset,
  AssetListQuery,
  Component,
  CreateAsset,
  Sbom,
  SbomDetail,
  SbomImportResult,
  UpdateAsset,
} from './schema.ts';
import { MAX_SBOM_BYTES, type ParsedSbom, parseSbomOffThread } from './sbom/index.ts';

/** Warnings shown in an import's answer; the SBOM's detail (GET /sboms/:id) lists them all. */
const WARNINGS_IN_ANSWER = 100;

/**
 * A staging idle this long on a shared PostgreSQL belongs to an import that died: a live import
 * refreshes its staging with every batch, a few milliseconds apart. An embedded database has one
 * owning process, so everything staged when it starts is abandoned.
 */
export const ABANDONED_STAGING_MS = 10 * 60_000;

export function presentAsset(a: repo.AssetRow): Asset {
  return {
    id: a.id,
    org: a.orgId,
    name: a.name,
    kind: a.kind,
    criticality: a.criticality,
    criticalInfrastructure: a.criticalInfrastructure,
    sector: a.sector,
    region: a.region,
    domains: a.domains,
    addresses: a.addresses,
    internetFacing: a.domains.length + a.addresses.length > 0,
    currentSbom: a.currentSbomId,
    createdAt: new Date(a.createdAt).toISOString(),
    updatedAt: new Date(a.updatedAt).toISOString(),
  };
}

export function presentSbom(s: repo.SbomRow): Sbom {
  return {
    id: s.id,
    asset: s.assetId,
    seq: s.seq,
    format: s.format,
    specVersion: s.specVersion,
    serialNumber: s.serialNumber,
    subject: s.subject ?? null,
    sha256: s.sha256,
    componentCount: s.componentCount,
    warnings: s.warnings,
    importedAt: new Date(s.importedAt).toISOString(),
  };
}

function presentComponent(c: repo.ComponentRow): Component {
  return {
    ref: c.ref,
    type: c.type,
    name: c.name,
    sbomName: c.sbomName,
    group: c.group,
    version: c.version,
    purl: c.purl,
    ecosystem: c.ecosystem,
    hashes: c.hashes,
    licenses: c.licenses,
    parentRef: c.parentRef,
    relation: c.relation,
  };
}

function factsOf(a: repo.AssetRow): AssetFacts {
  return {
    id: a.id,
    orgId: a.orgId,
    name: a.name,
    criticality: a.criticality,
    criticalInfrastructure: a.criticalInfrastructure,
    sector: a.sector,
    region: a.region,
    internetFacing: a.domains.length + a.addresses.length > 0,
  };
}

/** The components the exposure engine matches (those with an ecosystem and a version). */
export function deployedOf(sbom: ParsedSbom): DeployedComponent[] {
  return deployedIn(sbom.components);
}

function deployedIn(components: readonly ParsedSbom['components'][number][], out: DeployedComponent[] = []) {
  for (const c of components) {
    if (!c.ecosystem || !c.version || !c.normalizedName) continue;
    out.push({
      ecosystem: c.ecosystem,
      normalizedName: c.normalizedName,
      name: c.name,
      version: c.version,
      ...(c.purl ? { purl: c.purl } : {}),
    });
  }
  return out;
}

export interface SbomTarget {
  /** An existing asset by id … */
  asset?: string;
  /** … or by name within `org` (the actor's own organization when absent), created when missing. */
  name?: string;
  org?: string;
  create?: Omit<CreateAsset, 'name' | 'org'>;
}

export class AssetService {
  constructor(
    private readonly db: Database,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly matching: AssetMatching,
    private readonly log?: Logger,
  ) {}

  /** A write that matches: the assets' transaction, serialised with the matcher's other writes. */
  private write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.matching.serialise(() => this.db.transaction(fn));
  }

  private visible(actor: Actor) {
    return (col: string, params: unknown[]) => visibleOrgsSql(actor, col, params);
  }

  private async visibleAsset(actor: Actor, id: string, db: Queryable = this.db): Promise<repo.AssetRow> {
    const a = await repo.findAsset(db, id);
    const org = a ? await this.orgRef(a.orgId) : undefined;
    if (!a || !org || !canSee(actor, org)) throw errors.notFound('The asset');
    return a;
  }

  async list(actor: Actor, q: AssetListQuery = {}): Promise<{ items: Asset[]; total: number }> {
    const { rows, total } = await repo.listAssets(this.db, this.visible(actor), {
      org: q.org,
      q: q.q,
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    });
    return { items: rows.map(presentAsset), total };
  }

  async get(actor: Actor, id: string): Promise<Asset> {
    return presentAsset(await this.visibleAsset(actor, id));
  }

  /** Assets of that name among those the actor sees. */
  async findByName(actor: Actor, name: string): Promise<Asset[]> {
    return (await repo.findAssetsByName(this.db, this.visible(actor), name)).map(presentAsset);
  }

  private async writableOrg(actor: Actor, orgId: string | undefined): Promise<OrgRef> {
    const org = await this.orgRef(orgId ?? actor.org.id);
    if (!org) throw errors.notFound('The organization');
    assertCan(actor, 'write', org, 'The organization');
    return org;
  }

  private async insert(db: Queryable, org: OrgRef, input: CreateAsset): Promise<repo.AssetRow | undefined> {
    const row = await repo.insertAsset(db, {
      id: randomUUID(),
      orgId: org.id,
      name: input.name,
      kind: input.kind ?? 'system',
      criticality: input.criticality ?? 'medium',
      criticalInfrastructure: input.criticalInfrastructure ?? false,
      sector: org.sector,
      region: org.region,
      domains: input.domains ?? [],
      addresses: input.addresses ?? [],
    });
    return row;
  }

  async create(actor: Actor, input: CreateAsset): Promise<Asset> {
    const org = await this.writableOrg(actor, input.org);
    const row = await this.db.transaction(async (tx) => {
      const created = await this.insert(tx, org, input);
      if (!created) throw errors.assetExists(`The organization already has an asset named '${input.name}'.`);
      await commitRecord(tx, {
        kind: 'asset',
        id: created.id,
        version: 1,
        org: org.id,
        record: presentAsset(created),
      });
      return created;
    });
    return presentAsset(row);
  }

  /** Changes what ranks the asset's exposures (criticality, endpoints …); they are re-ranked in the same transaction. */
  async update(actor: Actor, id: string, patch: UpdateAsset): Promise<Asset> {
    const existing = await this.visibleAsset(actor, id);
    await this.writableOrg(actor, existing.orgId);
    return this.write(async (tx) => {
      const row = await repo.updateAsset(tx, id, patch);
      await commitRecord(tx, {
        kind: 'asset',
        id,
        version: row.version,
        org: row.orgId,
        record: presentAsset(row),
      });
      await this.matching.assetChanged(tx, factsOf(row));
      return presentAsset(row);
    });
  }

  /**
   * Imports one SBOM version for an asset. The caller's right to write is checked first (a caller
   * who may not write learns nothing of how the document would parse, and costs no parsing), then
   * the document is validated. The components are staged in short transactions; the last one
   * (asset creation, the SBOM live, exposures, ledger) commits together or not at all, and until
   * it commits no read sees any of it.
   */
  async importSbom(actor: Actor, target: SbomTarget, bytes: Uint8Array | string): Promise<SbomImportResult> {
    let org: OrgRef | undefined;
    if (target.asset) {
      const existing = await this.visibleAsset(actor, target.asset);
      org = await this.writableOrg(actor, existing.orgId);
    } else {
      if (!target.name) throw errors.badRequest('Name the asset the SBOM belongs to.');
      org = await this.writableOrg(actor, target.org);
    }
    // Parsed, validated and hashed on the converter thread: the event loop stays free.
    let converted: Awaited<ReturnType<typeof parseSbomOffThread>>;
    try {
      converted = await parseSbomOffThread(bytes);
    } catch (err) {
      if (err instanceof ImportError) throw problemOf(err, MAX_SBOM_BYTES);
      throw err;
    }
    const { sbom, sha256, componentsSha256 } = converted;
    const sbomId = randomUUID();
    try {
      const deployed = await this.stage(sbomId, org, sbom, sha256);
      return await this.write((tx) => this.makeLive(tx, sbomId, org, target, deployed, componentsSha256));
    } catch (err) {
      // Nothing of a failed import stays behind; a staging that cannot be removed now (the
      // database is gone) is swept at the next start and is invisible until then.
      await repo
        .discardStaging(this.db, sbomId)
        .catch((cause: unknown) =>
          this.log?.warn(
            { err: cause, sbom: sbomId },
            'could not remove a failed SBOM import; swept at the next start',
          ),
        );
      throw err;
    }
  }

  /**
   * The SBOM and its components, staged a bounded batch per transaction; answers the components
   * the engine matches, gathered batch by batch (at 50,000 components one pass over the list was
   * a turn of the event loop of tens of milliseconds).
   */
  private async stage(
    sbomId: string,
    org: OrgRef,
    sbom: ParsedSbom,
    sha256: string,
  ): Promise<DeployedComponent[]> {
    await repo.stageSbom(this.db, {
      id: sbomId,
      orgId: org.id,
      format: sbom.format,
      specVersion: sbom.specVersion,
      serialNumber: sbom.serialNumber ?? null,
      subject: sbom.subject ?? null,
      sha256,
      componentCount: sbom.components.length,
      dependencies: sbom.dependencies,
      warnings: sbom.warnings,
    });
    this.log?.info({ sbom: sbomId, components: sbom.components.length }, 'staging SBOM components');
    const batch = repo.COMPONENTS_PER_BATCH;
    const deployed: DeployedComponent[] = [];
    for (let start = 0; start < sbom.components.length; start += batch) {
      if (start > 0) await nextTurn();
      const part = sbom.components.slice(start, start + batch);
      deployedIn(part, deployed);
      await this.db.transaction(async (tx) => {
        if (!(await repo.touchStaging(tx, sbomId)))
          throw new Error(`The staging of SBOM ${sbomId} was removed while it was being imported.`);
        await repo.insertComponents(tx, sbomId, start, part);
      });
    }
    return deployed;
  }

  /** The import's last transaction: the asset (created when missing), the SBOM live, ledger, exposures. */
  private async makeLive(
    tx: Tx,
    sbomId: string,
    org: OrgRef,
    target: SbomTarget,
    deployed: DeployedComponent[],
    componentsSha256: string,
  ): Promise<SbomImportResult> {
    let asset = target.asset
      ? await repo.findAsset(tx, target.asset)
      : await repo.findAssetByName(tx, org.id, target.name!);
    if (!asset) {
      asset = await this.insert(tx, org, { name: target.name!, ...target.create });
      if (!asset) throw errors.assetExists('The asset was created concurrently; retry the import.');
      await commitRecord(tx, {
        kind: 'asset',
        id: asset.id,
        version: 1,
        org: org.id,
        record: presentAsset(asset),
      });
    }
    const stored = await repo.makeSbomLive(tx, sbomId, asset.id);
    if (!stored) throw new Error(`The staging of SBOM ${sbomId} was removed before it was made live.`);
    const updated = await repo.setCurrentSbom(tx, asset.id, stored.id);
    await commitRecord(tx, {
      kind: 'sbom',
      id: stored.id,
      version: 1,
      org: asset.orgId,
      // The list's digest, taken on the converter thread, not the list: canonicalising 50,000
      // names here held the event loop (and the one PGlite connection) for hundreds of ms.
      record: { ...presentSbom(stored), componentsSha256 },
    });
    const counts = await this.matching.sbomStored(tx, factsOf(updated), deployed);
    // A summary, not the stored document: the warnings of a large SBOM can outweigh the upload.
    const presented = presentSbom(stored);
    return {
      asset: presentAsset(updated),
      sbom: { ...presented, warnings: presented.warnings.slice(0, WARNINGS_IN_ANSWER) },
      warningCount: presented.warnings.length,
      exposures: {
        opened: counts.opened,
        reopened: counts.reopened,
        resolved: counts.resolved,
        open: counts.active,
      },
    };
  }

  /**
   * Removes the stagings of imports that died (a killed process): at start, before requests.
   * Staged SBOMs are invisible anyway; this returns their space. `idleMs` overrides how long a
   * staging on a shared PostgreSQL must have been idle to count as abandoned.
   */
  stagingSweeper(idleMs?: number): Worker {
    return {
      name: 'sbom-staging-sweeper',
      start: async () => {
        const idle = idleMs ?? (this.db.dialect === 'pglite' ? 0 : ABANDONED_STAGING_MS);
        const stale = await repo.staleStagings(this.db, idle);
        for (const id of stale) await repo.discardStaging(this.db, id);
        if (stale.length > 0) this.log?.info({ sboms: stale.length }, 'removed abandoned SBOM stagings');
      },
      stop: async () => undefined,
    };
  }

  async listSboms(actor: Actor, assetId: string): Promise<Sbom[]> {
    await this.visibleAsset(actor, assetId);
    return (await repo.listSboms(this.db, assetId)).map(presentSbom);
  }

  async getSbom(actor: Actor, sbomId: string): Promise<SbomDetail> {
    const s = await repo.findSbom(this.db, sbomId);
    if (!s) throw errors.notFound('The SBOM');
    await this.visibleAsset(actor, s.assetId).catch(() => {
      throw errors.notFound('The SBOM');
    });
    const components = await repo.listComponents(this.db, sbomId);
    return {
      sbom: presentSbom(s),
      components: components.map(presentComponent),
      dependencies: s.dependencies,
    };
  }

  /** The current SBOM of an asset with its components and dependency graph, or null before the first import. */
  async currentSbom(actor: Actor, assetId: string): Promise<SbomDetail | null> {
    const a = await this.visibleAsset(actor, assetId);
    return a.currentSbomId ? this.getSbom(actor, a.currentSbomId) : null;
  }
}

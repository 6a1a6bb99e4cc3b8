// Applying VEX statements to exposures: each statement is stored with its author and committed to
// the ledger; it names the unresolved exposures of its products (purl → package, and version when
// the purl has one) whose advisory is the statement's vulnerability or one of its aliases. A
// not_affected statement (with the justification or impact statement its format requires) moves
// them to not_affected with the statement as the note and the evidence; affected, fixed and
// under_investigation are recorded beside the exposures and shown with them. Only exposures of
// organizations the actor may write are touched; the rest are counted as out of reach.
import { randomUUID } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import { type Actor, assertRoleGrants, can, type OrgRef, visibleOrgsSql } from '../../access/index.ts';
import { convert, identityFromPurl } from '../../formats/index.ts';
import { commitRecords } from '../../ledger/index.ts';
import type { Database } from '../../platform/db/types.ts';
import type { ExposureEngine } from '../engine.ts';
import { ledgerRecord } from '../reconcile.ts';
import * as repo from '../repo.ts';
import * as views from '../views-repo.ts';
import { MAX_VEX_BYTES, parseVex, type VexStatement } from './convert.ts';

export interface VexImportSummary {
  format: string | null;
  statements: number;
  byStatus: Record<string, number>;
  /** Exposures moved to not_affected. */
  notAffected: number;
  /** Exposures that got an affected, fixed or under_investigation statement beside them. */
  annotated: number;
  /** Products no purl of this server could read. */
  unreadableProducts: string[];
}

function packageOf(purl: string): { ecosystem: string; name: string; version: string | null } | null {
  try {
    const p = PackageURL.fromString(purl);
    const id = identityFromPurl(p);
    return id ? { ecosystem: id.ecosystem, name: id.normalizedName, version: p.version ?? null } : null;
  } catch {
    return null;
  }
}

export class VexService {
  constructor(
    private readonly db: Database,
    private readonly engine: ExposureEngine,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
  ) {}

  async importVex(actor: Actor, bytes: Uint8Array | string): Promise<VexImportSummary> {
    assertRoleGrants(actor, 'write');
    const statements = convert(MAX_VEX_BYTES, () => parseVex(bytes));
    const summary: VexImportSummary = {
      format: statements[0]?.format ?? null,
      statements: statements.length,
      byStatus: {},
      notAffected: 0,
      annotated: 0,
      unreadableProducts: [],
    };
    for (const s of statements) summary.byStatus[s.status] = (summary.byStatus[s.status] ?? 0) + 1;
    // What each statement names, read before the transaction (resolving organizations reads).
    const wanted = new Map<string, { ecosystem: string; name: string }>();
    const targets = statements.map((s) => ({
      s,
      products: s.products
        .map((p) => {
          const pkg = packageOf(p);
          if (!pkg) summary.unreadableProducts.push(p);
          else wanted.set(`${pkg.ecosystem}\u0000${pkg.name}`, pkg);
          return pkg;
        })
        .filter((x) => x !== null),
    }));
    const candidates = await views.exposuresOfPackages(
      this.db,
      (col, params) => visibleOrgsSql(actor, col, params),
      [...wanted.values()],
    );
    await this.engine.learnFactsOf(candidates);
    const writable = new Map<string, boolean>();
    for (const org of new Set(candidates.map((c) => c.orgId))) {
      const ref = await this.orgRef(org);
      writable.set(org, Boolean(ref && can(actor, 'write', ref)));
    }
    const matches = (s: VexStatement, e: repo.ExposureRow) => {
      const ids = new Set([s.vulnerability, ...s.aliases]);
      return ids.has(e.advisoryId) || this.engine.namesOf(e).aliases.some((a) => ids.has(a));
    };
    return this.engine.serialise(() =>
      this.db.transaction(async (tx) => {
        const now = new Date();
        const rows: views.NewVexStatement[] = [];
        const links: { exposureId: string; statementId: string; status: string }[] = [];
        const changes: { row: repo.ExposureRow; change: repo.ExposureChange }[] = [];
        const moved = new Set<string>();
        for (const { s, products } of targets) {
          const id = randomUUID();
          rows.push({
            id,
            orgId: actor.org.id,
            format: s.format,
            documentId: s.document,
            author: s.author,
            vulnerability: s.vulnerability,
            products: s.products,
            status: s.status,
            justification: s.justification,
            impact: s.impact,
            action: s.action,
            issued: s.issued,
            statement: s,
            importedBy: actor.id,
          });
          for (const e of candidates) {
            if (!writable.get(e.orgId) || !matches(s, e)) continue;
            if (
              !products.some(
                (p) =>
                  p.ecosystem === e.ecosystem &&
                  p.name === e.normalizedName &&
                  (!p.version || p.version === e.version),
              )
            )
              continue;
            links.push({ exposureId: e.id, statementId: id, status: s.status });
            // A person's false_positive decision stands: a not_affected statement leaves it (and so an
            // asset's exported VEX, where false positives read back as not_affected, changes nothing).
            if (
              s.status === 'not_affected' &&
              e.status !== 'not_affected' &&
              e.status !== 'false_positive' &&
              !moved.has(e.id)
            ) {
              moved.add(e.id);
              const note =
                `VEX not_affected${s.justification ? ` (${s.justification})` : ''}${s.author ? ` by ${s.author}` : ''}${s.impact ? `: ${s.impact}` : ''}`.slice(
                  0,
                  2000,
                );
              changes.push({
                row: e,
                change: {
                  id: e.id,
                  status: 'not_affected',
                  versionNo: e.versionNo + 1,
                  priority: e.priority,
                  due: e.due,
                  kev: e.kev,
                  severityScore: e.severityScore === null ? null : Number(e.severityScore),
                  severityRating: e.severityRating,
                  reopened: e.reopened,
                  resolvedAt: null,
                  note,
                },
              });
            } else if (s.status !== 'not_affected') summary.annotated++;
          }
        }
        await views.insertVexStatements(tx, rows);
        await repo.updateExposures(
          tx,
          changes.map((c) => c.change),
        );
        await views.linkVex(tx, links);
        await commitRecords(tx, [
          ...rows.map((r) => ({
            kind: 'vex-statement',
            id: r.id,
            version: 1,
            org: r.orgId,
            at: now,
            record: { author: r.author, statement: r.statement, by: actor.id },
          })),
          ...changes.map(({ row, change }) => ({
            kind: 'exposure',
            id: row.id,
            version: change.versionNo,
            org: row.orgId,
            at: now,
            record: { ...ledgerRecord({ ...row, ...change }), by: actor.id },
          })),
        ]);
        summary.notAffected = changes.length;
        return summary;
      }),
    );
  }
}

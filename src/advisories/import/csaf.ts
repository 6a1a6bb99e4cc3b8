// A vendor's CSAF 2.0 security advisory to OSV-shaped advisories the exposure engine matches:
// one advisory per vulnerability of the document, its id the document's tracking id and the CVE
// (or the vulnerability's first id), its aliases the CVE and ids, its severity the highest CVSS v3
// vector, and its affected packages the products listed known_affected (first_affected,
// last_affected) whose product_identification_helper.purl (directly, or through the relationship
// that defines the product) names a package version. Products listed fixed or known_not_affected
// are not affected versions, so a component running them gets no exposure from the advisory (and
// an earlier version of the document that listed them affected is reconciled away). Products named
// only by a CPE, or by a purl without a version, are reported as unmapped. Pure: bytes in, records out;
// the document is refused (ImportError naming the failed mandatory test and the JSON pointer) unless
// it is valid CSAF 2.0 (src/formats/csaf).
import { PackageURL } from 'packageurl-js';
import { MAX_CSAF_BYTES, productDefinitions, readCsaf } from '../../formats/csaf/index.ts';

export { MAX_CSAF_BYTES };
import { identityFromPurl, ImportError } from '../../formats/index.ts';
import { scoreCvss } from './cvss.ts';
import type { OsvAdvisory, OsvAffected, OsvSeverity } from './osv.ts';

// biome-ignore lint/suspicious/noExplicitAny: a validated CSAF document is walked loosely.
type Json = any;

export const CSAF_AFFECTED = ['known_affected', 'first_affected', 'last_affected'] as const;

export interface CsafAdvisories {
  /** /document/tracking/id */
  documentId: string;
  publisher: string;
  advisories: OsvAdvisory[];
  /** Product ids of the affected products mapped onto a package version (by purl). */
  mapped: string[];
  /** Affected product ids that name no package version (a CPE only, no purl, or a purl without a version). */
  unmapped: { productId: string; reason: string }[];
  /** Product ids listed fixed or known_not_affected, over all vulnerabilities. */
  fixed: number;
  notAffected: number;
}

/** The id of the advisory made of vulnerability `i`: the tracking id and the CVE (or first id). */
export function csafAdvisoryId(trackingId: string, v: Json, i: number): string {
  const tail = v.cve ?? v.ids?.[0]?.text ?? `V${i + 1}`;
  return `${trackingId}_${String(tail)}`.replace(/[^A-Za-z0-9._:-]/g, '-');
}

/** Converts a CSAF 2.0 security advisory (or VEX) document. Throws ImportError. */
export function parseCsafAdvisory(input: Uint8Array | string): CsafAdvisories {
  const doc: Json = readCsaf(input);
  const category = doc.document.category;
  if (category !== 'csaf_security_advisory' && category !== 'csaf_vex')
    throw new ImportError(
      'unsupported-format',
      `A CSAF document of category ${category} names no affected products; import csaf_security_advisory or csaf_vex documents.`,
      [{ pointer: '/document/category', detail: `${category} is not csaf_security_advisory or csaf_vex` }],
    );
  const tracking = doc.document.tracking;
  const defs = new Map(productDefinitions(doc).map((d) => [d.id, d]));
  const definedBy = new Map<string, Json>();
  for (const r of doc.product_tree?.relationships ?? []) definedBy.set(r.full_product_name?.product_id, r);

  // A product's purl: its own helper's, else (a product defined by a relationship, e.g. "openssl
  // 1.1.1k as a component of RHEL 8") the purl of the product it is a component of.
  const purlOf = (id: string, depth = 0): string | undefined => {
    const own = defs.get(id)?.helper?.purl;
    if (typeof own === 'string') return own;
    const rel = definedBy.get(id);
    return rel && depth < 16 ? purlOf(rel.product_reference, depth + 1) : undefined;
  };
  const mapped = new Set<string>();
  const unmapped = new Map<string, string>();
  let fixed = 0;
  let notAffected = 0;

  const advisories = (doc.vulnerabilities ?? []).map((v: Json, i: number): OsvAdvisory => {
    const byPackage = new Map<string, OsvAffected>();
    const warnings: string[] = [];
    for (const status of CSAF_AFFECTED)
      for (const id of v.product_status?.[status] ?? []) {
        const purl = purlOf(id);
        if (!purl) {
          unmapped.set(id, defs.get(id)?.helper?.cpe ? 'named by a CPE only' : 'no purl');
          continue;
        }
        let parsed: PackageURL;
        try {
          parsed = PackageURL.fromString(purl);
        } catch {
          unmapped.set(id, 'invalid purl');
          continue;
        }
        const identity = identityFromPurl(parsed);
        if (!identity || !parsed.version) {
          unmapped.set(
            id,
            identity ? 'purl without a version' : `purl type ${parsed.type} has no OSV ecosystem`,
          );
          continue;
        }
        mapped.add(id);
        const key = `${identity.ecosystem}\u0000${identity.normalizedName}`;
        const a = byPackage.get(key) ?? {
          package: {
            ...identity,
            purl: `pkg:${parsed.type}/${parsed.namespace ? `${parsed.namespace}/` : ''}${parsed.name}`,
          },
          severity: [],
          ranges: [],
          versions: [],
          databaseSpecific: { csafProducts: [] as string[] },
        };
        byPackage.set(key, a);
        if (!a.versions.includes(parsed.version)) a.versions.push(parsed.version);
        (a.databaseSpecific!.csafProducts as string[]).push(id);
      }
    fixed += (v.product_status?.fixed ?? []).length + (v.product_status?.first_fixed ?? []).length;
    notAffected += (v.product_status?.known_not_affected ?? []).length;
    const severity: OsvSeverity[] = [];
    let best: OsvSeverity | undefined;
    for (const s of v.scores ?? []) {
      const vector = s.cvss_v3?.vectorString;
      if (typeof vector !== 'string') continue;
      try {
        const cvss = scoreCvss(vector);
        const sev: OsvSeverity = { type: 'CVSS_V3', score: vector, cvss };
        if (!best || cvss.score > best.cvss!.score) best = sev;
      } catch (err) {
        warnings.push((err as Error).message);
      }
    }
    if (best) severity.push(best);
    const aliases = [
      ...new Set([v.cve, ...(v.ids ?? []).map((x: Json) => x.text)].filter(Boolean)),
    ] as string[];
    const notes = (v.notes ?? []).filter((n: Json) =>
      ['description', 'summary', 'details'].includes(n.category),
    );
    const references = [...(v.references ?? []), ...(doc.document.references ?? [])]
      .filter((r: Json) => typeof r.url === 'string' && /^https?:\/\//.test(r.url))
      .map((r: Json) => ({ type: r.category === 'self' ? 'ADVISORY' : 'WEB', url: r.url }));
    return {
      id: csafAdvisoryId(tracking.id, v, i),
      modified: new Date(tracking.current_release_date).toISOString(),
      published: new Date(tracking.initial_release_date).toISOString(),
      aliases,
      related: [],
      summary: v.title ?? doc.document.title,
      details: notes.map((n: Json) => n.text).join('\n\n') || undefined,
      severity,
      affected: [...byPackage.values()],
      references,
      databaseSpecific: {
        csaf: { document: tracking.id, version: tracking.version, publisher: doc.document.publisher.name },
      },
      warnings,
    };
  });
  return {
    documentId: tracking.id,
    publisher: doc.document.publisher.name,
    advisories,
    mapped: [...mapped],
    unmapped: [...unmapped].map(([productId, reason]) => ({ productId, reason })),
    fixed,
    notAffected,
  };
}

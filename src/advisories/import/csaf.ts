// A vendor's CSAF 2.0 security advisory to OSV-shaped advisories the exposure engine matches:
// one advisory per vulnerability of the document, its id the document's tracking id and the CVE
// (or the vulnerability's first id), its aliases the CVE and ids, its severity the highest CVSS v3
// vector, and its affected packages the products listed known_affected (first_affected,
// last_affected), named — directly, or through the relationship that defines the product — by
// product_identification_helper.purl (its version, or without one the range of the
// product_version_range branch that defines it: vers or the legacy form, src/formats/vers.ts, as an
// ECOSYSTEM range in the purl's ecosystem order) or, without a purl, by its CPE (2.3 or 2.2 URI,
// src/formats/cpe.ts): package `part:vendor:product` of the `CPE` ecosystem, the version the CPE's
// (ANY: every version) or the branch's range, in the generic order; components carrying that CPE
// match it. Products listed fixed or known_not_affected are not affected versions, so a component
// running them gets no exposure from the advisory (and an earlier version of the document that
// listed them affected is reconciled away). A product OSV cannot express (a CPE whose vendor or
// product is a wildcard, a version pattern, a `>` or `!=` range) is reported unmapped with the
// reason. Pure: bytes in, records out; the document is refused (ImportError naming the failed
// mandatory test and the JSON pointer) unless it is valid CSAF 2.0 (src/formats/csaf).
import { PackageURL } from 'packageurl-js';
import { MAX_CSAF_BYTES, productDefinitions, readCsaf } from '../../formats/csaf/index.ts';

export { MAX_CSAF_BYTES };
import {
  type CpeName,
  identityFromCpe,
  identityFromPurl,
  ImportError,
  type PackageIdentity,
  parseCpe,
  parseVersRange,
  VersError,
  versToOsv,
} from '../../formats/index.ts';
import { findVersionOrder } from '../../formats/versions/index.ts';
import { scoreCvss } from './cvss.ts';
import type { OsvAdvisory, OsvAffected, OsvEvent, OsvSeverity } from './osv.ts';

// biome-ignore lint/suspicious/noExplicitAny: a validated CSAF document is walked loosely.
type Json = any;

export const CSAF_AFFECTED = ['known_affected', 'first_affected', 'last_affected'] as const;

export interface CsafAdvisories {
  /** /document/tracking/id */
  documentId: string;
  publisher: string;
  advisories: OsvAdvisory[];
  /** Product ids of the affected products mapped onto package versions (by purl or CPE). */
  mapped: string[];
  /** Affected product ids that name no package version OSV can match, with the reason. */
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

  // The branch that defines each product: a product_version_range branch gives its range.
  const rangeOf = new Map<string, string>();
  const walk = (branches: Json[]) => {
    for (const b of branches ?? []) {
      if (b.product?.product_id && b.category === 'product_version_range' && typeof b.name === 'string')
        rangeOf.set(b.product.product_id, b.name);
      if (Array.isArray(b.branches)) walk(b.branches);
    }
  };
  walk(doc.product_tree?.branches ?? []);

  // What names a product: its own helper's purl and CPE and its branch's version range, else (a
  // product defined by a relationship, e.g. "openssl 1.1.1k as a component of RHEL 8") those of the
  // product it is a component of.
  interface Naming {
    purl?: string;
    cpe?: string;
    range?: string;
  }
  const namingOf = (id: string, depth = 0): Naming => {
    const helper = defs.get(id)?.helper;
    const own: Naming = {
      ...(typeof helper?.purl === 'string' ? { purl: helper.purl } : {}),
      ...(typeof helper?.cpe === 'string' ? { cpe: helper.cpe } : {}),
      ...(rangeOf.has(id) ? { range: rangeOf.get(id)! } : {}),
    };
    if (own.purl || own.cpe) return own;
    const rel = definedBy.get(id);
    return rel && depth < 16 ? { ...namingOf(rel.product_reference, depth + 1), ...own } : own;
  };
  const mapped = new Set<string>();
  const unmapped = new Map<string, string>();
  let fixed = 0;
  let notAffected = 0;

  /** The package a product names and which of its versions: versions listed, or one range's events. */
  type Target = {
    identity: PackageIdentity;
    purl: string | undefined;
    versions: string[];
    events: OsvEvent[];
  };
  const rangeTarget = (identity: PackageIdentity, purl: string | undefined, range: string): Target => {
    const order = findVersionOrder(identity.ecosystem);
    if (!order) throw new VersError(`${identity.ecosystem} has no version order`);
    const compare = (a: string, b: string) => order.compare(order.parse(a), order.parse(b));
    const parts = versToOsv(parseVersRange(range), compare);
    // Every bound must be a version of the ecosystem: a range that cannot be ordered matches nothing.
    for (const e of parts.events) if (e.version !== '0') order.parse(e.version);
    return { identity, purl, versions: parts.versions, events: parts.events };
  };
  const targetOf = (id: string): Target | string => {
    const n = namingOf(id);
    if (n.purl) {
      let parsed: PackageURL;
      try {
        parsed = PackageURL.fromString(n.purl);
      } catch {
        return 'invalid purl';
      }
      const identity = identityFromPurl(parsed);
      if (!identity) return `purl type ${parsed.type} has no OSV ecosystem`;
      const purl = `pkg:${parsed.type}/${parsed.namespace ? `${parsed.namespace}/` : ''}${parsed.name}`;
      if (parsed.version) return { identity, purl, versions: [parsed.version], events: [] };
      if (!n.range) return 'purl without a version';
      try {
        return rangeTarget(identity, purl, n.range);
      } catch (err) {
        return `version range ${JSON.stringify(n.range)}: ${(err as Error).message}`;
      }
    }
    if (n.cpe) {
      let cpe: CpeName;
      try {
        cpe = parseCpe(n.cpe);
      } catch (err) {
        return `invalid CPE: ${(err as Error).message}`;
      }
      const identity = identityFromCpe(cpe, undefined);
      if (!identity) return 'a CPE whose part, vendor or product is ANY, NA or a wildcard names no package';
      const pkg = {
        ecosystem: identity.ecosystem,
        name: identity.name,
        normalizedName: identity.normalizedName,
      };
      if (n.range) {
        try {
          return rangeTarget(pkg, undefined, n.range);
        } catch (err) {
          return `version range ${JSON.stringify(n.range)}: ${(err as Error).message}`;
        }
      }
      const version = cpe.version;
      if (version.kind === 'any')
        return {
          identity: pkg,
          purl: undefined,
          versions: [],
          events: [{ kind: 'introduced', version: '0' }],
        };
      if (version.kind === 'na') return 'a CPE whose version is NA (-) names no version';
      if (version.wildcard)
        return `a CPE version pattern (${version.text}) names no version range OSV can match`;
      return { identity: pkg, purl: undefined, versions: [identity.version!], events: [] };
    }
    return 'no purl or CPE';
  };

  const advisories = (doc.vulnerabilities ?? []).map((v: Json, i: number): OsvAdvisory => {
    const byPackage = new Map<string, OsvAffected>();
    const warnings: string[] = [];
    for (const status of CSAF_AFFECTED)
      for (const id of v.product_status?.[status] ?? []) {
        const target = targetOf(id);
        if (typeof target === 'string') {
          unmapped.set(id, target);
          continue;
        }
        mapped.add(id);
        const { identity } = target;
        const key = `${identity.ecosystem}\u0000${identity.normalizedName}`;
        const a = byPackage.get(key) ?? {
          package: { ...identity, ...(target.purl ? { purl: target.purl } : {}) },
          severity: [],
          ranges: [],
          versions: [],
          databaseSpecific: { csafProducts: [] as string[] },
        };
        byPackage.set(key, a);
        for (const version of target.versions) if (!a.versions.includes(version)) a.versions.push(version);
        if (target.events.length > 0) a.ranges.push({ type: 'ECOSYSTEM', events: target.events });
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

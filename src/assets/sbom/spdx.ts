// SPDX 2.3 JSON (and 2.2, whose external references may spell the category PACKAGE-MANAGER)
// to ParsedSbom: packages with their purl, version, checksums and licences, and the
// relationships DESCRIBES, DEPENDS_ON, DEPENDENCY_OF and CONTAINS as one dependency graph.
import type { ValidateFunction } from 'ajv';
import {
  assertJsonDepth,
  createAjv,
  ImportError,
  resolvePurl,
  toSchemaErrors,
  withCpeIdentity,
} from '../../formats/index.ts';
import { assumeDistroReleases } from './distro.ts';
import { buildDependencies } from './graph.ts';
import { spdxSchema } from './spdx-schema.ts';
import type { ParsedSbom, SbomComponent, SbomSubject, SbomWarning } from './types.ts';

let validator: ValidateFunction | undefined;

function validate(doc: unknown): void {
  validator ??= createAjv().compile(spdxSchema);
  if (!validator(doc)) {
    const errs = toSchemaErrors(validator.errors);
    throw new ImportError(
      'schema',
      `The document does not validate as SPDX 2.2/2.3 JSON (${errs.length} error${errs.length === 1 ? '' : 's'}).`,
      errs,
    );
  }
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  primaryPackagePurpose?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}

interface SpdxDocument {
  spdxVersion: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  documentDescribes?: string[];
  packages?: SpdxPackage[];
  relationships?: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

/** Whether a parsed JSON value claims to be SPDX (for format detection). */
export function looksLikeSpdx(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const v = (doc as Record<string, unknown>)['spdxVersion'];
  return typeof v === 'string' && v.startsWith('SPDX-');
}

/** Converts an already-parsed SPDX JSON document. Throws ImportError. */
export function convertSpdx(doc: unknown): ParsedSbom {
  if (!looksLikeSpdx(doc)) {
    throw new ImportError('unsupported-format', 'Not an SPDX JSON document: no "spdxVersion".');
  }
  const version = (doc as Record<string, unknown>)['spdxVersion'];
  if (version !== 'SPDX-2.2' && version !== 'SPDX-2.3') {
    throw new ImportError(
      'unsupported-format',
      `SPDX version ${JSON.stringify(version)} is not supported; supported: SPDX-2.2, SPDX-2.3.`,
    );
  }
  assertJsonDepth(doc, 'The SBOM');
  validate(doc);
  return extract(doc as SpdxDocument);
}

const NO_VALUE = new Set(['NOASSERTION', 'NONE', '']);

function extract(doc: SpdxDocument): ParsedSbom {
  const warnings: SbomWarning[] = [];
  const packages = doc.packages ?? [];
  const byId = new Map<string, number>();
  packages.forEach((p, i) => {
    if (byId.has(p.SPDXID)) {
      warnings.push({
        pointer: `/packages/${i}/SPDXID`,
        ref: p.SPDXID,
        message: `duplicate SPDXID ${JSON.stringify(p.SPDXID)}; the first package is used`,
      });
    } else byId.set(p.SPDXID, i);
  });

  // Edges: "A DEPENDS_ON B" and "A CONTAINS B" are A -> B; "A DEPENDENCY_OF B" is B -> A.
  const edges = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string): void => {
    const set = edges.get(from) ?? new Set<string>();
    set.add(to);
    edges.set(from, set);
  };
  const described: string[] = [...(doc.documentDescribes ?? [])];
  (doc.relationships ?? []).forEach((r, i) => {
    const { spdxElementId: a, relatedSpdxElement: b } = r;
    if (NO_VALUE.has(a) || NO_VALUE.has(b)) return;
    switch (r.relationshipType) {
      case 'DESCRIBES':
        if (a === doc.SPDXID && !described.includes(b)) described.push(b);
        return;
      case 'DESCRIBED_BY':
        if (b === doc.SPDXID && !described.includes(a)) described.push(a);
        return;
      case 'DEPENDS_ON':
      case 'CONTAINS':
        addEdge(a, b);
        break;
      case 'DEPENDENCY_OF':
        addEdge(b, a);
        break;
      default:
        return;
    }
    for (const [end, which] of [
      [a, 'spdxElementId'],
      [b, 'relatedSpdxElement'],
    ] as const) {
      if (end !== doc.SPDXID && !byId.has(end) && !end.startsWith('DocumentRef-')) {
        warnings.push({
          pointer: `/relationships/${i}/${which}`,
          ref: end,
          message: `relationship end ${JSON.stringify(end)} names no package`,
        });
      }
    }
  });

  // The subject is the first described package; the others stay components.
  const subjectId = described.find((id) => byId.has(id));
  let subject: SbomSubject | undefined;
  const components: SbomComponent[] = [];
  packages.forEach((p, i) => {
    if (byId.get(p.SPDXID) !== i) return;
    const at = `/packages/${i}`;
    const purlRefs = (p.externalRefs ?? []).filter(
      (r) =>
        r.referenceType === 'purl' &&
        (r.referenceCategory === 'PACKAGE_MANAGER' || r.referenceCategory === 'PACKAGE-MANAGER'),
    );
    if (purlRefs.length > 1) {
      warnings.push({
        pointer: `${at}/externalRefs`,
        ref: p.SPDXID,
        message: `${purlRefs.length} purls; the first is used`,
      });
    }
    const version = p.versionInfo !== undefined && !NO_VALUE.has(p.versionInfo) ? p.versionInfo : undefined;
    // A package without a usable purl is matched by its CPE (cpe23Type, else cpe22Type), if any.
    const cpeRef =
      (p.externalRefs ?? []).find((r) => r.referenceType === 'cpe23Type') ??
      (p.externalRefs ?? []).find((r) => r.referenceType === 'cpe22Type');
    const resolved = withCpeIdentity(
      resolvePurl(purlRefs[0]?.referenceLocator, p.name, version),
      cpeRef?.referenceLocator,
      version,
    );
    if (p.SPDXID === subjectId) {
      subject = {
        ref: p.SPDXID,
        type: (p.primaryPackagePurpose ?? 'application').toLowerCase(),
        name: p.name,
        ...(version !== undefined ? { version } : {}),
        ...(resolved.purl !== undefined ? { purl: resolved.purl } : {}),
      };
      return;
    }
    for (const message of resolved.warnings) warnings.push({ pointer: at, ref: p.SPDXID, message });
    const licenses = [p.licenseConcluded, p.licenseDeclared].filter(
      (l, j, all): l is string => l !== undefined && !NO_VALUE.has(l) && all.indexOf(l) === j,
    );
    components.push({
      ref: p.SPDXID,
      type: (p.primaryPackagePurpose ?? 'library').toLowerCase(),
      name: resolved.identity?.name ?? p.name,
      sbomName: p.name,
      ...(resolved.version !== undefined ? { version: resolved.version } : {}),
      ...(resolved.purl !== undefined ? { purl: resolved.purl } : {}),
      ...(resolved.identity
        ? {
            ecosystem: resolved.identity.ecosystem,
            normalizedName: resolved.identity.normalizedName,
          }
        : {}),
      hashes: (p.checksums ?? []).map((c) => ({ algorithm: c.algorithm, value: c.checksumValue })),
      licenses,
      relation: 'unknown',
    });
  });

  warnings.push(...assumeDistroReleases(components, subject));
  const dependencies = buildDependencies(subjectId, edges, components);
  return {
    format: 'SPDX',
    specVersion: doc.spdxVersion.slice('SPDX-'.length),
    serialNumber: doc.documentNamespace,
    ...(subject ? { subject } : {}),
    components,
    dependencies,
    warnings,
  };
}

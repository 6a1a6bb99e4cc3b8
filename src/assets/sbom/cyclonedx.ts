// CycloneDX 1.4, 1.5 and 1.6 JSON to ParsedSbom. Documents are validated against the standard's
// own JSON schema first (1.5 and 1.6 as published; 1.4 against the 1.5 schema, see below) and
// refused with the schema errors when they do not validate.
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import {
  assertJsonDepth,
  createAjv,
  ImportError,
  resolvePurl,
  toSchemaErrors,
  withCpeIdentity,
  withLinearUniqueItems,
} from '../../formats/index.ts';
import { assumeDistroReleases } from './distro.ts';
import { buildDependencies } from './graph.ts';
import type { ParsedSbom, SbomComponent, SbomHash, SbomSubject, SbomWarning } from './types.ts';

export const CYCLONEDX_VERSIONS = ['1.4', '1.5', '1.6'] as const;
export type CycloneDxVersion = (typeof CYCLONEDX_VERSIONS)[number];

const validators = new Map<CycloneDxVersion, ValidateFunction>();

function readSchema(file: string): Record<string, unknown> {
  return withLinearUniqueItems(
    JSON.parse(readFileSync(new URL(`./schemas/${file}`, import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >,
  );
}

/**
 * The validator for one spec version, compiled on first use. There is no 1.4 schema in the
 * reference data; 1.5 only added to 1.4, so a 1.4 document is validated against the 1.5 schema
 * with its `$schema` property (pinned to the 1.5 URL) widened to accept the 1.4 URL. The price:
 * a 1.4 document that uses 1.5-only fields is accepted.
 */
function validatorFor(version: CycloneDxVersion): ValidateFunction {
  let v = validators.get(version);
  if (v) return v;
  const ajv = createAjv();
  ajv.addSchema(readSchema('spdx.schema.json'));
  ajv.addSchema(readSchema('jsf-0.82.schema.json'));
  const schema = readSchema(version === '1.6' ? 'bom-1.6.schema.json' : 'bom-1.5.schema.json');
  if (version === '1.4') {
    const props = schema['properties'] as Record<string, unknown>;
    props['$schema'] = {
      type: 'string',
      enum: [
        'http://cyclonedx.org/schema/bom-1.4.schema.json',
        'http://cyclonedx.org/schema/bom-1.5.schema.json',
      ],
    };
  }
  v = ajv.compile(schema);
  validators.set(version, v);
  return v;
}

/** Compiles every CycloneDX schema now (about a second) instead of on the first import. */
export function precompileCycloneDxSchemas(): void {
  for (const v of CYCLONEDX_VERSIONS) validatorFor(v);
}

interface CdxLicenseChoice {
  license?: { id?: string; name?: string };
  expression?: string;
}

interface CdxComponent {
  'bom-ref'?: string;
  type: string;
  name: string;
  group?: string;
  version?: string;
  purl?: string;
  cpe?: string;
  hashes?: { alg: string; content: string }[];
  licenses?: CdxLicenseChoice[];
  components?: CdxComponent[];
}

interface CdxBom {
  bomFormat: string;
  specVersion: string;
  serialNumber?: string;
  metadata?: { component?: CdxComponent };
  components?: CdxComponent[];
  dependencies?: { ref: string; dependsOn?: string[] }[];
}

/** Whether a parsed JSON value claims to be CycloneDX (for format detection). */
export function looksLikeCycloneDx(doc: unknown): boolean {
  return (
    typeof doc === 'object' && doc !== null && (doc as Record<string, unknown>)['bomFormat'] === 'CycloneDX'
  );
}

/** Converts an already-parsed CycloneDX JSON document. Throws ImportError. */
export function convertCycloneDx(doc: unknown): ParsedSbom {
  assertCycloneDxSchema(doc, 'The SBOM');
  return extract(doc as CdxBom);
}

/**
 * Checks a parsed document against the CycloneDX JSON schema of its `specVersion` (1.4–1.6), as
 * SBOM imports do and CycloneDX VEX imports (src/exposures/vex) do too. Throws ImportError: the
 * schema errors with their JSON pointers, or an unsupported version.
 */
export function assertCycloneDxSchema(doc: unknown, what: string): void {
  if (!looksLikeCycloneDx(doc)) {
    throw new ImportError(
      'unsupported-format',
      'Not a CycloneDX JSON document: "bomFormat" is not "CycloneDX".',
    );
  }
  const specVersion = (doc as Record<string, unknown>)['specVersion'];
  if (typeof specVersion !== 'string' || !(CYCLONEDX_VERSIONS as readonly string[]).includes(specVersion)) {
    throw new ImportError(
      'unsupported-format',
      `CycloneDX specVersion ${JSON.stringify(specVersion)} is not supported; supported: ${CYCLONEDX_VERSIONS.join(', ')}.`,
    );
  }
  assertJsonDepth(doc, what);
  const validate = validatorFor(specVersion as CycloneDxVersion);
  if (!validate(doc)) {
    const errs = toSchemaErrors(validate.errors);
    throw new ImportError(
      'schema',
      `The document does not validate against the CycloneDX ${specVersion} schema (${errs.length} error${errs.length === 1 ? '' : 's'}).`,
      errs,
    );
  }
}

function extract(bom: CdxBom): ParsedSbom {
  const warnings: SbomWarning[] = [];
  const components: SbomComponent[] = [];
  const refs = new Set<string>();

  const meta = bom.metadata?.component;
  let subject: SbomSubject | undefined;
  if (meta) {
    const resolved = resolvePurl(meta.purl, meta.name, meta.version);
    subject = {
      ...(meta['bom-ref'] !== undefined ? { ref: meta['bom-ref'] } : {}),
      type: meta.type,
      name: meta.group ? `${meta.group}/${meta.name}` : meta.name,
      ...(meta.version !== undefined ? { version: meta.version } : {}),
      ...(resolved.purl !== undefined ? { purl: resolved.purl } : {}),
    };
    if (meta['bom-ref'] !== undefined) refs.add(meta['bom-ref']);
  }

  const visit = (list: CdxComponent[] | undefined, pointer: string, parentRef: string | undefined): void => {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const at = `${pointer}/${i}`;
      let ref = c['bom-ref'];
      if (ref === undefined || ref === '') ref = at;
      else if (refs.has(ref)) {
        warnings.push({
          pointer: `${at}/bom-ref`,
          ref,
          message: `duplicate bom-ref ${JSON.stringify(ref)}; this component is kept under its JSON pointer`,
        });
        ref = at;
      }
      refs.add(ref);
      const resolved = withCpeIdentity(resolvePurl(c.purl, c.name, c.version), c.cpe, c.version);
      for (const message of resolved.warnings) warnings.push({ pointer: at, ref, message });
      const component: SbomComponent = {
        ref,
        type: c.type,
        name: resolved.identity?.name ?? c.name,
        sbomName: c.name,
        ...(c.group !== undefined ? { group: c.group } : {}),
        ...(resolved.version !== undefined ? { version: resolved.version } : {}),
        ...(resolved.purl !== undefined ? { purl: resolved.purl } : {}),
        ...(resolved.identity
          ? {
              ecosystem: resolved.identity.ecosystem,
              normalizedName: resolved.identity.normalizedName,
            }
          : {}),
        hashes: hashesOf(c.hashes),
        licenses: licensesOf(c.licenses),
        ...(parentRef !== undefined ? { parentRef } : {}),
        relation: 'unknown',
      };
      components.push(component);
      visit(c.components, `${at}/components`, ref);
    }
  };
  if (meta) visit(meta.components, '/metadata/component/components', meta['bom-ref']);
  visit(bom.components, '/components', undefined);
  warnings.push(...assumeDistroReleases(components, subject));

  const edges = new Map<string, Set<string>>();
  (bom.dependencies ?? []).forEach((d, i) => {
    if (!refs.has(d.ref)) {
      warnings.push({
        pointer: `/dependencies/${i}/ref`,
        ref: d.ref,
        message: `dependency ref ${JSON.stringify(d.ref)} names no component`,
      });
    }
    const set = edges.get(d.ref) ?? new Set<string>();
    (d.dependsOn ?? []).forEach((to, j) => {
      if (!refs.has(to)) {
        warnings.push({
          pointer: `/dependencies/${i}/dependsOn/${j}`,
          ref: to,
          message: `dependsOn ref ${JSON.stringify(to)} names no component`,
        });
      }
      set.add(to);
    });
    edges.set(d.ref, set);
  });
  // A nested component is part of its parent: reachable whenever the parent is.
  for (const c of components) {
    if (c.parentRef === undefined) continue;
    const set = edges.get(c.parentRef) ?? new Set<string>();
    set.add(c.ref);
    edges.set(c.parentRef, set);
  }
  const dependencies = buildDependencies(subject?.ref, edges, components);

  return {
    format: 'CycloneDX',
    specVersion: bom.specVersion,
    ...(bom.serialNumber !== undefined ? { serialNumber: bom.serialNumber } : {}),
    ...(subject ? { subject } : {}),
    components,
    dependencies,
    warnings,
  };
}

function hashesOf(hashes: CdxComponent['hashes']): SbomHash[] {
  return (hashes ?? []).map((h) => ({ algorithm: h.alg, value: h.content }));
}

function licensesOf(choices: CdxLicenseChoice[] | undefined): string[] {
  const out: string[] = [];
  for (const l of choices ?? []) {
    const v = l.expression ?? l.license?.id ?? l.license?.name;
    if (v !== undefined) out.push(v);
  }
  return out;
}

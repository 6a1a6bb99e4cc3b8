// The one shape every SBOM format converts to. The asset service stores it; the exposure index
// matches `components` by (ecosystem, normalizedName) and version.

export type SbomFormat = 'CycloneDX' | 'SPDX';

export interface SbomHash {
  algorithm: string;
  value: string;
}

/**
 * Where a component sits relative to the SBOM's subject: depended on by it (direct), reachable
 * only through other components (transitive), listed but not reachable from the subject
 * (unreachable), or unknown when the document has no dependency graph or no subject.
 */
export type DependencyRelation = 'direct' | 'transitive' | 'unreachable' | 'unknown';

export interface SbomComponent {
  /** bom-ref (CycloneDX) or SPDXID (SPDX); a JSON pointer when the document gives none. */
  ref: string;
  /** CycloneDX component type, or SPDX primaryPackagePurpose in lower case ('library' when absent). */
  type: string;
  /**
   * The package name in OSV's spelling for its ecosystem (Maven "group:artifact", Go the full
   * module path, npm "@scope/name", PyPI as the document spells it); the document's own name
   * when the component has no usable purl.
   */
  name: string;
  /** The name exactly as the document gives it (CycloneDX `name`, SPDX package `name`). */
  sbomName: string;
  group?: string;
  /** The version matched against advisories: the purl's, else the component's own. */
  version?: string;
  /** Canonical purl, with the component's version filled in when the purl had none. */
  purl?: string;
  /** OSV ecosystem ("Go", "PyPI", "Debian:12"); absent when there is no usable purl. */
  ecosystem?: string;
  /** The matching key (PEP 503 for PyPI, lower case for NuGet, else as OSV spells it). */
  normalizedName?: string;
  hashes: SbomHash[];
  /** SPDX licence ids, licence names or SPDX expressions, as the document gives them. */
  licenses: string[];
  /** The ref of the enclosing component for nested CycloneDX components. */
  parentRef?: string;
  relation: DependencyRelation;
}

export interface SbomSubject {
  ref?: string;
  type?: string;
  name: string;
  version?: string;
  purl?: string;
}

export interface SbomDependencies {
  /** The ref the graph is rooted at (the subject), when the document names one. */
  root?: string;
  /**
   * ref -> refs it depends on or contains: CycloneDX dependsOn and nesting (parent -> nested);
   * SPDX DEPENDS_ON, DEPENDENCY_OF (reversed) and CONTAINS.
   */
  edges: Record<string, string[]>;
  /** Refs the subject depends on directly. */
  direct: string[];
  /** Refs reachable from the subject only through other components. */
  transitive: string[];
}

/** Something that did not stop the import but that a person should see (an invalid purl …). */
export interface SbomWarning {
  /** JSON pointer into the document. */
  pointer: string;
  ref?: string;
  message: string;
}

export interface ParsedSbom {
  format: SbomFormat;
  specVersion: string;
  serialNumber?: string;
  subject?: SbomSubject;
  components: SbomComponent[];
  dependencies: SbomDependencies;
  warnings: SbomWarning[];
}

/** The largest SBOM accepted, checked before decoding or parsing. */
export const MAX_SBOM_BYTES = 64 * 1024 * 1024;

/**
 * The most components (CycloneDX components at any nesting, SPDX packages) one SBOM may hold.
 * Work per import grows with it (schema validation, rows, matching, exposures and their ledger
 * commitments); this is what a two-core server imports while still answering every other request
 * within 100 ms (bench/uploads.bench.ts, docs/exposures.md). Real SBOMs of large container images
 * hold a few thousand.
 */
export const MAX_SBOM_COMPONENTS = 50_000;

// An asset's exposures as a CycloneDX 1.6 VEX document (issue 14): one vulnerability per unresolved
// exposure (its advisory at one component of the asset), the component with its purl, the
// analysis from the exposure's status and its VEX evidence, the rating and where it came from.
// Pure: the service reads the exposures (scoped by the shared access function) and hands them here.
// The document reads back through src/exposures/vex/convert.ts: importing it changes no exposure
// (states map back to what the exposures already are; see docs/exposures.md, "VEX export").
import type { Exposure } from '../schema.ts';

export interface VexEvidenceOfExposure {
  status: string;
  justification: string | null;
  statement: string | null;
  author: string | null;
}

export interface VexExportInput {
  asset: { id: string; name: string };
  exposures: Exposure[];
  evidence: ReadonlyMap<string, VexEvidenceOfExposure>;
  /** urn:uuid:… of this document. */
  serialNumber: string;
  now: Date;
  /** The tool's version, as the document's metadata names it. */
  toolVersion: string;
}

// OpenVEX and CSAF justifications (what the VEX import stores) in CycloneDX's own terms.
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};
const CDX_JUSTIFICATIONS = new Set([
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
]);

/** The CycloneDX analysis of an exposure: its state, and for people's decisions the response. */
function analysisOf(e: Exposure, v: VexEvidenceOfExposure | undefined): Record<string, unknown> {
  const detail = (v?.statement ?? e.note ?? undefined) || undefined;
  switch (e.status) {
    case 'not_affected': {
      const j = v?.justification ? (JUSTIFICATION[v.justification] ?? v.justification) : undefined;
      return {
        state: 'not_affected',
        ...(j && CDX_JUSTIFICATIONS.has(j) ? { justification: j } : {}),
        detail: detail ?? `not affected${v?.justification ? ` (${v.justification})` : ''}`,
      };
    }
    case 'false_positive':
      return { state: 'false_positive', detail: detail ?? 'marked a false positive' };
    case 'acknowledged':
      return { state: 'exploitable', ...(detail ? { detail } : {}) };
    case 'mitigated':
      return { state: 'exploitable', response: ['workaround_available'], ...(detail ? { detail } : {}) };
    case 'accepted_risk':
      return { state: 'exploitable', response: ['will_not_fix'], ...(detail ? { detail } : {}) };
    default:
      return { state: 'in_triage', ...(detail ? { detail } : {}) };
  }
}

const SEVERITY: Record<string, string> = {
  Critical: 'critical',
  High: 'high',
  Medium: 'medium',
  Low: 'low',
  None: 'none',
};

/** The component reference of an exposure: its purl with the version, else ecosystem:name@version. */
function componentRef(e: Exposure): string {
  if (e.purl) return e.purl.includes('@') ? e.purl : `${e.purl}@${encodeURIComponent(e.version)}`;
  return `${e.ecosystem}:${e.package}@${e.version}`;
}

export function buildCycloneDxVex(input: VexExportInput): Record<string, unknown> {
  const components = new Map<string, Record<string, unknown>>();
  const vulnerabilities = input.exposures
    .filter((e) => e.status !== 'resolved')
    .map((e) => {
      const ref = componentRef(e);
      if (!components.has(ref))
        components.set(ref, {
          type: 'library',
          'bom-ref': ref,
          name: e.package,
          version: e.version,
          ...(e.purl ? { purl: ref } : {}),
        });
      const v = input.evidence.get(e.id);
      const references = e.aliases.map((id) => ({ id, source: { name: sourceOf(id) } }));
      return {
        'bom-ref': `exposure:${e.id}`,
        id: e.advisory,
        source: { name: sourceOf(e.advisory) },
        ...(references.length ? { references } : {}),
        ratings: [
          e.severity.score === null
            ? { severity: 'unknown' }
            : {
                score: e.severity.score,
                severity: SEVERITY[e.severity.rating] ?? 'unknown',
                method: 'other',
                ...(e.severitySource ? { source: { name: e.severitySource.advisory } } : {}),
              },
        ],
        analysis: analysisOf(e, v),
        affects: [
          {
            ref,
            versions: [
              {
                version: e.version,
                status:
                  e.status === 'not_affected' || e.status === 'false_positive' ? 'unaffected' : 'affected',
              },
            ],
          },
        ],
        properties: [
          { name: 'bulwark:exposure', value: e.id },
          { name: 'bulwark:status', value: e.status },
          { name: 'bulwark:kev', value: String(e.kev) },
          { name: 'bulwark:due', value: e.due },
          { name: 'bulwark:dueRule', value: e.dueRule },
          ...(e.epss
            ? [{ name: 'bulwark:epss', value: `${e.epss.cve} ${e.epss.score} p${e.epss.percentile}` }]
            : []),
        ],
      };
    });
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: input.serialNumber,
    version: 1,
    metadata: {
      timestamp: input.now.toISOString(),
      tools: { components: [{ type: 'application', name: 'Bulwark', version: input.toolVersion }] },
      component: { type: 'application', 'bom-ref': `asset:${input.asset.id}`, name: input.asset.name },
    },
    components: [...components.values()],
    vulnerabilities,
  };
}

/** The database an advisory id comes from, by its prefix (OSV's own naming). */
function sourceOf(id: string): string {
  if (id.startsWith('CVE-')) return 'NVD';
  if (id.startsWith('GHSA-')) return 'GitHub';
  if (id.startsWith('GO-')) return 'Go Vulnerability Database';
  return 'OSV';
}

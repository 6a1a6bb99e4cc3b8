// The CISA Known Exploited Vulnerabilities catalogue (JSON) to typed entries, validated against
// CISA's own schema (schemas/known_exploited_vulnerabilities_schema.json, from cisagov/kev-data,
// CC0). The exposure service joins entries to advisories by CVE alias.
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { createAjv, ImportError, parseJsonInput, toSchemaErrors } from '../../formats/index.ts';

/** The largest catalogue accepted (the 2025 catalogue is about 1.5 MB). */
export const MAX_KEV_BYTES = 32 * 1024 * 1024;

export interface KevEntry {
  cveId: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  /** YYYY-MM-DD: the remediation due date CISA set. */
  dueDate: string;
  /** CISA says "Known" or "Unknown"; kept as given. */
  knownRansomwareCampaignUse?: string;
  /** True when knownRansomwareCampaignUse is "Known". */
  ransomware: boolean;
  notes?: string;
  cwes: string[];
}

export interface KevCatalog {
  title?: string;
  catalogVersion: string;
  dateReleased: string;
  count: number;
  vulnerabilities: KevEntry[];
}

let validator: ValidateFunction | undefined;

function validatorFor(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(
    readFileSync(new URL('./schemas/known_exploited_vulnerabilities_schema.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  validator = createAjv().compile(schema);
  return validator;
}

interface RawKev {
  title?: string;
  catalogVersion: string;
  dateReleased: string;
  count: number;
  vulnerabilities: {
    cveID: string;
    vendorProject: string;
    product: string;
    vulnerabilityName: string;
    dateAdded: string;
    shortDescription: string;
    requiredAction: string;
    dueDate: string;
    knownRansomwareCampaignUse?: string;
    notes?: string;
    cwes?: string[];
  }[];
}

/** Converts the KEV catalogue. Throws ImportError. */
export function parseKev(input: Uint8Array | string): KevCatalog {
  const doc = parseJsonInput(input, MAX_KEV_BYTES, 'The KEV catalogue');
  const validate = validatorFor();
  if (!validate(doc)) {
    const errs = toSchemaErrors(validate.errors);
    throw new ImportError(
      'schema',
      `Not a valid KEV catalogue (${errs.length} schema error${errs.length === 1 ? '' : 's'}).`,
      errs,
    );
  }
  const raw = doc as RawKev;
  // The schema does not require unique CVE ids; a duplicate would make the join ambiguous.
  const seen = new Map<string, number>();
  raw.vulnerabilities.forEach((v, i) => {
    const first = seen.get(v.cveID);
    if (first !== undefined) {
      throw new ImportError('schema', `Not a valid KEV catalogue: ${v.cveID} appears twice.`, [
        { pointer: `/vulnerabilities/${i}/cveID`, detail: `duplicate of /vulnerabilities/${first}/cveID` },
      ]);
    }
    seen.set(v.cveID, i);
  });
  return {
    ...(raw.title !== undefined ? { title: raw.title } : {}),
    catalogVersion: raw.catalogVersion,
    dateReleased: raw.dateReleased,
    count: raw.count,
    vulnerabilities: raw.vulnerabilities.map((v) => ({
      cveId: v.cveID,
      vendorProject: v.vendorProject,
      product: v.product,
      vulnerabilityName: v.vulnerabilityName,
      dateAdded: v.dateAdded,
      shortDescription: v.shortDescription,
      requiredAction: v.requiredAction,
      dueDate: v.dueDate,
      ...(v.knownRansomwareCampaignUse !== undefined
        ? { knownRansomwareCampaignUse: v.knownRansomwareCampaignUse }
        : {}),
      ransomware: v.knownRansomwareCampaignUse === 'Known',
      ...(v.notes !== undefined && v.notes !== '' ? { notes: v.notes } : {}),
      cwes: v.cwes ?? [],
    })),
  };
}

// Demo exposures for the demo federation (src/app/demo.ts runs this once, right after creating
// it): a small shipped set of Go advisories and the KEV entry they name (src/exposures/demo/,
// with its attribution), and three labelled demo assets whose SBOMs run affected versions, so a
// newcomer sees exposures, remediation advice ("upgrade gin to v1.9.1: closes 3") and KEV at once.
import { readFileSync } from 'node:fs';
import type { Actor } from '../access/index.ts';
import type { AdvisoryService } from '../advisories/index.ts';
import type { AssetService } from '../assets/index.ts';

export interface ExposureDemoInput {
  assets: Pick<AssetService, 'importSbom'>;
  advisories: Pick<AdvisoryService, 'importOsvUpload' | 'importKev'>;
  /** The local administrator (the coordination centre). */
  actor: Actor;
  orgByName: (name: string) => string;
  print: (line: string) => void;
}

interface DemoAsset {
  asset: string;
  org: string;
  create: {
    criticality?: 'low' | 'medium' | 'high' | 'critical';
    criticalInfrastructure?: boolean;
    domains?: string[];
  };
  components: [string, string][];
}

const file = (name: string) => new URL(`./demo/${name}`, import.meta.url);

/** A CycloneDX 1.6 document for a demo asset's Go modules. */
export function demoCycloneDx(a: DemoAsset): string {
  const purl = (name: string, version: string) => `pkg:golang/${name}@${version}`;
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    metadata: { component: { type: 'application', name: a.asset, 'bom-ref': 'app' } },
    components: a.components.map(([name, version]) => ({
      type: 'library',
      'bom-ref': purl(name, version),
      name,
      version,
      purl: purl(name, version),
    })),
  });
}

export async function seedExposureDemo({
  assets,
  advisories,
  actor,
  orgByName,
  print,
}: ExposureDemoInput): Promise<void> {
  const osv = await advisories.importOsvUpload(actor, readFileSync(file('advisories.json')), false);
  await advisories.importKev(actor, readFileSync(file('kev.json')));
  const list = JSON.parse(readFileSync(file('sboms.json'), 'utf8')) as DemoAsset[];
  let opened = 0;
  for (const a of list) {
    const r = await assets.importSbom(
      actor,
      { name: a.asset, org: orgByName(a.org), create: a.create },
      demoCycloneDx(a),
    );
    opened += r.exposures.opened;
  }
  print(
    `demo: ${osv.created} Go advisories (CC-BY-4.0, golang/vulndb), ${list.length} assets with SBOMs, ${opened} exposures`,
  );
}

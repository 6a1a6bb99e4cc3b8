// The intel domain's demo records: a few labelled indicators (a phishing domain, a C2 address
// range, a fraud phone number, a malware hash) shared by the coordination centre and a telecom
// operator under different TLP markings, the extension definition of Bulwark's telecom
// observables, and one sighting, made by matching a log line as the power grid.
import { randomUUID } from 'node:crypto';
import { type Actor, type OrgRef, TLP2_IDS } from '../access/index.ts';
import {
  PHONE_EXTENSION_DEFINITION,
  phoneObservable,
  SHARING_EXTENSION_DEFINITION,
  tlp2Definition,
} from './stix/extensions.ts';
import type { IntelService } from './service.ts';

interface DemoInput {
  intel: IntelService;
  actor: Actor;
  orgByName: (name: string) => string;
  orgRef: (id: string) => Promise<OrgRef | undefined>;
  print: (line: string) => void;
}

function indicator(
  name: string,
  pattern: string,
  tlp: keyof typeof TLP2_IDS,
  types: string[],
): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: now,
    modified: now,
    name: `${name} (demo)`,
    description: 'Demo record: not real intelligence.',
    labels: ['demo'],
    indicator_types: types,
    pattern,
    pattern_type: 'stix',
    valid_from: now,
    confidence: 80,
    object_marking_refs: [TLP2_IDS[tlp]],
  };
}

export async function seedIntelDemo({ intel, actor, orgByName, orgRef, print }: DemoInput): Promise<void> {
  // The demo acts for an organization as its administrator would, through the same service.
  const actorFor = async (orgId: string): Promise<Actor> => ({
    ...actor,
    id: `demo:${orgId}`,
    name: 'demo seeding',
    org: (await orgRef(orgId))!,
  });
  const centre = orgByName('National Cyber Security Coordination Centre (demo)');
  const community = await intel.community();
  const phishing = indicator(
    'Phishing domain imitating the savings bank',
    "[domain-name:value = 'northport-savings-login.example' OR domain-name:value LIKE '%.northport-savings-login.example']",
    'green',
    ['malicious-activity'],
  );
  const c2 = indicator(
    'Botnet command-and-control range',
    "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
    'amber',
    ['malicious-activity'],
  );
  const hash = indicator(
    'Ransomware loader',
    "[file:hashes.'SHA-256' = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']",
    'clear',
    ['malicious-activity'],
  );
  await intel.ingest(actor, community.id, [
    ...Object.keys(TLP2_IDS).map((l) => tlp2Definition(l as keyof typeof TLP2_IDS)),
    PHONE_EXTENSION_DEFINITION,
    SHARING_EXTENSION_DEFINITION,
    phishing,
    c2,
    hash,
  ]);
  const telecom = orgByName('Ridgeford Telecom (demo)');
  const fraud = indicator(
    'Fraud call centre number',
    "[x-bulwark-phone-number:value = '+12025550143']",
    'green',
    ['malicious-activity'],
  );
  await intel.ingest(await actorFor(telecom), (await intel.collectionOf(telecom)).id, [
    phoneObservable('x-bulwark-phone-number--6c3a1c0e-3f4b-5a6d-8e9f-0a1b2c3d4e5f', '+12025550143'),
    fraud,
  ]);
  await intel.engine.rebuild();
  const grid = orgByName('Northport Power Grid (demo)');
  const r = await intel.match(await actorFor(grid), {
    text: 'Oct 3 10:14:07 fw01 DENY tcp 10.20.1.7:51544 -> 203.0.113.45:443 (demo log line)',
  });
  print(
    `intel demo: 4 labelled indicators in the community and telecom collections (centre ${centre.slice(0, 8)}), ${r.hits.length} sighting by the power grid`,
  );
}

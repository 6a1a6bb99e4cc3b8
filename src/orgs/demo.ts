// The demo federation created on the first start of an empty database, so that a newcomer sees a
// working Bulwark at once. Everything here is marked demo; the sign-in details are random, printed
// once and written to <data>/demo-credentials.txt (readable only by the owner).
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Actor, type OrgKind, type OrgRef, ROLES, type Role } from '../access/index.ts';
import { countOrgs } from './repo.ts';
import type { OrgService } from './service.ts';
import type { Database } from '../platform/db/types.ts';

interface DemoOrg {
  key: string;
  name: string;
  kind: Exclude<OrgKind, 'coordination-centre'>;
  parent: string;
  region: string;
  sector?: string;
  critical?: boolean;
}

const ROOT = { name: 'National Cyber Security Coordination Centre (demo)', region: 'BW' };

const ORGS: DemoOrg[] = [
  {
    key: 'north',
    name: 'Northern Province Cyber Office (demo)',
    kind: 'regional-authority',
    parent: 'root',
    region: 'BW-N',
  },
  {
    key: 'south',
    name: 'Southern Province Cyber Office (demo)',
    kind: 'regional-authority',
    parent: 'root',
    region: 'BW-S',
  },
  {
    key: 'northport',
    name: 'Northport City (demo)',
    kind: 'regional-authority',
    parent: 'north',
    region: 'BW-N-01',
  },
  {
    key: 'ridgeford',
    name: 'Ridgeford City (demo)',
    kind: 'regional-authority',
    parent: 'north',
    region: 'BW-N-02',
  },
  {
    key: 'southbay',
    name: 'Southbay City (demo)',
    kind: 'regional-authority',
    parent: 'south',
    region: 'BW-S-01',
  },
  {
    key: 'lakeside',
    name: 'Lakeside City (demo)',
    kind: 'regional-authority',
    parent: 'south',
    region: 'BW-S-02',
  },
  {
    key: 'reg-energy',
    name: 'Energy Regulator (demo)',
    kind: 'sector-regulator',
    parent: 'root',
    region: 'BW',
    sector: 'energy',
  },
  {
    key: 'reg-finance',
    name: 'Financial Regulator (demo)',
    kind: 'sector-regulator',
    parent: 'root',
    region: 'BW',
    sector: 'finance',
  },
  {
    key: 'reg-telecom',
    name: 'Telecom Regulator (demo)',
    kind: 'sector-regulator',
    parent: 'root',
    region: 'BW',
    sector: 'telecom',
  },
  {
    key: 'reg-transport',
    name: 'Transport Regulator (demo)',
    kind: 'sector-regulator',
    parent: 'root',
    region: 'BW',
    sector: 'transport',
  },
  {
    key: 'reg-health',
    name: 'Health Regulator (demo)',
    kind: 'sector-regulator',
    parent: 'root',
    region: 'BW',
    sector: 'health',
  },
  {
    key: 'op-grid',
    name: 'Northport Power Grid (demo)',
    kind: 'operator',
    parent: 'northport',
    region: 'BW-N-01',
    sector: 'energy',
    critical: true,
  },
  {
    key: 'op-bank',
    name: 'Northport Savings Bank (demo)',
    kind: 'operator',
    parent: 'northport',
    region: 'BW-N-01',
    sector: 'finance',
    critical: true,
  },
  {
    key: 'op-telco',
    name: 'Ridgeford Telecom (demo)',
    kind: 'operator',
    parent: 'ridgeford',
    region: 'BW-N-02',
    sector: 'telecom',
    critical: true,
  },
  {
    key: 'op-rail',
    name: 'Ridgeford Rail (demo)',
    kind: 'operator',
    parent: 'ridgeford',
    region: 'BW-N-02',
    sector: 'transport',
  },
  {
    key: 'op-hospital',
    name: 'Ridgeford General Hospital (demo)',
    kind: 'operator',
    parent: 'ridgeford',
    region: 'BW-N-02',
    sector: 'health',
    critical: true,
  },
  {
    key: 'op-water',
    name: 'Southbay Water Utility (demo)',
    kind: 'operator',
    parent: 'southbay',
    region: 'BW-S-01',
    sector: 'energy',
    critical: true,
  },
  {
    key: 'op-port',
    name: 'Southbay Port Authority (demo)',
    kind: 'operator',
    parent: 'southbay',
    region: 'BW-S-01',
    sector: 'transport',
    critical: true,
  },
  {
    key: 'op-insure',
    name: 'Southbay Mutual Insurance (demo)',
    kind: 'operator',
    parent: 'southbay',
    region: 'BW-S-01',
    sector: 'finance',
  },
  {
    key: 'op-isp',
    name: 'Lakeside Broadband (demo)',
    kind: 'operator',
    parent: 'lakeside',
    region: 'BW-S-02',
    sector: 'telecom',
  },
  {
    key: 'op-clinic',
    name: 'Lakeside Clinics Group (demo)',
    kind: 'operator',
    parent: 'lakeside',
    region: 'BW-S-02',
    sector: 'health',
  },
  {
    key: 'op-solar',
    name: 'Lakeside Solar Farm (demo)',
    kind: 'operator',
    parent: 'lakeside',
    region: 'BW-S-02',
    sector: 'energy',
    critical: true,
  },
  {
    key: 'op-pay',
    name: 'Northport Payments (demo)',
    kind: 'operator',
    parent: 'north',
    region: 'BW-N',
    sector: 'finance',
    critical: true,
  },
];

/** One user per role, each in the organization where that role makes most sense. */
const USERS: { username: string; name: string; role: Role; org: string }[] = [
  { username: 'admin', name: 'Demo Administrator', role: 'admin', org: 'root' },
  { username: 'analyst', name: 'Demo CERT Analyst', role: 'analyst', org: 'root' },
  { username: 'responder', name: 'Demo Provincial Responder', role: 'responder', org: 'north' },
  { username: 'reporter', name: 'Demo Operator Security Officer', role: 'reporter', org: 'op-grid' },
  { username: 'auditor', name: 'Demo Auditor', role: 'auditor', org: 'root' },
  { username: 'viewer', name: 'Demo Energy Regulator Viewer', role: 'viewer', org: 'reg-energy' },
];

export interface DemoCredentials {
  username: string;
  password: string;
  role: Role;
  org: string;
}

/** The all-powerful actor of local administration (CLI, seeding): an admin of the root. */
export function systemActor(root: OrgRef): Actor {
  return {
    subject: 'user',
    id: 'system',
    userId: null,
    name: 'system',
    org: root,
    roles: [...ROLES],
    local: true,
  };
}

export async function seedDemoIfEmpty(
  db: Database,
  orgs: OrgService,
  dataDir: string,
  print: (line: string) => void,
): Promise<DemoCredentials[] | null> {
  if ((await countOrgs(db)) > 0) return null;
  const root = await orgs.createRoot({ ...ROOT, demo: true });
  const rootRef = (await orgs.orgRef(root.id))!;
  const actor = systemActor(rootRef);
  const ids = new Map<string, string>([['root', root.id]]);
  for (const o of ORGS) {
    const created = await orgs.createOrg(
      actor,
      {
        name: o.name,
        kind: o.kind,
        parent: ids.get(o.parent)!,
        region: o.region,
        sector: o.sector,
        critical: o.critical,
      },
      { demo: true },
    );
    ids.set(o.key, created.id);
  }
  const creds: DemoCredentials[] = [];
  for (const u of USERS) {
    const password = randomBytes(12).toString('base64url');
    await orgs.createUser(actor, {
      username: u.username,
      name: u.name,
      org: ids.get(u.org)!,
      roles: [u.role],
      password,
    });
    creds.push({
      username: u.username,
      password,
      role: u.role,
      org: u.org === 'root' ? ROOT.name : ORGS.find((o) => o.key === u.org)!.name,
    });
  }
  const lines = [
    'Demo federation created (demo data: not real organizations). Sign-in details, shown once:',
    ...creds.map((c) => `  ${c.username.padEnd(10)} ${c.password}  (${c.role}, ${c.org})`),
  ];
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo-credentials.txt');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  for (const l of lines) print(l);
  print(`  (also written to ${file})`);
  return creds;
}

export const DEMO_ORGS = ORGS;

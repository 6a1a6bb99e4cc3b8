// Contract across domains, for every write operation of the OpenAPI document: a write leaves a
// new ledger commitment (kind, id, version) in the same transaction as the record; a target the
// actor cannot see answers 404, one it sees but may not change 403. An operation the document
// gains must be added here, as a write with its call or as an exemption with the reason: the
// test fails on any operation it does not know. Organizations come from a factory, one set per
// database, instead of renaming the shared demo ones.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { testDatabaseKinds } from '../../src/platform/testing.ts';
import { solvedPow } from '../support/public.ts';

const SBOM = readFileSync(new URL('../fixtures/sbom/cyclonedx-1.4-npm.json', import.meta.url));
const OSV = JSON.parse(readFileSync(new URL('../fixtures/osv/GO-2022-0493.json', import.meta.url), 'utf8'));

/** Operations that write no record of their own, with the reason. */
const EXEMPT: Record<string, string> = {
  'POST /api/v1/session': 'signing in creates a session, not a record',
  'DELETE /api/v1/session': 'signing out ends a session, not a record',
  'POST /api/v1/versions/compare': 'a computation: nothing is stored',
  'POST /api/v1/exposures/rematch':
    'recomputes exposures; each exposure change it makes is committed as kind exposure',
  'POST /api/v1/ledger/cosignatures':
    "a witness's signature on a checkpoint, stored beside the checkpoint it signs",
  'POST /api/v1/users/{id}/unlock': 'clears sign-in delays (throttle state), not a record',
  'POST /api/v1/intel/match': 'a lookup; the sightings it records are committed as intel.sighting',
  'POST /api/v1/intel/feeds':
    "configuration of a remote TAXII server to pull from or push to (it holds that server's credentials), not a shared record",
  'POST /api/v1/intel/feeds/{id}/run':
    'runs a pull or push now; each object a pull stores is committed as intel.object (the TAXII client suite)',
  'DELETE /api/v1/public/reports/contact':
    "deletes the reporter's contact, which is never part of the committed report (the timeline shows it)",
  'POST /api/v1/public-reports/observables/reject':
    'a rejected candidate is aggregation state, not a record (not committed yet: docs/public.md)',
  'POST /api/v1/notifications/read':
    "a reader's read marks on its organization's notifications, not a record",
};

interface Fixture {
  s: TestServer;
  /** An operator organization made for this suite, with an admin token and a viewer token. */
  mine: string;
  admin: string;
  viewer: string;
  /** An unrelated operator organization, invisible to `mine`. */
  other: string;
  otherAdmin: string;
  /** A critical-infrastructure operator under `mine` (incidents are filed by operators), and one under `other`. */
  op: string;
  opAdmin: string;
  opViewer: string;
  otherOpAdmin: string;
}

interface Done {
  kind: string;
  id: string;
  /** How many commitments of the record existed before the write (for writes to existing records). */
  before?: number;
}

interface WriteCase {
  /** Makes a valid call as `mine`'s admin; answers the record it wrote. */
  call(f: Fixture): Promise<Done>;
  /** For operations on one target: its path for a target of `other` (unseen) and of `mine` (seen). */
  target?: (f: Fixture) => Promise<{
    unseen: string;
    seen: string;
    body?: unknown;
    type?: string;
    /** Who tries: by default `mine`'s admin (unseen) and viewer (seen); 'opViewer': the operator's. */
    token?: 'opViewer';
  }>;
}

async function req(
  f: Fixture,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  type = 'application/json',
) {
  const res = await fetch(`${f.s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Buffer
          ? body
          : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function ok(f: Fixture, method: string, path: string, body?: unknown, type?: string, token = f.admin) {
  const r = await req(f, token, method, path, body, type);
  assert.ok(r.status < 300, `${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const QS_ADVISORY = `BW-QS-${process.pid}`;
const REPORT = {
  stage: 'initial-cii',
  content: {
    summary: 'Pumps down',
    impact: 'one plant',
    assessment: 'contained',
    systems: 'SCADA',
    measures: 'isolated',
    contact: 'duty officer',
  },
};

/** A relatively major incident of a critical-infrastructure operator: it owes a 1-hour report. */
async function fileIncident(f: Fixture, token: string): Promise<{ id: string }> {
  const r = await req(f, token, 'POST', '/api/v1/incidents', {
    title: `contract incident ${++serial}`,
    category: 'enisa:intrusions',
    grade: 'relatively-major',
    awareAt: new Date(Date.now() - 600_000).toISOString(),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.id as string };
}

function bundleOf(id: string) {
  const now = new Date().toISOString();
  return {
    type: 'bundle',
    id: `bundle--${randomUUID()}`,
    objects: [
      {
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: now,
        modified: now,
        name: 'contract indicator',
        pattern: "[ipv4-addr:value = '198.51.100.7']",
        pattern_type: 'stix',
        valid_from: now,
        object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
      },
    ],
  };
}

/** An incident of the operator behind `token` linked to an indicator it published; answers the link id. */
async function linkOf(f: Fixture, token: string): Promise<string> {
  const incident = (await fileIncident(f, token)).id;
  const target = `indicator--${randomUUID()}`;
  await ok(f, 'POST', '/api/v1/intel/bundles', { bundle: bundleOf(target) }, undefined, token);
  const b = await ok(f, 'POST', '/api/v1/intel/links', { incident, target }, undefined, token);
  return b.id as string;
}

let serial = 0;
const unique = (p: string) => `${p} ${process.pid}-${++serial}`;

async function makeAsset(f: Fixture, token: string, org: string) {
  const r = await req(f, token, 'POST', '/api/v1/assets', { name: unique('contract asset'), org });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

async function someExposure(f: Fixture, token: string, org: string): Promise<string> {
  const name = unique('exposed');
  const sb = await req(
    f,
    token,
    'POST',
    `/api/v1/sboms?asset=${encodeURIComponent(name)}&org=${org}`,
    SBOM,
    'application/vnd.cyclonedx+json',
  );
  assert.ok(sb.status < 300, JSON.stringify(sb.body));
  const list = await req(f, token, 'GET', `/api/v1/exposures?org=${org}&limit=50`);
  const item = (list.body.items as { id: string; assetName: string }[]).find((e) => e.assetName === name);
  assert.ok(item, 'the npm fixture SBOM matches the advisory imported at start');
  return item.id;
}

const WRITES: Record<string, WriteCase> = {
  'POST /api/v1/orgs': {
    async call(f) {
      const b = await ok(f, 'POST', '/api/v1/orgs', {
        name: unique('child'),
        kind: 'operator',
        parent: f.mine,
        region: 'BW-N-07',
        sector: 'energy',
      });
      return { kind: 'organization', id: b.id as string };
    },
  },
  'PATCH /api/v1/orgs/{id}': {
    async call(f) {
      const b = await ok(f, 'PATCH', `/api/v1/orgs/${f.mine}`, { name: unique('renamed') });
      return { kind: 'organization', id: b.id as string };
    },
    target: async (f) => ({
      unseen: `/api/v1/orgs/${f.other}`,
      seen: `/api/v1/orgs/${f.mine}`,
      body: { name: unique('x') },
    }),
  },
  'POST /api/v1/users': {
    async call(f) {
      const b = await ok(f, 'POST', '/api/v1/users', {
        username: unique('u').replace(/\W/g, ''),
        name: 'Contract user',
        org: f.mine,
        roles: ['viewer'],
        password: 'correct horse battery staple',
      });
      return { kind: 'user', id: b.id as string };
    },
  },
  'PATCH /api/v1/users/{id}': {
    async call(f) {
      const u = await ok(f, 'POST', '/api/v1/users', {
        username: unique('p').replace(/\W/g, ''),
        name: 'Patched',
        org: f.mine,
        roles: ['viewer'],
        password: 'correct horse battery staple',
      });
      const b = await ok(f, 'PATCH', `/api/v1/users/${u.id}`, { name: 'Patched again' });
      return { kind: 'user', id: b.id as string };
    },
    target: async (f) => {
      const mine = await ok(f, 'POST', '/api/v1/users', {
        username: unique('s').replace(/\W/g, ''),
        name: 'Seen',
        org: f.mine,
        roles: ['viewer'],
        password: 'correct horse battery staple',
      });
      const other = await req(f, f.otherAdmin, 'POST', '/api/v1/users', {
        username: unique('o').replace(/\W/g, ''),
        name: 'Unseen',
        org: f.other,
        roles: ['viewer'],
        password: 'correct horse battery staple',
      });
      return {
        unseen: `/api/v1/users/${other.body.id}`,
        seen: `/api/v1/users/${mine.id}`,
        body: { name: 'x' },
      };
    },
  },
  'POST /api/v1/tokens': {
    async call(f) {
      const b = await ok(f, 'POST', '/api/v1/tokens', { name: unique('token'), org: f.mine, role: 'viewer' });
      return { kind: 'token', id: ((b.meta ?? b) as { id: string }).id };
    },
  },
  'DELETE /api/v1/tokens/{id}': {
    async call(f) {
      const t = await ok(f, 'POST', '/api/v1/tokens', {
        name: unique('revoked'),
        org: f.mine,
        role: 'viewer',
      });
      const id = ((t.meta ?? t) as { id: string }).id;
      await ok(f, 'DELETE', `/api/v1/tokens/${id}`);
      return { kind: 'token', id };
    },
    target: async (f) => {
      const mine = await ok(f, 'POST', '/api/v1/tokens', {
        name: unique('seen'),
        org: f.mine,
        role: 'viewer',
      });
      const other = await req(f, f.otherAdmin, 'POST', '/api/v1/tokens', {
        name: unique('unseen'),
        org: f.other,
        role: 'viewer',
      });
      const id = (b: Record<string, unknown>) => ((b.meta ?? b) as { id: string }).id;
      return { unseen: `/api/v1/tokens/${id(other.body)}`, seen: `/api/v1/tokens/${id(mine)}` };
    },
  },
  'POST /api/v1/assets': {
    async call(f) {
      return { kind: 'asset', id: await makeAsset(f, f.admin, f.mine) };
    },
  },
  'PATCH /api/v1/assets/{id}': {
    async call(f) {
      const id = await makeAsset(f, f.admin, f.mine);
      await ok(f, 'PATCH', `/api/v1/assets/${id}`, { criticality: 'high' });
      return { kind: 'asset', id };
    },
    target: async (f) => ({
      unseen: `/api/v1/assets/${await makeAsset(f, f.otherAdmin, f.other)}`,
      seen: `/api/v1/assets/${await makeAsset(f, f.admin, f.mine)}`,
      body: { criticality: 'low' },
    }),
  },
  'POST /api/v1/assets/{id}/sboms': {
    async call(f) {
      const id = await makeAsset(f, f.admin, f.mine);
      const b = await ok(f, 'POST', `/api/v1/assets/${id}/sboms`, SBOM, 'application/vnd.cyclonedx+json');
      return { kind: 'sbom', id: (b.sbom as { id: string }).id };
    },
    target: async (f) => ({
      unseen: `/api/v1/assets/${await makeAsset(f, f.otherAdmin, f.other)}/sboms`,
      seen: `/api/v1/assets/${await makeAsset(f, f.admin, f.mine)}/sboms`,
      body: SBOM,
      type: 'application/vnd.cyclonedx+json',
    }),
  },
  'POST /api/v1/sboms': {
    async call(f) {
      const b = await ok(
        f,
        'POST',
        `/api/v1/sboms?asset=${encodeURIComponent(unique('uploaded'))}&org=${f.mine}`,
        SBOM,
        'application/vnd.cyclonedx+json',
      );
      return { kind: 'sbom', id: (b.sbom as { id: string }).id };
    },
  },
  'POST /api/v1/advisories': {
    async call(f) {
      // Reference data is the coordination centre's to publish.
      const id = `BW-CONTRACT-${process.pid}-${++serial}`;
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const r = await req(f, centre, 'POST', '/api/v1/advisories', {
        ...OSV,
        id,
        modified: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.ok(r.status < 300, JSON.stringify(r.body));
      return { kind: 'advisory', id };
    },
  },
  'POST /api/v1/kev': {
    async call(f) {
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const kev = {
        title: 'contract KEV',
        catalogVersion: `2026.11.${++serial}`,
        dateReleased: new Date(Date.now() - 60_000).toISOString(),
        count: 1,
        vulnerabilities: [
          {
            cveID: 'CVE-2022-29526',
            vendorProject: 'Go',
            product: 'Go',
            vulnerabilityName: 'contract',
            dateAdded: '2026-01-01',
            shortDescription: 'contract',
            requiredAction: 'update',
            dueDate: '2026-02-01',
            knownRansomwareCampaignUse: 'Unknown',
            notes: '',
          },
        ],
      };
      const r = await req(f, centre, 'POST', '/api/v1/kev', kev);
      assert.ok(r.status < 300, JSON.stringify(r.body));
      return { kind: 'kev-catalog', id: kev.catalogVersion };
    },
  },
  'POST /api/v1/csaf': {
    async call(f) {
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const doc = JSON.parse(
        readFileSync(
          new URL('../../../shared/data/csaf/examples/bsi-2022-0001.json', import.meta.url),
          'utf8',
        ),
      );
      doc.document.tracking.id = `BW-CONTRACT-CSAF-${process.pid}-${++serial}`;
      const r = await req(f, centre, 'POST', '/api/v1/csaf', doc);
      assert.ok(r.status < 300, JSON.stringify(r.body));
      return { kind: 'advisory', id: `${doc.document.tracking.id}_CVE-2022-27193` };
    },
  },
  'POST /api/v1/epss': {
    async call(f) {
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const date = `2026-0${1 + (++serial % 9)}-1${serial % 10}`;
      const csv = `#model_version:contract-${process.pid}-${serial},score_date:${date}T00:00:00+0000\ncve,epss,percentile\nCVE-2022-29526,0.1,0.5\n`;
      const r = await req(f, centre, 'POST', '/api/v1/epss', csv, 'text/csv');
      assert.ok(r.status < 300, JSON.stringify(r.body));
      return { kind: 'epss-scores', id: `contract-${process.pid}-${serial}/${date}` };
    },
  },
  'PATCH /api/v1/exposures/{id}': {
    async call(f) {
      const id = await someExposure(f, f.admin, f.mine);
      await ok(f, 'PATCH', `/api/v1/exposures/${id}`, { status: 'acknowledged', note: 'contract' });
      return { kind: 'exposure', id };
    },
    target: async (f) => ({
      unseen: `/api/v1/exposures/${await someExposure(f, f.otherAdmin, f.other)}`,
      seen: `/api/v1/exposures/${await someExposure(f, f.admin, f.mine)}`,
      body: { status: 'acknowledged' },
    }),
  },
  'POST /api/v1/exposures/status': {
    async call(f) {
      const id = await someExposure(f, f.admin, f.mine);
      await ok(f, 'POST', '/api/v1/exposures/status', { ids: [id], status: 'acknowledged' });
      return { kind: 'exposure', id };
    },
  },
  'POST /api/v1/public/reports': {
    async call(f) {
      const r = await fileReport(f);
      return { kind: 'public.report', id: r.id };
    },
  },
  'POST /api/v1/public/reports/supplements': {
    async call(f) {
      const r = await fileReport(f);
      const res = await fetch(`${f.s.url}/api/v1/public/reports/supplements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-receipt-token': r.receiptToken },
        body: JSON.stringify({ text: 'contract supplement' }),
      });
      assert.equal(res.status, 201, await res.text());
      return { kind: 'public.report', id: r.id };
    },
  },
  'POST /api/v1/public/reports/attachments': {
    async call(f) {
      const r = await fileReport(f);
      const res = await fetch(`${f.s.url}/api/v1/public/reports/attachments`, {
        method: 'POST',
        headers: { 'content-type': 'application/pdf', 'x-receipt-token': r.receiptToken },
        body: '%PDF-1.4\n%%EOF\n',
      });
      assert.equal(res.status, 201, await res.text());
      return { kind: 'public.report', id: r.id };
    },
  },
  'POST /api/v1/public-reports/{id}/decisions': {
    async call(f) {
      const r = await fileReport(f);
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      const d = await req(f, centre, 'POST', `/api/v1/public-reports/${r.id}/decisions`, {
        decision: 'benign',
        reason: 'contract decision',
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      return { kind: 'public.report', id: r.id };
    },
  },
  'POST /api/v1/public-reports/observables/promote': {
    async call(f) {
      const url = `http://contract-${process.pid}-${++serial}.example/login`;
      await fileReport(f, [{ type: 'url', value: url }]);
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      const p = await req(f, centre, 'POST', '/api/v1/public-reports/observables/promote', {
        type: 'url',
        key: url,
      });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      return { kind: 'public.observable', id: `url:${url}` };
    },
  },
  'POST /api/v1/public-reports/indicator-actions': {
    async call(f) {
      const url = `http://contract-${process.pid}-${++serial}.example/acted`;
      await fileReport(f, [{ type: 'url', value: url }]);
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      const p = await req(f, centre, 'POST', '/api/v1/public-reports/observables/promote', {
        type: 'url',
        key: url,
      });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      const indicator = (p.body as { indicatorId: string }).indicatorId;
      const a = await req(f, f.opAdmin, 'POST', '/api/v1/public-reports/indicator-actions', {
        indicator,
        action: 'blocked',
      });
      assert.equal(a.status, 204, JSON.stringify(a.body));
      return { kind: 'public.indicator-action', id: `${indicator}/${f.op}` };
    },
  },
  'POST /api/v1/incidents': {
    async call(f) {
      return { kind: 'incident', id: (await fileIncident(f, f.opAdmin)).id };
    },
  },
  'PATCH /api/v1/incidents/{id}': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const before = (await commitments(f.s, 'incident', id)).length;
      await ok(f, 'PATCH', `/api/v1/incidents/${id}`, { title: 'Renamed incident' }, undefined, f.opAdmin);
      return { kind: 'incident', id, before };
    },
    target: async (f) => ({
      unseen: `/api/v1/incidents/${(await fileIncident(f, f.otherOpAdmin)).id}`,
      seen: `/api/v1/incidents/${(await fileIncident(f, f.opAdmin)).id}`,
      body: { title: 'x' },
      token: 'opViewer',
    }),
  },
  'POST /api/v1/incidents/{id}/reports': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const b = await ok(f, 'POST', `/api/v1/incidents/${id}/reports`, REPORT, undefined, f.opAdmin);
      return { kind: 'incident-report', id: b.id as string };
    },
  },
  'POST /api/v1/incidents/{id}/requests': {
    async call(f) {
      const r = await req(f, f.opAdmin, 'POST', '/api/v1/incidents', {
        title: `contract incident ${++serial}`,
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: new Date(Date.now() - 600_000).toISOString(),
        regime: 'eu-nis2',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      const before = (await commitments(f.s, 'incident', id)).length;
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'analyst');
      await ok(f, 'POST', `/api/v1/incidents/${id}/requests`, { stage: 'intermediate' }, undefined, centre);
      return { kind: 'incident', id, before };
    },
  },
  'POST /api/v1/incidents/{id}/attachments': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const b = await ok(
        f,
        'POST',
        `/api/v1/incidents/${id}/attachments?name=evidence.txt`,
        'evidence',
        'text/plain',
        f.opAdmin,
      );
      return { kind: 'incident-attachment', id: b.id as string };
    },
    target: async (f) => ({
      unseen: `/api/v1/incidents/${(await fileIncident(f, f.otherOpAdmin)).id}/attachments?name=x.txt`,
      seen: `/api/v1/incidents/${(await fileIncident(f, f.opAdmin)).id}/attachments?name=x.txt`,
      body: 'x',
      type: 'text/plain',
      token: 'opViewer',
    }),
  },
  'POST /api/v1/incidents/regimes': {
    async call(f) {
      // Regimes are the coordination centre's administrators' to add.
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const cn = await req(f, centre, 'GET', '/api/v1/incidents/regimes/cn-2025');
      const id = `bw-contract-${process.pid}`;
      const def = { ...(cn.body.current as { definition: object }).definition, id };
      const r = await req(f, centre, 'POST', '/api/v1/incidents/regimes', def);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { kind: 'incident-regime', id };
    },
  },
  'PUT /api/v1/incidents/regimes/{regimeId}': {
    async call(f) {
      const centre = await f.s.token(f.s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const cn = await req(f, centre, 'GET', '/api/v1/incidents/regimes/eu-nis2');
      const before = (await commitments(f.s, 'incident-regime', 'eu-nis2')).length;
      const r = await req(
        f,
        centre,
        'PUT',
        '/api/v1/incidents/regimes/eu-nis2',
        (cn.body.current as { definition: object }).definition,
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return { kind: 'incident-regime', id: 'eu-nis2', before };
    },
  },
  'POST /api/v1/incidents/{id}/timeline': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const b = await ok(
        f,
        'POST',
        `/api/v1/incidents/${id}/timeline`,
        { text: 'On site.' },
        undefined,
        f.opAdmin,
      );
      return { kind: 'incident-comment', id: (b.data as { commentId: string }).commentId };
    },
  },
  'POST /api/v1/incidents/{id}/tasks': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const b = await ok(
        f,
        'POST',
        `/api/v1/incidents/${id}/tasks`,
        { title: 'Isolate the PLCs' },
        undefined,
        f.opAdmin,
      );
      return { kind: 'incident-task', id: b.id as string };
    },
  },
  'PATCH /api/v1/incidents/{id}/tasks/{taskId}': {
    async call(f) {
      const id = (await fileIncident(f, f.opAdmin)).id;
      const t = await ok(
        f,
        'POST',
        `/api/v1/incidents/${id}/tasks`,
        { title: 'Rotate keys' },
        undefined,
        f.opAdmin,
      );
      const before = (await commitments(f.s, 'incident-task', t.id as string)).length;
      await ok(f, 'PATCH', `/api/v1/incidents/${id}/tasks/${t.id}`, { status: 'done' }, undefined, f.opAdmin);
      return { kind: 'incident-task', id: t.id as string, before };
    },
  },
  'PATCH /api/v1/incident-profiles/{id}': {
    async call(f) {
      const before = (await commitments(f.s, 'incident-profile', f.op)).length;
      await ok(f, 'PATCH', `/api/v1/incident-profiles/${f.op}`, { timeZone: 'Asia/Shanghai' });
      return { kind: 'incident-profile', id: f.op, before };
    },
  },
  'POST /api/v1/subscriptions': {
    async call(f) {
      return { kind: 'notify-subscription', id: await subscribe(f, f.admin, f.mine) };
    },
  },
  'PATCH /api/v1/subscriptions/{id}': {
    async call(f) {
      const id = await subscribe(f, f.admin, f.mine);
      await ok(f, 'PATCH', `/api/v1/subscriptions/${id}`, { active: false });
      return { kind: 'notify-subscription', id, before: 1 };
    },
    target: async (f) => ({
      unseen: `/api/v1/subscriptions/${await subscribe(f, f.otherAdmin, f.other)}`,
      seen: `/api/v1/subscriptions/${await subscribe(f, f.admin, f.mine)}`,
      body: { active: false },
    }),
  },
  'DELETE /api/v1/subscriptions/{id}': {
    async call(f) {
      const id = await subscribe(f, f.admin, f.mine);
      await ok(f, 'DELETE', `/api/v1/subscriptions/${id}`);
      return { kind: 'notify-subscription', id, before: 1 };
    },
    target: async (f) => ({
      unseen: `/api/v1/subscriptions/${await subscribe(f, f.otherAdmin, f.other)}`,
      seen: `/api/v1/subscriptions/${await subscribe(f, f.admin, f.mine)}`,
    }),
  },
  'POST /api/v1/intel/bundles': {
    async call(f) {
      const id = `indicator--${randomUUID()}`;
      await ok(f, 'POST', '/api/v1/intel/bundles', { bundle: bundleOf(id) });
      return { kind: 'intel.object', id };
    },
  },
  'POST /api/v1/intel/objects/{id}/revoke': {
    async call(f) {
      const id = `indicator--${randomUUID()}`;
      await ok(f, 'POST', '/api/v1/intel/bundles', { bundle: bundleOf(id) });
      const before = (await commitments(f.s, 'intel.object', id)).length;
      await ok(f, 'POST', `/api/v1/intel/objects/${id}/revoke`, {});
      return { kind: 'intel.object', id, before };
    },
  },
  'POST /api/v1/intel/links': {
    async call(f) {
      return { kind: 'intel.incident-link', id: await linkOf(f, f.opAdmin) };
    },
  },
  'DELETE /api/v1/intel/links/{id}': {
    async call(f) {
      const id = await linkOf(f, f.opAdmin);
      await ok(f, 'DELETE', `/api/v1/intel/links/${id}`, undefined, undefined, f.opAdmin);
      return { kind: 'intel.incident-link', id, before: 1 };
    },
    target: async (f) => ({
      unseen: `/api/v1/intel/links/${await linkOf(f, f.otherOpAdmin)}`,
      seen: `/api/v1/intel/links/${await linkOf(f, f.opAdmin)}`,
      token: 'opViewer',
    }),
  },
  'POST /api/v1/vex': {
    async call(f) {
      const id = await someExposure(f, f.admin, f.mine);
      const before = (await commitments(f.s, 'exposure', id)).length;
      await ok(f, 'POST', '/api/v1/vex', {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': `https://example.org/vex/${randomUUID()}`,
        author: 'Contract test',
        timestamp: new Date().toISOString(),
        version: 1,
        statements: [
          {
            vulnerability: { name: QS_ADVISORY },
            products: [{ '@id': 'pkg:npm/qs@6.7.0' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      });
      return { kind: 'exposure', id, before };
    },
  },
};

/** A webhook subscription of an organization (a public address literal: nothing resolves, nothing is sent). */
async function subscribe(f: Fixture, token: string, org: string): Promise<string> {
  const r = await req(f, token, 'POST', '/api/v1/subscriptions', {
    org,
    channel: 'webhook',
    target: 'https://93.184.215.14/contract-hook',
    events: ['contract.none'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

/** Files a public report through the public route, solving its proof of work. */
async function fileReport(f: Fixture, observables: { type: string; value: string }[] = []) {
  const res = await fetch(`${f.s.url}/api/v1/public/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      category: 'fraud.other',
      narrative: unique('contract report'),
      observables,
      pow: await solvedPow(f.s.url),
    }),
  });
  const body = (await res.json()) as { id: string; receiptToken: string };
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

async function commitments(s: TestServer, kind: string, id: string): Promise<number[]> {
  const r = await s.ctx.db.query<{ v: number }>(
    'SELECT record_version AS v FROM ledger_commitments WHERE record_kind = $1 AND record_id = $2 ORDER BY 1',
    [kind, id],
  );
  return r.rows.map((x) => Number(x.v));
}

for (const kind of testDatabaseKinds()) {
  describe(`write contract on ${kind.name}`, { skip: kind.skip, timeout: 300_000 }, () => {
    let f: Fixture;
    let dispose: () => Promise<void>;
    const operations: string[] = [];
    before(async () => {
      const tdb = await kind.open();
      const s = await startTestServer(tdb.db);
      dispose = async () => {
        await s.close();
        await tdb.dispose();
      };
      // The factory: two cities of this suite's own, in different provinces, that cannot see each other.
      const actor = systemActor((await s.ctx.orgs.root())!);
      const make = async (name: string, parent: string, region: string) =>
        (
          await s.ctx.orgs.createOrg(actor, {
            name: unique(name),
            kind: 'regional-authority',
            parent,
            region,
          })
        ).id;
      const mine = await make('contract city', s.orgId('Northern Province Cyber Office'), 'BW-N-07');
      const other = await make('contract elsewhere', s.orgId('Southern Province Cyber Office'), 'BW-S-07');
      const tok = (org: string, role: Role) => s.token(org, role);
      f = {
        s,
        mine,
        other,
        admin: await tok(mine, 'admin'),
        viewer: await tok(mine, 'viewer'),
        otherAdmin: await tok(other, 'admin'),
        op: '',
        opAdmin: '',
        opViewer: '',
        otherOpAdmin: '',
      };
      const operator = async (name: string, parent: string, region: string) =>
        (
          await s.ctx.orgs.createOrg(actor, {
            name: unique(name),
            kind: 'operator',
            parent,
            region,
            sector: 'water',
            critical: true,
          })
        ).id;
      f.op = await operator('contract waterworks', mine, 'BW-N-07');
      f.opAdmin = await tok(f.op, 'admin');
      f.opViewer = await tok(f.op, 'viewer');
      f.otherOpAdmin = await tok(await operator('contract elsewhere works', other, 'BW-S-07'), 'admin');
      // An advisory that the npm fixture SBOM matches, so exposures exist to change.
      const centre = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const qs = {
        schema_version: '1.6.0',
        id: QS_ADVISORY,
        modified: new Date(Date.now() - 3600_000).toISOString(),
        summary: 'qs prototype pollution (contract fixture)',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'qs' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '99.0.0' }] }],
          },
        ],
      };
      const r = await req(f, centre, 'POST', '/api/v1/advisories', qs);
      assert.ok(r.status < 300, JSON.stringify(r.body));
      const doc = (await (await fetch(`${s.url}/api/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [path, ops] of Object.entries(doc.paths))
        for (const m of Object.keys(ops))
          if (['post', 'put', 'patch', 'delete'].includes(m) && path.startsWith('/api/v1/'))
            operations.push(`${m.toUpperCase()} ${path}`);
    });
    after(async () => dispose?.());

    test('every write operation of the document is known to this contract', () => {
      const unknown = operations.filter((o) => !WRITES[o] && !EXEMPT[o]);
      assert.deepEqual(
        unknown,
        [],
        `add each to WRITES (with a valid call) or EXEMPT (with the reason): ${unknown.join('; ')}`,
      );
      const gone = [...Object.keys(WRITES), ...Object.keys(EXEMPT)].filter((o) => !operations.includes(o));
      assert.deepEqual(gone, [], 'operations listed here that the document no longer has');
    });

    test('each write leaves a new ledger commitment of its record', async () => {
      for (const [op, c] of Object.entries(WRITES)) {
        if (!operations.includes(op)) continue;
        const done = await c.call(f);
        const versions = await commitments(f.s, done.kind, done.id);
        assert.ok(
          versions.length > (done.before ?? 0),
          `${op}: no new ledger commitment of ${done.kind} ${done.id}`,
        );
        assert.equal(
          new Set(versions).size,
          versions.length,
          `${op}: versions of ${done.kind} ${done.id} are unique`,
        );
      }
    });

    test('an unseen target answers 404, a seen one the actor may not change 403', async () => {
      for (const [op, c] of Object.entries(WRITES)) {
        if (!c.target || !operations.includes(op)) continue;
        const method = op.split(' ')[0]!;
        const t = await c.target(f);
        const unseen = await req(f, t.token ? f.opAdmin : f.admin, method, t.unseen, t.body, t.type);
        assert.equal(
          unseen.status,
          404,
          `${op} on another organization's target: ${JSON.stringify(unseen.body)}`,
        );
        const seen = await req(f, t.token ? f.opViewer : f.viewer, method, t.seen, t.body, t.type);
        assert.equal(
          seen.status,
          403,
          `${op} by a viewer of the target's organization: ${JSON.stringify(seen.body)}`,
        );
      }
    });
  });
}

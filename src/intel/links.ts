// Incidents link indicators and sightings (issue 11, across domains): the link is intel's own
// record (intel_incident_links), the incident is the incidents domain's, reached through the port
// the composition root connects (its service's visibility rule: 404 for an incident the caller
// may not see). Linking needs write rights on the incident's organization and sight of the target
// (a STIX indicator or sighting by its TLP, or a matcher sighting); a reader sees a link only when it
// sees both the incident's organization and the target, so a link never reveals either. Each link
// and its removal are committed to the ledger (kind intel.incident-link).
import { randomUUID } from 'node:crypto';
import { type Actor, assertCan, type OrgRef, TLP_LEVELS, visibleOrgsSql } from '../access/index.ts';
import { commitRecords } from '../ledger/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import * as repo from './repo.ts';
import type { CreateLink } from './schema.ts';
import type { IntelService } from './service.ts';

/** What intel needs of the incidents domain: the incident if the caller may see it (else a 404 error). */
export interface IncidentLookup {
  get(actor: Actor, id: string): Promise<{ id: string; org: string; title: string }>;
}

const STIX_TARGET = /^(indicator|sighting)--[0-9a-f-]{36}$/i;

export class LinkService {
  private incidents?: IncidentLookup;

  constructor(
    private readonly db: Database,
    private readonly intel: IntelService,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
  ) {}

  /** Connected by the composition root (intel does not depend on how incidents are stored). */
  connectIncidents(lookup: IncidentLookup): void {
    this.incidents = lookup;
  }

  private async incident(actor: Actor, id: string) {
    if (!this.incidents) throw errors.unavailable('Incidents are not connected in this process.');
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw errors.notFound('The incident');
    return this.incidents.get(actor, id);
  }

  /** The target as the caller sees it, or undefined when it does not exist for the caller. */
  private async describe(actor: Actor, target: string) {
    if (STIX_TARGET.test(target)) {
      const [o] = await this.intel.latestVisible(actor, [target]);
      if (!o) return undefined;
      const body = JSON.parse(o.body) as Record<string, unknown>;
      return {
        kind: (o.type === 'sighting' ? 'sighting' : 'indicator') as 'indicator' | 'sighting',
        type: o.type,
        name: typeof body.name === 'string' ? body.name : null,
        tlp: TLP_LEVELS[o.tlp]!,
        indicator:
          o.type === 'indicator'
            ? o.stixId
            : typeof body.sighting_of_ref === 'string'
              ? body.sighting_of_ref
              : null,
        pattern: typeof body.pattern === 'string' ? body.pattern : null,
        count: typeof body.count === 'number' ? body.count : null,
        lastSeen: typeof body.last_seen === 'string' ? body.last_seen : null,
      };
    }
    const s = await this.intel.visibleSighting(actor, target);
    if (!s) return undefined;
    const body = JSON.parse(s.indicator.body) as Record<string, unknown>;
    return {
      kind: 'sighting' as const,
      type: 'matcher-sighting',
      name: s.sighting.indicatorName,
      tlp: TLP_LEVELS[s.indicator.tlp]!,
      indicator: s.sighting.indicatorId,
      pattern: typeof body.pattern === 'string' ? body.pattern : null,
      count: s.sighting.count,
      lastSeen: new Date(s.sighting.lastSeen).toISOString(),
    };
  }

  private present(
    l: repo.LinkRow,
    target: NonNullable<Awaited<ReturnType<LinkService['describe']>>>,
    title: string | null,
  ) {
    return {
      id: l.id,
      incident: l.incidentId,
      incidentTitle: title,
      org: l.orgId,
      target: l.target,
      note: l.note,
      createdBy: l.createdBy,
      createdAt: new Date(l.createdAt).toISOString(),
      ...target,
      kind: l.kind,
    };
  }

  async create(actor: Actor, input: CreateLink) {
    const inc = await this.incident(actor, input.incident);
    const org = await this.orgRef(inc.org);
    if (!org) throw errors.notFound('The incident');
    assertCan(actor, 'write', org, 'The incident');
    const target = await this.describe(actor, input.target);
    if (!target)
      throw errors.unprocessable('The target is no indicator or sighting you may see.', [
        {
          pointer: '/target',
          detail: 'an indicator or sighting id (STIX) or a matcher sighting id you may see',
        },
      ]);
    const id = randomUUID();
    const row = await this.db.transaction(async (tx) => {
      const r = await repo.insertLink(tx, {
        id,
        incidentId: inc.id,
        orgId: inc.org,
        kind: target.kind,
        target: input.target,
        note: input.note ?? '',
        createdBy: actor.name,
      });
      if (!r) throw errors.conflict('The incident already links that target.');
      await commitRecords(tx, [
        {
          kind: 'intel.incident-link',
          id,
          version: 1,
          org: inc.org,
          record: { incident: inc.id, kind: target.kind, target: input.target, note: r.note },
        },
      ]);
      return r;
    });
    return this.present(row, target, inc.title);
  }

  /** The links of an incident the caller sees, or the links to a target among incidents it sees. */
  async list(actor: Actor, q: { incident?: string; target?: string }) {
    if (!q.incident && !q.target)
      throw errors.badRequest("Name an incident ('incident') or a target ('target').");
    let title: string | null = null;
    if (q.incident) title = (await this.incident(actor, q.incident)).title;
    const rows = await repo.listLinks(
      this.db,
      (col, p) => visibleOrgsSql(actor, col, p),
      { incidentId: q.incident, target: q.target },
      500,
    );
    const out = [];
    for (const l of rows) {
      const target = await this.describe(actor, l.target);
      if (!target) continue;
      let incTitle = title;
      if (!q.incident) {
        const inc = await this.incidents?.get(actor, l.incidentId).catch(() => undefined);
        if (!inc) continue;
        incTitle = inc.title;
      }
      out.push(this.present(l, target, incTitle));
    }
    return out;
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const l = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findLink(this.db, id) : undefined;
    if (!l) throw errors.notFound('The link');
    // 404 unless the caller sees the incident; 403 unless it may write for its organization.
    await this.incident(actor, l.incidentId).catch(() => {
      throw errors.notFound('The link');
    });
    const org = await this.orgRef(l.orgId);
    if (!org) throw errors.notFound('The link');
    assertCan(actor, 'write', org, 'The link');
    await this.db.transaction(async (tx) => {
      await repo.deleteLink(tx, id);
      await commitRecords(tx, [
        {
          kind: 'intel.incident-link',
          id,
          version: 2,
          org: l.orgId,
          record: { incident: l.incidentId, target: l.target, deleted: true },
        },
      ]);
    });
  }
}

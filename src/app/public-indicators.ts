// The public reporting portal's IndicatorPublisher, implemented with the threat-intelligence
// domain: a confirmed observable becomes a STIX 2.1 indicator in the federation's community
// collection (every member reads it; each object reaches whom its TLP allows). TLP:CLEAR kinds
// (URLs, domains) reach everyone; the others are TLP:AMBER+STRICT, shared (Bulwark's sharing-group
// marking) with the operators that act on the kind:
// telecoms for phone numbers and sender ids, banks for accounts and wallets — so a telecom's TAXII
// pull gets a reported number and a bank's does not. A validity extension is a new version of the
// same indicator (same id and created, a later modified), so a TAXII client polling with
// `added_after` receives it.
import { randomUUID } from 'node:crypto';
import { type Actor, TLP2_IDS } from '../access/index.ts';
import type { IntelService } from '../intel/index.ts';
import type { LedgerService } from '../ledger/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import type { IndicatorPublisher, ObservableKind, ReportReceipts } from '../public/index.ts';
import { errors } from '../platform/errors.ts';

// Intel's sharing-group extension definition (src/intel/stix/extensions.ts); intel's index.ts does
// not export it (nor a publish function) yet, so the id is repeated here.
const SHARING_EXTENSION_ID = 'extension-definition--7e1f3a5c-9b2d-4e6f-a8c0-1d3e5f7a9b2c';

const SECTOR_OF_AUDIENCE: Record<string, string | undefined> = {
  telecom: 'telecom',
  finance: 'finance',
  hosting: undefined,
};

/** The STIX pattern of a canonical observable (Bulwark's x- types where STIX has no observable). */
export function patternOf(kind: ObservableKind, key: string): string {
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  switch (kind) {
    case 'phone':
      return `[x-bulwark-phone-number:value = ${q(key)}]`;
    case 'sender-id':
      return `[x-bulwark-sms-sender:value = ${q(key.slice(key.indexOf(':') + 1))}]`;
    case 'url':
      return `[url:value = ${q(key)}]`;
    case 'domain':
      return `[domain-name:value = ${q(key)}]`;
    case 'email':
      return `[email-addr:value = ${q(key)}]`;
    default:
      return `[x-bulwark-${kind}:value = ${q(key)}]`;
  }
}

export function intelIndicatorPublisher(intel: IntelService, orgs: OrgService): IndicatorPublisher {
  return {
    async publish(actor: Actor, input) {
      const now = new Date().toISOString();
      const id = `indicator--${randomUUID()}`;
      const indicator: Record<string, unknown> = {
        type: 'indicator',
        spec_version: '2.1',
        id,
        created: now,
        modified: now,
        name: input.name,
        description: input.description,
        pattern: patternOf(input.kind, input.key),
        pattern_type: 'stix',
        valid_from: now,
        valid_until: input.validUntil.toISOString(),
        indicator_types: ['malicious-activity'],
        labels: ['public-report', input.kind],
      };
      const sector = SECTOR_OF_AUDIENCE[input.audience];
      const operators = (await orgs.listOrgs(actor, { kind: 'operator', ...(sector ? { sector } : {}) })).map(
        (o) => o.id,
      );
      let result: Awaited<ReturnType<IntelService['ingest']>>;
      if (input.tlp === 'clear') {
        indicator.object_marking_refs = [TLP2_IDS.clear];
        result = await intel.ingest(actor, (await intel.community()).id, [indicator]);
      } else {
        const marking = {
          type: 'marking-definition',
          spec_version: '2.1',
          id: `marking-definition--${randomUUID()}`,
          created: now,
          name: `Bulwark sharing: ${input.audience} operators`,
          extensions: {
            [SHARING_EXTENSION_ID]: { extension_type: 'property-extension', organizations: operators },
          },
        };
        // AMBER+STRICT: the named operators only (plain AMBER would reach every subordinate of the centre).
        indicator.object_marking_refs = [TLP2_IDS['amber+strict'], marking.id];
        result = await intel.ingest(actor, (await intel.community()).id, [marking, indicator]);
      }
      const failed = result.outcomes.find((o) => o.status === 'failure');
      if (failed)
        throw errors.unprocessable(
          `The indicator was refused by threat intelligence: ${failed.message ?? 'invalid'}`,
        );
      return { indicatorId: id, sharedWith: operators.length };
    },

    // As the portal (the coordination centre's local administrator, the organization every public
    // indicator is authored by): the sweeper acts for no one. The new version is the current one
    // with a later `modified` and the new `valid_until`, nothing else changed: the same markings
    // reach the same operators (a sharing-group marking is read from the store by intel's ingest).
    async extend(input) {
      const actor = await localAdministrator(orgs);
      const community = (await intel.community()).id;
      const [current] = (
        await intel.page(
          actor,
          community,
          { ids: [input.indicatorId], versions: ['last'], limit: 1 },
          'objects',
        )
      ).rows;
      if (!current) throw errors.notFound('The indicator');
      const o = JSON.parse(current.body) as Record<string, unknown>;
      if (o.revoked === true)
        throw errors.conflict(
          'The indicator is revoked in threat intelligence: its validity is not extended.',
        );
      const has = typeof o.valid_until === 'string' ? new Date(o.valid_until) : undefined;
      if (has && has.getTime() >= input.validUntil.getTime()) return { validUntil: has, extended: false };
      let modified = new Date().toISOString();
      if (typeof o.modified === 'string' && modified <= o.modified)
        modified = new Date(new Date(o.modified).getTime() + 1).toISOString();
      const result = await intel.ingest(actor, community, [
        { ...o, modified, valid_until: input.validUntil.toISOString() },
      ]);
      const failed = result.outcomes.find((x) => x.status === 'failure');
      if (failed)
        throw errors.unprocessable(
          `The indicator's new version was refused by threat intelligence: ${failed.message ?? 'invalid'}`,
        );
      return { validUntil: input.validUntil, extended: true };
    },
  };
}

// The reporter's receipt is the ledger's, read as the local administrator: the receipt token is the
// reporter's credential, checked by the public service before it asks.
export function ledgerReportReceipts(ledger: LedgerService, orgs: OrgService): ReportReceipts {
  return {
    async receiptOf(kind, id, version) {
      try {
        const r = await ledger.receipt(await localAdministrator(orgs), kind, id, version);
        return {
          leafIndex: r.leafIndex,
          treeSize: r.treeSize,
          commitment: r.entry.commitment,
          receipt: r.receipt,
        };
      } catch (err) {
        if ((err as { slug?: string }).slug === 'not-yet-in-log') return undefined;
        throw err;
      }
    },
  };
}

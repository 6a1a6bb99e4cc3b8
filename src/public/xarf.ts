// X-ARF v4 (eXtended Abuse Reporting Format, xarf.org, schemas/v4) for abuse desks: one report per
// confirmed URL or domain, in the `content` category (`phishing` for impersonation of a bank or a
// government office, else `fraud` with its `fraud_type`). A pure converter: confirmed observables
// and counts in, X-ARF objects out — no database, no HTTP. It never carries reporter data: the
// X-ARF "reporter" and "sender" are the coordination centre (the organization that owns the
// complaint), the evidence is the counts, and attachments are never included.
import { createHash } from 'node:crypto';

export const XARF_VERSION = '4.0.0';

/** A confirmed (published) observable, as the export reads it. */
export interface ConfirmedObservable {
  type: 'url' | 'domain';
  key: string;
  indicatorId: string;
  firstSeen: Date;
  publishedAt: Date;
  validUntil: Date | null;
  reports: number;
  reporters: number;
  /** The category most of its reports carry (fraud.*, intrusion.*, privacy.*). */
  category: string;
}

export interface XarfContact {
  org: string;
  contact: string;
  domain: string;
}

/** X-ARF v4 `content` fraud types by portal category (content-fraud.json's enum). */
const FRAUD_TYPE: Record<string, string> = {
  'fraud.investment': 'investment',
  'fraud.romance': 'romance',
  'fraud.tech-support': 'tech_support',
  'fraud.shopping': 'shopping',
  'fraud.job': 'employment',
  'fraud.impersonation-government': 'government_impersonation',
  'fraud.loan': 'advance_fee',
};

const PHISHING = new Set(['fraud.impersonation-bank', 'fraud.impersonation-government']);

function typeOf(category: string): { type: string; extra: Record<string, string> } {
  if (PHISHING.has(category)) return { type: 'phishing', extra: {} };
  if (category === 'intrusion.malware' || category === 'intrusion.ransomware')
    return { type: 'malware', extra: {} };
  return { type: 'fraud', extra: { fraud_type: FRAUD_TYPE[category] ?? 'other' } };
}

/** A stable UUID (v4 layout) for an indicator's report, so a desk sees a resend as the same report. */
function reportId(indicatorId: string): string {
  const m = /^indicator--([0-9a-f-]{36})$/.exec(indicatorId);
  if (m) return m[1]!;
  const h = createHash('sha256').update(indicatorId).digest();
  h[6] = (h[6]! & 0x0f) | 0x40;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

function hostOf(o: ConfirmedObservable): string {
  if (o.type === 'domain') return o.key;
  try {
    return new URL(o.key).hostname;
  } catch {
    return o.key;
  }
}

/** One X-ARF v4 report for a confirmed observable. */
export function toXarf(o: ConfirmedObservable, centre: XarfContact): Record<string, unknown> {
  const { type, extra } = typeOf(o.category);
  const host = hostOf(o);
  return {
    xarf_version: XARF_VERSION,
    report_id: reportId(o.indicatorId),
    timestamp: o.firstSeen.toISOString(),
    reporter: { ...centre },
    sender: { ...centre },
    source_identifier: o.type === 'url' ? o.key : host,
    category: 'content',
    type,
    ...extra,
    // content-base requires a URL; a registrable domain listed as such is given as its root.
    url: o.type === 'url' ? o.key : `http://${host}/`,
    domain: host,
    evidence_source: 'user_report',
    verification_method: 'manual',
    verified_at: o.publishedAt.toISOString(),
    confidence: 0.9,
    description: (
      `Confirmed by an analyst from ${o.reports} public report${o.reports === 1 ? '' : 's'} ` +
      `by ${o.reporters} distinct reporter${o.reporters === 1 ? '' : 's'} (${o.category}); ` +
      `listed until ${o.validUntil?.toISOString() ?? 'further notice'}.`
    ).slice(0, 1000),
    tags: [`bulwark:${o.type}`, `category:${o.category.replace(/[^a-z0-9_+.-]/g, '-')}`],
    evidence: [
      {
        content_type: 'application/json',
        description: 'Counts only: the reports themselves and their reporters are never shared.',
        payload: Buffer.from(
          JSON.stringify({ indicator: o.indicatorId, reports: o.reports, reporters: o.reporters }),
        ).toString('base64'),
      },
    ],
  };
}

/** The centre's contact for X-ARF: its name and abuse@ the portal's public host. */
export function centreContact(orgName: string, publicOrigin: string): XarfContact {
  let domain = 'localhost';
  try {
    domain = new URL(publicOrigin).hostname || domain;
  } catch {
    // keep localhost: an origin that is not a URL was refused by the configuration already
  }
  return { org: orgName.slice(0, 200), contact: `abuse@${domain}`, domain };
}

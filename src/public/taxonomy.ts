// What the public may report (issue 12): fraud, intrusions and privacy violations, nothing else —
// reports about lawful speech or "harmful content" are out of scope by decision. The fields follow
// X-ARF v4 where it has them (contact method, time, region, loss, observables).

export const CATEGORIES = [
  'fraud.investment',
  'fraud.romance',
  'fraud.impersonation-government',
  'fraud.impersonation-bank',
  'fraud.shopping',
  'fraud.job',
  'fraud.loan',
  'fraud.tech-support',
  'fraud.other',
  'intrusion.account-takeover',
  'intrusion.ransomware',
  'intrusion.malware',
  'intrusion.ddos',
  'intrusion.defacement',
  'privacy.data-leak',
  'privacy.illegal-collection',
  'privacy.app-over-collection',
  'privacy.unlawful-sharing',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** How the reporter was approached (X-ARF's source/medium). */
export const CONTACT_METHODS = [
  'call',
  'sms',
  'email',
  'website',
  'app',
  'social-media',
  'messenger',
  'in-person',
  'other',
] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const PAYMENT_METHODS = [
  'bank-transfer',
  'card',
  'mobile-payment',
  'crypto',
  'gift-card',
  'cash',
  'other',
] as const;

/** Observable types a reporter may give; each has its canonical key (canonical.ts). */
export const OBSERVABLE_KINDS = [
  'phone',
  'sender-id',
  'url',
  'domain',
  'email',
  'iban',
  'bank-account',
  'wallet',
  'app-id',
  'social-handle',
] as const;
export type ObservableKind = (typeof OBSERVABLE_KINDS)[number];

/** Staff decisions on a report, with the status each leads to. */
export const DECISIONS = ['confirm', 'benign', 'duplicate', 'needs-information', 'out-of-scope'] as const;
export type Decision = (typeof DECISIONS)[number];

export const STATUSES = [
  'received',
  'needs-information',
  'confirmed',
  'benign',
  'duplicate',
  'out-of-scope',
  'closed',
] as const;
export type ReportStatus = (typeof STATUSES)[number];

export const STATUS_OF_DECISION: Record<Decision, ReportStatus> = {
  confirm: 'confirmed',
  benign: 'benign',
  duplicate: 'duplicate',
  'needs-information': 'needs-information',
  'out-of-scope': 'out-of-scope',
};

/** Decisions that close the report (its contact is deleted 30 days later). */
export const CLOSING_DECISIONS: ReadonlySet<Decision> = new Set(['benign', 'duplicate', 'out-of-scope']);

/** Operator types an indicator goes to, by observable kind (telecoms, banks, registrars and hosts). */
export const AUDIENCE_OF_KIND: Record<ObservableKind, 'telecom' | 'finance' | 'hosting'> = {
  phone: 'telecom',
  'sender-id': 'telecom',
  iban: 'finance',
  'bank-account': 'finance',
  wallet: 'finance',
  url: 'hosting',
  domain: 'hosting',
  email: 'hosting',
  'app-id': 'hosting',
  'social-handle': 'hosting',
};

/** Default validity of an indicator, in days, extended by each new report. */
export const VALIDITY_DAYS: Record<ObservableKind, number> = {
  phone: 30,
  'sender-id': 30,
  url: 7,
  domain: 90,
  email: 90,
  iban: 90,
  'bank-account': 90,
  wallet: 90,
  'app-id': 90,
  'social-handle': 30,
};

export const ACTIONS = ['blocked', 'taken-down', 'refused'] as const;
export type OperatorAction = (typeof ACTIONS)[number];

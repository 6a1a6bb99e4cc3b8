// Configuration, parsed once at start from the environment and command-line flags. A bad value
// stops the process with a message naming the variable, before anything listens or writes.
import { join, resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** postgres:// URL of a PostgreSQL server; when absent the embedded database in dataDir is used. */
  databaseUrl?: string;
  /** Directory of the embedded database and of files Bulwark writes (demo credentials …). */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body, in bytes (413 beyond it). */
  bodyLimit: number;
  sessionTtlSeconds: number;
  /** Sign-in attempts allowed per client address and minute (429 beyond). */
  signInPerMinute: number;
  /** Live console sessions per user; a sign-in beyond it ends the user's oldest session. */
  maxSessionsPerUser: number;
  /** Live API tokens per organization; issuing one more is refused (409 quota-exceeded). */
  maxTokensPerOrg: number;
  /** Marks cookies Secure; on by default unless the console is served over plain http on loopback. */
  secureCookies: boolean;
  /** Whether an empty database is seeded with the demo federation. */
  seedDemo: boolean;
  /** The public origin of this instance (used in the ledger's log origin and in links). */
  publicOrigin: string;
  ledger: LedgerSection;
  access: AccessSection;
  exposures: ExposuresSection;
  publicReports: PublicReportsSection;
  notify: NotifySection;
}

/** Notifications: webhooks, e-mail, reminders (docs/notify.md). */
export interface NotifySection {
  /** BULWARK_NOTIFY_SECRET: encrypts webhook secrets (else BULWARK_LEDGER_SECRET, else keyFile). */
  secret?: string;
  /**
   * Without a secret, the key-encryption key file the ledger wraps its signing key with
   * (BULWARK_LEDGER_KEK_FILE, default <data>/ledger-kek): one file to keep beside the data, and a
   * server moved to PostgreSQL finds it where move-to said.
   */
  keyFile: string;
  /** BULWARK_NOTIFY_ALLOW: address ranges (CIDR, comma separated) webhooks may reach although private or loopback. */
  allowRanges: string[];
  /** BULWARK_NOTIFY_RETRY_BASE_MS: first retry delay; each further one doubles. */
  retryBaseMs: number;
  /** BULWARK_NOTIFY_MAX_ATTEMPTS: attempts before a delivery is given up (failed). */
  maxAttempts: number;
  /** BULWARK_NOTIFY_INTERVAL_MS: how often the outbox is polled when idle. */
  intervalMs: number;
  /** BULWARK_NOTIFY_TIMEOUT_MS: how long one webhook call may take. */
  timeoutMs: number;
  /** BULWARK_SMTP_URL (smtp:// or smtps://, credentials in the URL) and BULWARK_SMTP_FROM: e-mail when set. */
  smtp?: { url: string; from: string };
  /** BULWARK_REMINDER_LEAD_MINUTES: how long before a deadline its reminder goes out. */
  reminderLeadMinutes: number;
  /** BULWARK_REMINDER_INTERVAL_MS: how often deadlines are scanned for reminders and overdue alerts. */
  reminderIntervalMs: number;
}

/** The public reporting portal's settings (docs/public.md). */
export interface PublicReportsSection {
  /** BULWARK_PUBLIC_SECRET: encrypts the portal's stored secret (else BULWARK_LEDGER_SECRET does). */
  secret?: string;
  /** BULWARK_PUBLIC_POW_COUNTER: the proof-of-work's largest counter (SHA-256 evaluations) at normal intake. */
  powCounter: number;
  /** BULWARK_PUBLIC_POW_TTL: seconds a challenge stays valid. */
  powTtlSeconds: number;
  /** BULWARK_PUBLIC_SURGE_PER_MINUTE: reports per minute above which the proof-of-work cost doubles. */
  surgePerMinute: number;
  /** BULWARK_PUBLIC_PER_PREFIX_PER_HOUR: reports per network prefix (/24, /48) and hour. */
  perPrefixPerHour: number;
  /** BULWARK_PUBLIC_PER_CONTACT_PER_DAY: reports per contact and day. */
  perContactPerDay: number;
  /** BULWARK_PUBLIC_CANDIDATE_REPORTERS and _HOURS: distinct reporters within hours that make a candidate. */
  candidateReporters: number;
  candidateWindowHours: number;
  /** BULWARK_PUBLIC_ALLOWLIST: extra kind:key values that need two analysts (comma separated). */
  allowlist: string[];
  /** BULWARK_PUBLIC_CLEAR_KINDS: observable kinds published TLP:CLEAR (default url,domain). */
  clearKinds: string[];
  /** BULWARK_PUBLIC_ABUSE_DESKS: where X-ARF goes by e-mail ('domain=address,.tld=address,*=fallback'). */
  abuseDesks: string[];
}

/** The exposures domain's settings (docs/exposures.md, "Priority and due date"). */
export interface ExposuresSection {
  /**
   * BULWARK_DUE_POLICY: the due-date policy, NAME=VALUE pairs separated by commas (a severity
   * rating's days, a criticality's factor, ci=factor, kev=catalogue|days). The text stays text
   * here; the exposures domain reads it when the application context is built, naming the variable.
   */
  duePolicy: string | undefined;
}

function exposuresSection(env: NodeJS.ProcessEnv): ExposuresSection {
  const raw = env.BULWARK_DUE_POLICY?.trim();
  if (!raw) return { duePolicy: undefined };
  const bad = raw.split(',').find((p) => !/^\s*[A-Za-z]+\s*=\s*(\d+(\.\d+)?|catalogue)\s*$/.test(p));
  if (bad !== undefined)
    throw new ConfigError(`BULWARK_DUE_POLICY must be NAME=NUMBER pairs separated by commas, got '${bad}'`);
  return { duePolicy: raw };
}

/**
 * Grants that configuration may change (src/access). The pairs stay text here: the access layer
 * checks the kinds and roles when the application context is built, naming the variable.
 */
export interface AccessSection {
  /**
   * BULWARK_REFERENCE_PUBLISHERS: who may publish reference data (advisories, the KEV catalogue,
   * later EPSS, CSAF and STIX feeds), as `kind:role` pairs separated by commas; `none` for
   * nobody but the local administrator. Default: the coordination centre's admins and analysts.
   */
  referencePublishers: string[] | undefined;
}

/**
 * The ledger's settings (docs/ledger.md). The witness keys stay text here: the ledger turns them
 * into verifiers when the application context builds it, and refuses a bad one naming
 * BULWARK_LEDGER_WITNESSES.
 */
export interface LedgerSection {
  /** BULWARK_LEDGER_ORIGIN, the log's name; by default the public URL's host + /ledger. */
  origin: string;
  /** BULWARK_LEDGER_SECRET: encrypts the stored signing key. */
  secret?: string;
  /**
   * Without a secret, the key-encryption key the signing key is encrypted under: a random key in
   * this file (0600), made on first start; BULWARK_LEDGER_KEK_FILE, default <data>/ledger-kek.
   */
  kekFile: string;
  /** BULWARK_LEDGER_WITNESSES: witness cosignature keys (C2SP vkeys), separated by commas or newlines. */
  witnessKeys: string[];
  /** BULWARK_LEDGER_INTERVAL_MS: how often the sequencer looks for new entries when idle. */
  intervalMs: number;
  /** BULWARK_LEDGER_BATCH: most entries integrated in one transaction. */
  batchSize: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function int(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got '${raw}'`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function ledgerSection(env: NodeJS.ProcessEnv, publicOrigin: URL, dataDir: string): LedgerSection {
  const origin = env.BULWARK_LEDGER_ORIGIN || `${publicOrigin.host}/ledger`;
  if (/\s|\+/.test(origin))
    throw new ConfigError(`BULWARK_LEDGER_ORIGIN must have no spaces or '+', got '${origin}'`);
  const secret = env.BULWARK_LEDGER_SECRET || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('BULWARK_LEDGER_SECRET must be at least 16 characters');
  return {
    origin,
    secret,
    kekFile: resolve(env.BULWARK_LEDGER_KEK_FILE || join(dataDir, 'ledger-kek')),
    witnessKeys: (env.BULWARK_LEDGER_WITNESSES ?? '')
      .split(/[,\n]/)
      .map((s) => s.trim())
      .filter(Boolean),
    intervalMs: int('BULWARK_LEDGER_INTERVAL_MS', env.BULWARK_LEDGER_INTERVAL_MS, 25, 1, 1000),
    batchSize: int('BULWARK_LEDGER_BATCH', env.BULWARK_LEDGER_BATCH, 4096, 1, 65_536),
  };
}

function publicReportsSection(env: NodeJS.ProcessEnv): PublicReportsSection {
  const secret = env.BULWARK_PUBLIC_SECRET || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('BULWARK_PUBLIC_SECRET must be at least 16 characters');
  const list = (raw: string | undefined) =>
    (raw ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    secret,
    powCounter: int('BULWARK_PUBLIC_POW_COUNTER', env.BULWARK_PUBLIC_POW_COUNTER, 50_000, 1, 100_000_000),
    powTtlSeconds: int('BULWARK_PUBLIC_POW_TTL', env.BULWARK_PUBLIC_POW_TTL, 600, 10, 86_400),
    surgePerMinute: int(
      'BULWARK_PUBLIC_SURGE_PER_MINUTE',
      env.BULWARK_PUBLIC_SURGE_PER_MINUTE,
      600,
      1,
      10_000_000,
    ),
    perPrefixPerHour: int(
      'BULWARK_PUBLIC_PER_PREFIX_PER_HOUR',
      env.BULWARK_PUBLIC_PER_PREFIX_PER_HOUR,
      30,
      1,
      10_000_000,
    ),
    perContactPerDay: int(
      'BULWARK_PUBLIC_PER_CONTACT_PER_DAY',
      env.BULWARK_PUBLIC_PER_CONTACT_PER_DAY,
      10,
      1,
      1_000_000,
    ),
    candidateReporters: int(
      'BULWARK_PUBLIC_CANDIDATE_REPORTERS',
      env.BULWARK_PUBLIC_CANDIDATE_REPORTERS,
      3,
      1,
      1000,
    ),
    candidateWindowHours: int(
      'BULWARK_PUBLIC_CANDIDATE_HOURS',
      env.BULWARK_PUBLIC_CANDIDATE_HOURS,
      72,
      1,
      8760,
    ),
    allowlist: list(env.BULWARK_PUBLIC_ALLOWLIST),
    clearKinds:
      env.BULWARK_PUBLIC_CLEAR_KINDS === undefined ? ['url', 'domain'] : list(env.BULWARK_PUBLIC_CLEAR_KINDS),
    abuseDesks: list(env.BULWARK_PUBLIC_ABUSE_DESKS ?? ''),
  };
}

function notifySection(env: NodeJS.ProcessEnv, kekFile: string): NotifySection {
  const secret = env.BULWARK_NOTIFY_SECRET || undefined;
  if (secret !== undefined && secret.length < 16)
    throw new ConfigError('BULWARK_NOTIFY_SECRET must be at least 16 characters');
  const allowRanges = (env.BULWARK_NOTIFY_ALLOW ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = allowRanges.find((r) => !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(r));
  if (bad !== undefined)
    throw new ConfigError(`BULWARK_NOTIFY_ALLOW must be CIDR ranges separated by commas, got '${bad}'`);
  let smtp: NotifySection['smtp'];
  const smtpUrl = env.BULWARK_SMTP_URL || undefined;
  if (smtpUrl) {
    if (!/^smtps?:\/\/[^/]+/.test(smtpUrl))
      throw new ConfigError('BULWARK_SMTP_URL must be an smtp:// or smtps:// URL');
    const from = env.BULWARK_SMTP_FROM || '';
    if (!/^[^@\s]+@[^@\s]+$/.test(from) && !/<[^@\s]+@[^@\s]+>$/.test(from))
      throw new ConfigError('BULWARK_SMTP_FROM must be an e-mail address when BULWARK_SMTP_URL is set');
    smtp = { url: smtpUrl, from };
  }
  return {
    secret: secret ?? (env.BULWARK_LEDGER_SECRET || undefined),
    keyFile: kekFile,
    allowRanges,
    retryBaseMs: int('BULWARK_NOTIFY_RETRY_BASE_MS', env.BULWARK_NOTIFY_RETRY_BASE_MS, 30_000, 10, 3_600_000),
    maxAttempts: int('BULWARK_NOTIFY_MAX_ATTEMPTS', env.BULWARK_NOTIFY_MAX_ATTEMPTS, 8, 1, 30),
    intervalMs: int('BULWARK_NOTIFY_INTERVAL_MS', env.BULWARK_NOTIFY_INTERVAL_MS, 1000, 10, 60_000),
    timeoutMs: int('BULWARK_NOTIFY_TIMEOUT_MS', env.BULWARK_NOTIFY_TIMEOUT_MS, 10_000, 100, 120_000),
    smtp,
    reminderLeadMinutes: int(
      'BULWARK_REMINDER_LEAD_MINUTES',
      env.BULWARK_REMINDER_LEAD_MINUTES,
      30,
      0,
      10_080,
    ),
    reminderIntervalMs: int(
      'BULWARK_REMINDER_INTERVAL_MS',
      env.BULWARK_REMINDER_INTERVAL_MS,
      60_000,
      10,
      3_600_000,
    ),
  };
}

function accessSection(env: NodeJS.ProcessEnv): AccessSection {
  const raw = env.BULWARK_REFERENCE_PUBLISHERS?.trim();
  if (raw === undefined || raw === '') return { referencePublishers: undefined };
  if (raw === 'none') return { referencePublishers: [] };
  const pairs = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = pairs.find((p) => !/^[a-z-]+:[a-z]+$/.test(p));
  if (bad !== undefined)
    throw new ConfigError(
      `BULWARK_REFERENCE_PUBLISHERS must be kind:role pairs separated by commas (or none), got '${bad}'`,
    );
  return { referencePublishers: pairs };
}

function bool(name: string, raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined || raw === '') return dflt;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface ConfigOverrides {
  port?: string;
  dataDir?: string;
  host?: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigOverrides = {}): Config {
  const port = int(flags.port ? '--port' : 'PORT', flags.port ?? env.PORT, 8080, 0, 65535);
  const host = flags.host ?? env.HOST ?? '127.0.0.1';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `DATABASE_URL must be a postgres:// URL, got '${databaseUrl.replace(/:[^:@/]*@/, ':***@')}'`,
    );
  }
  const logLevel = (env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}`);
  const publicOrigin = env.BULWARK_PUBLIC_URL ?? `http://localhost:${port}`;
  let origin: URL;
  try {
    origin = new URL(publicOrigin);
  } catch {
    throw new ConfigError(`BULWARK_PUBLIC_URL must be an absolute URL, got '${publicOrigin}'`);
  }
  const dataDir = resolve(flags.dataDir ?? env.BULWARK_DATA ?? 'data');
  const ledger = ledgerSection(env, origin, dataDir);
  return {
    host,
    port,
    databaseUrl,
    dataDir,
    logLevel,
    bodyLimit: int('BODY_LIMIT', env.BODY_LIMIT, 1024 * 1024, 1024, 512 * 1024 * 1024),
    sessionTtlSeconds: int('SESSION_TTL', env.SESSION_TTL, 8 * 3600, 60, 30 * 86400),
    signInPerMinute: int('SIGN_IN_PER_MINUTE', env.SIGN_IN_PER_MINUTE, 10, 1, 100_000),
    maxSessionsPerUser: int('BULWARK_MAX_SESSIONS_PER_USER', env.BULWARK_MAX_SESSIONS_PER_USER, 10, 1, 1000),
    maxTokensPerOrg: int('BULWARK_MAX_TOKENS_PER_ORG', env.BULWARK_MAX_TOKENS_PER_ORG, 100, 1, 100_000),
    secureCookies: bool('SECURE_COOKIES', env.SECURE_COOKIES, origin.protocol === 'https:'),
    seedDemo: bool('BULWARK_DEMO', env.BULWARK_DEMO, true),
    publicOrigin: origin.origin,
    ledger,
    access: accessSection(env),
    exposures: exposuresSection(env),
    publicReports: publicReportsSection(env),
    notify: notifySection(env, ledger.kekFile),
  };
}

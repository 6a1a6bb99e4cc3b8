// All SQL of the public reporting domain, on the tables it owns (migrations/0500_public_reports.sql).
import type { Queryable } from '../platform/db/types.ts';

export type ReportRow = {
  id: string;
  orgId: string;
  category: string;
  region: string | null;
  contactMethod: string | null;
  occurredAt: Date | null;
  lossMinor: string | null;
  lossCurrency: string | null;
  paymentMethod: string | null;
  narrative: string;
  message: string | null;
  simhash: string | null;
  status: string;
  decision: string | null;
  decisionReason: string | null;
  duplicateOf: string | null;
  decidedAt: Date | null;
  hasContact: boolean;
  version: number;
  demo: boolean;
  createdAt: Date;
  closedAt: Date | null;
};

const COLUMNS = `r.id, r.org_id AS "orgId", r.category, r.region, r.contact_method AS "contactMethod",
  r.occurred_at AS "occurredAt", r.loss_minor::text AS "lossMinor", r.loss_currency AS "lossCurrency",
  r.payment_method AS "paymentMethod", r.narrative, r.message, r.simhash::text AS simhash, r.status, r.decision,
  r.decision_reason AS "decisionReason", r.duplicate_of AS "duplicateOf", r.decided_at AS "decidedAt",
  (r.contact_ciphertext IS NOT NULL) AS "hasContact", r.version, r.demo, r.created_at AS "createdAt",
  r.closed_at AS "closedAt"`;

export interface NewReport {
  id: string;
  orgId: string;
  category: string;
  region: string | null;
  contactMethod: string | null;
  occurredAt: Date | null;
  lossMinor: number | null;
  lossCurrency: string | null;
  paymentMethod: string | null;
  narrative: string;
  message: string | null;
  simhash: bigint | null;
  receiptHash: Buffer;
  reporterKey: Buffer;
  fingerprint: Buffer;
  contactCiphertext: Buffer | null;
  contactHash: Buffer | null;
  demo: boolean;
  createdAt: Date;
}

/** A report of an intake group: its row, the challenge it spends (none: no proof of work asked) and its observables. */
export interface IntakeReport {
  report: NewReport;
  /** The proof-of-work challenge it spends, with when the challenge expires. */
  spends: { key: string; expiresAt: Date } | undefined;
  observables: readonly NewObservable[];
}

/**
 * A group of filed reports in one statement (the intake's group commit): their proof-of-work
 * challenges are spent, and only the reports whose challenge was not spent before (or that spend
 * none) are inserted, with their observables. Answers the challenges this statement spent; a
 * report whose challenge is missing from it is a replay and left out. The rows go as one JSON
 * parameter each (the byte strings hex-encoded) rather than one array per column: JSON.stringify
 * writes them in one native pass where the driver escapes every array element in JavaScript, and
 * both drivers (pg and PGlite) pass text alike. The foreign keys of the observables are checked at
 * the statement's end, after the reports' inserts.
 */
export async function insertIntake(db: Queryable, group: readonly IntakeReport[]): Promise<Set<string>> {
  if (group.length === 0) return new Set();
  const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
  const spends = group.flatMap((g) =>
    g.spends ? [{ challenge: g.spends.key, expires: g.spends.expiresAt.toISOString() }] : [],
  );
  const reports = group.map(({ report: r, spends: pow }) => ({
    id: r.id,
    org: r.orgId,
    category: r.category,
    region: r.region,
    method: r.contactMethod,
    occurred: r.occurredAt?.toISOString() ?? null,
    loss: r.lossMinor === null ? null : String(r.lossMinor),
    currency: r.lossCurrency,
    payment: r.paymentMethod,
    narrative: r.narrative,
    message: r.message,
    simhash: r.simhash === null ? null : r.simhash.toString(),
    receipt: hex(r.receiptHash),
    reporter: hex(r.reporterKey),
    fingerprint: hex(r.fingerprint),
    contact: hex(r.contactCiphertext),
    contact_hash: hex(r.contactHash),
    demo: r.demo,
    at: r.createdAt.toISOString(),
    challenge: pow?.key ?? null,
  }));
  const observables = group.flatMap(({ report: r, observables: obs }) => {
    const reporter = r.reporterKey.toString('hex');
    const at = r.createdAt.toISOString();
    return obs.map((o) => ({
      report: r.id,
      type: o.type,
      key: o.key,
      country: o.country,
      spoofable: o.spoofable,
      derived: o.derived,
      reporter,
      at,
    }));
  });
  const { rows } = await db.query<{ challenge: string }>(
    `WITH spent AS (
       INSERT INTO public_pow_spent (challenge, expires_at)
       SELECT t.challenge, t.expires FROM json_to_recordset($1::json) AS t(challenge text, expires timestamptz)
       ON CONFLICT DO NOTHING RETURNING challenge
     ), reports AS (
       INSERT INTO public_reports (id, org_id, category, region, contact_method, occurred_at, loss_minor, loss_currency,
         payment_method, narrative, message, simhash, receipt_hash, reporter_key, fingerprint, contact_ciphertext,
         contact_hash, demo, created_at, updated_at)
       SELECT t.id, t.org, t.category, t.region, t.method, t.occurred, t.loss, t.currency, t.payment, t.narrative,
              t.message, t.simhash, decode(t.receipt, 'hex'), decode(t.reporter, 'hex'), decode(t.fingerprint, 'hex'),
              decode(t.contact, 'hex'), decode(t.contact_hash, 'hex'), t.demo, t.at, t.at
         FROM json_to_recordset($2::json) AS t(id uuid, org uuid, category text, region text, method text,
                occurred timestamptz, loss bigint, currency text, payment text, narrative text, message text,
                simhash bigint, receipt text, reporter text, fingerprint text, contact text, contact_hash text,
                demo boolean, at timestamptz, challenge text)
        WHERE t.challenge IS NULL OR t.challenge IN (SELECT challenge FROM spent)
       RETURNING id
     ), observables AS (
       INSERT INTO public_report_observables (report_id, type, key, country, spoofable, derived, reporter_key, reported_at)
       SELECT t.report, t.type, t.key, t.country, t.spoofable, t.derived, decode(t.reporter, 'hex'), t.at
         FROM json_to_recordset($3::json) AS t(report uuid, type text, key text, country text, spoofable boolean,
                derived boolean, reporter text, at timestamptz)
        WHERE t.report IN (SELECT id FROM reports)
       ON CONFLICT DO NOTHING
     )
     SELECT challenge FROM spent`,
    [JSON.stringify(spends), JSON.stringify(reports), JSON.stringify(observables)],
  );
  return new Set(rows.map((r) => r.challenge));
}

export interface NewObservable {
  type: string;
  key: string;
  country: string | null;
  spoofable: boolean;
  derived: boolean;
}

/**
 * Upserts the aggregate rows of observables and answers, for each, its status and the distinct
 * reporters within the window (what makes a candidate).
 */
/**
 * Records that observables were reported now (one row each, created on first sight) and answers
 * each one's status and, for those that could become candidates by count (watching, and named by
 * a report itself, not derived), its distinct reporters in the window — counted only up to
 * `enough` (the candidate threshold): a number reported by thousands is not recounted in full for
 * each new report. Derived observables and the others answer 0.
 */
export async function touchObservables(
  db: Queryable,
  obs: readonly { type: string; key: string; derived: boolean }[],
  at: Date,
  windowStart: Date,
  allowlisted: readonly boolean[],
  enough: number,
): Promise<{ type: string; key: string; status: string; reporters: number; validUntil: Date | null }[]> {
  if (obs.length === 0) return [];
  const { rows } = await db.query<{
    type: string;
    key: string;
    status: string;
    reporters: number;
    validUntil: Date | null;
  }>(
    `WITH t AS (
       SELECT * FROM unnest($1::text[], $2::text[], $5::boolean[], $6::boolean[]) AS t(type, key, allowlisted, derived)
     ), up AS (
       INSERT INTO public_observables (type, key, allowlisted, first_seen, last_seen)
       SELECT type, key, allowlisted, $3, $3 FROM t
       ON CONFLICT (type, key) DO UPDATE SET last_seen = greatest(public_observables.last_seen, EXCLUDED.last_seen)
       RETURNING type, key, status, valid_until
     )
     SELECT up.type, up.key, up.status, up.valid_until AS "validUntil",
            CASE WHEN up.status = 'watching' AND NOT t.derived THEN
              (SELECT count(*)::int FROM (SELECT DISTINCT o.reporter_key FROM public_report_observables o
                 WHERE o.type = up.type AND o.key = up.key AND o.reported_at >= $4 LIMIT $7) d)
            ELSE 0 END AS reporters
       FROM up JOIN t ON t.type = up.type AND t.key = up.key`,
    [
      obs.map((o) => o.type),
      obs.map((o) => o.key),
      at,
      windowStart,
      allowlisted,
      obs.map((o) => o.derived),
      enough,
    ],
  );
  return rows;
}

export async function markCandidates(
  db: Queryable,
  obs: readonly { type: string; key: string }[],
  reason: 'reporters' | 'analyst',
  at: Date,
): Promise<number> {
  if (obs.length === 0) return 0;
  const r = await db.query(
    `UPDATE public_observables p SET status = 'candidate', candidate_at = $3, candidate_reason = $4
       FROM unnest($1::text[], $2::text[]) AS t(type, key)
      WHERE p.type = t.type AND p.key = t.key AND p.status = 'watching'`,
    [obs.map((o) => o.type), obs.map((o) => o.key), at, reason],
  );
  return r.rowCount;
}

export async function extendValidity(db: Queryable, type: string, key: string, until: Date): Promise<void> {
  await db.query(
    `UPDATE public_observables SET valid_until = greatest(valid_until, $3) WHERE type = $1 AND key = $2`,
    [type, key, until],
  );
}

/**
 * Live published observables whose validity in this table is more than `slackMs` later than what
 * their indicator was last given (or not known to have been given: published before migration
 * 0960), a recently failed push (after `retryBefore`) left out, earlier failures after the others.
 */
export async function validityToPush(
  db: Queryable,
  slackMs: number,
  now: Date,
  retryBefore: Date,
  limit: number,
): Promise<{ type: string; key: string; indicatorId: string; validUntil: Date }[]> {
  const { rows } = await db.query<{ type: string; key: string; indicatorId: string; validUntil: Date }>(
    `SELECT type, key, indicator_id AS "indicatorId", valid_until AS "validUntil" FROM public_observables
      WHERE status = 'published' AND indicator_id IS NOT NULL AND valid_until > $2
        AND (pushed_valid_until IS NULL OR valid_until > pushed_valid_until + make_interval(secs => $1))
        AND (validity_push_failed_at IS NULL OR validity_push_failed_at <= $3)
      ORDER BY validity_push_failed_at NULLS FIRST, type, key LIMIT $4`,
    [slackMs / 1000, now, retryBefore, limit],
  );
  return rows;
}

/** Records the valid_until an observable's indicator now has (a push succeeded). */
export async function recordPushedValidity(
  db: Queryable,
  type: string,
  key: string,
  pushed: Date,
): Promise<void> {
  await db.query(
    `UPDATE public_observables SET pushed_valid_until = greatest(pushed_valid_until, $3), validity_push_failed_at = NULL
      WHERE type = $1 AND key = $2`,
    [type, key, pushed],
  );
}

/** Records that pushing an observable's validity failed (tried again after a while). */
export async function recordValidityPushFailure(
  db: Queryable,
  type: string,
  key: string,
  at: Date,
): Promise<void> {
  await db.query(`UPDATE public_observables SET validity_push_failed_at = $3 WHERE type = $1 AND key = $2`, [
    type,
    key,
    at,
  ]);
}

export async function sweepSpentChallenges(db: Queryable, now: Date): Promise<number> {
  return (await db.query(`DELETE FROM public_pow_spent WHERE expires_at < $1`, [now])).rowCount;
}

/** Deletes the contact of reports closed before `before` (30 days after closure). */
export async function deleteExpiredContacts(db: Queryable, before: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE public_reports SET contact_ciphertext = NULL, contact_hash = NULL
      WHERE contact_ciphertext IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 RETURNING id`,
    [before],
  );
  return rows.map((r) => r.id);
}

export async function findByReceipt(db: Queryable, receiptHash: Buffer): Promise<ReportRow | undefined> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${COLUMNS} FROM public_reports r WHERE r.receipt_hash = $1`,
    [receiptHash],
  );
  return rows[0];
}

/** Many receipt lookups in one statement (the intake's resubmission check under load). */
export async function findByReceipts(
  db: Queryable,
  receiptHashes: readonly Buffer[],
): Promise<Map<string, ReportRow>> {
  if (receiptHashes.length === 0) return new Map();
  const { rows } = await db.query<ReportRow & { receiptHex: string }>(
    `SELECT ${COLUMNS}, encode(r.receipt_hash, 'hex') AS "receiptHex" FROM public_reports r
      WHERE r.receipt_hash = ANY (SELECT decode(h, 'hex') FROM unnest($1::text[]) AS h)`,
    [receiptHashes.map((h) => h.toString('hex'))],
  );
  return new Map(rows.map(({ receiptHex, ...row }) => [receiptHex, row]));
}

export async function findReport(db: Queryable, id: string): Promise<ReportRow | undefined> {
  const { rows } = await db.query<ReportRow>(`SELECT ${COLUMNS} FROM public_reports r WHERE r.id = $1`, [id]);
  return rows[0];
}

export async function lockReport(db: Queryable, id: string): Promise<ReportRow | undefined> {
  const { rows } = await db.query<ReportRow>(
    `SELECT ${COLUMNS} FROM public_reports r WHERE r.id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

export type ObservableRow = {
  type: string;
  key: string;
  country: string | null;
  spoofable: boolean;
  derived: boolean;
  status: string;
  indicatorId: string | null;
  publishedAt: Date | null;
  sharedWith: number;
  reporters: number;
};

export async function observablesOf(db: Queryable, reportId: string): Promise<ObservableRow[]> {
  const { rows } = await db.query<ObservableRow>(
    `SELECT o.type, o.key, o.country, o.spoofable, o.derived, p.status, p.indicator_id AS "indicatorId",
            p.published_at AS "publishedAt", p.shared_with AS "sharedWith",
            (SELECT count(DISTINCT x.reporter_key)::int FROM public_report_observables x
              WHERE x.type = o.type AND x.key = o.key) AS reporters
       FROM public_report_observables o JOIN public_observables p ON p.type = o.type AND p.key = o.key
      WHERE o.report_id = $1 ORDER BY o.derived, o.type, o.key`,
    [reportId],
  );
  return rows;
}

/** Other reports linked to this one: a shared observable (not a derived domain), or a SimHash-near message. */
export async function linkedReports(
  db: Queryable,
  reportId: string,
  simhash: string | null,
  distance: number,
  limit: number,
): Promise<{ id: string; category: string; status: string; createdAt: Date; via: string }[]> {
  const { rows } = await db.query<{
    id: string;
    category: string;
    status: string;
    createdAt: Date;
    via: string;
  }>(
    `SELECT r.id, r.category, r.status, r.created_at AS "createdAt", min(l.via) AS via FROM (
        SELECT x.report_id AS id, x.type || ':' || x.key AS via
          FROM public_report_observables o
          JOIN public_report_observables x ON x.type = o.type AND x.key = o.key AND x.report_id <> o.report_id
         WHERE o.report_id = $1 AND NOT o.derived AND NOT x.derived
        UNION ALL
        SELECT r2.id, 'message' FROM public_reports r2
         WHERE $2::bigint IS NOT NULL AND r2.simhash IS NOT NULL AND r2.id <> $1
           AND bit_count((r2.simhash # $2::bigint)::bit(64)) <= $3
      ) l JOIN public_reports r ON r.id = l.id
      GROUP BY r.id, r.category, r.status, r.created_at
      ORDER BY r.created_at LIMIT $4`,
    [reportId, simhash, distance, limit],
  );
  return rows;
}

export async function countLinked(
  db: Queryable,
  reportId: string,
  simhash: string | null,
  distance: number,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT id)::int AS n FROM (
        SELECT x.report_id AS id FROM public_report_observables o
          JOIN public_report_observables x ON x.type = o.type AND x.key = o.key AND x.report_id <> o.report_id
         WHERE o.report_id = $1 AND NOT o.derived AND NOT x.derived
        UNION ALL
        SELECT r2.id FROM public_reports r2
         WHERE $2::bigint IS NOT NULL AND r2.simhash IS NOT NULL AND r2.id <> $1
           AND bit_count((r2.simhash # $2::bigint)::bit(64)) <= $3
      ) l`,
    [reportId, simhash, distance],
  );
  return rows[0]?.n ?? 0;
}

export interface QueueFilter {
  category?: string;
  region?: string;
  status?: string;
  observableType?: string;
  limit: number;
  offset: number;
}

export async function queue(
  db: Queryable,
  f: QueueFilter,
): Promise<{ rows: (ReportRow & { observables: number })[]; total: number }> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (f.category) {
    params.push(f.category.endsWith('.*') ? `${f.category.slice(0, -1)}%` : f.category);
    where.push(`r.category LIKE $${params.length}`);
  }
  if (f.region) {
    params.push(f.region, `${f.region}-%`);
    where.push(`(r.region = $${params.length - 1} OR r.region LIKE $${params.length})`);
  }
  if (f.status) {
    params.push(f.status);
    where.push(`r.status = $${params.length}`);
  } else where.push(`r.status IN ('received', 'needs-information')`);
  if (f.observableType) {
    params.push(f.observableType);
    where.push(
      `EXISTS (SELECT 1 FROM public_report_observables o WHERE o.report_id = r.id AND o.type = $${params.length})`,
    );
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM public_reports r ${w} LIMIT 10000) c`,
    params,
  );
  params.push(f.limit, f.offset);
  const { rows } = await db.query<ReportRow & { observables: number }>(
    `SELECT ${COLUMNS}, (SELECT count(*)::int FROM public_report_observables o WHERE o.report_id = r.id AND NOT o.derived) AS observables
       FROM public_reports r ${w} ORDER BY r.created_at, r.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows, total: total.rows[0]?.n ?? 0 };
}

export async function updateDecision(
  db: Queryable,
  id: string,
  d: {
    status: string;
    decision: string;
    reason: string;
    duplicateOf: string | null;
    by: string | null;
    at: Date;
    closed: boolean;
  },
): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE public_reports SET status = $2, decision = $3, decision_reason = $4, duplicate_of = $5, decided_by = $6,
        decided_at = $7, updated_at = $7, version = version + 1, closed_at = CASE WHEN $8::boolean THEN $7::timestamptz ELSE NULL END
      WHERE id = $1 RETURNING version`,
    [id, d.status, d.decision, d.reason, d.duplicateOf, d.by, d.at, d.closed],
  );
  return rows[0]!.version;
}

export async function bumpVersion(db: Queryable, id: string, at: Date): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `UPDATE public_reports SET version = version + 1, updated_at = $2 WHERE id = $1 RETURNING version`,
    [id, at],
  );
  return rows[0]!.version;
}

export async function clearContact(db: Queryable, id: string): Promise<boolean> {
  const r = await db.query(
    `UPDATE public_reports SET contact_ciphertext = NULL, contact_hash = NULL WHERE id = $1 AND contact_ciphertext IS NOT NULL`,
    [id],
  );
  return r.rowCount === 1;
}

export async function insertEvent(
  db: Queryable,
  reportId: string,
  kind: string,
  detail: string | null,
  at: Date,
): Promise<void> {
  await db.query(`INSERT INTO public_report_events (report_id, kind, detail, at) VALUES ($1, $2, $3, $4)`, [
    reportId,
    kind,
    detail,
    at,
  ]);
}

export async function eventsOf(
  db: Queryable,
  reportId: string,
): Promise<{ kind: string; detail: string | null; at: Date }[]> {
  const { rows } = await db.query<{ kind: string; detail: string | null; at: Date }>(
    `SELECT kind, detail, at FROM public_report_events WHERE report_id = $1 ORDER BY seq`,
    [reportId],
  );
  return rows;
}

export async function insertSupplement(
  db: Queryable,
  id: string,
  reportId: string,
  text: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO public_report_supplements (id, report_id, text, created_at) VALUES ($1, $2, $3, $4)`,
    [id, reportId, text, at],
  );
}

export async function supplementsOf(
  db: Queryable,
  reportId: string,
): Promise<{ id: string; text: string; createdAt: Date }[]> {
  const { rows } = await db.query<{ id: string; text: string; createdAt: Date }>(
    `SELECT id, text, created_at AS "createdAt" FROM public_report_supplements WHERE report_id = $1 ORDER BY created_at`,
    [reportId],
  );
  return rows;
}

export type AttachmentRow = {
  id: string;
  mediaType: string;
  sha256: Buffer;
  size: number;
  stored: boolean;
  width: number | null;
  height: number | null;
  createdAt: Date;
};

export async function countAttachments(db: Queryable, reportId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM public_report_attachments WHERE report_id = $1`,
    [reportId],
  );
  return rows[0]?.n ?? 0;
}

export async function insertAttachment(
  db: Queryable,
  a: {
    id: string;
    reportId: string;
    mediaType: string;
    sha256: Buffer;
    size: number;
    originalSha256: Buffer;
    originalSize: number;
    content: Buffer | null;
    width: number | null;
    height: number | null;
    at: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO public_report_attachments
       (id, report_id, media_type, sha256, size, original_sha256, original_size, content, width, height, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      a.id,
      a.reportId,
      a.mediaType,
      a.sha256,
      a.size,
      a.originalSha256,
      a.originalSize,
      a.content,
      a.width,
      a.height,
      a.at,
    ],
  );
}

/** A report's attachments without their bytes. */
export async function attachmentsOf(db: Queryable, reportId: string): Promise<AttachmentRow[]> {
  const { rows } = await db.query<AttachmentRow>(
    `SELECT id, media_type AS "mediaType", sha256, size, content IS NOT NULL AS stored, width, height,
            created_at AS "createdAt"
       FROM public_report_attachments WHERE report_id = $1 ORDER BY created_at, id`,
    [reportId],
  );
  return rows;
}

export async function attachmentContent(
  db: Queryable,
  reportId: string,
  id: string,
): Promise<{ mediaType: string; content: Buffer | null } | undefined> {
  const { rows } = await db.query<{ mediaType: string; content: Buffer | null }>(
    `SELECT media_type AS "mediaType", content FROM public_report_attachments WHERE report_id = $1 AND id = $2`,
    [reportId, id],
  );
  return rows[0];
}

export async function countSupplements(db: Queryable, reportId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM public_report_supplements WHERE report_id = $1`,
    [reportId],
  );
  return rows[0]?.n ?? 0;
}

export type CandidateRow = {
  type: string;
  key: string;
  status: string;
  candidateAt: Date | null;
  candidateReason: string | null;
  allowlisted: boolean;
  approvals: string[];
  indicatorId: string | null;
  publishedAt: Date | null;
  validUntil: Date | null;
  /** The valid_until last pushed to the indicator (null: not known, published before migration 0960). */
  pushedValidUntil: Date | null;
  sharedWith: number;
  reports: number;
  reporters: number;
  recentReporters: number;
  derivedOnly: boolean;
  lastSeen: Date;
};

const CANDIDATE_COLUMNS = `p.type, p.key, p.status, p.candidate_at AS "candidateAt", p.candidate_reason AS "candidateReason",
  p.allowlisted, p.approvals::text[] AS approvals, p.indicator_id AS "indicatorId", p.published_at AS "publishedAt",
  p.valid_until AS "validUntil", p.pushed_valid_until AS "pushedValidUntil", p.shared_with AS "sharedWith", p.last_seen AS "lastSeen",
  (SELECT count(*)::int FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key) AS reports,
  (SELECT count(DISTINCT o.reporter_key)::int FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key) AS reporters,
  (SELECT count(DISTINCT o.reporter_key)::int FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key AND o.reported_at >= $1) AS "recentReporters",
  NOT EXISTS (SELECT 1 FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key AND NOT o.derived) AS "derivedOnly"`;

export async function listObservables(
  db: Queryable,
  status: string,
  windowStart: Date,
  limit: number,
): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(
    `SELECT ${CANDIDATE_COLUMNS} FROM public_observables p WHERE p.status = $2
      ORDER BY coalesce(p.candidate_at, p.first_seen), p.type, p.key LIMIT $3`,
    [windowStart, status, limit],
  );
  return rows;
}

export async function lockObservable(
  db: Queryable,
  type: string,
  key: string,
  windowStart: Date,
): Promise<CandidateRow | undefined> {
  await db.query(`SELECT 1 FROM public_observables WHERE type = $1 AND key = $2 FOR UPDATE`, [type, key]);
  const { rows } = await db.query<CandidateRow>(
    `SELECT ${CANDIDATE_COLUMNS} FROM public_observables p WHERE p.type = $2 AND p.key = $3`,
    [windowStart, type, key],
  );
  return rows[0];
}

export async function addApproval(db: Queryable, type: string, key: string, userId: string): Promise<void> {
  await db.query(
    `UPDATE public_observables SET approvals = array_append(approvals, $3::uuid) WHERE type = $1 AND key = $2 AND NOT ($3::uuid = ANY (approvals))`,
    [type, key, userId],
  );
}

export async function setObservableStatus(
  db: Queryable,
  type: string,
  key: string,
  s: {
    status: string;
    indicatorId?: string;
    publishedAt?: Date;
    validUntil?: Date;
    /** The valid_until the indicator was published with. */
    pushedValidUntil?: Date;
    sharedWith?: number;
    candidateReason?: string;
  },
): Promise<void> {
  await db.query(
    `UPDATE public_observables SET status = $3, indicator_id = coalesce($4, indicator_id), published_at = coalesce($5, published_at),
        valid_until = coalesce($6, valid_until), shared_with = coalesce($7, shared_with),
        candidate_at = CASE WHEN $3 = 'candidate' AND candidate_at IS NULL THEN now() ELSE candidate_at END,
        candidate_reason = coalesce($8, candidate_reason), pushed_valid_until = coalesce($9, pushed_valid_until)
      WHERE type = $1 AND key = $2`,
    [
      type,
      key,
      s.status,
      s.indicatorId ?? null,
      s.publishedAt ?? null,
      s.validUntil ?? null,
      s.sharedWith ?? null,
      s.candidateReason ?? null,
      s.pushedValidUntil ?? null,
    ],
  );
}

export async function findPublished(
  db: Queryable,
  keys: readonly { type: string; key: string }[],
  now: Date,
) {
  if (keys.length === 0) return [];
  const { rows } = await db.query<{ type: string; key: string; publishedAt: Date; validUntil: Date | null }>(
    `SELECT p.type, p.key, p.published_at AS "publishedAt", p.valid_until AS "validUntil"
       FROM public_observables p JOIN unnest($1::text[], $2::text[]) AS t(type, key) ON p.type = t.type AND p.key = t.key
      WHERE p.status = 'published' AND (p.valid_until IS NULL OR p.valid_until > $3)`,
    [keys.map((k) => k.type), keys.map((k) => k.key), now],
  );
  return rows;
}

/** Live published observables of the given kinds (the TLP:CLEAR blocklists). */
export async function publishedOfKinds(db: Queryable, kinds: readonly string[], now: Date, limit: number) {
  const { rows } = await db.query<{
    type: string;
    key: string;
    indicatorId: string | null;
    publishedAt: Date;
    validUntil: Date | null;
  }>(
    `SELECT type, key, indicator_id AS "indicatorId", published_at AS "publishedAt", valid_until AS "validUntil"
       FROM public_observables WHERE status = 'published' AND type = ANY ($1::text[]) AND (valid_until IS NULL OR valid_until > $2)
      ORDER BY published_at, type, key LIMIT $3`,
    [kinds, now, limit],
  );
  return rows;
}

/**
 * Live published observables of the given kinds with their counts and the category most of their
 * reports carry (the X-ARF export); observables and counts only.
 */
export async function confirmedForExport(
  db: Queryable,
  kinds: readonly string[],
  now: Date,
  since: Date | null,
  limit: number,
  /** Only this observable (the one just promoted). */
  key?: string,
) {
  const { rows } = await db.query<{
    type: string;
    key: string;
    indicatorId: string;
    firstSeen: Date;
    publishedAt: Date;
    validUntil: Date | null;
    reports: number;
    reporters: number;
    category: string | null;
  }>(
    `SELECT p.type, p.key, p.indicator_id AS "indicatorId", p.first_seen AS "firstSeen", p.published_at AS "publishedAt",
            p.valid_until AS "validUntil",
            (SELECT count(*)::int FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key) AS reports,
            (SELECT count(DISTINCT o.reporter_key)::int FROM public_report_observables o WHERE o.type = p.type AND o.key = p.key) AS reporters,
            (SELECT r.category FROM public_report_observables o JOIN public_reports r ON r.id = o.report_id
              WHERE o.type = p.type AND o.key = p.key GROUP BY r.category ORDER BY count(*) DESC, r.category LIMIT 1) AS category
       FROM public_observables p
      WHERE p.status = 'published' AND p.indicator_id IS NOT NULL AND p.type = ANY ($1::text[])
        AND (p.valid_until IS NULL OR p.valid_until > $2) AND ($3::timestamptz IS NULL OR p.published_at >= $3)
        AND ($5::text IS NULL OR p.key = $5)
      ORDER BY p.published_at, p.type, p.key LIMIT $4`,
    [kinds, now, since, limit, key ?? null],
  );
  return rows;
}

/** Records an operator's post-back; answers its version (undefined: no such published indicator). */
export async function upsertAction(
  db: Queryable,
  indicatorId: string,
  orgId: string,
  action: string,
  at: Date,
): Promise<number | undefined> {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO public_indicator_actions (indicator_id, org_id, action, at)
     SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM public_observables WHERE indicator_id = $1)
     ON CONFLICT (indicator_id, org_id) DO UPDATE
       SET action = EXCLUDED.action, at = EXCLUDED.at, version = public_indicator_actions.version + 1
     RETURNING version`,
    [indicatorId, orgId, action, at],
  );
  return rows[0]?.version;
}

export async function actionsFor(db: Queryable, indicatorIds: readonly string[]) {
  if (indicatorIds.length === 0) return [];
  const { rows } = await db.query<{ indicatorId: string; action: string; at: Date }>(
    `SELECT indicator_id AS "indicatorId", action, at FROM public_indicator_actions WHERE indicator_id = ANY ($1::text[]) ORDER BY at`,
    [indicatorIds],
  );
  return rows;
}

/** Reports per category and region in a month (statistics; the caller suppresses small cells). */
export async function monthlyCounts(db: Queryable, from: Date, to: Date) {
  const { rows } = await db.query<{ category: string; region: string | null; n: number }>(
    `SELECT category, coalesce(region, '') AS region, count(*)::int AS n
       FROM public_reports WHERE created_at >= $1 AND created_at < $2 AND status NOT IN ('benign', 'out-of-scope')
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [from, to],
  );
  return rows;
}

/** Duplicates: other reports with the same fingerprint (same observables and narrative). */
export async function duplicatesOf(db: Queryable, reportId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r2.id FROM public_reports r JOIN public_reports r2 ON r2.fingerprint = r.fingerprint AND r2.id <> r.id
      WHERE r.id = $1 ORDER BY r2.created_at LIMIT 50`,
    [reportId],
  );
  return rows.map((r) => r.id);
}

export async function findSecret(
  db: Queryable,
  name: string,
): Promise<{ value: Buffer; encrypted: boolean } | undefined> {
  const { rows } = await db.query<{ value: Buffer; encrypted: boolean }>(
    `SELECT value, encrypted FROM public_secrets WHERE name = $1`,
    [name],
  );
  const r = rows[0];
  return r ? { value: Buffer.from(r.value), encrypted: r.encrypted } : undefined;
}

export async function insertSecretOnce(
  db: Queryable,
  name: string,
  value: Buffer,
  encrypted: boolean,
): Promise<void> {
  await db.query(
    `INSERT INTO public_secrets (name, value, encrypted) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [name, value, encrypted],
  );
}

/** Contact hashes seen recently (per-contact rate limit across processes): reports in the window. */
export async function reportsByContact(db: Queryable, contactHash: Buffer, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM public_reports WHERE contact_hash = $1 AND created_at >= $2`,
    [contactHash, since],
  );
  return rows[0]?.n ?? 0;
}

// Status messages to a reporter's optional contact: when staff decide on a report (triaged,
// confirmed, needs information, …) or close it, the contact gets one e-mail saying so. The contact
// is decrypted only here, only to send, and never stored elsewhere: notify's `sendTo` mails it
// without keeping it (a subscription or outbox row would). What is still to tell is the report's
// timeline after `contact_told_seq`; a report is claimed by moving that mark before sending and
// released if the send fails, so two processes never mail the same step and a failure is retried
// on the next pass (a permanent refusal, SMTP 5xx, is not). A crash between the claim and the send loses that one message (at most once).
// A contact that is not an e-mail address (a phone number) is not messaged: SMS is not built.
import type { Database } from '../platform/db/types.ts';
import type { Logger } from '../platform/log.ts';
import type { PortalKeys } from './secrets.ts';

/** Sends one e-mail to an address (notify's `sendTo`), wired by the composition root. */
export interface ContactMailer {
  sendTo(
    to: string,
    subject: string,
    text: string,
  ): Promise<{ ok: boolean; statusCode: number | null; error: string | null }>;
}

/** The timeline steps a contact is told about. */
const TOLD_KINDS = ['decision', 'closed'];
/** Reports messaged in one pass. */
const BATCH = 32;
const EMAIL = /^[^@\s<>()",;:]+@[^@\s<>()",;:]+\.[^@\s<>()",;:]+$/;

const STATUS_TEXT: Record<string, string> = {
  confirmed: 'has been confirmed: what you reported is being shared with operators so they can act',
  benign: 'was assessed as not harmful',
  duplicate: 'duplicates another report, which carries it on',
  'needs-information': 'needs more information: please add a supplement on the status page',
  'out-of-scope': 'is outside what this portal handles (fraud, intrusions and privacy violations)',
};

type Due = {
  id: string;
  contact: Buffer;
  told: string;
  last: string;
  steps: string[];
};

/** What one pass did: messages sent, failed (retried later), skipped (the contact is no e-mail). */
export interface StatusMailPass {
  sent: number;
  failed: number;
  skipped: number;
}

export class StatusMessages {
  constructor(
    private readonly db: Database,
    private readonly keys: () => Promise<PortalKeys>,
    private readonly mailer: ContactMailer,
    private readonly origin: string,
    private readonly log?: Logger,
  ) {}

  /** The message for the steps after the last one told (oldest first): subject and text. */
  static compose(id: string, steps: readonly string[], origin: string): { subject: string; text: string } {
    const decisions = steps.filter((s) => s.startsWith('decision:')).map((s) => s.slice('decision:'.length));
    const closed = steps.includes('closed:');
    const latest = decisions.at(-1);
    const ref = id.slice(0, 8);
    const lines = [
      `Your report ${ref} ${latest ? (STATUS_TEXT[latest] ?? `is now ${latest}`) : 'has changed'}.`,
      ...(closed ? ['', 'The report is now closed. This address will be deleted 30 days from now.'] : []),
      '',
      `Open ${new URL('/report', origin).href} with your receipt token to see its timeline.`,
      '',
      'You receive this because you gave this address when filing the report. To stop these',
      'messages, delete your contact on the status page.',
    ];
    return {
      subject: `Your report ${ref}: ${closed ? 'closed' : (latest ?? 'updated')}`,
      text: lines.join('\n'),
    };
  }

  /** Mails every report whose contact has steps still to be told; answers what it did. */
  async sendDue(): Promise<StatusMailPass> {
    const pass = { sent: 0, failed: 0, skipped: 0 };
    const failedIds = new Set<string>();
    for (;;) {
      const due = await this.due(failedIds);
      if (!due.length) return pass;
      const keys = await this.keys();
      for (const d of due) {
        if (!(await this.claim(d))) continue;
        let to: string;
        try {
          to = keys.decryptContact(d.contact).trim();
        } catch {
          pass.skipped++;
          continue;
        }
        if (!EMAIL.test(to)) {
          pass.skipped++;
          continue;
        }
        const m = StatusMessages.compose(d.id, d.steps, this.origin);
        const outcome = await this.mailer.sendTo(to, m.subject, m.text);
        if (outcome.ok) pass.sent++;
        else if ((outcome.statusCode ?? 0) >= 500) {
          // A permanent refusal (unknown mailbox): retrying would not help; the step stays told.
          pass.failed++;
          this.log?.warn({ report: d.id, error: outcome.error }, 'status message refused by the mail server');
        } else {
          pass.failed++;
          failedIds.add(d.id);
          await this.release(d);
          this.log?.warn({ report: d.id, error: outcome.error }, 'status message to the contact failed');
        }
      }
    }
  }

  private async due(exclude: Set<string>): Promise<Due[]> {
    const { rows } = await this.db.query<Due>(
      `SELECT r.id, r.contact_ciphertext AS contact, r.contact_told_seq::text AS told,
              max(e.seq)::text AS last, array_agg(e.kind || ':' || coalesce(e.detail, '') ORDER BY e.seq) AS steps
         FROM public_reports r
         JOIN public_report_events e ON e.report_id = r.id AND e.seq > r.contact_told_seq AND e.kind = ANY($1)
        WHERE r.contact_ciphertext IS NOT NULL AND NOT (r.id = ANY($2::uuid[]))
        GROUP BY r.id ORDER BY min(e.seq) LIMIT ${BATCH}`,
      [TOLD_KINDS, [...exclude]],
    );
    return rows.map((r) => ({ ...r, contact: Buffer.from(r.contact) }));
  }

  private async claim(d: Due): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE public_reports SET contact_told_seq = $3 WHERE id = $1 AND contact_told_seq = $2 RETURNING id`,
      [d.id, d.told, d.last],
    );
    return r.rows.length === 1;
  }

  private async release(d: Due): Promise<void> {
    await this.db.query(
      `UPDATE public_reports SET contact_told_seq = $2 WHERE id = $1 AND contact_told_seq = $3`,
      [d.id, d.told, d.last],
    );
  }
}

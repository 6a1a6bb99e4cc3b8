// Making one delivery: a webhook call signed with HMAC-SHA256, or an e-mail through SMTP. No
// database here: the worker (service.ts) claims outbox rows, calls these and records the outcome.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer from 'nodemailer';
import type { TargetPolicy } from './targets.ts';

export const SIGNATURE_HEADER = 'bulwark-signature';

/** HMAC-SHA256 over `<timestamp>.<body>` with the subscription's secret, hex. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The signature header's value: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/**
 * What a receiver does: checks the header against the raw body and its copy of the secret, and
 * that the timestamp is within `toleranceSeconds` of its clock (a replayed old call fails).
 */
export function verifySignature(
  header: string,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const want = Buffer.from(signPayload(secret, t, body), 'hex');
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** POSTs a signed webhook call to the checked address of its URL; 2xx is success. */
export async function callWebhook(
  policy: TargetPolicy,
  url: string,
  secret: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  now: Date,
): Promise<Outcome> {
  const checked = await policy.check(url);
  if (!checked.ok) return { ok: false, statusCode: null, error: `refused: ${checked.reason}` };
  const pinned = checked.addresses[0]!;
  // Connect to the address just checked, never to a second resolution of the name.
  const lookup: LookupFunction = (_host, opts, cb) => {
    if ((opts as { all?: boolean }).all) (cb as (e: null, a: unknown[]) => void)(null, [pinned]);
    else cb(null, pinned.address, pinned.family);
  };
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const t = Math.floor(now.getTime() / 1000);
  return new Promise<Outcome>((resolve) => {
    const req = request(
      u,
      {
        method: 'POST',
        lookup,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Bulwark-Webhook/1',
          [SIGNATURE_HEADER]: signatureHeader(secret, t, body),
          ...headers,
        },
      },
      (res) => {
        res.resume(); // the answer's body is not kept
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const ok = code >= 200 && code < 300;
          resolve({ ok, statusCode: code, error: ok ? null : `answered ${code}` });
        });
        res.on('error', (err) =>
          resolve({ ok: false, statusCode: res.statusCode ?? null, error: err.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, statusCode: null, error: err.message }));
    req.end(body);
  });
}

export interface Mailer {
  send(to: string, subject: string, text: string): Promise<Outcome>;
  close(): void;
}

/** An SMTP mailer (nodemailer) for the configured server. */
export function smtpMailer(smtp: { url: string; from: string }, timeoutMs: number): Mailer {
  const transport = nodemailer.createTransport({
    url: smtp.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(to, subject, text) {
      try {
        await transport.sendMail({ from: smtp.from, to, subject, text });
        return { ok: true, statusCode: null, error: null };
      } catch (err) {
        const e = err as { responseCode?: number; message?: string };
        return { ok: false, statusCode: e.responseCode ?? null, error: e.message ?? String(err) };
      }
    },
    close() {
      transport.close();
    },
  };
}

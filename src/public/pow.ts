// Proof of work for the public intake (ALTCHA, altcha-lib): the server hands out signed
// challenges in deterministic mode (it picks the counter, so a solution costs the client about
// `counter` SHA-256 evaluations and verifying it costs the server one HMAC); a solved challenge is
// spent once — the library alone would accept the same solution again until it expires, so the
// intake records each spent challenge (public_pow_spent) in its own transaction. The counter
// doubles for each surge level of intake in the last minute.
//
// Verification makes the checks of altcha-lib's verifySolution, in its order, with node:crypto's
// HMAC: the library computes each HMAC through WebCrypto (importKey, then an asynchronous sign),
// which was a quarter of the server's CPU time per report at intake (bench/public.bench.ts).
// pow.test.ts holds the two to the same verdict on valid, tampered, expired and malformed
// solutions. A challenge without a key signature (never issued here) goes to the library.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createChallenge, randomInt, verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { PortalKeys } from './secrets.ts';

export interface PowSettings {
  /** The largest counter at normal intake (the client's expected work is 3/4 of it). */
  counter: number;
  /** Seconds a challenge stays valid. */
  ttlSeconds: number;
  /** Reports per minute above which the cost doubles (and doubles again at 2×, 4× …). */
  surgePerMinute: number;
}

export interface PowPayload {
  challenge: Challenge;
  solution: Solution;
}

export type PowVerdict = { ok: true; spentKey: string; expiresAt: Date } | { ok: false; reason: string };

export class ProofOfWork {
  constructor(
    private readonly keys: PortalKeys,
    private readonly settings: PowSettings,
  ) {}

  /** The cost multiplier for the current intake rate: 1, 2, 4 … (at most 64). */
  surgeFactor(perMinute: number): number {
    let f = 1;
    let threshold = this.settings.surgePerMinute;
    while (perMinute > threshold && f < 64) {
      f *= 2;
      threshold *= 2;
    }
    return f;
  }

  async challenge(perMinute: number): Promise<Challenge> {
    const max = this.settings.counter * this.surgeFactor(perMinute);
    return createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: randomInt(max, Math.max(1, Math.floor(max / 2))),
      deriveKey,
      expiresAt: new Date(Date.now() + this.settings.ttlSeconds * 1000),
      hmacSignatureSecret: this.keys.powSecret,
      hmacKeySignatureSecret: this.keys.powKeySecret,
    });
  }

  /** Checks signature, expiry and solution; the caller records `spentKey` so it is used once. */
  async verify(payload: PowPayload): Promise<PowVerdict> {
    const p = payload.challenge?.parameters;
    if (!p || typeof payload.challenge.signature !== 'string')
      return { ok: false, reason: 'The proof of work is missing its challenge.' };
    let r: { expired: boolean; verified: boolean };
    try {
      r =
        typeof p.keySignature === 'string'
          ? this.verifyKeySigned(payload)
          : await verifySolution({
              challenge: payload.challenge,
              solution: payload.solution,
              deriveKey,
              hmacSignatureSecret: this.keys.powSecret,
              hmacKeySignatureSecret: this.keys.powKeySecret,
            });
    } catch {
      return { ok: false, reason: 'The proof of work is malformed.' };
    }
    if (r.expired) return { ok: false, reason: 'The proof-of-work challenge has expired; solve a new one.' };
    if (!r.verified) return { ok: false, reason: 'The proof of work does not solve its challenge.' };
    const expiresAt = new Date(
      (p.expiresAt ?? Math.floor(Date.now() / 1000) + this.settings.ttlSeconds) * 1000,
    );
    return { ok: true, spentKey: payload.challenge.signature, expiresAt };
  }

  /**
   * altcha-lib's verifySolution (v2, HMAC-SHA-256) for a challenge that carries a key signature:
   * expiry, then the signature of the canonical parameters, then the solution's form, then the
   * derived key against its signature.
   */
  private verifyKeySigned({ challenge, solution }: PowPayload): { expired: boolean; verified: boolean } {
    const p = challenge.parameters;
    if (p.expiresAt && p.expiresAt < Date.now() / 1000) return { expired: true, verified: false };
    if (!challenge.signature) return { expired: false, verified: false };
    const signature = createHmac('sha256', this.keys.powSecret)
      .update(JSON.stringify(sortKeys(p)))
      .digest('hex');
    if (!equalText(challenge.signature, signature)) return { expired: false, verified: false };
    if (
      typeof solution?.derivedKey !== 'string' ||
      !/^(?:[0-9a-f]{2})+$/.test(solution.derivedKey) ||
      !Number.isInteger(solution.counter) ||
      solution.counter < 0 ||
      solution.counter > 0xffffffff
    )
      return { expired: false, verified: false };
    const keySignature = createHmac('sha256', this.keys.powKeySecret)
      .update(Buffer.from(solution.derivedKey, 'hex'))
      .digest('hex');
    return { expired: false, verified: equalText(String(p.keySignature), keySignature) };
  }
}

/** Constant-time equality of two strings (false for different lengths, as the library's). */
function equalText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** altcha-lib's canonical form: keys sorted at every depth, undefined values dropped. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .flatMap((k) => {
        const v = (value as Record<string, unknown>)[k];
        return v === undefined ? [] : [[k, sortKeys(v)]];
      }),
  );
}

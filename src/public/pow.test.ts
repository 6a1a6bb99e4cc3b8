// The intake's proof-of-work check against altcha-lib's own verifySolution: the same verdict on
// valid, tampered, expired and malformed solutions (pow.ts makes the library's checks with
// node:crypto's HMAC instead of WebCrypto).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { type Challenge, createChallenge, type Solution, solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { type PowPayload, ProofOfWork } from './pow.ts';
import { PortalKeys } from './secrets.ts';

const keys = new PortalKeys(randomBytes(32));
const pow = new ProofOfWork(keys, { counter: 20, ttlSeconds: 600, surgePerMinute: 600 });

async function library(p: PowPayload): Promise<'ok' | 'expired' | 'refused' | 'malformed'> {
  try {
    const r = await verifySolution({
      challenge: p.challenge,
      solution: p.solution,
      deriveKey,
      hmacSignatureSecret: keys.powSecret,
      hmacKeySignatureSecret: keys.powKeySecret,
    });
    return r.expired ? 'expired' : r.verified ? 'ok' : 'refused';
  } catch {
    return 'malformed';
  }
}

async function ours(p: PowPayload): Promise<'ok' | 'expired' | 'refused' | 'malformed'> {
  const v = await pow.verify(p);
  if (v.ok) return 'ok';
  return /expired/.test(v.reason) ? 'expired' : /malformed/.test(v.reason) ? 'malformed' : 'refused';
}

async function solved(c: Challenge): Promise<PowPayload> {
  const s = (await solveChallenge({ challenge: c, deriveKey }))!;
  return { challenge: c, solution: { counter: s.counter, derivedKey: s.derivedKey } };
}

test('the intake accepts and refuses exactly what altcha-lib does', async () => {
  const good = await solved(await pow.challenge(0));
  const other = await solved(await pow.challenge(0));
  const expiredChallenge = await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: 3,
    deriveKey,
    expiresAt: new Date(Date.now() - 60_000),
    hmacSignatureSecret: keys.powSecret,
    hmacKeySignatureSecret: keys.powKeySecret,
  });
  const noKeySignature = await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: 3,
    deriveKey,
    expiresAt: new Date(Date.now() + 60_000),
    hmacSignatureSecret: keys.powSecret,
  });
  const foreign = await createChallenge({
    algorithm: 'SHA-256',
    cost: 1,
    counter: 3,
    deriveKey,
    expiresAt: new Date(Date.now() + 60_000),
    hmacSignatureSecret: 'another portal',
    hmacKeySignatureSecret: 'another portal key',
  });
  const sol = (s: Record<string, unknown>) => ({ ...good.solution, ...s }) as unknown as Solution;
  const cases: [string, PowPayload, string][] = [
    ['a solved challenge', good, 'ok'],
    ['a challenge without a key signature, solved', await solved(noKeySignature), 'ok'],
    ['another challenge’s solution', { challenge: good.challenge, solution: other.solution }, 'refused'],
    [
      'a tampered parameter',
      {
        challenge: { ...good.challenge, parameters: { ...good.challenge.parameters, keyPrefix: '00' } },
        solution: good.solution,
      },
      'refused',
    ],
    [
      'a later expiry than signed',
      {
        challenge: {
          ...good.challenge,
          parameters: { ...good.challenge.parameters, expiresAt: good.challenge.parameters.expiresAt! + 1 },
        },
        solution: good.solution,
      },
      'refused',
    ],
    [
      'a forged signature',
      { challenge: { ...good.challenge, signature: 'ab'.repeat(32) }, solution: good.solution },
      'refused',
    ],
    [
      'an empty signature',
      { challenge: { ...good.challenge, signature: '' }, solution: good.solution },
      'refused',
    ],
    ['another portal’s challenge', await solved(foreign), 'refused'],
    ['an expired challenge', await solved(expiredChallenge), 'expired'],
    [
      'the key in upper case',
      { ...good, solution: sol({ derivedKey: good.solution.derivedKey.toUpperCase() }) },
      'refused',
    ],
    [
      'a key of odd length',
      { ...good, solution: sol({ derivedKey: `${good.solution.derivedKey}0` }) },
      'refused',
    ],
    ['a counter as text', { ...good, solution: sol({ counter: String(good.solution.counter) }) }, 'refused'],
    ['a negative counter', { ...good, solution: sol({ counter: -1 }) }, 'refused'],
    ['no solution', { challenge: good.challenge, solution: undefined as unknown as Solution }, 'refused'],
  ];
  for (const [name, payload, expected] of cases) {
    assert.equal(await library(payload), expected, `altcha-lib: ${name}`);
    assert.equal(await ours(payload), expected, `intake: ${name}`);
  }
});

// Sign-in throttling: exponential delays instead of a lock an attacker can trigger (issue 8 #5).
//
// Every failed sign-in counts against three keys, each with its own free allowance and ceiling:
//   addr:<address>          one client address across all accounts (password spraying);
//   pair:<account>:<addr>   one account from one address (guessing a password): the main brake,
//                           and it slows only the address that fails, not the account's owner;
//   acct:<account>          one account from everywhere (a distributed guess): a late, gentle brake
//                           whose ceiling is a minute, so nobody can keep an account shut.
// <account> is the SHA-256 of the username as typed, known or not: an unknown name is counted and
// answered exactly like a known one, so neither the answer nor the delay says whether it exists.
// After the free failures, each further failure blocks the key for 1 s, 2 s, 4 s … up to its
// ceiling; an attempt while a key is blocked is refused with 429 and Retry-After, unchecked and
// uncounted. A success clears the account's keys and the address's; a key whose last failure is
// older than RESET_AFTER_SECONDS starts again from zero; an administrator may clear an account.
import { createHash } from 'node:crypto';

export interface ThrottleRule {
  /** Failures allowed before any delay. */
  free: number;
  /** The longest delay, in seconds. */
  maxDelaySeconds: number;
}

export const THROTTLE_RULES = {
  addr: { free: 20, maxDelaySeconds: 15 * 60 },
  pair: { free: 5, maxDelaySeconds: 15 * 60 },
  acct: { free: 50, maxDelaySeconds: 60 },
} as const satisfies Record<string, ThrottleRule>;

/** A key's failures are forgotten this long after its last failure. */
export const RESET_AFTER_SECONDS = 30 * 60;

/** Seconds to block after the n-th failure: 0 within the allowance, then 1, 2, 4 … up to the ceiling. */
export function delayAfter(failures: number, rule: ThrottleRule): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.maxDelaySeconds, 2 ** Math.min(30, failures - rule.free - 1));
}

export function accountHash(username: string): string {
  return createHash('sha256').update(username, 'utf8').digest('hex');
}

export interface ThrottleKeys {
  addr: string;
  pair: string;
  acct: string;
}

export function throttleKeys(username: string, address: string): ThrottleKeys {
  const account = accountHash(username);
  return { addr: `addr:${address}`, pair: `pair:${account}:${address}`, acct: `acct:${account}` };
}

/** The keys an administrator's unlock clears: the account everywhere and from every address. */
export function accountKeys(username: string): { keys: string[]; prefixes: string[] } {
  const account = accountHash(username);
  return { keys: [`acct:${account}`], prefixes: [`pair:${account}:`] };
}

// Rate limits of the public intake, without accounts: per network prefix (an IPv4 /24, an IPv6
// /48: one household or office, not one address that a phone changes every hour) and per contact
// hash. Fixed windows in memory: each server process counts its own clients (a load balancer with
// sticky client addresses keeps the budget per client; without it each process grants its own).
import { isIPv4, isIPv6 } from 'node:net';

/** The network prefix an address belongs to: /24 for IPv4 (and IPv4-mapped IPv6), /48 for IPv6. */
export function networkPrefix(address: string): string {
  const a = address.replace(/^::ffff:/i, '');
  if (isIPv4(a)) return `${a.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(a)) {
    const [head = '', tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = a.includes('::')
      ? [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t]
      : h;
    return `${groups
      .slice(0, 3)
      .map((g) => Number.parseInt(g || '0', 16).toString(16))
      .join(':')}::/48`;
  }
  return 'unknown';
}

/** Counts events per key in fixed windows; `take` answers how long to wait when the key is over. */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event; undefined when allowed, else the seconds until the window ends. */
  take(key: string): number | undefined {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    w.count++;
    return undefined;
  }

  private sweep(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}

/** Intake in the last minute, in 1-second buckets: what raises the proof-of-work cost. */
export class RateMeter {
  private readonly buckets = new Array<number>(60).fill(0);
  private readonly stamps = new Array<number>(60).fill(0);

  constructor(private readonly now: () => number = Date.now) {}

  mark(): void {
    const s = Math.floor(this.now() / 1000);
    const i = s % 60;
    if (this.stamps[i] !== s) {
      this.stamps[i] = s;
      this.buckets[i] = 0;
    }
    this.buckets[i]!++;
  }

  perMinute(): number {
    const s = Math.floor(this.now() / 1000);
    let n = 0;
    for (let i = 0; i < 60; i++) if (s - this.stamps[i]! < 60) n += this.buckets[i]!;
    return n;
  }
}

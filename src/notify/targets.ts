// Which addresses a webhook may reach. A webhook URL is chosen by an organization's administrator,
// and the server calls it: without a check it would reach the server's own network (SSRF). The
// host is resolved and EVERY address checked against the special-purpose ranges (RFC 6890 and
// the IANA registries: private, loopback, link-local, shared, unique-local, multicast,
// documentation, unspecified); the call then connects to the checked address only, so a second
// resolution (DNS rebinding) cannot swap in another. The server's administrator may allow listed
// ranges (BULWARK_NOTIFY_ALLOW), e.g. a loopback receiver in tests.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

export class TargetPolicy {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowRanges: readonly string[] = []) {
    for (const [a, p] of BLOCKED_V4) this.blocked.addSubnet(a, p, 'ipv4');
    for (const [a, p] of BLOCKED_V6) this.blocked.addSubnet(a, p, 'ipv6');
    for (const r of allowRanges) {
      const [a, p] = r.split('/') as [string, string];
      const type = isIP(a) === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(a, Number(p), type);
    }
  }

  /** Why an address may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    const v = isIP(address);
    if (v === 0) return `${address} is not an IP address`;
    // IPv4-mapped IPv6 (::ffff:a.b.c.d, also written ::ffff:XXXX:XXXX): checked as the IPv4 address.
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return this.refusal(mapped[1]!);
    const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hex) {
      const hi = Number.parseInt(hex[1]!, 16);
      const lo = Number.parseInt(hex[2]!, 16);
      return this.refusal(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    const type = v === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(address, type)) return undefined;
    if (this.blocked.check(address, type))
      return `${address} is a private, loopback, link-local or otherwise special-purpose address`;
    return undefined;
  }

  /**
   * Resolves a webhook URL's host and checks every address. Answers the addresses to connect to,
   * or the reason the URL is refused.
   */
  async check(
    url: string,
  ): Promise<{ ok: true; addresses: { address: string; family: number }[] } | { ok: false; reason: string }> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { ok: false, reason: 'not an absolute URL' };
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      return { ok: false, reason: 'only http and https' };
    if (u.username || u.password) return { ok: false, reason: 'credentials in the URL are not accepted' };
    const host = u.hostname.replace(/^\[|\]$/g, '');
    let addresses: { address: string; family: number }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await lookup(host, { all: true, verbatim: true });
      } catch (err) {
        return {
          ok: false,
          reason: `the host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
        };
      }
    }
    if (addresses.length === 0) return { ok: false, reason: `the host ${host} has no address` };
    for (const a of addresses) {
      const why = this.refusal(a.address);
      if (why) return { ok: false, reason: why };
    }
    return { ok: true, addresses };
  }
}

// Where X-ARF reports go by e-mail: the abuse desks configured by BULWARK_PUBLIC_ABUSE_DESKS, as
// `domain=address` (that registrable domain and its subdomains), `.tld=address` (every name under
// that suffix) and `*=address` (the fallback). The most specific match wins: a host matches an
// entry when it is the entry's name or ends with `.` + it; the longest such entry is chosen. No
// RDAP or WHOIS lookup: only configured addresses. A pure module, no I/O.

const EMAIL = /^[^@\s<>()",;:=]+@[^@\s<>()",;:=]+\.[^@\s<>()",;:=]+$/;

export interface AbuseDesks {
  /** Suffixes (lower case, no leading dot) to addresses, and the fallback. */
  bySuffix: Map<string, string>;
  fallback: string | null;
}

/** Parses the configured entries; throws on an entry that is not `name=address` with an e-mail address. */
export function parseAbuseDesks(entries: readonly string[]): AbuseDesks {
  const bySuffix = new Map<string, string>();
  let fallback: string | null = null;
  for (const entry of entries) {
    const i = entry.lastIndexOf('=');
    const name = entry.slice(0, i).trim().toLowerCase();
    const address = entry.slice(i + 1).trim();
    if (i <= 0 || !EMAIL.test(address))
      throw new Error(
        `BULWARK_PUBLIC_ABUSE_DESKS: '${entry}' is not 'domain=address', '.tld=address' or '*=address'`,
      );
    if (name === '*') fallback = address;
    else bySuffix.set(name.replace(/^\.+/, '').replace(/\.+$/, ''), address);
  }
  return { bySuffix, fallback };
}

/** The desk for a host name (a URL's host or a domain): the longest matching suffix, else the fallback. */
export function deskFor(desks: AbuseDesks, host: string): string | null {
  const h = host.toLowerCase().replace(/\.+$/, '');
  const labels = h.split('.');
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join('.');
    const address = desks.bySuffix.get(suffix);
    if (address) return address;
  }
  return desks.fallback;
}

/** The host an observable is reported under: a URL's host name, or the domain itself. */
export function hostOf(type: 'url' | 'domain', key: string): string {
  if (type === 'domain') return key;
  try {
    return new URL(key).hostname;
  } catch {
    return key;
  }
}

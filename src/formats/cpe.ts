// CPE names, pure: the CPE 2.3 formatted string (NISTIR 7695, `cpe:2.3:part:vendor:product:version:…`,
// eleven attributes, `\` escapes, unquoted `*` and `?` wildcards) and the CPE 2.2 URI binding
// (`cpe:/part:vendor:product:version:…`, percent-encoded, empty = ANY) read into one form, and CPE
// name matching (NISTIR 7696): a pattern matches a name when every attribute of the pattern is a
// superset of, or equal to, the name's. Also the matching identity Bulwark gives a component that
// carries a CPE but no usable purl: OSV-like ecosystem `CPE`, package `part:vendor:product`.
import type { ResolvedPurl } from './purl.ts';

/** ANY (`*`, or empty in a URI) and NA (`-`), the two logical values; otherwise the value in lower case. */
export type CpeValue = { kind: 'any' } | { kind: 'na' } | { kind: 'value'; text: string; wildcard: boolean };

export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'swEdition',
  'targetSw',
  'targetHw',
  'other',
] as const;
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number];
export type CpeName = Record<CpeAttribute, CpeValue>;

/** The OSV-like ecosystem of components matched by CPE (no purl). */
export const CPE_ECOSYSTEM = 'CPE';

const ANY: CpeValue = { kind: 'any' };
const NA: CpeValue = { kind: 'na' };

export class CpeError extends Error {
  override name = 'CpeError';
}

/** Splits on `:` not escaped by `\`. */
function splitFormatted(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A formatted-string value: `*` ANY, `-` NA, else unescaped, with unquoted `*`/`?` kept as wildcards. */
function formattedValue(raw: string): CpeValue {
  if (raw === '*' || raw === '') return ANY;
  if (raw === '-') return NA;
  let text = '';
  let wildcard = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      // An escaped character stands for itself; escape the wildcard characters so they stay literal.
      const next = raw[i + 1]!;
      text += next === '*' || next === '?' || next === '\\' ? `\\${next}` : next;
      i++;
    } else if (c === '*' || c === '?') {
      wildcard = true;
      text += c;
    } else text += c;
  }
  return { kind: 'value', text: text.toLowerCase(), wildcard };
}

/** A URI value: empty ANY, `-` NA, percent-decoded (`%01` and `%02` are the URI's `?` and `*`). */
function uriValue(raw: string): CpeValue {
  if (raw === '') return ANY;
  if (raw === '-') return NA;
  let text = '';
  let wildcard = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%' && i + 2 < raw.length && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      const code = raw.slice(i + 1, i + 3).toLowerCase();
      i += 2;
      if (code === '01') {
        text += '?';
        wildcard = true;
      } else if (code === '02') {
        text += '*';
        wildcard = true;
      } else {
        const ch = String.fromCharCode(Number.parseInt(code, 16));
        text += ch === '*' || ch === '?' || ch === '\\' ? `\\${ch}` : ch;
      }
    } else text += c;
  }
  return { kind: 'value', text: text.toLowerCase(), wildcard };
}

/** Reads a CPE 2.3 formatted string or a CPE 2.2 URI. Throws CpeError. */
export function parseCpe(input: string): CpeName {
  const s = input.trim();
  let values: CpeValue[];
  if (s.toLowerCase().startsWith('cpe:2.3:')) {
    const parts = splitFormatted(s.slice('cpe:2.3:'.length));
    if (parts.length !== 11)
      throw new CpeError(`a CPE 2.3 name has 11 attributes, ${JSON.stringify(s)} has ${parts.length}`);
    values = parts.map(formattedValue);
  } else if (s.toLowerCase().startsWith('cpe:/')) {
    const parts = s.slice('cpe:/'.length).split(':');
    if (parts.length > 7) throw new CpeError(`a CPE 2.2 URI has at most 7 components: ${JSON.stringify(s)}`);
    // The edition component may pack the 2.3 extended attributes: ~edition~sw_edition~target_sw~target_hw~other.
    const ed = parts[5] ?? '';
    const packed = ed.startsWith('~') ? ed.split('~') : undefined;
    // part vendor product version update edition language; a packed edition carries the 2.3 extras.
    values = [
      uriValue(parts[0] ?? ''),
      uriValue(parts[1] ?? ''),
      uriValue(parts[2] ?? ''),
      uriValue(parts[3] ?? ''),
      uriValue(parts[4] ?? ''),
      packed ? uriValue(packed[1] ?? '') : uriValue(parts[5] ?? ''),
      uriValue(parts[6] ?? ''),
      packed ? uriValue(packed[2] ?? '') : ANY,
      packed ? uriValue(packed[3] ?? '') : ANY,
      packed ? uriValue(packed[4] ?? '') : ANY,
      packed ? uriValue(packed[5] ?? '') : ANY,
    ];
  } else throw new CpeError(`not a CPE name (cpe:2.3:… or cpe:/…): ${JSON.stringify(s.slice(0, 80))}`);
  const part = values[0]!;
  if (part.kind === 'value' && !['a', 'o', 'h'].includes(part.text))
    throw new CpeError(`CPE part must be a, o or h, not ${JSON.stringify(part.text)}`);
  return Object.fromEntries(CPE_ATTRIBUTES.map((a, i) => [a, values[i]!])) as CpeName;
}

/** A wildcard value (`*` any run, `?` one character, `\x` literal) against a plain text. */
function wildcardMatches(pattern: string, text: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[i + 1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(text);
}

/** Whether the pattern's value is a superset of (or equal to) the name's (NISTIR 7696, table 6-2). */
function attributeMatches(p: CpeValue, n: CpeValue): boolean {
  if (p.kind === 'any') return true;
  if (p.kind === 'na') return n.kind === 'na';
  if (n.kind !== 'value') return false; // a value is a subset of ANY, disjoint from NA
  if (n.wildcard) return false; // a name with wildcards is a pattern, not a name to match
  return p.wildcard ? wildcardMatches(p.text, n.text) : p.text === n.text;
}

/** Whether `pattern` matches `name` on every attribute (e.g. an advisory's product CPE and a component's). */
export function cpeMatches(pattern: CpeName, name: CpeName): boolean {
  return CPE_ATTRIBUTES.every((a) => attributeMatches(pattern[a], name[a]));
}

/** A value without escapes, for display and keys. */
function plain(v: CpeValue): string {
  return v.kind === 'value' ? v.text.replace(/\\(.)/g, '$1') : v.kind === 'any' ? '*' : '-';
}

/**
 * The matching identity of a component that carries a CPE: ecosystem `CPE`, package
 * `part:vendor:product` (lower case), version the CPE's (else the component's own). Undefined when
 * the part, vendor or product is not a plain value (ANY, NA or a wildcard name no package).
 */
export function identityFromCpe(
  cpe: CpeName,
  givenVersion: string | undefined,
): { ecosystem: string; name: string; normalizedName: string; version: string | undefined } | undefined {
  for (const a of ['part', 'vendor', 'product'] as const) {
    const v = cpe[a];
    if (v.kind !== 'value' || v.wildcard) return undefined;
  }
  const name = `${plain(cpe.part)}:${plain(cpe.vendor)}:${plain(cpe.product)}`;
  const v = cpe.version;
  const version = v.kind === 'value' && !v.wildcard ? plain(v) : givenVersion;
  return { ecosystem: CPE_ECOSYSTEM, name, normalizedName: name, version };
}

/**
 * A component's identity when its purl gives none (absent, invalid or of a type without an OSV
 * ecosystem) but it carries a CPE (CycloneDX `cpe`, SPDX `cpe23Type`/`cpe22Type` external
 * references): matched as package `part:vendor:product` of ecosystem `CPE`. A purl's identity
 * always wins; the warnings say which was used.
 */
export function withCpeIdentity(
  resolved: ResolvedPurl,
  cpe: string | undefined,
  givenVersion: string | undefined,
): ResolvedPurl {
  if (resolved.identity || cpe === undefined || cpe.trim() === '') return resolved;
  let parsed: CpeName;
  try {
    parsed = parseCpe(cpe);
  } catch (err) {
    return { ...resolved, warnings: [...resolved.warnings, `invalid CPE: ${(err as Error).message}`] };
  }
  const identity = identityFromCpe(parsed, givenVersion);
  if (!identity)
    return {
      ...resolved,
      warnings: [
        ...resolved.warnings,
        'its CPE names no package (part, vendor or product is ANY, NA or a wildcard)',
      ],
    };
  const warnings = resolved.warnings.filter((w) => !/cannot be matched/.test(w));
  warnings.push(
    identity.version === undefined
      ? `no version in its CPE or the component: the component cannot be matched to advisories`
      : `no usable purl: matched to advisories by its CPE as ${identity.name} ${identity.version}`,
  );
  return {
    ...(resolved.purl !== undefined ? { purl: resolved.purl } : {}),
    ...(identity.version !== undefined ? { version: identity.version } : {}),
    identity: { ecosystem: identity.ecosystem, name: identity.name, normalizedName: identity.normalizedName },
    warnings,
  };
}

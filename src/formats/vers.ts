// Version ranges as CSAF's `product_version_range` gives them, pure: the `vers` specifier
// (`vers:<scheme>/<constraint>|<constraint>…`, github.com/package-url/purl-spec VERSION-RANGE-SPEC:
// comparators =, !=, <, <=, >, >=, and `*` for every version) and the legacy forms CSAF 2.0 allows
// beside it (section 3.1.2.3.1: "vls", a version range string in the style of `>=1.0|<2.0`,
// `<= 4.1`, `>=2.9, <3.0`, `all versions`), turned into OSV range events (introduced, fixed,
// last_affected) and listed versions, in the version order of the ecosystem the caller gives.

export type VersComparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface VersConstraint {
  comparator: VersComparator;
  version: string;
}

export interface VersRange {
  /** The `vers` scheme (`generic`, `npm`, `pypi` …), or null for a legacy range. */
  scheme: string | null;
  /** True for `*` (every version). */
  all: boolean;
  constraints: VersConstraint[];
}

export class VersError extends Error {
  override name = 'VersError';
}

const COMPARATOR = /^(>=|<=|!=|<|>|=)?\s*(.+)$/;

function constraintOf(text: string, where: string): VersConstraint {
  const m = COMPARATOR.exec(text.trim());
  if (!m || !m[2]!.trim())
    throw new VersError(`${where}: ${JSON.stringify(text)} is not a version constraint`);
  const version = decodeURIComponent(m[2]!.trim());
  if (/\s/.test(version))
    throw new VersError(`${where}: ${JSON.stringify(text)} is not a version constraint`);
  return { comparator: (m[1] as VersComparator | undefined) ?? '=', version };
}

/** Reads a `vers` specifier or a legacy version range string. Throws VersError. */
export function parseVersRange(input: string): VersRange {
  const s = input.trim();
  if (s.toLowerCase().startsWith('vers:')) {
    const slash = s.indexOf('/');
    if (slash < 0)
      throw new VersError(`${JSON.stringify(s)}: a vers specifier is vers:<scheme>/<constraints>`);
    const scheme = s.slice(5, slash).toLowerCase();
    const rest = s.slice(slash + 1).trim();
    if (!scheme) throw new VersError(`${JSON.stringify(s)}: the vers scheme is missing`);
    if (rest === '*') return { scheme, all: true, constraints: [] };
    if (!rest) throw new VersError(`${JSON.stringify(s)}: no constraints`);
    return {
      scheme,
      all: false,
      constraints: rest.split('|').map((c) => constraintOf(c, s)),
    };
  }
  if (/^(\*|all|all versions|any|any version)$/i.test(s)) return { scheme: null, all: true, constraints: [] };
  // Legacy: constraints separated by `|`, `,`, `&&` or blanks between them (`>=1.0 <2.0`).
  const parts = s
    .replace(/(>=|<=|!=|<|>|=)\s+/g, '$1')
    .split(/\s*(?:\||,|&&|\s)\s*/)
    .filter(Boolean);
  if (parts.length === 0) throw new VersError(`${JSON.stringify(s)}: no version constraints`);
  return { scheme: null, all: false, constraints: parts.map((c) => constraintOf(c, s)) };
}

/** What OSV matching is given for a range: events of one ECOSYSTEM range and exact versions. */
export interface OsvRangeParts {
  events: { kind: 'introduced' | 'fixed' | 'last_affected'; version: string }[];
  versions: string[];
}

/**
 * A range as OSV events, in `compare`'s order. `vers` semantics: the constraints, sorted by
 * version, alternate between lower bounds (>=) and upper bounds (<, <=); `=` names single versions.
 * OSV cannot say an exclusive lower bound (`>`) or an exclusion (`!=`), so those throw VersError.
 */
export function versToOsv(range: VersRange, compare: (a: string, b: string) => number): OsvRangeParts {
  if (range.all) return { events: [{ kind: 'introduced', version: '0' }], versions: [] };
  const versions: string[] = [];
  const bounds: VersConstraint[] = [];
  for (const c of range.constraints) {
    if (c.comparator === '=') versions.push(c.version);
    else if (c.comparator === '!=' || c.comparator === '>')
      throw new VersError(
        `${c.comparator}${c.version}: OSV ranges cannot express ${c.comparator === '>' ? 'an exclusive lower bound' : 'an excluded version'}`,
      );
    else bounds.push(c);
  }
  bounds.sort((a, b) => compare(a.version, b.version));
  const events: OsvRangeParts['events'] = [];
  let open = false;
  for (const b of bounds) {
    if (b.comparator === '>=') {
      if (open) throw new VersError(`>=${b.version}: two lower bounds without an upper bound between them`);
      events.push({ kind: 'introduced', version: b.version });
      open = true;
    } else {
      if (!open && events.length > 0)
        throw new VersError(
          `${b.comparator}${b.version}: two upper bounds without a lower bound between them`,
        );
      if (!open) events.push({ kind: 'introduced', version: '0' });
      events.push({ kind: b.comparator === '<' ? 'fixed' : 'last_affected', version: b.version });
      open = false;
    }
  }
  return { events, versions };
}

// The in-memory exposure index: advisories keyed by (ecosystem, normalized package name) with
// their ranges compiled once, and the components every asset currently runs, keyed the same
// way. A new advisory finds its affected components through the second map, a new SBOM checks
// only its own components through the first; a full rematch walks every deployed package. The
// database stays the truth: the service rebuilds this from it at start and updates it only after
// a write has committed.
//
// An asset's components change as one: a new SBOM's components are entered under a holding that
// no reader sees yet, a slice at a time, and then that holding is made live and the old one
// retired in one step (`replaceAssetSteps`), so a reader between two slices sees the asset's
// old components or its new ones, never some of each (50,000 components entered in one turn
// held the event loop for 0.2-0.4 s).
import { matchingEcosystem } from '../formats/index.ts';
import { type AffectedMatcher, compileAffected, ParsedVersion } from '../formats/versions/index.ts';
import type { DeployedComponent } from '../assets/index.ts';
import { IntervalTable, ParsedVersions, type TableInput } from './interval-table.ts';

/** The part of a converted OSV advisory (src/advisories/import) the index needs. */
export interface IndexableAdvisory {
  id: string;
  withdrawn?: string;
  affected: {
    package?: { ecosystem: string; name: string; normalizedName: string };
    ranges: {
      type: string;
      events: { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string }[];
    }[];
    versions: string[];
  }[];
}

/** A component as the index keeps it (the assets domain's): enough to key, match and present an exposure. */
export type { DeployedComponent };

export interface Match {
  asset: string;
  advisory: string;
  component: DeployedComponent;
}

/** Why a component could not take part in matching (reported, never silently dropped). */
export type Unmatchable = 'no-version' | 'no-ecosystem';

/** The bucket of a package: Ubuntu's channel suffixes (:LTS, :Pro) fold into the release (matchingEcosystem). */
export function packageKey(ecosystem: string, normalizedName: string): string {
  return `${matchingEcosystem(ecosystem)}\u0000${normalizedName}`;
}

interface AdvisoryEntry {
  advisory: string;
  matcher: AffectedMatcher;
  input: TableInput;
}

/** Everything the index knows of one package: its advisories, and which assets run which version. */
interface PackageBucket {
  ecosystem: string;
  normalizedName: string;
  advisories: AdvisoryEntry[];
  /** version -> ids of the advisories that affect it; reset whenever `advisories` changes. */
  verdicts: Map<string, readonly string[]>;
  /** All advisories of the package folded into one table (undefined: not built yet; null: not possible). */
  table: IntervalTable | null | undefined;
  /** version -> the assets running it (one component per asset, package and version). */
  deployed: Map<string, DeployedVersion>;
}

/**
 * One asset's components as one SBOM gave them: readers see an asset's components only through its
 * live holding, so a new SBOM's components can be entered beside the old ones (not live yet) and
 * replace them all at once when `live` flips.
 */
class Holding {
  live = false;
  /** Where its components are: one entry per (package, version). */
  readonly entries: { bucket: PackageBucket; version: string }[] = [];
  constructor(readonly asset: string) {}
}

/**
 * The holdings (assets) running one version of a package, as parallel arrays (a full rematch walks
 * them for every match, and arrays walk several times faster than a Map's entries), with each
 * holding's position so that one leaves in constant time (the last one takes its place). An asset
 * appears here once per holding: while a new SBOM is entered, its old and new holdings may both
 * be here, and readers skip the one that is not live.
 */
class DeployedVersion {
  readonly holdings: Holding[] = [];
  readonly components: DeployedComponent[] = [];
  private readonly position = new Map<Holding, number>();

  get size(): number {
    return this.holdings.length;
  }

  get(holding: Holding): DeployedComponent | undefined {
    const i = this.position.get(holding);
    return i === undefined ? undefined : this.components[i];
  }

  /** Adds or replaces the holding's component; true when the holding was not there yet. */
  set(holding: Holding, component: DeployedComponent): boolean {
    const i = this.position.get(holding);
    if (i !== undefined) {
      this.components[i] = component;
      return false;
    }
    this.position.set(holding, this.holdings.length);
    this.holdings.push(holding);
    this.components.push(component);
    return true;
  }

  delete(holding: Holding): void {
    const i = this.position.get(holding);
    if (i === undefined) return;
    this.position.delete(holding);
    const last = this.holdings.length - 1;
    if (i !== last) {
      const moved = this.holdings[last]!;
      this.holdings[i] = moved;
      this.components[i] = this.components[last]!;
      this.position.set(moved, i);
    }
    this.holdings.pop();
    this.components.pop();
  }
}

const NONE: readonly string[] = Object.freeze([]);
/** Verdicts kept per package before the cache is cleared (bounds memory on hostile SBOMs). */
const MAX_VERDICTS_PER_PACKAGE = 8192;

export interface CompiledAdvisory {
  id: string;
  entries: { key: string; matcher: AffectedMatcher; input: TableInput }[];
  /** Ranges skipped while compiling (GIT ranges are skipped silently, as OSV says). */
  problems: string[];
}

/** Compiles an advisory's affected packages; a withdrawn advisory compiles to no entries. */
export function compileAdvisory(advisory: IndexableAdvisory): CompiledAdvisory {
  const entries: CompiledAdvisory['entries'] = [];
  const problems: string[] = [];
  if (advisory.withdrawn) return { id: advisory.id, entries, problems };
  for (const a of advisory.affected) {
    if (!a.package) continue;
    const matcher = compileAffected({ package: a.package, ranges: a.ranges, versions: a.versions });
    for (const p of matcher.problems) problems.push(`${a.package.name}: ${p}`);
    entries.push({
      key: packageKey(a.package.ecosystem, a.package.normalizedName),
      matcher,
      input: {
        advisory: advisory.id,
        ecosystem: a.package.ecosystem,
        ranges: a.ranges,
        versions: a.versions,
      },
    });
  }
  return { id: advisory.id, entries, problems };
}

export class ExposureIndex {
  private readonly buckets = new Map<string, PackageBucket>();
  /** The same buckets by ecosystem, then name: the hot path looks up without building a key string. */
  private readonly byEcosystem = new Map<string, Map<string, PackageBucket>>();
  private readonly compiledById = new Map<string, CompiledAdvisory>();
  /** Each asset's live holding. */
  private readonly componentsOfAsset = new Map<string, Holding>();

  /**
   * `cacheVerdicts: false` evaluates every component afresh; `intervalTables: false` evaluates each
   * advisory's compiled ranges instead of the package's folded table (the benchmark measures all).
   */
  private readonly cacheVerdicts: boolean;

  constructor(private readonly options: { cacheVerdicts?: boolean; intervalTables?: boolean } = {}) {
    this.cacheVerdicts = options.cacheVerdicts !== false;
  }

  get advisoryCount(): number {
    return this.compiledById.size;
  }

  get assetCount(): number {
    return this.componentsOfAsset.size;
  }

  private bucket(key: string): PackageBucket {
    let b = this.buckets.get(key);
    if (!b) {
      const cut = key.indexOf('\u0000');
      const ecosystem = key.slice(0, cut);
      const normalizedName = key.slice(cut + 1);
      b = {
        ecosystem,
        normalizedName,
        advisories: [],
        verdicts: new Map(),
        table: undefined,
        deployed: new Map(),
      };
      this.buckets.set(key, b);
      let names = this.byEcosystem.get(ecosystem);
      if (!names) {
        names = new Map();
        this.byEcosystem.set(ecosystem, names);
      }
      names.set(normalizedName, b);
    }
    return b;
  }

  // ---- advisories ----------------------------------------------------------------------------

  /** Adds or replaces an advisory (a withdrawn one is removed). */
  putAdvisory(compiled: CompiledAdvisory): void {
    this.removeAdvisory(compiled.id);
    if (compiled.entries.length === 0) return;
    for (const e of compiled.entries) {
      const b = this.bucket(e.key);
      b.advisories.push({ advisory: compiled.id, matcher: e.matcher, input: e.input });
      b.verdicts.clear();
      b.table = undefined;
    }
    this.compiledById.set(compiled.id, compiled);
  }

  removeAdvisory(id: string): void {
    const compiled = this.compiledById.get(id);
    if (!compiled) return;
    for (const key of new Set(compiled.entries.map((e) => e.key))) {
      const b = this.buckets.get(key);
      if (!b) continue;
      b.advisories = b.advisories.filter((e) => e.advisory !== id);
      b.verdicts.clear();
      b.table = undefined;
      this.dropIfEmpty(b);
    }
    this.compiledById.delete(id);
  }

  /** The compiled form of an indexed advisory (undefined when withdrawn or unknown). */
  advisory(id: string): CompiledAdvisory | undefined {
    return this.compiledById.get(id);
  }

  // ---- deployed components ---------------------------------------------------------------------

  /** Replaces what an asset runs (its current SBOM). Components without a version or ecosystem are skipped. */
  setAssetComponents(asset: string, components: Iterable<DeployedComponent>): void {
    for (const _ of this.replaceAssetSteps(asset, components, Number.POSITIVE_INFINITY));
  }

  /**
   * setAssetComponents in steps, for a caller that lets other work run between them (the engine
   * after an SBOM's commit). It yields after every `slice` components entered and every `slice`
   * old entries removed. Until the swap, the new components sit under a holding no reader sees;
   * the swap (one step: the old holding stops being live, the new one starts) is the only moment
   * readers' view of the asset changes; afterwards the old holding's entries, which no reader
   * sees any more, are removed. Abandoned before the swap (the caller stops iterating), it
   * removes what it entered and the asset keeps its old components. Two replacements of one asset
   * interleaved would each retire whatever is live at their swap; callers run them one at a time.
   */
  *replaceAssetSteps(asset: string, components: Iterable<DeployedComponent>, slice: number): Generator<void> {
    const next = new Holding(asset);
    let swapped = false;
    try {
      let n = 0;
      for (const c of components) {
        if (!c.version || !c.ecosystem) continue;
        const b =
          this.byEcosystem.get(c.ecosystem)?.get(c.normalizedName) ??
          this.bucket(packageKey(c.ecosystem, c.normalizedName));
        let byAsset = b.deployed.get(c.version);
        if (!byAsset) {
          byAsset = new DeployedVersion();
          b.deployed.set(c.version, byAsset);
        }
        if (byAsset.set(next, c)) next.entries.push({ bucket: b, version: c.version });
        if (++n % slice === 0) yield;
      }
      const old = this.componentsOfAsset.get(asset);
      if (old) old.live = false;
      next.live = true;
      this.componentsOfAsset.set(asset, next);
      swapped = true;
      if (old) yield* this.removeHolding(old, slice);
    } finally {
      if (!swapped) for (const _ of this.removeHolding(next, Number.POSITIVE_INFINITY));
    }
  }

  /** Removes what an asset runs (the SBOM's asset is gone). */
  removeAsset(asset: string): void {
    const holding = this.componentsOfAsset.get(asset);
    if (!holding) return;
    holding.live = false;
    this.componentsOfAsset.delete(asset);
    for (const _ of this.removeHolding(holding, Number.POSITIVE_INFINITY));
  }

  /** Takes a holding's entries out of the buckets (no reader sees it: not live), yielding every `slice`. */
  private *removeHolding(holding: Holding, slice: number): Generator<void> {
    let n = 0;
    for (const { bucket: b, version } of holding.entries) {
      const byAsset = b.deployed.get(version);
      if (byAsset) {
        byAsset.delete(holding);
        if (byAsset.size === 0) b.deployed.delete(version);
        this.dropIfEmpty(b);
      }
      if (++n % slice === 0) yield;
    }
  }

  private dropIfEmpty(b: PackageBucket): void {
    if (b.advisories.length > 0 || b.deployed.size > 0) return;
    this.buckets.delete(packageKey(b.ecosystem, b.normalizedName));
    this.byEcosystem.get(b.ecosystem)?.delete(b.normalizedName);
  }

  // ---- matching --------------------------------------------------------------------------------

  /** Builds every package's interval table now (after a rebuild) rather than at its first match. */
  prepare(): void {
    for (const _ of this.prepareSteps());
  }

  /** prepare() one package at a time, for a caller that lets other work run in between. */
  *prepareSteps(): Generator<void> {
    if (this.options.intervalTables === false) return;
    for (const b of this.buckets.values())
      if (b.table === undefined && b.advisories.length > 0) {
        b.table = IntervalTable.build(b.advisories.map((e) => e.input)) ?? null;
        yield;
      }
  }

  /** Forgets every cached verdict, as a rebuild leaves the index (the benchmark times cold passes). */
  forgetVerdicts(): void {
    for (const b of this.buckets.values()) b.verdicts.clear();
  }

  /** Ids of the indexed advisories that affect this version of the package (cached per version). */
  private verdict(b: PackageBucket, version: string, parsed?: ParsedVersions): readonly string[] {
    const cache = this.cacheVerdicts;
    const cached = cache ? b.verdicts.get(version) : undefined;
    if (cached) return cached;
    let result: readonly string[];
    if (b.table === undefined)
      b.table =
        this.options.intervalTables === false
          ? null
          : (IntervalTable.build(b.advisories.map((e) => e.input)) ?? null);
    if (b.table) result = b.table.lookup(version, parsed);
    else {
      const parsed = new ParsedVersion(version);
      const hits: string[] = [];
      // An advisory may list the same package twice (two affected entries): count it once.
      for (const e of b.advisories)
        if (!hits.includes(e.advisory) && e.matcher.matches(parsed)) hits.push(e.advisory);
      result = hits.length ? hits : NONE;
    }
    if (!cache) return result;
    if (b.verdicts.size >= MAX_VERDICTS_PER_PACKAGE) b.verdicts.clear();
    b.verdicts.set(version, result);
    return result;
  }

  /** The advisories affecting each of these components (a new SBOM, before it is stored). */
  matchComponents(
    components: readonly DeployedComponent[],
    onMatch: (component: DeployedComponent, advisory: string) => void,
  ): void {
    const parsed = new ParsedVersions();
    // An SBOM's components mostly share one ecosystem: its names are looked up once per run of it.
    // Indexed loops rather than for-of: the first passes after start run before the optimiser has
    // compiled this, and there the iterator protocol costs a call and an object per step.
    let ecosystem: string | undefined;
    let names: Map<string, PackageBucket> | undefined;
    for (let i = 0; i < components.length; i++) {
      const c = components[i]!;
      const version = c.version;
      if (!version || !c.ecosystem) continue;
      if (c.ecosystem !== ecosystem) {
        ecosystem = c.ecosystem;
        names = this.byEcosystem.get(ecosystem);
      }
      const b = names?.get(c.normalizedName);
      if (b === undefined || b.advisories.length === 0) continue;
      const ids = this.verdict(b, version, parsed);
      for (let k = 0; k < ids.length; k++) onMatch(c, ids[k]!);
    }
  }

  /**
   * The deployed components an advisory affects, evaluated with the advisory's own compiled
   * matchers (it need not be in the index yet: this runs before its import commits).
   */
  matchAdvisory(compiled: CompiledAdvisory, onMatch: (m: Match) => void): void {
    for (const e of compiled.entries) {
      const b = this.buckets.get(e.key);
      if (!b) continue;
      for (const [version, byAsset] of b.deployed) {
        if (!e.matcher.isAffected(version)) continue;
        const { holdings, components } = byAsset;
        for (let i = 0; i < holdings.length; i++) {
          const h = holdings[i]!;
          if (h.live) onMatch({ asset: h.asset, advisory: compiled.id, component: components[i]! });
        }
      }
    }
  }

  /** Every match of every deployed component against every indexed advisory. */
  matchAll(onMatch: (m: Match) => void): void {
    this.eachMatch((asset, advisory, component) => onMatch({ asset, advisory, component }));
  }

  /**
   * matchAll without a Match object per match: one verdict per deployed package version (cached),
   * then its assets and advisories as they are. A full rematch of a million components is mostly
   * this loop.
   */
  eachMatch(onMatch: (asset: string, advisory: string, component: DeployedComponent) => void): void {
    const parsed = new ParsedVersions();
    for (const b of this.buckets.values()) {
      if (b.advisories.length === 0 || b.deployed.size === 0) continue;
      for (const [version, byAsset] of b.deployed) {
        const ids = this.verdict(b, version, parsed);
        if (ids.length === 0) continue;
        const { holdings, components } = byAsset;
        for (let i = 0; i < holdings.length; i++) {
          const h = holdings[i]!;
          if (!h.live) continue;
          const component = components[i]!;
          for (let k = 0; k < ids.length; k++) onMatch(h.asset, ids[k]!, component);
        }
      }
    }
  }

  /** The deployed components of one asset, as indexed. */
  componentsOf(asset: string): DeployedComponent[] {
    const out: DeployedComponent[] = [];
    const holding = this.componentsOfAsset.get(asset);
    if (!holding) return out;
    for (const { bucket, version } of holding.entries) {
      const c = bucket.deployed.get(version)?.get(holding);
      if (c) out.push(c);
    }
    return out;
  }
}

// OSV JSON (schema 1.x) to typed advisories. Three inputs: one file, a directory (recursive,
// *.json) and a zip archive as OSV publishes them (all.zip per ecosystem), read by streaming
// with hard limits. Pure: no database; the advisory service decides what to store.
//
// Failure policy: a file that is not JSON or not OSV is reported in `errors` with its name and
// the other files still convert, so one broken entry in a 4,000-entry database does not hide
// the rest (the service chooses whether any error aborts the import). A hostile or broken
// archive (zip bomb, path traversal, symlink, too many entries, corrupt zip) is refused whole:
// ImportError, nothing returned, because none of its contents can be trusted.
import { lstat, open as openFile, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { type CvssSeverity, scoreCvss } from './cvss.ts';
import {
  assertJsonDepth,
  canonicalEcosystem,
  createAjv,
  ImportError,
  type ImportErrorKind,
  normalizePackageName,
  parseJsonInput,
  readZipEntries,
  startsWithZipMagic,
  type SchemaErrorDetail,
  toSchemaErrors,
} from '../../formats/index.ts';
import { osvSchema } from './osv-schema.ts';

/** Hard limits on OSV input. Every one is checked before the bytes it guards are parsed. */
export interface OsvLimits {
  /** Largest single OSV file (or zip entry), in bytes. */
  maxFileBytes: number;
  /** Most entries a zip archive may declare (files and directories). */
  maxZipEntries: number;
  /** Most bytes all entries of one archive may decompress to. */
  maxZipTotalBytes: number;
  /** Largest uncompressed/compressed ratio for an entry bigger than ratioFloorBytes. */
  maxCompressionRatio: number;
  /** Entries smaller than this are not ratio-checked (tiny files compress oddly, harmlessly). */
  ratioFloorBytes: number;
  /** Most *.json files read from one directory tree. */
  maxDirectoryFiles: number;
}

export const MAX_OSV_FILE_BYTES = 8 * 1024 * 1024;
// What one import may hold: every entry is converted, stored, committed to the ledger and matched
// in one transaction, so these bound the work of a request (docs/exposures.md, "Upload limits":
// measured on two cores with bench/uploads.bench.ts). The OSV archives of most ecosystems fit
// (Go about 4,300 entries and 20 MB inflated, PyPI about 17,000); npm's (a few hundred thousand
// with its malicious-package entries) is imported in parts (a directory per part, or several zips).
export const MAX_ZIP_ENTRIES = 20_000;
export const MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024;
// OSV JSON deflates about 4-12x; 100x is a bomb.
export const MAX_COMPRESSION_RATIO = 100;
export const RATIO_FLOOR_BYTES = 64 * 1024;
export const MAX_DIRECTORY_FILES = MAX_ZIP_ENTRIES;

export const OSV_LIMITS: Readonly<OsvLimits> = Object.freeze({
  maxFileBytes: MAX_OSV_FILE_BYTES,
  maxZipEntries: MAX_ZIP_ENTRIES,
  maxZipTotalBytes: MAX_ZIP_TOTAL_BYTES,
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  ratioFloorBytes: RATIO_FLOOR_BYTES,
  maxDirectoryFiles: MAX_DIRECTORY_FILES,
});

export type OsvEventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

export interface OsvEvent {
  kind: OsvEventKind;
  version: string;
}

export interface OsvRange {
  type: 'SEMVER' | 'ECOSYSTEM' | 'GIT';
  repo?: string;
  events: OsvEvent[];
  databaseSpecific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: string;
  score: string;
  /** Present when the score is a CVSS v3.x or v4.0 vector the calculator could score. */
  cvss?: CvssSeverity;
}

export interface OsvAffected {
  /** Absent only for GIT-only entries, which name a repository instead of a package. */
  package?: { ecosystem: string; name: string; normalizedName: string; purl?: string };
  severity: OsvSeverity[];
  ranges: OsvRange[];
  versions: string[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

export interface OsvAdvisory {
  schemaVersion?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  related: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  affected: OsvAffected[];
  references: { type: string; url: string }[];
  databaseSpecific?: Record<string, unknown>;
  /** Problems that did not stop the conversion (an unscorable CVSS vector …). */
  warnings: string[];
}

export interface OsvImportedAdvisory {
  /** Where it came from: a file path, or "archive.zip!entry/name.json". */
  source: string;
  advisory: OsvAdvisory;
}

export interface OsvFileError {
  source: string;
  kind: ImportErrorKind;
  message: string;
  schemaErrors: SchemaErrorDetail[];
}

export interface OsvImportResult {
  advisories: OsvImportedAdvisory[];
  errors: OsvFileError[];
}

/** Whether an entry carries a `modified`, `published` or `withdrawn` time after `notAfterMs`. */
export function datedAfter(a: OsvAdvisory, notAfterMs: number): boolean {
  for (const v of [a.modified, a.published, a.withdrawn])
    if (v !== undefined && Date.parse(v) > notAfterMs) return true;
  return false;
}

/**
 * The newest version (`modified`) of each id among `entries`, the first of equals, in the order
 * the kept entries come; entries dated after `notAfterMs` (which an import refuses) are all kept
 * and compete with none. An import stores one version per id of an archive, so that it can store
 * the archive's groups as they arrive without an older copy of an id reaching the database first.
 */
export function newestVersions(entries: OsvImportedAdvisory[], notAfterMs = Infinity): OsvImportedAdvisory[] {
  const newest = new Map<string, number>();
  const keep = new Array<boolean>(entries.length).fill(false);
  entries.forEach((e, i) => {
    if (datedAfter(e.advisory, notAfterMs)) {
      keep[i] = true;
      return;
    }
    const prev = newest.get(e.advisory.id);
    if (
      prev === undefined ||
      Date.parse(e.advisory.modified) > Date.parse(entries[prev]!.advisory.modified)
    ) {
      if (prev !== undefined) keep[prev] = false;
      keep[i] = true;
      newest.set(e.advisory.id, i);
    }
  });
  return entries.filter((_, i) => keep[i]);
}

let validator: ValidateFunction | undefined;

/** Converts one OSV JSON document. Throws ImportError. */
export function parseOsv(input: Uint8Array | string, maxBytes = MAX_OSV_FILE_BYTES): OsvAdvisory {
  const doc = parseJsonInput(input, maxBytes, 'The OSV file');
  return convertOsv(doc);
}

/** Converts an already-parsed OSV document. Throws ImportError. */
export function convertOsv(doc: unknown): OsvAdvisory {
  assertJsonDepth(doc, 'The OSV entry');
  validator ??= createAjv().compile(osvSchema);
  if (!validator(doc)) {
    const errs = toSchemaErrors(validator.errors);
    throw new ImportError(
      'schema',
      `Not a valid OSV entry (${errs.length} schema error${errs.length === 1 ? '' : 's'}).`,
      errs,
    );
  }
  return extract(doc as RawOsv);
}

type RawEvent = Partial<Record<OsvEventKind, string>>;
interface RawSeverity {
  type: string;
  score: string;
}
interface RawOsv {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: RawSeverity[];
  affected?: {
    package?: { ecosystem: string; name: string; purl?: string };
    severity?: RawSeverity[];
    ranges?: {
      type: OsvRange['type'];
      repo?: string;
      events: RawEvent[];
      database_specific?: Record<string, unknown>;
    }[];
    versions?: string[];
    ecosystem_specific?: Record<string, unknown>;
    database_specific?: Record<string, unknown>;
  }[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

const EVENT_KINDS: OsvEventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

function extract(raw: RawOsv): OsvAdvisory {
  const warnings: string[] = [];
  const severities = (list: RawSeverity[] | undefined, where: string): OsvSeverity[] =>
    (list ?? []).map((s) => {
      if (s.type !== 'CVSS_V3' && s.type !== 'CVSS_V4') return { type: s.type, score: s.score };
      try {
        return { type: s.type, score: s.score, cvss: scoreCvss(s.score) };
      } catch (err) {
        warnings.push(`${where}: ${(err as Error).message}`);
        return { type: s.type, score: s.score };
      }
    });
  const affected: OsvAffected[] = (raw.affected ?? []).map((a, i) => {
    let pkg: OsvAffected['package'];
    if (a.package) {
      const ecosystem = canonicalEcosystem(a.package.ecosystem);
      pkg = {
        ecosystem,
        name: a.package.name,
        normalizedName: normalizePackageName(ecosystem, a.package.name),
        ...(a.package.purl !== undefined ? { purl: a.package.purl } : {}),
      };
    }
    return {
      ...(pkg ? { package: pkg } : {}),
      severity: severities(a.severity, `affected[${i}].severity`),
      ranges: (a.ranges ?? []).map((r) => ({
        type: r.type,
        ...(r.repo !== undefined ? { repo: r.repo } : {}),
        events: r.events.map((e) => {
          const kind = EVENT_KINDS.find((k) => e[k] !== undefined) as OsvEventKind;
          return { kind, version: e[kind] as string };
        }),
        ...(r.database_specific !== undefined ? { databaseSpecific: r.database_specific } : {}),
      })),
      versions: a.versions ?? [],
      ...(a.ecosystem_specific !== undefined ? { ecosystemSpecific: a.ecosystem_specific } : {}),
      ...(a.database_specific !== undefined ? { databaseSpecific: a.database_specific } : {}),
    };
  });
  return {
    ...(raw.schema_version !== undefined ? { schemaVersion: raw.schema_version } : {}),
    id: raw.id,
    modified: raw.modified,
    ...(raw.published !== undefined ? { published: raw.published } : {}),
    ...(raw.withdrawn !== undefined ? { withdrawn: raw.withdrawn } : {}),
    aliases: raw.aliases ?? [],
    related: raw.related ?? [],
    ...(raw.summary !== undefined ? { summary: raw.summary } : {}),
    ...(raw.details !== undefined ? { details: raw.details } : {}),
    severity: severities(raw.severity, 'severity'),
    affected,
    references: webReferences(raw.references ?? [], warnings),
    ...(raw.database_specific !== undefined ? { databaseSpecific: raw.database_specific } : {}),
    warnings,
  };
}

/**
 * Reference links are shown as links in the console and followed by people: only http and https
 * are kept. Others (javascript:, data:, file:, ftp: …) are dropped with a warning rather than
 * refusing the advisory, whose affected ranges still matter (issue 8 #13).
 */
function webReferences(
  list: { type: string; url: string }[],
  warnings: string[],
): { type: string; url: string }[] {
  return list.filter((r, i) => {
    if (isWebUrl(r.url)) return true;
    warnings.push(`references[${i}]: dropped a link that is not an http or https URL`);
    return false;
  });
}

export function isWebUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol } = new URL(url);
  return protocol === 'http:' || protocol === 'https:';
}

// ---------------------------------------------------------------------------------------------
// Readers

/**
 * Reads OSV advisories from files, directories and zip archives. Per-file problems land in
 * `errors`; a path that cannot be read or a hostile archive throws ImportError.
 */
export async function readOsv(
  paths: string | string[],
  limits: Partial<OsvLimits> = {},
  opts: {
    /**
     * The name a path is shown by in sources and messages: an upload's temporary file is named
     * by what the client sent (`upload.zip`), never by the server's path (issue 8 #13).
     */
    nameOf?: (path: string) => string;
  } = {},
): Promise<OsvImportResult> {
  const lim: OsvLimits = { ...OSV_LIMITS, ...limits };
  const result: OsvImportResult = { advisories: [], errors: [] };
  for (const path of Array.isArray(paths) ? paths : [paths]) {
    const name = opts.nameOf?.(path) ?? path;
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(path);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ImportError('io', `Cannot read ${name}: ${opts.nameOf ? why : (err as Error).message}`);
    }
    if (st.isDirectory()) await readDirectory(path, lim, result);
    else if (st.isFile() && (path.toLowerCase().endsWith('.zip') || (await looksLikeZip(path)))) {
      await readZip(path, lim, result, name);
    } else if (st.isFile()) await readOneFile(path, st.size, lim, result, name);
    else
      throw new ImportError(
        'io',
        `${name} is neither a regular file nor a directory (symlinks are not followed).`,
      );
  }
  return result;
}

async function looksLikeZip(path: string): Promise<boolean> {
  const fh = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return startsWithZipMagic(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

function convertInto(result: OsvImportResult, source: string, bytes: Uint8Array, lim: OsvLimits): void {
  try {
    result.advisories.push({ source, advisory: parseOsv(bytes, lim.maxFileBytes) });
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    result.errors.push({ source, kind: err.kind, message: err.message, schemaErrors: err.schemaErrors });
  }
}

async function readOneFile(
  path: string,
  size: number,
  lim: OsvLimits,
  result: OsvImportResult,
  name = path,
): Promise<void> {
  if (size > lim.maxFileBytes) {
    result.errors.push({
      source: name,
      kind: 'too-large',
      message: `The OSV file is ${size} bytes; the limit is ${lim.maxFileBytes} bytes.`,
      schemaErrors: [],
    });
    return;
  }
  convertInto(result, name, await readFile(path), lim);
}

async function readDirectory(root: string, lim: OsvLimits, result: OsvImportResult): Promise<void> {
  const files: { path: string; size: number }[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) {
        if (files.length >= lim.maxDirectoryFiles) {
          throw new ImportError(
            'too-large',
            `${root} holds more than ${lim.maxDirectoryFiles} JSON files.`,
            [],
            {
              name: 'directory-files',
              value: lim.maxDirectoryFiles,
            },
          );
        }
        files.push({ path: p, size: 0 });
      } else if (e.isSymbolicLink() && e.name.toLowerCase().endsWith('.json')) {
        result.errors.push({
          source: p,
          kind: 'io',
          message: `${relative(root, p)} is a symbolic link; links are not followed.`,
          schemaErrors: [],
        });
      }
    }
  };
  await walk(root);
  for (const f of files) {
    const st = await lstat(f.path);
    await readOneFile(f.path, st.size, lim, result);
  }
}

/**
 * Reads an OSV zip archive held in memory (an upload): the same checks as an archive on disk,
 * without writing the upload to a temporary file. `name` is how the archive is shown.
 */
export async function readOsvZip(
  bytes: Uint8Array,
  limits: Partial<OsvLimits> = {},
  name = 'upload.zip',
): Promise<OsvImportResult> {
  const result: OsvImportResult = { advisories: [], errors: [] };
  await readZip(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    { ...OSV_LIMITS, ...limits },
    result,
    name,
  );
  return result;
}

async function readZip(
  /** The archive's path, or its bytes. */
  source: string | Buffer,
  lim: OsvLimits,
  result: OsvImportResult,
  /** How the archive is named in sources and messages. */
  path = typeof source === 'string' ? source : 'archive.zip',
): Promise<void> {
  // Converted here, handed to `result` only when the whole archive has passed every check.
  const staged: OsvImportResult = { advisories: [], errors: [] };
  await readZipEntries(
    source,
    {
      maxEntries: lim.maxZipEntries,
      maxTotalBytes: lim.maxZipTotalBytes,
      maxCompressionRatio: lim.maxCompressionRatio,
      ratioFloorBytes: lim.ratioFloorBytes,
      maxEntryBytes: lim.maxFileBytes,
    },
    {
      wants: (name) => name.toLowerCase().endsWith('.json'),
      entry: (name, bytes) => convertInto(staged, `${path}!${name}`, bytes, lim),
      tooLarge: (name, size) =>
        staged.errors.push({
          source: `${path}!${name}`,
          kind: 'too-large',
          message: `The OSV file is ${size} bytes; the limit is ${lim.maxFileBytes} bytes.`,
          schemaErrors: [],
        }),
    },
    path,
  );
  result.advisories.push(...staged.advisories);
  result.errors.push(...staged.errors);
}

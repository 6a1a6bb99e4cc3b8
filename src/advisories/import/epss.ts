// The FIRST EPSS daily CSV (https://www.first.org/epss/data_stats) to typed scores: a comment line
// `#model_version:v2025.03.14,score_date:2025-06-01T00:00:00+0000`, the header
// `cve,epss,percentile`, then one CVE per line with its probability of exploitation in the next 30
// days and its percentile, both in [0, 1]. Gzip (as FIRST publishes it) is inflated within a limit.
// Pure: bytes in, records out; a file with one bad line is refused whole, naming the line.
import { gunzipSync } from 'node:zlib';
import { ImportError, type SchemaErrorDetail } from '../../formats/index.ts';

/** The largest EPSS file accepted, inflated (the full daily file is about 10 MB, 300,000 lines). */
export const MAX_EPSS_BYTES = 64 * 1024 * 1024;
/** The largest compressed upload (the full daily file gzipped is about 2 MB). */
export const MAX_EPSS_UPLOAD_BYTES = 32 * 1024 * 1024;

export interface EpssScore {
  cve: string;
  /** Probability of exploitation activity in the next 30 days, 0–1. */
  score: number;
  percentile: number;
}

export interface EpssFile {
  /** e.g. v2025.03.14; null when the file has no comment line. */
  modelVersion: string | null;
  /** YYYY-MM-DD; null when the file has no comment line. */
  scoreDate: string | null;
  scores: EpssScore[];
}

const CVE = /^CVE-\d{4}-\d{4,}$/;
const NUMBER = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)(?:[eE]-?\d+)?$/;

function inflate(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    if (bytes.byteLength > MAX_EPSS_BYTES)
      throw new ImportError(
        'too-large',
        `The EPSS file is ${bytes.byteLength} bytes; the limit is ${MAX_EPSS_BYTES}.`,
      );
    return bytes;
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_EPSS_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ImportError('too-large', `The EPSS file inflates to more than ${MAX_EPSS_BYTES} bytes.`, [], {
        name: 'epss-inflated-bytes',
        value: MAX_EPSS_BYTES,
      });
    throw new ImportError('unsupported-format', 'The EPSS file is not a valid gzip stream.');
  }
}

/** Parses an EPSS CSV (plain or gzip). Errors point at lines as `/line/N` (1-based). */
export function parseEpss(input: Uint8Array | string): EpssFile {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : inflate(input);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('unsupported-format', 'The EPSS file is not UTF-8 text.');
  }
  if (text.includes('\u0000'))
    throw new ImportError('unsupported-format', 'The EPSS file contains a NUL character.');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let i = 0;
  let modelVersion: string | null = null;
  let scoreDate: string | null = null;
  if (lines[0]?.startsWith('#')) {
    for (const field of lines[0].slice(1).split(',')) {
      const at = field.indexOf(':');
      const key = field.slice(0, at).trim();
      const value = field.slice(at + 1).trim();
      if (key === 'model_version' && /^[\w.-]{1,40}$/.test(value)) modelVersion = value;
      if (key === 'score_date') {
        const d = /^(\d{4}-\d{2}-\d{2})/.exec(value)?.[1];
        if (!d || Number.isNaN(Date.parse(d)))
          throw new ImportError('schema', 'The EPSS comment line has no valid score_date.', [
            { pointer: '/line/1', detail: `score_date '${value.slice(0, 40)}' is not a date` },
          ]);
        scoreDate = d;
      }
    }
    i = 1;
  }
  const header = (lines[i] ?? '').trim().toLowerCase();
  if (header !== 'cve,epss,percentile')
    throw new ImportError(
      'unsupported-format',
      "Not an EPSS file: the header is not 'cve,epss,percentile'.",
      [{ pointer: `/line/${i + 1}`, detail: `header '${header.slice(0, 60)}'` }],
    );
  const problems: SchemaErrorDetail[] = [];
  const seen = new Set<string>();
  const scores: EpssScore[] = [];
  for (let n = i + 1; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const [cve = '', epss = '', pct = '', ...rest] = line.split(',');
    const at = `/line/${n + 1}`;
    if (rest.length > 0 || !CVE.test(cve) || !NUMBER.test(epss) || !NUMBER.test(pct)) {
      problems.push({ pointer: at, detail: `'${line.slice(0, 80)}' is not CVE-YYYY-NNNN,0–1,0–1` });
    } else if (seen.has(cve)) {
      problems.push({ pointer: at, detail: `${cve} appears twice` });
    } else {
      const score = Number(epss);
      const percentile = Number(pct);
      if (score > 1 || percentile > 1) problems.push({ pointer: at, detail: 'scores lie between 0 and 1' });
      else {
        seen.add(cve);
        scores.push({ cve, score, percentile });
      }
    }
    if (problems.length >= 100) break;
  }
  if (problems.length > 0)
    throw new ImportError(
      'schema',
      `The EPSS file has ${problems.length}${problems.length >= 100 ? '+' : ''} bad lines.`,
      problems,
    );
  if (scores.length === 0) throw new ImportError('schema', 'The EPSS file has no scores.');
  return { modelVersion, scoreDate, scores };
}

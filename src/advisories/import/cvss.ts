// Severity from CVSS v3.0, v3.1 and v4.0 vectors, scored by ae-cvss-calculator (not by hand).
// Only complete, well-formed base vectors are scored; anything else is an ImportError with a
// message that says what is wrong, never a crash inside the library.
import cvssLibrary from 'ae-cvss-calculator';
import { ImportError } from '../../formats/index.ts';

// ae-cvss-calculator ships a UMD bundle; under Node's ESM the default import is its exports.
const { Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLibrary;

export type CvssVersion = '3.0' | '3.1' | '4.0';
export type CvssRating = 'None' | 'Low' | 'Medium' | 'High' | 'Critical';

export interface CvssSeverity {
  version: CvssVersion;
  /** The vector as given (trimmed). */
  vector: string;
  /** Base score (v3) or CVSS-B / CVSS-BT / CVSS-BE / CVSS-BTE score (v4), 0.0–10.0. */
  score: number;
  rating: CvssRating;
}

const METRIC = /^[A-Za-z]+:[A-Za-z]+$/;

const BASE_METRICS: Record<CvssVersion, string[]> = {
  '3.0': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '3.1': ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'],
  '4.0': ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'],
};

/** The qualitative rating of a score, as both the v3.1 and v4.0 specifications define it. */
export function ratingOf(score: number): CvssRating {
  if (score === 0) return 'None';
  if (score < 4) return 'Low';
  if (score < 7) return 'Medium';
  if (score < 9) return 'High';
  return 'Critical';
}

/** Scores a CVSS v3.0, v3.1 or v4.0 vector. Throws ImportError('invalid-vector'). */
export function scoreCvss(vector: string): CvssSeverity {
  if (typeof vector !== 'string') throw invalid(String(vector), 'a vector must be a string');
  const v = vector.trim();
  const m = v.match(/^CVSS:(3\.0|3\.1|4\.0)\/(.*)$/);
  if (!m) throw invalid(v, 'it must start with CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/');
  const version = m[1] as CvssVersion;
  const parts = m[2].split('/');
  const seen = new Set<string>();
  for (const part of parts) {
    if (!METRIC.test(part)) throw invalid(v, `"${part}" is not a METRIC:VALUE pair`);
    const key = part.slice(0, part.indexOf(':'));
    if (seen.has(key)) throw invalid(v, `metric ${key} appears twice`);
    seen.add(key);
  }
  const missing = BASE_METRICS[version].filter((k) => !seen.has(k));
  if (missing.length)
    throw invalid(v, `base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing`);
  let score: number | undefined;
  try {
    const calc = version === '4.0' ? new Cvss4P0(v) : version === '3.1' ? new Cvss3P1(v) : new Cvss3P0(v);
    if (!calc.isBaseFullyDefined()) throw invalid(v, 'a base metric has a value that is not defined for it');
    // v3: the base score; environmental/temporal metrics in the vector do not change severity here.
    // v4: the library's overall score is CVSS-B, -BT, -BE or -BTE, whichever the vector allows.
    const scores = calc.calculateScores();
    score = version === '4.0' ? scores.overall : (scores as { base?: number }).base;
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw invalid(v, (err as Error).message);
  }
  if (typeof score !== 'number' || !Number.isFinite(score))
    throw invalid(v, 'the library could not score it');
  return { version, vector: v, score, rating: ratingOf(score) };
}

function invalid(vector: string, why: string): ImportError {
  return new ImportError('invalid-vector', `Invalid CVSS vector ${JSON.stringify(vector)}: ${why}.`);
}

// Pieces shared by the Assets, Exposures and Advisories pages: the server's types (from the typed
// client, console/src/api.ts), the exposure status and severity marks, and a raw SBOM upload
// (the file's JSON is sent as the request body; the server validates it against the standard).
import {
  type AdvisoryDetail,
  type AdvisorySummary,
  type Asset,
  api,
  type Exposure,
  type ExposureStatus,
  type ListOf,
  type Sbom,
  type SbomDetail,
  type SbomImportResult,
} from '../../api.ts';
import { Badge, type Tone } from '../../components/Badge.tsx';

export type {
  AdvisoryDetail,
  AdvisorySummary,
  Asset,
  Exposure,
  ExposureStatus,
  ListOf,
  Sbom,
  SbomDetail,
  SbomImportResult,
};

export const STATUS_LABELS: Record<ExposureStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  accepted_risk: 'Accepted risk',
  false_positive: 'False positive',
  not_affected: 'Not affected (VEX)',
  resolved: 'Resolved',
};

const STATUS_TONES: Record<ExposureStatus, Tone> = {
  open: 'bad',
  acknowledged: 'warn',
  mitigated: 'info',
  accepted_risk: 'muted',
  false_positive: 'muted',
  not_affected: 'muted',
  resolved: 'ok',
};

/** Statuses a person may set (resolved is the engine's). */
export const MANUAL_STATUSES: readonly ExposureStatus[] = [
  'open',
  'acknowledged',
  'mitigated',
  'accepted_risk',
  'false_positive',
];

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'None', 'unknown'] as const;

export function StatusBadge({ status }: { status: ExposureStatus }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

export function SeverityBadge({ rating, score }: { rating: string; score: number | null }) {
  const tone: Tone =
    rating === 'Critical' || rating === 'High'
      ? 'bad'
      : rating === 'Medium'
        ? 'warn'
        : rating === 'Low'
          ? 'info'
          : 'muted';
  return (
    <Badge tone={tone} title={score === null ? 'no CVSS score in the advisory' : `CVSS ${score}`}>
      {rating === 'unknown' ? 'No CVSS' : `${rating}${score === null ? '' : ` ${score.toFixed(1)}`}`}
    </Badge>
  );
}

export function KevBadge({ kev }: { kev: boolean }) {
  return kev ? (
    <Badge tone="bad" title="Listed in CISA's Known Exploited Vulnerabilities catalogue">
      KEV
    </Badge>
  ) : null;
}

/** Reads a chosen file as JSON; a file that is not JSON is refused here with the parser's words. */
export async function readJsonFile(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${file.name} is not valid JSON: ${(e as Error).message}`);
  }
}

export function uploadSbom(
  target: { asset: string } | { name: string; org?: string },
  document: unknown,
): Promise<SbomImportResult> {
  if ('asset' in target)
    return api.post<SbomImportResult>(`/api/v1/assets/${encodeURIComponent(target.asset)}/sboms`, document);
  const q = new URLSearchParams({ asset: target.name });
  if (target.org) q.set('org', target.org);
  return api.post<SbomImportResult>(`/api/v1/sboms?${q.toString()}`, document);
}

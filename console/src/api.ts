// The console's typed client of the Bulwark HTTP API. JSON in and out, the session cookie sent by
// the browser (same origin), the session's CSRF token on every state-changing request, and RFC 9457
// problem answers turned into ApiError so pages can show the server's own words.
// Every page reaches the API through this module (`api`, `request`), never its own fetch. The
// types it exports are the server's contracts: Static<> of the domains' TypeBox schemas, imported
// type-only from src/<domain>/schema.ts (erased from the bundle). The console imports nothing else
// of src/ but the ledger's browser verifier (.dependency-cruiser.cjs, console-imports-only-schemas).
import type { Static } from 'typebox';
import type { AdvisoryDetail as AdvisoryDetailOf, AdvisorySummary } from '../../src/advisories/schema.ts';
import type { Asset, Sbom, SbomDetail, SbomImportResult } from '../../src/assets/schema.ts';
import type { ApiToken, CreateToken, SessionInfo } from '../../src/auth/schema.ts';
import type { Exposure, StatusSchema } from '../../src/exposures/schema.ts';
import type { ExposureCounts, GroupPage, Remediation } from '../../src/exposures/views-schema.ts';
import type {
  Attachment as IncidentAttachmentSchema,
  GradeSuggestion,
  Incident,
  Obligation,
  Preview as IncidentPreviewSchema,
  Regimes as IncidentRegimesSchema,
  RegimeDetail as IncidentRegimeDetailSchema,
  RegimeVersion as IncidentRegimeVersionSchema,
  Summary as IncidentSummarySchema,
  StatutoryReport,
  Task,
  TimelineEntry,
} from '../../src/incidents/schema.ts';
import type {
  Collection as IntelCollectionSchema,
  FeedLogEntry as IntelFeedLogEntrySchema,
  Feed as IntelFeedSchema,
  Link as IntelLinkSchema,
  MatchResult as IntelMatchResultSchema,
  ObjectDetail as IntelObjectDetailSchema,
  ObjectSummary as IntelObjectSummarySchema,
} from '../../src/intel/schema.ts';
import type { ReportDocument as ReportDocumentSchema } from '../../src/incidents/document-schema.ts';
import type { LedgerStatus, Receipt } from '../../src/ledger/schema.ts';
import type {
  DigitalGap as DigitalGapSchema,
  Deadlines as MetricsDeadlinesSchema,
  IndicatorValue,
  Overview as MetricsOverviewSchema,
  RegionOrganizations as MetricsRegionOrganizationsSchema,
  RegionPage as MetricsRegionPageSchema,
  RegionRow as MetricsRegionRow,
  SecurityFigures as SecurityFiguresSchema,
  TileMap as TileMapSchema,
  TwoWings as TwoWingsSchema,
} from '../../src/metrics/schema.ts';
import type { Marked, Notification, NotificationList, UnreadCount } from '../../src/notify/schema.ts';
import type {
  Candidate as CandidateSchema,
  QueueItem as QueueItemSchema,
  Queue as QueueSchema,
  ReportDetail as ReportDetailSchema,
  ReportStatus as ReportStatusSchema,
} from '../../src/public/schema.ts';
import type {
  CreateOrganization,
  CreateUser,
  Organization,
  OrgKindSchema,
  RoleSchema,
  User,
} from '../../src/orgs/schema.ts';

export type OrgKind = Static<typeof OrgKindSchema>;
export type Role = Static<typeof RoleSchema>;
export type ExposureStatus = Static<typeof StatusSchema>;
/** An advisory with the exposures of the assets the caller sees. */
export type AdvisoryDetail = AdvisoryDetailOf<Exposure>;

export type { ApiToken, CreateOrganization, CreateToken, CreateUser, Organization, SessionInfo, User };
export type { AdvisorySummary, Asset, Exposure, Sbom, SbomDetail, SbomImportResult };
export type { ExposureCounts, GroupPage, Remediation };
export type { GradeSuggestion, Incident, Obligation, StatutoryReport, Task, TimelineEntry };
/** The statutory regimes with their stages, and the incident categories. */
export type IncidentRegimes = Static<typeof IncidentRegimesSchema>;
export type IncidentAttachment = Static<typeof IncidentAttachmentSchema>;
export type ReportDocument = Static<typeof ReportDocumentSchema>;
export type IncidentRegimeVersion = Static<typeof IncidentRegimeVersionSchema>;
export type IncidentRegimeDetail = Static<typeof IncidentRegimeDetailSchema>;
/** What a new incident of a grade would owe, by when (the reporting form's preview). */
export type IncidentPreview = Static<typeof IncidentPreviewSchema>;
/** The regional overview: incidents by region, grade and status, drills counted apart. */
export type IncidentSummary = Static<typeof IncidentSummarySchema>;
export type { LedgerStatus, Receipt };
/** Threat intelligence: a STIX object in a search and on its page, collections, TAXII feeds and
 *  their logs, the match tester's answer, a link between an incident and intelligence. */
export type IntelObjectSummary = Static<typeof IntelObjectSummarySchema>;
export type IntelObjectDetail = Static<typeof IntelObjectDetailSchema>;
export type IntelCollection = Static<typeof IntelCollectionSchema>;
export type IntelFeed = Static<typeof IntelFeedSchema>;
export type IntelFeedLogEntry = Static<typeof IntelFeedLogEntrySchema>;
export type IntelMatchResult = Static<typeof IntelMatchResultSchema>;
export type IncidentLink = Static<typeof IntelLinkSchema>;
/** Decision dashboards: the overview, a region's page, its rows and figures, an indicator's value,
 *  the two-wings and digital-gap views, the reporting deadlines and the tile map. */
export type MetricsOverview = Static<typeof MetricsOverviewSchema>;
export type MetricsRegionPage = Static<typeof MetricsRegionPageSchema>;
export type MetricsRegionOrganizations = Static<typeof MetricsRegionOrganizationsSchema>;
export type SecurityFigures = Static<typeof SecurityFiguresSchema>;
export type { IndicatorValue, MetricsRegionRow };
export type TwoWings = Static<typeof TwoWingsSchema>;
export type DigitalGap = Static<typeof DigitalGapSchema>;
export type MetricsDeadlines = Static<typeof MetricsDeadlinesSchema>;
export type TileMap = Static<typeof TileMapSchema>;
/** The console's notifications: a page of them with the unread count, the count alone, a mark-read answer. */
export type { Marked, Notification, NotificationList, UnreadCount };
/** The public reports' staff side: the triage queue, a report, a candidate indicator. */
export type PublicQueue = Static<typeof QueueSchema>;
export type PublicQueueItem = Static<typeof QueueItemSchema>;
export type PublicReportDetail = Static<typeof ReportDetailSchema>;
export type PublicCandidate = Static<typeof CandidateSchema>;
/** What a reporter sees of their report with its receipt token. */
export type PublicReportStatus = Static<typeof ReportStatusSchema>;

/** A list answer (ListOf in src/platform/http/schemas.ts): the items, and the total where counted. */
export interface ListOf<T> {
  items: T[];
  total?: number;
}

/** A freshly issued token: the secret is in this answer and nowhere else, ever. */
export interface CreatedToken {
  token: string;
  meta: ApiToken;
}

/** One field-level error of a problem answer: a JSON pointer into the request and what is wrong. */
export interface FieldProblem {
  pointer: string;
  detail: string;
}

/** An answer that was not a success, or a request that never got one (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly errors: FieldProblem[];

  constructor(p: { status: number; title: string; detail: string; type?: string; errors?: FieldProblem[] }) {
    super(p.detail);
    this.name = 'ApiError';
    this.status = p.status;
    this.title = p.title;
    this.detail = p.detail;
    this.type = p.type ?? 'about:blank';
    this.errors = p.errors ?? [];
  }

  /** Field errors by field name: '/roles/0' and '#querystring/roles' both become 'roles'. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.errors) {
      const field = e.pointer.replace(/^#[a-z]+/i, '').split('/')[1];
      if (field && out[field] === undefined) out[field] = e.detail;
    }
    return out;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);
let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The session's CSRF token, sent as x-csrf-token on every non-GET request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated request answers 401: the session ended (expired, signed out elsewhere). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

function isProblem(v: unknown): v is { title?: unknown; detail?: unknown; type?: unknown; errors?: unknown } {
  return typeof v === 'object' && v !== null;
}

async function toApiError(res: Response): Promise<ApiError> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body: unknown = await res.json().catch(() => null);
    if (isProblem(body)) {
      const errs = Array.isArray(body.errors)
        ? body.errors.filter(
            (e): e is FieldProblem =>
              typeof e === 'object' &&
              e !== null &&
              typeof e.pointer === 'string' &&
              typeof e.detail === 'string',
          )
        : [];
      return new ApiError({
        status: res.status,
        title: typeof body.title === 'string' ? body.title : res.statusText || `HTTP ${res.status}`,
        detail: typeof body.detail === 'string' ? body.detail : '',
        type: typeof body.type === 'string' ? body.type : undefined,
        errors: errs,
      });
    }
  }
  return new ApiError({
    status: res.status,
    title: res.statusText || `HTTP ${res.status}`,
    detail: `The server answered ${res.status} without details.`,
  });
}

/** One API call. Paths are absolute ('/api/v1/orgs'); query values that are empty are left out. */
export async function request<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  opts: {
    body?: unknown;
    query?: Record<string, string | undefined>;
    signal?: AbortSignal;
    /** Headers of the resource (an idempotency key, a receipt token), beside the client's own. */
    headers?: Record<string, string>;
    /** Bytes sent as they are (an evidence file), with their media type, instead of a JSON body. */
    raw?: { bytes: Blob; type: string };
  } = {},
): Promise<T> {
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== '') q.set(k, v);
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  const headers: Record<string, string> = {
    ...opts.headers,
    accept: 'application/json, application/problem+json',
  };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.raw) headers['content-type'] = opts.raw.type;
  if (!SAFE_METHODS.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ? opts.raw.bytes : opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      title: 'Network error',
      detail: 'The server could not be reached. Check the connection and try again.',
    });
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (err.status === 401 && path !== '/api/v1/session') onUnauthenticated?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, string | undefined>, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),

  session: {
    current: () => request<SessionInfo>('GET', '/api/v1/session'),
    signIn: (username: string, password: string) =>
      request<SessionInfo>('POST', '/api/v1/session', { body: { username, password } }),
    signOut: () => request<void>('DELETE', '/api/v1/session'),
  },
  orgs: {
    list: async (query: { kind?: OrgKind; sector?: string; q?: string } = {}) =>
      (await request<{ items: Organization[] }>('GET', '/api/v1/orgs', { query })).items,
    get: (id: string) => request<Organization>('GET', `/api/v1/orgs/${encodeURIComponent(id)}`),
    create: (input: CreateOrganization) => request<Organization>('POST', '/api/v1/orgs', { body: input }),
  },
  users: {
    list: async (org?: string) =>
      (await request<{ items: User[] }>('GET', '/api/v1/users', { query: { org, limit: '500' } })).items,
    create: (input: CreateUser) => request<User>('POST', '/api/v1/users', { body: input }),
    update: (id: string, patch: { name?: string; roles?: Role[]; disabled?: boolean }) =>
      request<User>('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, { body: patch }),
    unlock: (id: string) => request<null>('POST', `/api/v1/users/${encodeURIComponent(id)}/unlock`),
  },
  tokens: {
    list: async () =>
      (await request<{ items: ApiToken[] }>('GET', '/api/v1/tokens', { query: { limit: '500' } })).items,
    create: (input: CreateToken) => request<CreatedToken>('POST', '/api/v1/tokens', { body: input }),
    revoke: (id: string) => request<ApiToken>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`),
  },
};

/** Any thrown value as an ApiError, so a page has one thing to show. */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError({
    status: 0,
    title: 'Unexpected error',
    detail: e instanceof Error ? e.message : String(e),
  });
}

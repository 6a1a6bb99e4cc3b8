// A TAXII 2.1 client: pages a remote collection's objects (following `next`, resuming from the
// persisted X-TAXII-Date-Added-Last with `added_after`) and posts envelopes to a remote
// collection, following the status resource until it is complete. Pure HTTP; the feed service stores what it gets.
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';

export class TaxiiClientError extends Error {
  override name = 'TaxiiClientError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface RemotePage {
  objects: Record<string, unknown>[];
  more: boolean;
  next?: string;
  dateAddedLast?: string;
}

export interface RemoteStatus {
  id: string;
  status: string;
  success_count: number;
  failure_count: number;
  pending_count: number;
  successes?: { id: string; version?: string; message?: string }[];
  failures?: { id: string; version?: string; message?: string }[];
}

export class TaxiiClient {
  private readonly root: string;

  constructor(
    apiRoot: string,
    private readonly token: string | null,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.root = apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`;
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: TAXII_MEDIA_TYPE };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = TAXII_MEDIA_TYPE;
    const r = await this.fetchImpl(new URL(path, this.root), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(60_000),
    });
    if (!r.ok) {
      const text = (await r.text()).slice(0, 500);
      throw new TaxiiClientError(`${method} ${path}: HTTP ${r.status} ${text}`, r.status);
    }
    return r;
  }

  async objects(
    collection: string,
    q: { addedAfter?: string; next?: string; limit?: number },
  ): Promise<RemotePage> {
    const params = new URLSearchParams();
    if (q.addedAfter) params.set('added_after', q.addedAfter);
    if (q.next) params.set('next', q.next);
    params.set('limit', String(q.limit ?? 500));
    const r = await this.call('GET', `collections/${encodeURIComponent(collection)}/objects/?${params}`);
    const env = (await r.json()) as { objects?: Record<string, unknown>[]; more?: boolean; next?: string };
    return {
      objects: env.objects ?? [],
      more: env.more === true,
      next: env.next,
      dateAddedLast: r.headers.get('x-taxii-date-added-last') ?? undefined,
    };
  }

  async post(collection: string, objects: readonly unknown[]): Promise<RemoteStatus> {
    const r = await this.call('POST', `collections/${encodeURIComponent(collection)}/objects/`, { objects });
    return (await r.json()) as RemoteStatus;
  }

  async status(id: string): Promise<RemoteStatus> {
    const r = await this.call('GET', `status/${encodeURIComponent(id)}/`);
    return (await r.json()) as RemoteStatus;
  }

  /**
   * Posts an envelope and follows its status resource until it is complete (a server may answer
   * `pending` and ingest later), waiting a little longer between reads, for at most `waitMs`; a
   * status still pending then is returned as it is, its pending objects counted by the caller.
   */
  async postAndWait(
    collection: string,
    objects: readonly unknown[],
    waitMs = 120_000,
  ): Promise<RemoteStatus> {
    let st = await this.post(collection, objects);
    const until = Date.now() + waitMs;
    let delay = 100;
    while (st.status === 'pending' && st.id && Date.now() < until) {
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
      st = await this.status(st.id);
    }
    return st;
  }
}

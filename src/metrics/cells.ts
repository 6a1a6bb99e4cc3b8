// The roll-up cells (issue 13): the security figures are kept per organization in the metrics
// tables, updated from the domains' committed events instead of scanning the base tables on each
// page view. An event names the organization whose records changed; the keeper rebuilds the cells
// it can have changed from the domains' read functions, in one transaction, shortly after (events
// arriving meanwhile are batched): an exposure event, the organization's exposure cells; an
// incident event, the incident, report and obligation cells of the organization's incidents
// created in the same month as the incident it names (an incident's month never changes, and its
// reports and obligations are counted under it), a few hundred records at most where the whole
// history is thousands. Recounting cells rather than adding +1/−1 makes a repeated or reordered
// event harmless: the events carry no region, sector or severity, and a delta would have to read
// them anyway. Public reports belong to the centre, not
// to an organization: their events (`public.report_filed`, `public.report_decided`) name the cell
// (region, month received) whose counts changed, and that cell is recounted. A periodic reconcile
// rebuilds every cell (drift: a write made by another process, whose events this one does not
// hear, or one missed while it was down).
import { exposureCellsByOrg } from '../exposures/index.ts';
import { incidentCellsAfterWrites, incidentCellsByOrg } from '../incidents/index.ts';
import type { Database } from '../platform/db/types.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { type PublicReportCellKey, publicReportCells } from '../public/index.ts';
import * as repo from './repo.ts';

/**
 * How long to gather events after a rebuild that took `tookMs`: twice that (so rebuilds take at most
 * a third of the time under sustained writes), never less than `batchMs` nor more than `maxBatchMs`.
 */
export function nextGathering(batchMs: number, maxBatchMs: number, tookMs: number): number {
  return Math.min(maxBatchMs, Math.max(batchMs, 2 * tookMs));
}

export interface CellKeeperOptions {
  /** How long to gather events before rebuilding when rebuilds are quick (ms). */
  batchMs?: number;
  /**
   * The longest gathering (ms). Under sustained writes a rebuild waits twice as long as the last
   * one took, so rebuilding takes at most a third of the database's time and each rebuild covers
   * more writes; this bounds that wait (staleness stays under a second: issue 13).
   */
  maxBatchMs?: number;
  /** Every cell rebuilt this often (ms). */
  reconcileEveryMs?: number;
  log?: Logger;
  /**
   * The operations figures' cells (triage times, operator action rates, ledger health), read from
   * the other domains by the service: all of them at a reconcile, the triage cells of the public
   * reports' cells named by their events after those.
   */
  operations?: (only?: readonly PublicReportCellKey[]) => Promise<repo.OperationsCells>;
}

/**
 * Cells rewritten by incremental rebuilds while a reconcile was reading: organizations' exposure
 * cells, incident parts (`org|month`, `org|*` for every month) and public keys (as JSON).
 */
interface Freshness {
  exposureOrgs: Set<string>;
  incidentParts: Set<string>;
  publicKeys: Set<string>;
}

const partKey = (p: repo.IncidentPart) => `${p.org}|${p.month ?? '*'}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The public reports' cell an event of theirs names (region and month received), else undefined. */
function publicCellOf(e: { topic: string; data: unknown }): PublicReportCellKey | undefined {
  if (!e.topic.startsWith('public.report_')) return undefined;
  const d = e.data as { region?: unknown; month?: unknown } | null;
  if (!d || typeof d.month !== 'string' || !/^\d{4}-\d{2}$/.test(d.month)) return undefined;
  if (d.region !== null && typeof d.region !== 'string') return undefined;
  return { region: d.region, month: d.month };
}

/** Topics whose organization's figures change; a task assignment names a user and changes none. */
export function changesFigures(topic: string): boolean {
  return (
    topic.startsWith('exposure.') || (topic.startsWith('incident.') && topic !== 'incident.task_assigned')
  );
}

/** The incident an incident event names, when it names one. */
function incidentOf(e: { topic: string; data: unknown }): string | undefined {
  const id = (e.data as { incident?: unknown } | null)?.incident;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

export class CellKeeper {
  /** Organizations whose exposure cells are rebuilt. */
  private readonly dirtyExposures = new Set<string>();
  /** Organizations whose incident cells are rebuilt, every month. */
  private readonly dirtyIncidentOrgs = new Set<string>();
  /** Incidents whose part (organization and month) is rebuilt. */
  private readonly dirtyIncidents = new Set<string>();
  /** Public reports' cells to recount, as JSON of [region, month]. */
  private readonly dirtyPublic = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** Every rebuild runs on this chain: one at a time in this process. */
  private chain: Promise<unknown> = Promise.resolve();
  private readyPromise: Promise<void> | undefined;
  private readonly batchMs: number;
  private readonly maxBatchMs: number;
  /** The next gathering's length: batchMs, or twice the last rebuild's time, up to maxBatchMs. */
  private delayMs: number;
  /** The reconciles reading now, told which cells incremental rebuilds wrote meanwhile. */
  private readonly watching = new Set<Freshness>();

  constructor(
    private readonly db: Database,
    private readonly opts: CellKeeperOptions = {},
  ) {
    this.batchMs = opts.batchMs ?? 20;
    this.maxBatchMs = Math.max(this.batchMs, opts.maxBatchMs ?? 250);
    this.delayMs = this.batchMs;
  }

  /** Hears the domains' committed events (`tx.afterCommit` publishes them). */
  listen(events: EventBus): () => void {
    return events.subscribe('*', (e) => {
      if (changesFigures(e.topic) && UUID.test(e.org)) {
        const incident = e.topic.startsWith('incident.') ? incidentOf(e) : undefined;
        if (incident) this.incidentChanged(incident);
        else if (e.topic.startsWith('exposure.')) this.exposuresChanged(e.org);
        else this.changed(e.org);
      }
      const cell = publicCellOf(e);
      if (cell) this.publicChanged(cell);
    });
  }

  /** An organization's records changed: all its cells are rebuilt after a short batch. */
  changed(org: string): void {
    this.dirtyExposures.add(org);
    this.dirtyIncidentOrgs.add(org);
    this.schedule();
  }

  /** An organization's exposures changed: its exposure cells are rebuilt after a short batch. */
  exposuresChanged(org: string): void {
    this.dirtyExposures.add(org);
    this.schedule();
  }

  /** An incident (or its reports, obligations) changed: the cells of its part are rebuilt after a short batch. */
  incidentChanged(incident: string): void {
    this.dirtyIncidents.add(incident);
    this.schedule();
  }

  /** A public report was filed or decided: its cell is recounted after a short batch. */
  publicChanged(cell: PublicReportCellKey): void {
    this.dirtyPublic.add(JSON.stringify([cell.region, cell.month]));
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = performance.now();
      void this.flush()
        .catch((err: unknown) => this.opts.log?.error({ err }, 'metric cells not rebuilt'))
        .finally(() => {
          const took = performance.now() - started;
          this.delayMs = nextGathering(this.batchMs, this.maxBatchMs, took);
        });
    }, this.delayMs);
    // Nothing waits on the timer: a process that stops flushes what is pending (worker().stop).
    this.timer.unref();
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Rebuilds the cells whose events arrived: organizations' exposures, incident parts, public reports' cells. */
  flush(): Promise<void> {
    return this.run(async () => {
      const dirtyCount =
        this.dirtyExposures.size +
        this.dirtyIncidentOrgs.size +
        this.dirtyIncidents.size +
        this.dirtyPublic.size;
      if (dirtyCount === 0) return;
      const exposureOrgs = [...this.dirtyExposures];
      const incidentOrgs = [...this.dirtyIncidentOrgs];
      const incidents = [...this.dirtyIncidents];
      const pubKeys = [...this.dirtyPublic];
      this.dirtyExposures.clear();
      this.dirtyIncidentOrgs.clear();
      this.dirtyIncidents.clear();
      this.dirtyPublic.clear();
      const only = pubKeys.map((k) => {
        const [region, month] = JSON.parse(k) as [string | null, string];
        return { region, month };
      });
      let parts: repo.IncidentPart[] = [];
      try {
        // Read before the transaction: the other domains' functions use their own connection.
        const triage = only.length && this.opts.operations ? await this.opts.operations(only) : undefined;
        await this.db.transaction(async (tx) => {
          await repo.lockCells(tx);
          if (exposureOrgs.length)
            await repo.replaceExposureCells(tx, exposureOrgs, await exposureCellsByOrg(tx, exposureOrgs));
          if (incidentOrgs.length || incidents.length) {
            const changed = await incidentCellsAfterWrites(tx, incidentOrgs, incidents);
            parts = changed.parts;
            if (parts.length) await repo.replaceIncidentCells(tx, parts, changed.cells);
          }
          if (only.length) await repo.replacePublicCells(tx, await publicReportCells(tx, only), only);
          if (triage) await repo.replaceOperationsCells(tx, triage);
        });
        for (const w of this.watching) {
          for (const o of exposureOrgs) w.exposureOrgs.add(o);
          for (const p of parts) w.incidentParts.add(partKey(p));
          for (const k of pubKeys) w.publicKeys.add(k);
        }
      } catch (err) {
        // Tried again with the next batch; the reconcile catches it at the latest.
        for (const o of exposureOrgs) this.dirtyExposures.add(o);
        for (const o of incidentOrgs) this.dirtyIncidentOrgs.add(o);
        for (const i of incidents) this.dirtyIncidents.add(i);
        for (const k of pubKeys) this.dirtyPublic.add(k);
        throw err;
      }
    });
  }

  /**
   * Rebuilds every cell from the base tables (through the domains' read functions). The reads run
   * outside the chain, statement by statement, so the incremental rebuilds of new writes go on
   * meanwhile (a full read takes seconds at a million records); only the writing of the results
   * waits its turn. Whatever an incremental rebuild wrote after the reads began is newer than
   * what they saw, so the reconcile leaves those cells alone (an organization's exposure cells, an
   * incident part, a public reports' cell).
   */
  async reconcile(): Promise<void> {
    const fresh: Freshness = { exposureOrgs: new Set(), incidentParts: new Set(), publicKeys: new Set() };
    this.watching.add(fresh);
    try {
      // The events heard so far were published after their commits: the reads below see them.
      this.dirtyExposures.clear();
      this.dirtyIncidentOrgs.clear();
      this.dirtyIncidents.clear();
      const inc = await incidentCellsByOrg(this.db, null);
      const exposures = await exposureCellsByOrg(this.db, null);
      const pub = await publicReportCells(this.db);
      const ops = this.opts.operations ? await this.opts.operations() : undefined;
      await this.run(() =>
        this.db.transaction(async (tx) => {
          await repo.lockCells(tx);
          const exposed = exposures.filter((c) => !fresh.exposureOrgs.has(c.org));
          await repo.replaceExposureCells(tx, null, exposed, [...fresh.exposureOrgs]);
          // A part rebuilt meanwhile (or every part of an organization rebuilt whole) is left as it is.
          const keep = (org: string, month: string) =>
            !fresh.incidentParts.has(`${org}|${month}`) && !fresh.incidentParts.has(`${org}|*`);
          const except = [...fresh.incidentParts].map((k) => {
            const [org, month] = k.split('|') as [string, string];
            return { org, month: month === '*' ? null : month };
          });
          const kept = {
            incidents: inc.incidents.filter((c) => keep(c.org, c.month)),
            reports: inc.reports.filter((c) => keep(c.org, c.incidentMonth)),
            obligations: inc.obligations.filter((c) => keep(c.org, c.month)),
          };
          await repo.replaceIncidentCells(tx, null, kept, except);
          await repo.markRefreshed(
            tx,
            '*',
            kept.incidents.length + kept.reports.length + kept.obligations.length + exposed.length,
          );
          const keyOf = (c: PublicReportCellKey) => JSON.stringify([c.region, c.month]);
          const pubKept = pub.filter((c) => !fresh.publicKeys.has(keyOf(c)));
          const pubExcept = [...fresh.publicKeys].map((k) => {
            const [region, month] = JSON.parse(k) as [string | null, string];
            return { region, month };
          });
          await repo.replacePublicCells(tx, pubKept, undefined, pubExcept);
          await repo.markRefreshed(tx, 'public', pubKept.length);
          if (ops) {
            // A public report decided meanwhile rewrote the triage and action cells: keep them.
            const kept = fresh.publicKeys.size ? { ledger: ops.ledger } : ops;
            await repo.replaceOperationsCells(tx, kept);
            await repo.markRefreshed(
              tx,
              'operations',
              (kept.triage?.length ?? 0) + (kept.actions?.length ?? 0),
            );
          }
        }),
      );
    } finally {
      this.watching.delete(fresh);
    }
  }

  /** Before the first read: a database whose cells were never built gets them built. */
  ready(): Promise<void> {
    this.readyPromise ??= (async () => {
      if (!(await repo.refreshedAt(this.db, '*'))) await this.reconcile();
    })().catch((err: unknown) => {
      this.readyPromise = undefined;
      throw err;
    });
    return this.readyPromise;
  }

  /** Waits until every event heard so far is in the cells (tests, benchmarks, the CLI before it exits). */
  async settle(): Promise<void> {
    await this.ready();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.flush();
  }

  /** The periodic rebuilds; the first reconcile runs at start. */
  worker(): Worker {
    const timers: NodeJS.Timeout[] = [];
    const log = this.opts.log;
    return {
      name: 'metric-cells',
      start: async () => {
        // Built anew at start: writes made while this process was down were not heard.
        const first = this.reconcile();
        this.readyPromise = first;
        void first.catch((err: unknown) => {
          this.readyPromise = undefined;
          log?.error({ err }, 'metric cells not reconciled');
        });
        const every = (ms: number, f: () => Promise<void>, what: string) => {
          const t = setInterval(() => void f().catch((err: unknown) => log?.error({ err }, what)), ms);
          t.unref();
          timers.push(t);
        };
        every(this.opts.reconcileEveryMs ?? 300_000, () => this.reconcile(), 'metric cells not reconciled');
      },
      stop: async () => {
        for (const t of timers) clearInterval(t);
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        // What this process wrote reaches the cells before it exits: a command-line process on
        // PostgreSQL would otherwise leave its writes to the server's next reconcile (minutes).
        await this.flush().catch((err: unknown) => log?.error({ err }, 'metric cells not rebuilt at stop'));
      },
    };
  }
}

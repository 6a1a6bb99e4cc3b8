// The application context: configuration, database, logger, events and the domain services,
// built once per process (server, worker or CLI). Domain services receive only what they use.
import { AdvisoryService } from '../advisories/service.ts';
import { AssetService } from '../assets/service.ts';
import { ExposureService } from '../exposures/service.ts';
import { AuthService } from '../auth/service.ts';
import { ledgerFor } from '../ledger/service.ts';
import { OrgService } from '../orgs/service.ts';
import type { Config } from '../platform/config.ts';
import { openDatabase } from '../platform/db/index.ts';
import type { Database } from '../platform/db/types.ts';
import { EventBus } from '../platform/events.ts';
import { createLogger, type Logger } from '../platform/log.ts';

/** A background task of a domain (a sequencer, a matcher): started with the server, stopped on close. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface AppContext {
  config: Config;
  db: Database;
  log: Logger;
  events: EventBus;
  orgs: OrgService;
  auth: AuthService;
  assets: AssetService;
  advisories: AdvisoryService;
  exposures: ExposureService;
  workers: Worker[];
  close(): Promise<void>;
}

export async function createContext(
  config: Config,
  opts: { log?: Logger; db?: Database } = {},
): Promise<AppContext> {
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  // An after-commit hook (an index update, an event) that fails cannot undo the committed write.
  db.onAfterCommitError((err) => log.error({ err }, 'after-commit hook failed'));
  const events = new EventBus(log);
  const orgs = new OrgService(db, events);
  const auth = new AuthService(db, orgs, config.sessionTtlSeconds, config.signInPerMinute);
  const exposures = new ExposureService(db, events, (id) => orgs.orgRef(id), log);
  const assets = new AssetService(db, (id) => orgs.orgRef(id), exposures);
  const advisories = new AdvisoryService(db, exposures);
  const workers: Worker[] = [
    sessionSweeper(auth, log),
    ledgerFor({ db, config, log, orgs }).worker(),
    exposures.worker(),
  ];
  let closed = false;
  return {
    config,
    db,
    log,
    events,
    orgs,
    auth,
    assets,
    advisories,
    exposures,
    workers,
    async close() {
      if (closed) return;
      closed = true;
      for (const w of [...workers].reverse())
        await w.stop().catch((err: unknown) => log.error({ err }, `stopping ${w.name}`));
      if (!opts.db) await db.close();
    },
  };
}

/** Deletes expired console sessions once an hour. */
function sessionSweeper(auth: AuthService, log: Logger): Worker {
  let timer: NodeJS.Timeout | undefined;
  const sweep = () =>
    auth.sweepSessions().catch((err: unknown) => log.warn({ err }, 'could not delete expired sessions'));
  return {
    name: 'session-sweeper',
    async start() {
      await sweep();
      timer = setInterval(sweep, 3600_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
    },
  };
}

export async function startWorkers(ctx: AppContext): Promise<void> {
  for (const w of ctx.workers) await w.start();
}

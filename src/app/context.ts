// The application context: configuration, database, logger, events and the domain services,
// built once per process (server, worker or CLI). Domain services receive only what they use.
import { referencePublishers } from '../access/index.ts';
import { AdvisoryService } from '../advisories/index.ts';
import { AssetService } from '../assets/index.ts';
import { duePolicyOf, type Exposure, ExposureService } from '../exposures/index.ts';
import { AuthService } from '../auth/index.ts';
import { IncidentService } from '../incidents/index.ts';
import { CredentialBox, FeedService, IntelService, LinkService, statusWorker } from '../intel/index.ts';
import { LedgerService, ledgerSettings } from '../ledger/index.ts';
import { MetricsService } from '../metrics/index.ts';
import { NotifyService } from '../notify/index.ts';
import { OrgService } from '../orgs/index.ts';
import { PublicService, publicSettings } from '../public/index.ts';
import type { Config } from '../platform/config.ts';
import { type OpenedDatabase, openDatabase, statisticsKeeper } from '../platform/db/index.ts';
import type { Database } from '../platform/db/types.ts';
import { EventBus } from '../platform/events.ts';
import { createLogger, type Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { intelIndicatorPublisher, ledgerReportReceipts } from './public-indicators.ts';

export interface AppContext {
  config: Config;
  db: OpenedDatabase;
  log: Logger;
  events: EventBus;
  orgs: OrgService;
  auth: AuthService;
  assets: AssetService;
  advisories: AdvisoryService<Exposure>;
  exposures: ExposureService;
  ledger: LedgerService;
  intel: IntelService;
  intelFeeds: FeedService;
  intelLinks: LinkService;
  publicReports: PublicService;
  incidents: IncidentService;
  metrics: MetricsService;
  notify: NotifyService;
  workers: Worker[];
  close(): Promise<void>;
}

export async function createContext(
  config: Config,
  /** `command`: what this process does, recorded in an embedded data directory's lock. */
  opts: { log?: Logger; db?: Database; command?: string } = {},
): Promise<AppContext> {
  const log = opts.log ?? createLogger(config.logLevel);
  // Checked before the database is opened: a bad witness key stops the start, naming the variable.
  const ledgerConfig = ledgerSettings(config.ledger);
  const publishers = referencePublishers(config.access);
  const db: OpenedDatabase =
    opts.db ??
    (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }, { command: opts.command }));
  // An after-commit hook (an index update, an event) that fails cannot undo the committed write.
  db.onAfterCommitError((err) => log.error({ err }, 'after-commit hook failed'));
  const events = new EventBus(log);
  // Sessions are auth's: disabling a user ends them in the same transaction (auth is built below).
  const orgs = new OrgService(db, events, {
    endSessionsOf: (tx, userId): Promise<void> => auth.endSessionsOf(tx, userId),
  });
  const auth = new AuthService(db, orgs, {
    sessionTtlSeconds: config.sessionTtlSeconds,
    signInPerMinute: config.signInPerMinute,
    maxSessionsPerUser: config.maxSessionsPerUser,
    maxTokensPerOrg: config.maxTokensPerOrg,
    events,
  });
  const exposures = new ExposureService(
    db,
    events,
    (id) => orgs.orgRef(id),
    log,
    duePolicyOf(config.exposures),
  );
  // Assets and advisories write in their own transactions and call the exposure engine inside them.
  const assets = new AssetService(db, (id) => orgs.orgRef(id), exposures.engine, log);
  const advisories = new AdvisoryService(db, exposures.engine, exposures.affected, {
    orgRef: (id) => orgs.orgRef(id),
    publishers,
  });
  const ledger = new LedgerService({ db, log, orgs }, ledgerConfig);
  const notify = new NotifyService(
    db,
    (id) => orgs.orgRef(id),
    { ...config.notify, publicOrigin: config.publicOrigin },
    log,
  );
  const incidents = new IncidentService(db, events, orgs, assets);
  incidents.connectNotifier(notify);
  const reportReceipts = ledgerReportReceipts(ledger, orgs);
  const publicReports = new PublicService(db, orgs, reportReceipts, publicSettings(config), log);
  const intel = new IntelService(db, (id) => orgs.orgRef(id), log, exposures);
  // Remote feed credentials are sealed under the secret the ledger wraps its signing key with.
  const feedCredentials = new CredentialBox({ secret: ledgerConfig.secret, kekFile: ledgerConfig.kekFile });
  const intelFeeds = new FeedService(db, intel, (id) => orgs.orgRef(id), feedCredentials, fetch, log);
  // Incidents link indicators and sightings: intel asks the incidents service who may see an incident.
  const intelLinks = new LinkService(db, intel, (id) => orgs.orgRef(id));
  intelLinks.connectIncidents({ get: (actor, id) => incidents.get(actor, id) });
  // Confirmed public reports become STIX indicators in threat intelligence.
  publicReports.connectPublisher(intelIndicatorPublisher(intel, orgs));
  // Filed and decided public reports say which metrics cell changed (the cells follow events).
  publicReports.connectEvents(events);
  // Status messages to reporters' contacts are e-mailed through notify's SMTP server (sendTo), if set.
  if (notify.canMail) publicReports.connectMailer(notify);
  const workers: Worker[] = [sessionSweeper(auth, log), ledger.worker()];
  // Abandoned SBOM stagings (an import killed midway) are removed at start.
  workers.push(assets.stagingSweeper());
  workers.push(intel.engine.worker(), statusWorker(intel, log), intelFeeds.worker());
  workers.push(publicReports.worker());
  // The metrics' roll-up cells follow the domains' events; the worker reconciles them periodically.
  // The drill-down lists organizations through the orgs domain (the shared access rule); the
  // health figures read the ledger's status.
  const metrics = new MetricsService(db, { publishers, events, log, orgs, ledger });
  workers.push(metrics.cellKeeper.worker());
  workers.push(notify.worker());
  workers.push(
    incidents.reminderWorker({
      intervalMs: config.notify.reminderIntervalMs,
      leadMinutes: config.notify.reminderLeadMinutes,
      log,
    }),
  );
  // The embedded database has no autovacuum: this gathers the planner's statistics of tables that
  // grew or shrank, a minute after the start and every ten minutes (nothing on PostgreSQL).
  workers.push(statisticsKeeper(db, log));
  // Last: its start begins the exposure index's build in the background (seconds at 100,000
  // assets), whose reads would otherwise hold the embedded database's one connection while the
  // workers after it start (the staging sweeper waited 1 s behind them: /readyz at 3.1 s).
  workers.push(exposures.worker());
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
    ledger,
    intel,
    intelFeeds,
    intelLinks,
    publicReports,
    incidents,
    metrics,
    notify,
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

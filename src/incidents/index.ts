// The incidents domain's surface: the service (wired by the composition root), its routes, its
// commands, and the deadline engine and regimes for whoever needs the same obligations.
export {
  type IncidentAssets,
  type IncidentNotifier,
  type IncidentOrgs,
  IncidentService,
} from './service.ts';
export { incidentRoutes } from './routes.ts';
export { type IncidentCommandContext, incidentCommands } from './cli.ts';
export { computeObligations, GRADES, type Grade, type Obligation, type Regime } from './deadlines.ts';
export { REGIMES, regimeById } from './regimes.ts';
export { Incident } from './schema.ts';
export { seedIncidentDemo } from './demo.ts';
export {
  type IncidentCell,
  incidentCellsAfterWrites,
  incidentCellsByOrg,
  type IncidentOrgCells,
  incidentFigures,
  type IncidentOrgCell,
  type OpenObligationOrgCell,
  type OverdueObligationCell,
  type ReportOrgCell,
  type ReportTimelinessCell,
} from './figures.ts';

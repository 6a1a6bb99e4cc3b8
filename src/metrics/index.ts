// The metrics domain's surface (issue 13, docs/metrics.md): its service, routes, commands and demo
// seeder, and the pure pieces others may use (roll-up, catalogue).
export { MetricsService, type IndicatorValue, type RegionRow } from './service.ts';
export { metricsRoutes } from './routes.ts';
export { type MetricsCommandContext, metricsCommands } from './cli.ts';
export { seedMetricsDemo, DEMO_REGIONS } from './demo.ts';
export { rollUp } from './rollup.ts';
export { INFORMATIZATION_INDICATORS, SECURITY_INDICATORS } from './catalogue.ts';
export {
  AGGREGATIONS,
  type Aggregation,
  type IndicatorDefinition,
  type Observation,
  type Region,
} from './model.ts';

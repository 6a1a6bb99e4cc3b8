// The demo federation's regions and a seeded synthetic generator of informatization indicators for
// them (labelled demo: source "Bulwark demo generator", licence CC0). Deterministic: the same seed
// gives the same tables, so a screenshot or a test can rely on them. Not third-party data.
import type { Actor } from '../access/index.ts';
import { INFORMATIZATION_INDICATORS } from './catalogue.ts';
import type { IndicatorDefinition, Observation, Region } from './model.ts';
import type { MetricsService } from './service.ts';
import { seededRandom } from '../platform/random.ts';

export const DEMO_SOURCE = 'Bulwark demo generator (synthetic)';
export const DEMO_LICENCE = 'CC0 1.0 (synthetic demo data)';

export const DEMO_REGIONS: readonly Region[] = [
  { code: 'BW', parent: null, name: 'Bulwark Federation', level: 0, settlement: 'mixed', population: null },
  { code: 'BW-N', parent: 'BW', name: 'Northern Province', level: 1, settlement: 'mixed', population: null },
  { code: 'BW-S', parent: 'BW', name: 'Southern Province', level: 1, settlement: 'mixed', population: null },
  {
    code: 'BW-N-01',
    parent: 'BW-N',
    name: 'Northport',
    level: 2,
    settlement: 'urban',
    population: 2_400_000,
  },
  { code: 'BW-N-02', parent: 'BW-N', name: 'Ridgeford', level: 2, settlement: 'mixed', population: 850_000 },
  { code: 'BW-S-01', parent: 'BW-S', name: 'Southbay', level: 2, settlement: 'urban', population: 1_700_000 },
  { code: 'BW-S-02', parent: 'BW-S', name: 'Lakeside', level: 2, settlement: 'rural', population: 420_000 },
];

/** Synthetic yearly values for the leaf regions (the provinces and the federation roll up). */
export function demoIndicators(seed = 13, years: readonly number[] = [2021, 2022, 2023, 2024, 2025]) {
  const rnd = seededRandom(seed);
  const defs: IndicatorDefinition[] = INFORMATIZATION_INDICATORS.filter((d) => !d.code.includes('.')).map(
    (d) => ({
      ...d,
      source: DEMO_SOURCE,
      licence: DEMO_LICENCE,
    }),
  );
  const observations: Observation[] = [];
  const leaves = DEMO_REGIONS.filter((r) => r.population !== null);
  for (const r of leaves) {
    const pop = r.population!;
    const urbanShare = r.settlement === 'urban' ? 0.85 : r.settlement === 'rural' ? 0.3 : 0.55;
    const urbanPop = Math.round(pop * urbanShare);
    const ruralPop = pop - urbanPop;
    const base = 0.55 + rnd() * 0.25;
    years.forEach((year, k) => {
      const growth = k * (0.015 + rnd() * 0.01);
      const urbanRate = Math.min(0.98, base + 0.12 + growth);
      const ruralRate = Math.min(0.95, base - 0.2 + growth * 1.4 + (r.settlement === 'rural' ? -0.05 : 0));
      const obs = (
        indicator: string,
        numerator: number,
        denominator: number,
        scale: number,
        estimate = false,
      ) =>
        observations.push({
          indicator,
          region: r.code,
          period: String(year),
          value: (numerator / denominator) * scale,
          numerator,
          denominator,
          estimate,
          provisional: year === years.at(-1),
          break: false,
          vintage: `${years.at(-1)}-demo`,
          source: DEMO_SOURCE,
          licence: DEMO_LICENCE,
          provenance: { generator: 'metrics/demo.ts', seed, demo: true },
        });
      obs('internet-users-urban', Math.round(urbanPop * urbanRate), urbanPop, 100);
      obs('internet-users-rural', Math.round(ruralPop * ruralRate), ruralPop, 100, r.settlement === 'rural');
      obs('mobile-broadband-per-100', Math.round(pop * (0.7 + growth * 2 + rnd() * 0.2)), pop, 100);
      // 4G reaches most people already; no draw from the generator, so the other series stay as they were.
      obs(
        '4g-coverage',
        Math.round(pop * Math.min(0.99, 0.8 + k * 0.03 + (urbanShare - 0.55) * 0.2)),
        pop,
        100,
      );
      obs('5g-coverage', Math.round(pop * Math.min(1, 0.2 + k * 0.15 + rnd() * 0.1) * urbanShare), pop, 100);
      obs(
        'gigabit-coverage',
        Math.round(pop * Math.min(1, 0.1 + k * 0.1 + rnd() * 0.1) * urbanShare),
        pop,
        100,
      );
      obs(
        'bandwidth-per-user',
        Math.round(pop * (60 + k * 20 + rnd() * 30)),
        Math.round(pop * (urbanRate * urbanShare + ruralRate * (1 - urbanShare))),
        1,
      );
      const speed = 40 + k * 25 + rnd() * 40 * urbanShare;
      observations.push({
        indicator: 'median-download-mbps',
        region: r.code,
        period: String(year),
        value: Math.round(speed * 10) / 10,
        numerator: null,
        denominator: null,
        estimate: true,
        provisional: year === years.at(-1),
        break: false,
        vintage: `${years.at(-1)}-demo`,
        source: DEMO_SOURCE,
        licence: DEMO_LICENCE,
        provenance: { generator: 'metrics/demo.ts', seed, demo: true },
      });
    });
  }
  return { indicators: defs, observations };
}

/** The demo seeder: regions, then the synthetic indicators, through the service. */
export async function seedMetricsDemo(input: {
  metrics: MetricsService;
  actor: Actor;
  print: (line: string) => void;
}): Promise<void> {
  await input.metrics.storeRegions(input.actor, DEMO_REGIONS, true);
  const { indicators, observations } = demoIndicators();
  await input.metrics.storeObservations(input.actor, indicators, observations, true);
  input.print(
    `Demo indicators: ${observations.length} synthetic values for ${DEMO_REGIONS.length} regions (labelled demo).`,
  );
}

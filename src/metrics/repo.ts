// All SQL of the metrics domain: its own tables (regions, indicator definitions, observations).
import type { Queryable } from '../platform/db/types.ts';
import type { IndicatorDefinition, Observation, Region } from './model.ts';

export async function upsertIndicators(
  db: Queryable,
  defs: readonly IndicatorDefinition[],
  demo: boolean,
): Promise<void> {
  if (defs.length === 0) return;
  await db.query(
    `INSERT INTO metric_indicators (code, name, unit, direction, source, licence, definition_url, aggregation, scale, demo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::bool[])
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, unit = EXCLUDED.unit, direction = EXCLUDED.direction,
       source = EXCLUDED.source, licence = EXCLUDED.licence, definition_url = EXCLUDED.definition_url,
       aggregation = EXCLUDED.aggregation, scale = EXCLUDED.scale, updated_at = now()`,
    [
      defs.map((d) => d.code),
      defs.map((d) => d.name),
      defs.map((d) => d.unit),
      defs.map((d) => d.direction),
      defs.map((d) => d.source),
      defs.map((d) => d.licence),
      defs.map((d) => d.definitionUrl),
      defs.map((d) => d.aggregation),
      defs.map((d) => d.scale),
      defs.map(() => demo),
    ],
  );
}

/** Stores observations (a newer import of the same indicator, region and period replaces it); their versions. */
export async function upsertObservations(
  db: Queryable,
  obs: readonly Observation[],
  demo: boolean,
): Promise<number[]> {
  if (obs.length === 0) return [];
  const r = await db.query<{ version: number }>(
    `INSERT INTO metric_observations (indicator, region, period, value, numerator, denominator, estimate, provisional, break,
       vintage, source, licence, provenance, demo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::bool[], $8::bool[],
       $9::bool[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::bool[])
     ON CONFLICT (indicator, region, period) DO UPDATE SET value = EXCLUDED.value, numerator = EXCLUDED.numerator,
       denominator = EXCLUDED.denominator, estimate = EXCLUDED.estimate, provisional = EXCLUDED.provisional,
       break = EXCLUDED.break, vintage = EXCLUDED.vintage, source = EXCLUDED.source, licence = EXCLUDED.licence,
       provenance = EXCLUDED.provenance, demo = EXCLUDED.demo, version = metric_observations.version + 1, imported_at = now()
     RETURNING version`,
    [
      obs.map((o) => o.indicator),
      obs.map((o) => o.region),
      obs.map((o) => o.period),
      obs.map((o) => o.value),
      obs.map((o) => o.numerator),
      obs.map((o) => o.denominator),
      obs.map((o) => o.estimate),
      obs.map((o) => o.provisional),
      obs.map((o) => o.break),
      obs.map((o) => o.vintage),
      obs.map((o) => o.source),
      obs.map((o) => o.licence),
      obs.map((o) => JSON.stringify(o.provenance)),
      obs.map(() => demo),
    ],
  );
  return r.rows.map((x) => x.version);
}

export async function upsertRegions(db: Queryable, regions: readonly Region[], demo: boolean): Promise<void> {
  // Parents first, so that the foreign key holds within one statement's order.
  const sorted = [...regions].sort((a, b) => a.level - b.level);
  for (const r of sorted)
    await db.query(
      `INSERT INTO metric_regions (code, parent, name, level, settlement, population, demo) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (code) DO UPDATE SET parent = EXCLUDED.parent, name = EXCLUDED.name, level = EXCLUDED.level,
         settlement = EXCLUDED.settlement, population = EXCLUDED.population, updated_at = now()`,
      [r.code, r.parent, r.name, r.level, r.settlement, r.population, demo],
    );
}

function likePrefix(code: string): string {
  return `${code.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`;
}

export async function regionsIn(db: Queryable, scope: string): Promise<Region[]> {
  const r = await db.query(
    `SELECT code, parent, name, level, settlement, population FROM metric_regions
     WHERE code = $1 OR code LIKE $2 ORDER BY level, code`,
    [scope, likePrefix(scope)],
  );
  return (r.rows as unknown as (Region & { population: string | null })[]).map((x) => ({
    ...x,
    population: x.population === null ? null : Number(x.population),
  }));
}

export async function indicators(db: Queryable): Promise<(IndicatorDefinition & { demo: boolean })[]> {
  const r = await db.query(
    `SELECT code, name, unit, direction, source, licence, definition_url AS "definitionUrl", aggregation, scale, demo
     FROM metric_indicators ORDER BY code`,
  );
  return r.rows as unknown as (IndicatorDefinition & { demo: boolean })[];
}

export interface StoredObservation extends Observation {
  demo: boolean;
  importedAt: string;
}

export async function observationsIn(
  db: Queryable,
  scope: string,
  indicator?: string,
): Promise<StoredObservation[]> {
  const params: unknown[] = [scope, likePrefix(scope)];
  if (indicator) params.push(indicator);
  const r = await db.query(
    `SELECT indicator, region, period, value, numerator, denominator, estimate, provisional, break, vintage, source,
       licence, provenance, demo, imported_at::text AS "importedAt"
     FROM metric_observations WHERE (region = $1 OR region LIKE $2) ${indicator ? 'AND indicator = $3' : ''}
     ORDER BY indicator, region, period`,
    params,
  );
  return r.rows as unknown as StoredObservation[];
}

export async function countObservations(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_observations');
  return r.rows[0]!.n;
}

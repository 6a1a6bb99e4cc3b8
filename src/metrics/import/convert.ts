// The indicator import converters: World Bank WDI API JSON, an ITU-style CSV and Bulwark's
// documented generic CSV (docs/metrics.md). Bytes in, definitions and observations out, each value
// with its provenance (file, format, row) and licence. Pure: no database, no HTTP.
import { ImportError, parseJsonInput } from '../../formats/index.ts';
import { knownIndicator } from '../catalogue.ts';
import {
  AGGREGATIONS,
  type Aggregation,
  DIRECTIONS,
  type Direction,
  type IndicatorDefinition,
  type IndicatorImport,
  type Observation,
} from '../model.ts';
import { readCsv } from './csv.ts';

export const IMPORT_FORMATS = ['wdi', 'itu', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  /** The file's name, kept in each value's provenance. */
  file: string;
  /** Source codes (ISO3 …) → Bulwark region codes; codes not listed are kept as they are. */
  regionMap?: Record<string, string>;
  /** Overrides the licence of the source (ITU tables carry their own terms). */
  licence?: string;
  source?: string;
  maxBytes?: number;
}

const MAX_BYTES = 64 * 1024 * 1024;
const PERIOD = /^\d{4}(-(Q[1-4]|\d{2}))?$/;

export function convertIndicators(
  format: ImportFormat,
  input: Uint8Array | string,
  opts: ImportOptions,
): IndicatorImport {
  const max = opts.maxBytes ?? MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > max)
    throw new ImportError('too-large', `${opts.file}: larger than ${max} bytes`, [], {
      name: 'indicator-file-bytes',
      value: max,
    });
  if (format === 'wdi') return fromWdi(parseJsonInput(input, max, 'WDI file'), opts);
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
  return format === 'itu' ? fromItu(text, opts) : fromGeneric(text, opts);
}

function region(code: string, opts: ImportOptions): string {
  return opts.regionMap?.[code] ?? code;
}

function num(text: string | undefined, where: string): number | null {
  if (text === undefined || text.trim() === '' || text.trim() === '..') return null;
  const n = Number(text.replace(/[\s,]/g, ''));
  if (!Number.isFinite(n)) throw new ImportError('schema', `${where}: '${text}' is not a number`);
  return n;
}

function flag(text: string | undefined): boolean {
  return /^(1|true|yes|y|x)$/i.test((text ?? '').trim());
}

function period(text: string, where: string): string {
  if (!PERIOD.test(text))
    throw new ImportError('schema', `${where}: period '${text}' is not YYYY, YYYY-MM or YYYY-Qn`);
  return text;
}

// --- World Bank WDI API (https://api.worldbank.org/v2/country/…/indicator/…?format=json) ---------

interface WdiRow {
  indicator?: { id?: string; value?: string };
  country?: { id?: string; value?: string };
  countryiso3code?: string;
  date?: string;
  value?: number | null;
  obs_status?: string;
}

/** A WDI indicator not in the catalogue: its unit from the name's parenthesis. */
function wdiDefinition(id: string, name: string): IndicatorDefinition {
  const unit = /\(([^)]+)\)\s*$/.exec(name)?.[1] ?? '';
  // Without numerator and denominator, a rate can only roll up weighted by population.
  const rate = /%|per /.test(unit);
  return {
    code: id,
    name: name.replace(/\s*\([^)]+\)\s*$/, ''),
    unit,
    direction: 'neutral',
    source: 'World Bank, World Development Indicators',
    licence: 'CC BY 4.0',
    definitionUrl: `https://data.worldbank.org/indicator/${id}`,
    aggregation: rate ? 'population-weighted' : 'sum',
    scale: 1,
  };
}

function fromWdi(doc: unknown, opts: ImportOptions): IndicatorImport {
  if (!Array.isArray(doc) || doc.length < 2 || typeof doc[0] !== 'object' || !Array.isArray(doc[1])) {
    const message =
      Array.isArray(doc) && doc[0] && typeof doc[0] === 'object' && 'message' in doc[0]
        ? ' (the API answered an error message)'
        : '';
    throw new ImportError(
      'unsupported-format',
      `${opts.file}: not a WDI API answer ([metadata, rows])${message}`,
    );
  }
  const meta = doc[0] as { lastupdated?: string; sourceid?: string };
  const vintage = typeof meta.lastupdated === 'string' ? meta.lastupdated : '';
  const indicators = new Map<string, IndicatorDefinition>();
  const observations: Observation[] = [];
  (doc[1] as WdiRow[]).forEach((row, n) => {
    const where = `${opts.file} /1/${n}`;
    const id = row.indicator?.id;
    const code = row.countryiso3code || row.country?.id;
    if (!id || !code || typeof row.date !== 'string')
      throw new ImportError('schema', `${where}: a row needs indicator.id, countryiso3code and date`, [
        { pointer: `/1/${n}`, detail: 'indicator.id, countryiso3code and date are required' },
      ]);
    if (row.value === null || row.value === undefined) return; // WDI lists empty years
    if (typeof row.value !== 'number') throw new ImportError('schema', `${where}: value is not a number`);
    const def = knownIndicator(id) ?? wdiDefinition(id, row.indicator?.value ?? id);
    const licence = opts.licence ?? 'CC BY 4.0';
    indicators.set(id, { ...def, licence });
    observations.push({
      indicator: id,
      region: region(code, opts),
      period: period(row.date, where),
      value: row.value,
      numerator: null,
      denominator: null,
      // WDI's obs_status: E estimate, F forecast, P provisional (blank: normal)
      estimate: row.obs_status === 'E' || row.obs_status === 'F',
      provisional: row.obs_status === 'P',
      break: row.obs_status === 'B',
      vintage,
      source: opts.source ?? 'World Bank, World Development Indicators',
      licence,
      provenance: {
        format: 'wdi',
        file: opts.file,
        pointer: `/1/${n}`,
        sourceCode: code,
        sourceId: meta.sourceid ?? null,
      },
    });
  });
  return { format: 'wdi', indicators: [...indicators.values()], observations };
}

// --- ITU-style CSV ---------------------------------------------------------------------------
// Columns as in ITU DataHub exports: entityIso, entityName, seriesCode, seriesName, seriesUnits,
// dataYear, dataValue, dataNote, dataSource (aliases: iso/iso3, indicator, year, value, note).

function pick(row: Record<string, string>, names: string[]): string | undefined {
  for (const n of names) if (row[n] !== undefined && row[n] !== '') return row[n];
  return undefined;
}

function fromItu(text: string, opts: ImportOptions): IndicatorImport {
  const { header, rows } = readCsv(text, opts.file);
  // A table without a value column would import nothing, silently.
  if (!header.includes('datavalue') && !header.includes('value'))
    throw new ImportError('schema', `${opts.file}: the header has no dataValue (or value) column`);
  const licence = opts.licence ?? 'ITU terms of use (see source)';
  const indicators = new Map<string, IndicatorDefinition>();
  const observations: Observation[] = [];
  rows.forEach((row, n) => {
    const where = `${opts.file} line ${n + 2}`;
    const code = pick(row, ['entityiso', 'iso3', 'iso', 'region']);
    const series = pick(row, ['seriescode', 'indicator', 'series']);
    const year = pick(row, ['datayear', 'year', 'period']);
    if (!code || !series || !year)
      throw new ImportError('schema', `${where}: needs entityIso, seriesCode and dataYear`, [
        { pointer: `/${n + 1}`, detail: 'missing column value' },
      ]);
    const value = num(pick(row, ['datavalue', 'value']), where);
    if (value === null) return;
    const note = (pick(row, ['datanote', 'note']) ?? '').toLowerCase();
    const known = knownIndicator(series);
    indicators.set(series, {
      ...(known ?? {
        code: series,
        name: pick(row, ['seriesname', 'name']) ?? series,
        unit: pick(row, ['seriesunits', 'unit']) ?? '',
        direction: 'neutral' as Direction,
        source: 'ITU',
        definitionUrl: 'https://datahub.itu.int/',
        aggregation: 'population-weighted' as Aggregation,
        scale: 1,
      }),
      licence,
    });
    observations.push({
      indicator: series,
      region: region(code, opts),
      period: period(year, where),
      value,
      numerator: null,
      denominator: null,
      estimate: note.includes('estimate'),
      provisional: note.includes('provisional') || note.includes('preliminary'),
      break: note.includes('break'),
      vintage: pick(row, ['vintage', 'edition']) ?? '',
      source: opts.source ?? pick(row, ['datasource', 'source']) ?? 'ITU',
      licence,
      provenance: { format: 'itu', file: opts.file, line: n + 2, sourceCode: code, note: note || null },
    });
  });
  return { format: 'itu', indicators: [...indicators.values()], observations };
}

// --- Generic CSV (docs/metrics.md) -----------------------------------------------------------
// indicator, region, period, value | numerator+denominator, estimate, provisional, break, vintage,
// source, licence, source_url; an indicator not in the catalogue also needs name, unit,
// aggregation (and may give direction, scale, definition_url).

function fromGeneric(text: string, opts: ImportOptions): IndicatorImport {
  const { header, rows } = readCsv(text, opts.file);
  for (const col of ['indicator', 'region', 'period'])
    if (!header.includes(col))
      throw new ImportError('schema', `${opts.file}: the header has no '${col}' column`);
  const indicators = new Map<string, IndicatorDefinition>();
  const observations: Observation[] = [];
  rows.forEach((row, n) => {
    const where = `${opts.file} line ${n + 2}`;
    const code = row.indicator!;
    const source = opts.source ?? row.source;
    const licence = opts.licence ?? row.licence;
    if (!code || !row.region) throw new ImportError('schema', `${where}: indicator and region are required`);
    if (!source || !licence)
      throw new ImportError(
        'schema',
        `${where}: source and licence are required (a column or --source/--licence)`,
      );
    const numerator = num(row.numerator, `${where} numerator`);
    const denominator = num(row.denominator, `${where} denominator`);
    let def = indicators.get(code) ?? knownIndicator(code);
    if (!def) {
      const aggregation = row.aggregation as Aggregation;
      if (!row.name || !row.unit || !AGGREGATIONS.includes(aggregation))
        throw new ImportError(
          'schema',
          `${where}: indicator '${code}' is not in the catalogue: give name, unit and aggregation (${AGGREGATIONS.join(', ')})`,
        );
      const direction = (row.direction || 'neutral') as Direction;
      if (!DIRECTIONS.includes(direction))
        throw new ImportError('schema', `${where}: direction must be one of ${DIRECTIONS.join(', ')}`);
      def = {
        code,
        name: row.name,
        unit: row.unit,
        direction,
        source,
        licence,
        definitionUrl: row.definition_url || null,
        aggregation,
        scale: num(row.scale, `${where} scale`) ?? 1,
      };
    }
    indicators.set(code, def);
    let value = num(row.value, `${where} value`);
    if (value === null && numerator !== null && denominator !== null && denominator > 0)
      value = (numerator / denominator) * def.scale;
    if (value === null)
      throw new ImportError('schema', `${where}: give a value, or numerator and denominator`);
    if ((numerator === null) !== (denominator === null))
      throw new ImportError('schema', `${where}: numerator and denominator go together`);
    observations.push({
      indicator: code,
      region: region(row.region, opts),
      period: period(row.period ?? '', where),
      value,
      numerator,
      denominator,
      estimate: flag(row.estimate),
      provisional: flag(row.provisional),
      break: flag(row.break),
      vintage: row.vintage ?? '',
      source,
      licence,
      provenance: {
        format: 'csv',
        file: opts.file,
        line: n + 2,
        ...(row.source_url ? { url: row.source_url } : {}),
      },
    });
  });
  return { format: 'csv', indicators: [...indicators.values()], observations };
}

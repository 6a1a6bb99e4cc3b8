import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImportError } from '../../formats/index.ts';
import { convertIndicators } from './convert.ts';

// The shape the World Bank API answers: https://api.worldbank.org/v2/country/CHN;IND/indicator/IT.NET.USER.ZS?format=json
const WDI = JSON.stringify([
  { page: 1, pages: 1, per_page: 50, total: 3, sourceid: '2', lastupdated: '2024-06-28' },
  [
    {
      indicator: { id: 'IT.NET.USER.ZS', value: 'Individuals using the Internet (% of population)' },
      country: { id: 'CN', value: 'China' },
      countryiso3code: 'CHN',
      date: '2022',
      value: 75.6,
      unit: '',
      obs_status: '',
      decimal: 1,
    },
    {
      indicator: { id: 'IT.NET.USER.ZS', value: 'Individuals using the Internet (% of population)' },
      country: { id: 'IN', value: 'India' },
      countryiso3code: 'IND',
      date: '2022',
      value: 46.3,
      unit: '',
      obs_status: 'E',
      decimal: 1,
    },
    {
      indicator: { id: 'IT.NET.USER.ZS', value: 'Individuals using the Internet (% of population)' },
      country: { id: 'IN', value: 'India' },
      countryiso3code: 'IND',
      date: '2023',
      value: null,
      unit: '',
      obs_status: '',
      decimal: 1,
    },
  ],
]);

test('WDI API JSON: values with source, licence, vintage and provenance; empty years skipped', () => {
  const r = convertIndicators('wdi', WDI, { file: 'wdi.json', regionMap: { CHN: 'BW' } });
  assert.equal(r.observations.length, 2);
  const [cn, ind] = r.observations;
  assert.equal(cn!.region, 'BW');
  assert.equal(cn!.licence, 'CC BY 4.0');
  assert.equal(cn!.vintage, '2024-06-28');
  assert.deepEqual(cn!.provenance, {
    format: 'wdi',
    file: 'wdi.json',
    pointer: '/1/0',
    sourceCode: 'CHN',
    sourceId: '2',
  });
  assert.equal(ind!.region, 'IND');
  assert.equal(ind!.estimate, true);
  assert.equal(r.indicators[0]!.definitionUrl, 'https://data.worldbank.org/indicator/IT.NET.USER.ZS');
});

test('WDI: an API error message or another document is refused', () => {
  assert.throws(
    () => convertIndicators('wdi', '[{"message":[{"id":"120","key":"Invalid value"}]}]', { file: 'x' }),
    ImportError,
  );
  assert.throws(() => convertIndicators('wdi', '{}', { file: 'x' }), ImportError);
  assert.throws(() => convertIndicators('wdi', '[{}, [{"date":"2020"}]]', { file: 'x' }), /indicator.id/);
});

test('ITU-style CSV: notes become flags, the licence given is kept', () => {
  const csv =
    'entityIso,entityName,seriesCode,seriesName,seriesUnits,dataYear,dataValue,dataNote,dataSource\n' +
    'BWA,Botswana,i99H,"Individuals using the Internet",%,2022,"73.5","ITU estimate",ITU\n' +
    'BWA,Botswana,i99H,"Individuals using the Internet",%,2021,..,,ITU\n';
  const r = convertIndicators('itu', csv, { file: 'itu.csv', licence: 'ITU licence X' });
  assert.equal(r.observations.length, 1);
  assert.equal(r.observations[0]!.estimate, true);
  assert.equal(r.observations[0]!.licence, 'ITU licence X');
  assert.equal(r.indicators[0]!.name, 'Individuals using the Internet');
  assert.throws(
    () => convertIndicators('itu', 'indicator,region,period\nx,BW,2024\n', { file: 'g.csv' }),
    /dataValue/,
  );
});

test('generic CSV: catalogue indicators with numerator/denominator, new ones defined inline, errors named', () => {
  const csv =
    'indicator,region,period,value,numerator,denominator,estimate,vintage,source,licence\n' +
    'internet-users-rural,BW-N-01,2025,,300,1000,yes,2025-01,Demo office,CC0\n';
  const r = convertIndicators('csv', csv, { file: 'g.csv' });
  assert.equal(r.observations[0]!.value, 30);
  assert.equal(r.observations[0]!.estimate, true);
  assert.throws(
    () =>
      convertIndicators('csv', 'indicator,region,period,value,source,licence\nnew-thing,BW,2025,1,s,l\n', {
        file: 'g.csv',
      }),
    /not in the catalogue/,
  );
  const def = convertIndicators(
    'csv',
    'indicator,region,period,value,source,licence,name,unit,aggregation\nnew-thing,BW,2025,1,s,l,New,things,sum\n',
    { file: 'g.csv' },
  );
  assert.equal(def.indicators[0]!.aggregation, 'sum');
  assert.throws(
    () =>
      convertIndicators('csv', 'indicator,region,period,value\nIT.NET.USER.ZS,BW,2025,1\n', {
        file: 'g.csv',
      }),
    /source and licence/,
  );
  assert.throws(
    () =>
      convertIndicators('csv', 'indicator,region,period,value,source,licence\nIT.NET.USER.ZS,BW,25,1,s,l\n', {
        file: 'g.csv',
      }),
    /period/,
  );
  assert.throws(() => convertIndicators('csv', 'indicator,region\n"a,b\n', { file: 'g.csv' }), /quoted/);
});

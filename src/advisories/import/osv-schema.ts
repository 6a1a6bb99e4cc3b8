// A focused JSON schema for OSV entries (schema 1.x, https://ossf.github.io/osv-schema/): it
// checks every field Bulwark reads to match and rank (ids, dates, aliases, severity, affected
// packages, ranges and versions, references) and keeps database_specific and
// ecosystem_specific opaque. Unknown top-level fields are allowed, as OSV adds fields in minor
// versions.

const STRING_LIST = { type: 'array', items: { type: 'string' } } as const;
const TIMESTAMP = { type: 'string', format: 'date-time' } as const;
const OPAQUE = { type: 'object' } as const;

const SEVERITY = {
  type: 'array',
  items: {
    type: 'object',
    required: ['type', 'score'],
    properties: {
      type: { type: 'string', enum: ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] },
      score: { type: 'string', minLength: 1 },
    },
  },
} as const;

const EVENT = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    introduced: { type: 'string', minLength: 1 },
    fixed: { type: 'string', minLength: 1 },
    last_affected: { type: 'string', minLength: 1 },
    limit: { type: 'string', minLength: 1 },
  },
} as const;

const RANGE = {
  type: 'object',
  required: ['type', 'events'],
  properties: {
    type: { type: 'string', enum: ['GIT', 'SEMVER', 'ECOSYSTEM'] },
    repo: { type: 'string' },
    events: {
      type: 'array',
      minItems: 1,
      items: EVENT,
      contains: { type: 'object', required: ['introduced'] },
    },
    database_specific: OPAQUE,
  },
  // A GIT range names its repository (JSON schema if/then; `then` is a schema keyword here).
  if: { properties: { type: { const: 'GIT' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON schema keyword, not a thenable.
  then: { required: ['repo'] },
} as const;

export const osvSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://bulwark.example/schemas/osv-1.x-focused.json',
  type: 'object',
  required: ['id', 'modified'],
  properties: {
    schema_version: { type: 'string', pattern: '^1\\.' },
    id: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9._:\\-]*$' },
    modified: TIMESTAMP,
    published: TIMESTAMP,
    withdrawn: TIMESTAMP,
    aliases: STRING_LIST,
    related: STRING_LIST,
    upstream: STRING_LIST,
    summary: { type: 'string' },
    details: { type: 'string' },
    severity: SEVERITY,
    affected: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          package: {
            type: 'object',
            required: ['ecosystem', 'name'],
            properties: {
              ecosystem: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1 },
              purl: { type: 'string' },
            },
          },
          severity: SEVERITY,
          ranges: { type: 'array', items: RANGE },
          versions: STRING_LIST,
          ecosystem_specific: OPAQUE,
          database_specific: OPAQUE,
        },
      },
    },
    references: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'url'],
        properties: { type: { type: 'string' }, url: { type: 'string', minLength: 1 } },
      },
    },
    credits: { type: 'array' },
    database_specific: OPAQUE,
  },
} as const;

// Input and output schemas of the assets domain (assets, SBOM versions, components); the same
// objects validate requests and produce the OpenAPI document.
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { Limit, Offset, Text } from '../platform/http/text.ts';

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

const Name = Text({ minLength: 1, maxLength: 200 });

export const Asset = Type.Object(
  {
    id: Id,
    org: Id,
    name: Type.String(),
    kind: Type.String(),
    criticality: enumOf(CRITICALITIES),
    criticalInfrastructure: Type.Boolean(),
    sector: Type.Union([Type.String(), Type.Null()]),
    region: Type.String(),
    domains: Type.Array(Type.String()),
    addresses: Type.Array(Type.String()),
    internetFacing: Type.Boolean({ description: 'True when the asset has public domains or addresses' }),
    currentSbom: Type.Union([Id, Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Asset' },
);
export type Asset = Static<typeof Asset>;

export const CreateAsset = Type.Object(
  {
    name: Name,
    org: Type.Optional(Id),
    kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9-]*$' })),
    criticality: Type.Optional(enumOf(CRITICALITIES)),
    criticalInfrastructure: Type.Optional(Type.Boolean()),
    domains: Type.Optional(
      Type.Array(
        Type.String({ maxLength: 253, pattern: '^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\\.)*[A-Za-z0-9-]{1,63}$' }),
        { maxItems: 100 },
      ),
    ),
    addresses: Type.Optional(
      Type.Array(Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6' })]), {
        maxItems: 100,
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateAsset = Static<typeof CreateAsset>;

export const UpdateAsset = Type.Object(
  {
    kind: CreateAsset.properties.kind,
    criticality: CreateAsset.properties.criticality,
    criticalInfrastructure: CreateAsset.properties.criticalInfrastructure,
    domains: CreateAsset.properties.domains,
    addresses: CreateAsset.properties.addresses,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateAsset = Static<typeof UpdateAsset>;

export const AssetListQuery = Type.Object(
  {
    org: Type.Optional(Id),
    q: Type.Optional(Text({ maxLength: 200 })),
    limit: Type.Optional(Limit(100)),
    offset: Type.Optional(Offset()),
  },
  { additionalProperties: false },
);
export type AssetListQuery = Static<typeof AssetListQuery>;

export const Sbom = Type.Object(
  {
    id: Id,
    asset: Id,
    seq: Type.Integer({ description: 'SBOM version of the asset, from 1' }),
    format: Type.String(),
    specVersion: Type.String(),
    serialNumber: Type.Union([Type.String(), Type.Null()]),
    subject: Type.Union([Type.Unknown(), Type.Null()]),
    sha256: Type.String(),
    componentCount: Type.Integer(),
    warnings: Type.Array(
      Type.Object({ pointer: Type.String(), ref: Type.Optional(Type.String()), message: Type.String() }),
    ),
    importedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Sbom' },
);
export type Sbom = Static<typeof Sbom>;

export const Component = Type.Object({
  ref: Type.String(),
  type: Type.String(),
  name: Type.String(),
  sbomName: Type.String(),
  group: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.String(), Type.Null()]),
  purl: Type.Union([Type.String(), Type.Null()]),
  ecosystem: Type.Union([Type.String(), Type.Null()]),
  hashes: Type.Array(Type.Object({ algorithm: Type.String(), value: Type.String() })),
  licenses: Type.Array(Type.String()),
  parentRef: Type.Union([Type.String(), Type.Null()]),
  relation: Type.String(),
});
export type Component = Static<typeof Component>;

export const SbomDetail = Type.Object({
  sbom: Sbom,
  components: Type.Array(Component),
  dependencies: Type.Object({
    root: Type.Optional(Type.String()),
    edges: Type.Record(Type.String(), Type.Array(Type.String())),
    direct: Type.Array(Type.String()),
    transitive: Type.Array(Type.String()),
  }),
});
export type SbomDetail = Static<typeof SbomDetail>;

export const SbomImportResult = Type.Object({
  asset: Asset,
  sbom: Sbom,
  warningCount: Type.Integer({
    description: 'Warnings of the SBOM; `sbom.warnings` shows the first 100, GET /sboms/{id} all of them',
  }),
  exposures: Type.Object({
    opened: Type.Integer(),
    reopened: Type.Integer(),
    resolved: Type.Integer(),
    open: Type.Integer({ description: 'Exposures of the asset not resolved after the import' }),
  }),
});
export type SbomImportResult = Static<typeof SbomImportResult>;

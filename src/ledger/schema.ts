// Input and output schemas of the ledger's HTTP API (validation and the OpenAPI document).
import { type Static, Type } from 'typebox';

const Base64Hash = Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'SHA-256 hash, base64' });
const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export const InclusionQuery = Type.Object(
  { index: Size, size: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);
export const InclusionProof = Type.Object({
  index: Size,
  size: Size,
  root: Base64Hash,
  proof: Type.Array(Base64Hash, { description: 'RFC 9162 inclusion path, leaf sibling first' }),
});

export const ConsistencyQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    to: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  },
  { additionalProperties: false },
);
export const ConsistencyProof = Type.Object({
  from: Size,
  to: Size,
  root1: Base64Hash,
  root2: Base64Hash,
  proof: Type.Array(Base64Hash, { description: 'RFC 9162 consistency proof' }),
});

export const ReceiptQuery = Type.Object(
  {
    kind: Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }),
    id: Type.String({ minLength: 1, maxLength: 200 }),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  },
  { additionalProperties: false },
);
/** The metadata an entry commits to (in the clear in a v1 entry, behind `c` in a v2 one). */
const EntryMetadataFields = {
  v: Type.Integer({ description: 'Format of the public entry: 1 (metadata in the clear), 2 (opaque)' }),
  kind: Type.String(),
  id: Type.String(),
  version: Type.Integer(),
  org: Type.String({ description: 'The acting organization' }),
  at: Type.String(),
  commitment: Type.String({ description: 'base64 sha256(salt || RFC 8785 record)' }),
};

export const Receipt = Type.Object({
  kind: Type.String(),
  id: Type.String(),
  version: Type.Integer(),
  leafIndex: Size,
  treeSize: Size,
  entry: Type.Object(EntryMetadataFields, {
    description:
      'What the entry commits to about the record; a v2 public entry is {"c": sha256(salt || RFC 8785 ' +
      'of at, commitment, id, kind, org, version), "v": 2}',
  }),
  salt: Type.String({ description: 'base64 salt: sha256(salt || RFC 8785 record) is the entry commitment' }),
  receipt: Type.String({ description: 'C2SP tlog-proof text (entry in the extra line), verifiable offline' }),
});
/** A record version's receipt as `GET /api/v1/ledger/receipts` presents it. */
export type Receipt = Static<typeof Receipt>;

export const EntriesQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'First leaf index' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 256 })),
  },
  { additionalProperties: false },
);
export const LedgerEntries = Type.Object({
  treeSize: Size,
  from: Size,
  items: Type.Array(
    Type.Object({
      index: Size,
      ...EntryMetadataFields,
      salt: Type.String({ description: "base64 salt: sha256(salt || metadata) is a v2 entry's c" }),
    }),
    { description: 'The entries of the range whose record the caller may read, in leaf order' },
  ),
});
export type LedgerEntries = Static<typeof LedgerEntries>;

export const CosignatureBody = Type.Object(
  {
    treeSize: Size,
    cosignatures: Type.Array(Type.String({ maxLength: 4096 }), {
      minItems: 1,
      maxItems: 16,
      description:
        'Signature lines "— <witness name> <base64>" (C2SP tlog-cosignature) over the checkpoint of treeSize',
    }),
  },
  { additionalProperties: false },
);
export const CosignatureResult = Type.Object({ accepted: Type.Array(Type.String()) });

export const LedgerStatus = Type.Object({
  origin: Type.String(),
  verifierKey: Type.String(),
  treeSize: Size,
  root: Base64Hash,
  checkpoint: Type.String(),
  publishedAt: Type.String({ format: 'date-time' }),
  pending: Type.Integer(),
  keyEncrypted: Type.Boolean(),
  witnesses: Type.Array(
    Type.Object({
      name: Type.String(),
      key: Type.String(),
      lastCosignedSize: Type.Union([Size, Type.Null()]),
      lastCosignedAt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});
export type LedgerStatus = Static<typeof LedgerStatus>;

// Input and output schemas of the organizations domain; the same objects validate requests and
// produce the OpenAPI document.
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { Limit, Offset, Text } from '../platform/http/text.ts';
import { ORG_KINDS, type OrgKind, ROLES } from '../access/index.ts';

export const OrgKindSchema = enumOf(ORG_KINDS);
export const RoleSchema = enumOf(ROLES);
const ChildKind = enumOf(
  ORG_KINDS.filter((k): k is Exclude<OrgKind, 'coordination-centre'> => k !== 'coordination-centre'),
);

const Region = Type.String({
  pattern: '^[A-Z]{2}(-[A-Z0-9]{1,8})*$',
  maxLength: 64,
  description:
    'Region code, hierarchical with dashes (e.g. BW, BW-N, BW-N-01); a child region extends its parent.',
});
const Sector = Type.String({
  pattern: '^[a-z][a-z0-9-]{1,31}$',
  description: 'Sector key, e.g. energy, finance',
});
const Name = Text({ minLength: 1, maxLength: 200 });

export const Organization = Type.Object(
  {
    id: Id,
    name: Type.String(),
    kind: OrgKindSchema,
    parent: Type.Union([Id, Type.Null()]),
    region: Type.String(),
    sector: Type.Union([Type.String(), Type.Null()]),
    critical: Type.Boolean({ description: 'Operator of critical information infrastructure' }),
    demo: Type.Boolean({ description: 'Part of the generated demo federation' }),
    depth: Type.Integer({ description: 'Depth in the tree; the coordination centre is 0' }),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization' },
);
export type Organization = Static<typeof Organization>;

export const CreateOrganization = Type.Object(
  {
    name: Name,
    kind: ChildKind,
    parent: Id,
    region: Region,
    sector: Type.Optional(Sector),
    critical: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateOrganization = Static<typeof CreateOrganization>;

export const User = Type.Object(
  {
    id: Id,
    username: Type.String(),
    name: Type.String(),
    org: Id,
    roles: Type.Array(RoleSchema),
    locked: Type.Boolean({
      description:
        'Sign-in to the account is being slowed down after failed attempts; an administrator may unlock it.',
    }),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

export const CreateUser = Type.Object(
  {
    username: Type.String({
      pattern: '^[a-z0-9][a-z0-9._-]{2,63}$',
      description: 'lower case, 3–64 characters',
    }),
    name: Name,
    org: Id,
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 6, uniqueItems: true }),
    password: Type.String({ minLength: 12, maxLength: 256, description: 'at least 12 characters' }),
  },
  { additionalProperties: false },
);
export type CreateUser = Static<typeof CreateUser>;

export const UpdateOrganization = Type.Object(
  { name: Type.Optional(Name), critical: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrganization = Static<typeof UpdateOrganization>;

export const UpdateUser = Type.Object(
  {
    name: Type.Optional(Name),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: 6, uniqueItems: true })),
    disabled: Type.Optional(
      Type.Boolean({ description: 'A disabled user cannot sign in; its sessions end at once.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUser = Static<typeof UpdateUser>;

export const OrgListQuery = Type.Object(
  {
    kind: Type.Optional(OrgKindSchema),
    sector: Type.Optional(Sector),
    q: Type.Optional(Text({ maxLength: 200, description: 'substring of the name' })),
  },
  { additionalProperties: false },
);
export type OrgListQuery = Static<typeof OrgListQuery>;

export const UserListQuery = Type.Object(
  { org: Type.Optional(Id), limit: Type.Optional(Limit(200)), offset: Type.Optional(Offset()) },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

// Input and output schemas of sign-in, sessions and API tokens.
import { type Static, Type } from 'typebox';
import { Limit, Offset, Text } from '../platform/http/text.ts';
import { RoleSchema } from '../orgs/index.ts';
import { Id } from '../platform/http/schemas.ts';

export const SignIn = Type.Object(
  {
    username: Text({ minLength: 1, maxLength: 64 }),
    // Never stored or queried (only hashed), so any text is accepted; still bounded.
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type SignIn = Static<typeof SignIn>;

export const SessionInfo = Type.Object(
  {
    user: Type.Object({
      id: Id,
      username: Type.String(),
      name: Type.String(),
      roles: Type.Array(RoleSchema),
    }),
    org: Type.Object({ id: Id, name: Type.String(), kind: Type.String() }),
    csrfToken: Type.String({ description: 'Send it as x-csrf-token on every state-changing request.' }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Session' },
);
export type SessionInfo = Static<typeof SessionInfo>;

export const ApiToken = Type.Object(
  {
    id: Id,
    name: Type.String(),
    org: Id,
    role: RoleSchema,
    createdBy: Type.Union([Type.Object({ id: Id, username: Type.String() }), Type.Null()], {
      description:
        'Who issued the token; null for the local system administrator (the command line). The token ' +
        "never carries more than its creator holds now: it stops when the creator is disabled or loses the token's role.",
    }),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ApiToken' },
);
export type ApiToken = Static<typeof ApiToken>;

export const CreateToken = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 100 }),
    org: Type.Optional(Id),
    role: RoleSchema,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })),
  },
  { additionalProperties: false },
);
export type CreateToken = Static<typeof CreateToken>;

export const CreatedToken = Type.Object({
  token: Type.String({ description: 'The bearer token. It is shown once and stored only as a hash.' }),
  meta: ApiToken,
});

export const TokenListQuery = Type.Object(
  { limit: Type.Optional(Limit(100)), offset: Type.Optional(Offset()) },
  { additionalProperties: false },
);
export type TokenListQuery = Static<typeof TokenListQuery>;

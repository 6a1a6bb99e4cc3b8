// A federation of its own for the incident suites, made through the organizations service (the
// demo federation stays untouched): a province and a city with a water operator (critical), a
// water regulator for the province, a second city with an unrelated operator, and tokens.
import type { Role } from '../../src/access/index.ts';
import type { TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
export type Json = Record<string, any>;

export async function call(
  s: TestServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; type: string | null }> {
  const r = await fetch(`${s.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return {
    status: r.status,
    body: text ? (JSON.parse(text) as Json) : {},
    type: r.headers.get('content-type'),
  };
}

export interface Federation {
  root: string;
  province: string;
  city: string;
  operator: string;
  regulator: string;
  otherCity: string;
  otherOperator: string;
  /** A token for an organization and role, minted once. */
  token(org: string, role: Role): Promise<string>;
}

export async function makeFederation(s: TestServer, region = 'BW-X'): Promise<Federation> {
  const rootRow = (await s.ctx.orgs.root())!;
  const admin = systemActor(rootRow);
  const make = async (
    name: string,
    kind: 'regional-authority' | 'sector-regulator' | 'operator',
    parent: string,
    r: string,
    extra: { sector?: string; critical?: boolean } = {},
  ) => (await s.ctx.orgs.createOrg(admin, { name, kind, parent, region: r, ...extra })).id;
  const province = await make(`Province ${region}`, 'regional-authority', rootRow.id, region);
  const city = await make(`City ${region}-01`, 'regional-authority', province, `${region}-01`);
  const operator = await make(`Water works ${region}`, 'operator', city, `${region}-01`, {
    sector: 'water',
    critical: true,
  });
  const regulator = await make(`Water regulator ${region}`, 'sector-regulator', rootRow.id, region, {
    sector: 'water',
  });
  const otherCity = await make(`City ${region}-02`, 'regional-authority', province, `${region}-02`);
  const otherOperator = await make(`Bakery ${region}`, 'operator', otherCity, `${region}-02`, {
    sector: 'food',
  });
  const tokens = new Map<string, string>();
  return {
    root: rootRow.id,
    province,
    city,
    operator,
    regulator,
    otherCity,
    otherOperator,
    async token(org, role) {
      const key = `${org} ${role}`;
      let t = tokens.get(key);
      if (!t) {
        t = await s.token(org, role);
        tokens.set(key, t);
      }
      return t;
    },
  };
}

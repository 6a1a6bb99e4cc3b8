// Helpers of the security suites: raw HTTP calls (paths sent exactly as written, no URL
// normalisation), and factories that give each test its own organization and users.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';

export interface Res {
  status: number;
  type: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  header(name: string): string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  type?: string;
  cookie?: string;
  csrf?: string;
}

/** One request with node:http, so that the path reaches the server byte for byte (fetch would normalise it). */
export function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const url = new URL(base);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) {
    headers['content-type'] = opts.type ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = text ? JSON.parse(text) : {};
          } catch {
            parsed = { text };
          }
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: parsed,
            headers: res.headers,
            header: (n) => {
              const v = res.headers[n.toLowerCase()];
              return Array.isArray(v) ? v.join(', ') : (v ?? '');
            },
          });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** A regional authority of its own under the centre, for one test. */
export async function makeOrg(
  base: string,
  adminToken: string,
  parent: string,
  region: string,
): Promise<string> {
  const r = await call(base, 'POST', '/api/v1/orgs', {
    token: adminToken,
    body: { name: unique('Security test '), kind: 'regional-authority', parent, region },
  });
  if (r.status !== 201) throw new Error(`could not create an organization: ${JSON.stringify(r.body)}`);
  return String(r.body.id);
}

export async function makeUser(
  base: string,
  adminToken: string,
  org: string,
  roles: string[],
): Promise<{ id: string; username: string; password: string }> {
  const username = unique('sec.');
  const password = `pw ${randomBytes(12).toString('hex')}`;
  const r = await call(base, 'POST', '/api/v1/users', {
    token: adminToken,
    body: { username, name: 'Security Test', org, roles, password },
  });
  if (r.status !== 201) throw new Error(`could not create a user: ${JSON.stringify(r.body)}`);
  return { id: String(r.body.id), username, password };
}

export async function signIn(
  base: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrf: string; res: Res }> {
  const res = await call(base, 'POST', '/api/v1/session', { body: { username, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: res.header('set-cookie').split(';')[0]!, csrf: String(res.body.csrfToken), res };
}

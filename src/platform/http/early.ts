// The HTTP listener that is up before the application is: `bulwark serve` listens first, so a
// liveness probe is answered at once while the database, the workers and the routes start (seconds
// with 100,000 assets), then hands every request to the Fastify app built on the same server. Until
// then it answers only what a starting process can say: `/healthz` 200 (alive) and `/readyz` 503
// `starting` with Retry-After, at once (probes want an answer, not a wait). Every other request
// (a browser opening the console, a CLI call) is held, body unread, and handed to the app when it
// is ready, or answered 503 `starting` if the start takes longer than the hold (60 s by default;
// the first start seeds the demo federation): someone who opens the console as soon as the server
// says it listens gets the console. No route is defined twice: once the app is ready the early
// handler is gone and the app's own /healthz and /readyz answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors } from '../errors.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface EarlyListener {
  readonly server: Server;
  /** `http://host:port` as listened on. */
  readonly address: string;
  /** For Fastify's `serverFactory`: the app's request handler is kept until `handOver`. */
  adopt(handler: Handler): Server;
  /** From now on every request goes to the adopted handler (call once the app is ready). */
  handOver(): void;
  /** Whether requests still get the start-up answers. */
  readonly starting: boolean;
  /** Stops listening; idle keep-alive connections are closed, requests in flight finish. */
  close(): Promise<void>;
}

export interface EarlyListenOptions {
  port: number;
  host: string;
  /** Retry-After of the 503 answers while starting. */
  retryAfterSeconds?: number;
  /** How long a request other than the probes waits for the app before 503 (0: not at all). */
  holdMs?: number;
}

interface Held {
  req: IncomingMessage;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

const PROBES = new Set(['/healthz', '/readyz']);

function answerStarting(req: IncomingMessage, res: ServerResponse, retryAfter: number): void {
  const path = (req.url ?? '/').split('?')[0]!;
  const head = req.method === 'HEAD';
  const send = (status: number, type: string, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': `${type}; charset=utf-8`,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...(status === 503 ? { 'retry-after': String(retryAfter) } : {}),
    });
    res.end(head ? undefined : text);
  };
  // The body of a request is not read while starting: drop it rather than buffer it.
  req.resume();
  if (path === '/healthz' && (req.method === 'GET' || head)) {
    send(200, 'application/json', { status: 'alive' });
    return;
  }
  send(
    503,
    'application/problem+json',
    errors.starting(retryAfter, 'The server is starting; try again shortly.').toProblem(path),
  );
}

/** Listens on `port`/`host` at once and answers start-up requests until `handOver`. */
export async function listenEarly(opts: EarlyListenOptions): Promise<EarlyListener> {
  const retryAfter = opts.retryAfterSeconds ?? 2;
  const holdMs = opts.holdMs ?? 60_000;
  let app: Handler | undefined;
  let live = false;
  const held = new Set<Held>();
  const release = (h: Held): boolean => {
    clearTimeout(h.timer);
    return held.delete(h);
  };
  const server = createServer((req, res) => {
    if (live && app) return app(req, res);
    const path = (req.url ?? '/').split('?')[0]!;
    if (holdMs <= 0 || PROBES.has(path)) return answerStarting(req, res, retryAfter);
    const h: Held = {
      req,
      res,
      timer: setTimeout(() => {
        if (release(h)) answerStarting(req, res, retryAfter);
      }, holdMs),
    };
    held.add(h);
    // A client that gives up is forgotten.
    res.on('close', () => release(h));
  });
  // What Fastify sets on the servers it makes itself (it leaves an adopted one alone): Node's own
  // 5 s keep-alive would close a connection under a client that is reusing it while a start-up
  // stage holds the event loop, and the client would see a reset.
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  let closed: Promise<void> | undefined;
  return {
    server,
    address: `http://${host}:${a.port}`,
    adopt(handler) {
      app = handler;
      return server;
    },
    handOver() {
      if (!app) throw new Error('handOver before an app adopted the server');
      live = true;
      for (const h of [...held]) if (release(h)) app(h.req, h.res);
    },
    get starting() {
      return !live;
    },
    close() {
      for (const h of [...held]) if (release(h)) answerStarting(h.req, h.res, retryAfter);
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

// The owner's control socket: how a command-line process reaches the process that owns an
// embedded data directory (see lock.ts). The client sends its command line; the owner runs it,
// with its own database, caches and in-memory indexes, exactly as it would run it alone, and
// streams the output back. One code path per command; the owner's state learns of every write.
//
// The socket is a Unix socket in a private directory (0700, this user's), itself 0600, and a
// client must also present the secret recorded in the lock file (0600): only the owner's user
// can run commands through it. It lives outside the data directory because PGlite's backup walks
// that directory and cannot read a socket, and because socket paths are limited to ~100 bytes.
//
// Wire format: newline-delimited JSON. Client → owner, one line:
// {secret, argv, cwd, dataDir, pid}. Owner → client: {"out": text} | {"err": text} … then
// {"exit": code}; the owner closes the connection after the exit line.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, realpathSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlEndpoint } from './lock.ts';

export interface ControlRequest {
  argv: string[];
  /** The client's working directory: relative paths in argv are the client's. */
  cwd: string;
  /** The data directory the client meant (real path). */
  dataDir: string;
  /** The client's pid, for the owner's log. */
  pid: number;
}

export interface ControlIO {
  out(text: string): void;
  err(text: string): void;
}

export type ControlHandler = (req: ControlRequest, io: ControlIO) => Promise<number>;

export class ControlError extends Error {
  override name = 'ControlError';
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/** A private directory for this user's sockets, refusing one that someone else could write to. */
function runtimeDir(): string {
  const uid = process.getuid?.() ?? 0;
  const dir = join(process.env.XDG_RUNTIME_DIR || tmpdir(), `bulwark-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
    throw new ControlError(
      `${dir} must be a directory owned by this user with mode 0700 (it is ${(st.mode & 0o777).toString(8)}, owner ${st.uid}); remove it and start again`,
    );
  }
  return dir;
}

export function socketPathFor(dataDir: string): string {
  const id = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 20);
  return join(runtimeDir(), `${id}.sock`);
}

export interface ControlServer {
  endpoint: ControlEndpoint;
  /** Stops accepting commands, then waits for the running ones to finish. */
  close(): Promise<void>;
}

export async function listenControl(
  dataDir: string,
  handler: ControlHandler,
  onError: (err: unknown) => void,
): Promise<ControlServer> {
  const socket = socketPathFor(dataDir);
  const secret = randomBytes(32).toString('base64url');
  const secretBytes = Buffer.from(secret);
  // A socket file left by a process that is gone (we hold the data directory's lock, so no live
  // owner uses this path).
  try {
    unlinkSync(socket);
  } catch {
    // Not there.
  }
  const running = new Set<Promise<unknown>>();
  const server = createServer((conn) => {
    let buffered = Buffer.alloc(0);
    const send = (frame: object) => {
      if (!conn.destroyed) conn.write(`${JSON.stringify(frame)}\n`);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(0x0a);
      if (nl < 0) {
        if (buffered.length > MAX_REQUEST_BYTES) conn.destroy();
        return;
      }
      conn.off('data', onData);
      let req: ControlRequest & { secret?: unknown };
      try {
        req = JSON.parse(buffered.subarray(0, nl).toString('utf8')) as ControlRequest & { secret?: unknown };
      } catch {
        send({ err: 'bulwark: malformed control request\n' });
        send({ exit: 2 });
        conn.end();
        return;
      }
      const given = Buffer.from(typeof req.secret === 'string' ? req.secret : '');
      if (given.length !== secretBytes.length || !timingSafeEqual(given, secretBytes)) {
        send({ err: 'bulwark: refused: wrong control secret\n' });
        send({ exit: 2 });
        conn.end();
        return;
      }
      const work = handler(
        {
          argv: Array.isArray(req.argv) ? req.argv.map(String) : [],
          cwd: String(req.cwd),
          dataDir: String(req.dataDir),
          pid: Number(req.pid),
        },
        { out: (text) => send({ out: text }), err: (text) => send({ err: text }) },
      )
        .catch((err: unknown) => {
          onError(err);
          send({ err: `bulwark: ${err instanceof Error ? err.message : String(err)}\n` });
          return 1;
        })
        .then((code) => {
          send({ exit: code });
          conn.end();
        });
      running.add(work);
      void work.finally(() => running.delete(work));
    };
    conn.on('data', onData);
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  return {
    endpoint: { socket, secret },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...running]);
      try {
        unlinkSync(socket);
      } catch {
        // Already removed by close().
      }
    },
  };
}

/**
 * Runs a command line in the owner process and relays its output. Resolves with the command's
 * exit status; rejects with ControlError when the owner cannot be reached or goes away.
 */
export function callControl(endpoint: ControlEndpoint, req: ControlRequest, io: ControlIO): Promise<number> {
  return new Promise((resolve, reject) => {
    let conn: Socket;
    let buffered = '';
    let exit: number | undefined;
    try {
      conn = createConnection(endpoint.socket);
    } catch (err) {
      reject(new ControlError((err as Error).message));
      return;
    }
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify({ ...req, secret: endpoint.secret })}\n`));
    conn.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const frame = JSON.parse(buffered.slice(0, nl)) as { out?: string; err?: string; exit?: number };
        buffered = buffered.slice(nl + 1);
        if (typeof frame.out === 'string') io.out(frame.out);
        if (typeof frame.err === 'string') io.err(frame.err);
        if (typeof frame.exit === 'number') exit = frame.exit;
        nl = buffered.indexOf('\n');
      }
    });
    conn.on('error', (err) => reject(new ControlError(err.message)));
    conn.on('close', () => {
      if (exit !== undefined) resolve(exit);
      else reject(new ControlError('the owner closed the connection before the command finished'));
    });
  });
}

// Real processes for tests: `bin/bulwark serve` as a child (its URL read from its first line)
// and `bin/bulwark` commands run asynchronously, so a test can keep talking to the server while
// a command runs beside it.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export const BIN = new URL('../../bin/bulwark', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Everything the server wrote, stdout then stderr: to explain a failed answer. */
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<number | null>;
}

export interface CommandResult {
  code: number | null;
  out: string;
  err: string;
}

const baseEnv = (env: Record<string, string>) => ({
  ...process.env,
  LOG_LEVEL: 'warn',
  BULWARK_DEMO: 'false',
  NODE_ENV: '',
  ...env,
});

export function startServer(
  args: string[],
  env: Record<string, string> = {},
  opts: { timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(BIN, ['serve', '--port', '0', ...args], {
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start: ${out} ${err}`)),
      opts.timeoutMs ?? 90_000,
    );
    const onData = () => {
      const m = /serving (http:\/\/\S+?)[\s,]/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        url: m[1]!.replace('localhost', '127.0.0.1'),
        stdout: () => out,
        stderr: () => err,
        output: () => `${out}${err}`,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code} before listening: ${out} ${err}`));
    });
  });
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<CommandResult> {
  const child = spawn(BIN, args, { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    }),
  );
}

/**
 * A `bin/bulwark` command run to its end (no server beside it), with this process's environment,
 * logs silenced, and `env` on top; `input` is its standard input.
 */
export function bulwarkSync(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): CommandResult {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    input: opts.input,
    env: { ...process.env, LOG_LEVEL: 'silent', ...opts.env },
    timeout: opts.timeoutMs ?? 180_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// One owner per embedded data directory. PGlite is a single PostgreSQL backend: two processes
// that open the same directory each believe they own the files, and the second one's writes (or
// its shutdown checkpoint) overwrite the first one's; the directory is eventually unreadable.
// So a process that opens a data directory first takes `bulwark.lock` in it, atomically
// (O_CREAT|O_EXCL), records who it is (pid, host, the process start time, the command) and keeps
// it for its lifetime. A lock whose process is gone is taken over, and the taker says so.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'bulwark.lock';

/** How the owner of a data directory can be reached by other local processes. */
export interface ControlEndpoint {
  /** Path of the owner's Unix socket (mode 0600, in a 0700 directory). */
  socket: string;
  /** A secret the client must present; it is only in the lock file, which only the owner's user can read. */
  secret: string;
}

export interface LockInfo {
  pid: number;
  host: string;
  /** ISO time the owning process took the lock. */
  startedAt: string;
  /** The process start time as the kernel counts it (Linux), so a reused pid is not mistaken for the owner. */
  procStart?: string;
  /** What the owner is doing, e.g. `serve` or `import osv`. */
  command: string;
  control?: ControlEndpoint;
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
  constructor(
    readonly dir: string,
    readonly owner: LockInfo,
    readonly liveness: 'alive' | 'unknown',
  ) {
    super(
      `the data directory ${dir} is in use by ${describeOwner(owner)}` +
        (liveness === 'unknown'
          ? `; that host cannot be checked from here: if the process is gone, delete ${join(dir, LOCK_FILE)}`
          : ''),
    );
  }
}

export function describeOwner(o: LockInfo): string {
  return `\`bulwark ${o.command}\` (pid ${o.pid} on ${o.host}, since ${o.startedAt})`;
}

/** The start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), when the system tells. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether the process recorded in a lock still runs: 'dead' lets the lock be taken over. */
export function ownerLiveness(o: LockInfo): 'alive' | 'dead' | 'unknown' {
  if (o.host !== hostname()) return 'unknown';
  // An unreadable lock: a crash between creating and writing it, unless it is being written now.
  if (o.pid <= 0) return Date.now() - Date.parse(o.startedAt) < 5000 ? 'alive' : 'dead';
  if (o.pid === process.pid && o.procStart === processStart(process.pid)) return 'alive';
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
    return 'alive';
  }
  // The pid runs, but is it the same process? A reused pid has a different start time.
  if (o.procStart !== undefined) {
    const now = processStart(o.pid);
    if (now !== undefined && now !== o.procStart) return 'dead';
  }
  return 'alive';
}

/** Reads the lock of a data directory; undefined when there is none (or it is unreadable garbage). */
export function readLock(dir: string): LockInfo | undefined {
  let text: string;
  let written: Date;
  try {
    text = readFileSync(join(dir, LOCK_FILE), 'utf8');
    written = statSync(join(dir, LOCK_FILE)).mtime;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const v = JSON.parse(text) as LockInfo;
    if (typeof v.pid === 'number' && typeof v.host === 'string') return v;
  } catch {
    // A lock file cut short by a crash between create and write: treated as a dead owner below.
  }
  return {
    pid: 0,
    host: hostname(),
    startedAt: written.toISOString(),
    command: 'unknown (unreadable lock file)',
  };
}

/** The lock held by this process on one data directory. */
export class DataDirLock {
  private released = false;
  constructor(
    readonly dir: string,
    private info: LockInfo,
    /** The lock this one replaced, when its owner was gone. */
    readonly tookOverFrom?: LockInfo,
  ) {}

  get owner(): LockInfo {
    return this.info;
  }

  /** Publishes how to reach this owner (written atomically: write a sibling, rename over). */
  advertise(control: ControlEndpoint | undefined): void {
    this.info = { ...this.info, control };
    const path = join(this.dir, LOCK_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.info)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  }

  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const now = readLock(this.dir);
    if (now && now.pid === this.info.pid && now.startedAt === this.info.startedAt) {
      try {
        unlinkSync(join(this.dir, LOCK_FILE));
      } catch {
        // Already gone: nothing to release.
      }
    }
  }
}

function createExclusive(path: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `dir` for this process, or throws DataDirBusyError naming the live owner.
 * A lock left by a process that is gone is taken over; `tookOverFrom` then says whose it was.
 */
export function acquireDataDirLock(dir: string, command: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    procStart: processStart(process.pid),
    command,
  };
  let tookOverFrom: LockInfo | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusive(path, info)) return new DataDirLock(dir, info, tookOverFrom);
    const owner = readLock(dir);
    if (!owner) continue; // released between our attempt and the read: try again
    const liveness = ownerLiveness(owner);
    if (liveness !== 'dead') throw new DataDirBusyError(dir, owner, liveness);
    // Take over a dead owner's lock: move it aside under a name only we use, check that what we
    // moved is the lock we judged dead (another process may have taken it over in between), and
    // put it back if not. Then compete for the fresh lock with O_EXCL like everyone else.
    const aside = `${path}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readFileSync(aside, 'utf8');
    let movedInfo: LockInfo | undefined;
    try {
      movedInfo = JSON.parse(moved) as LockInfo;
    } catch {
      movedInfo = undefined;
    }
    if (movedInfo && (movedInfo.pid !== owner.pid || movedInfo.startedAt !== owner.startedAt)) {
      // Someone else's fresh lock: restore it unless yet another lock appeared meanwhile.
      try {
        linkSync(aside, path);
      } catch {
        // A lock exists again; ours is the loser either way.
      }
      unlinkSync(aside);
      continue;
    }
    unlinkSync(aside);
    tookOverFrom = owner;
  }
  const owner = readLock(dir);
  throw new DataDirBusyError(dir, owner ?? info, 'unknown');
}

// CPU-heavy work off the event loop: a small pool of worker threads that run an exported function
// of a module (a converter parsing a 40 MB SBOM, say) while the main thread keeps answering
// requests. Results can stream back in parts (`emit`), each one a message of its own, so the main
// thread never has to deserialise one huge result in a single turn of its event loop.
//
// Workers start from thread-entry.mjs, which registers tsx: a worker does not inherit the module
// hooks of `node --import tsx` nor of bin/bulwark's `register()`, so `new Worker('x.ts')` fails in
// both. Tasks queue when every worker is busy: at most `size` documents are parsed at once, which
// bounds the memory uploads can take. Idle workers are unreferenced (they never keep a process
// alive) and end after `idleMs`.
import { type Transferable, Worker } from 'node:worker_threads';

export interface ThreadPoolOptions {
  /** Most tasks running at once (one worker each). */
  size: number;
  /** An idle worker ends after this long. */
  idleMs: number;
  /** Heap limit of a worker: a task that needs more fails (ThreadTaskError 'ERR_WORKER_OUT_OF_MEMORY') instead of the process. */
  maxHeapMb: number;
}

/** A task failed in its worker: the error's name, message and own fields, as data. */
export class ThreadTaskError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly data: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ThreadTaskError';
  }
}

interface Task {
  id: number;
  module: string;
  fn: string;
  input: unknown;
  transfer: Transferable[];
  onChunk: (chunk: unknown) => void;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  idle?: NodeJS.Timeout;
}

const ENTRY = new URL('./thread-entry.mjs', import.meta.url);

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: ThreadPoolOptions) {}

  /**
   * Runs `fn(input, emit)` exported by `module` in a worker; `onChunk` receives what it emits, in
   * order, before the promise resolves with its return value. `input` is copied (structured clone)
   * unless its buffers are listed in `transfer`.
   */
  run<R, C = unknown>(
    module: URL,
    fn: string,
    input: unknown,
    onChunk: (chunk: C) => void = () => undefined,
    transfer: Transferable[] = [],
  ): Promise<R> {
    if (this.closed) return Promise.reject(new Error('The thread pool is closed.'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        module: module.href,
        fn,
        input,
        transfer,
        onChunk: onChunk as (c: unknown) => void,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.dispatch();
    });
  }

  /** Ends every worker; queued and running tasks fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new Error('The thread pool is closed.'));
    await Promise.all(this.slots.splice(0).map((s) => this.end(s, new Error('The thread pool is closed.'))));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.task);
      if (!slot) {
        if (this.slots.length >= this.opts.size) return;
        slot = this.spawn();
      }
      const task = this.queue.shift()!;
      if (slot.idle) clearTimeout(slot.idle);
      slot.idle = undefined;
      slot.task = task;
      // A running task keeps the process alive (a CLI command awaits it); an idle worker does not.
      slot.worker.ref();
      slot.worker.postMessage(
        { id: task.id, module: task.module, fn: task.fn, input: task.input },
        task.transfer,
      );
    }
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, { resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb } });
    const slot: Slot = { worker };
    worker.on(
      'message',
      (m: {
        id: number;
        chunk?: unknown;
        result?: unknown;
        error?: { name: string; message: string; data: Record<string, unknown> };
      }) => {
        const task = slot.task;
        if (!task || task.id !== m.id) return;
        if ('chunk' in m) {
          try {
            task.onChunk(m.chunk);
          } catch (err) {
            // The consumer refused a part: the task's answer is that error; the worker is restarted.
            slot.task = undefined;
            task.reject(err);
            void this.end(slot);
          }
          return;
        }
        slot.task = undefined;
        if (m.error) task.reject(new ThreadTaskError(m.error.name, m.error.message, m.error.data));
        else task.resolve(m.result);
        this.idle(slot);
        this.dispatch();
      },
    );
    const failed = (err: Error & { code?: string }) => {
      const task = slot.task;
      slot.task = undefined;
      this.forget(slot);
      task?.reject(new ThreadTaskError(err.code ?? err.name, err.message, {}));
      this.dispatch();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => {
      if (slot.task) failed(new Error(`The worker thread exited with code ${code} during a task.`));
      else this.forget(slot);
    });
    this.slots.push(slot);
    return slot;
  }

  private idle(slot: Slot): void {
    slot.worker.unref();
    slot.idle = setTimeout(() => void this.end(slot), this.opts.idleMs);
    slot.idle.unref();
  }

  private forget(slot: Slot): void {
    if (slot.idle) clearTimeout(slot.idle);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private async end(slot: Slot, reason?: Error): Promise<void> {
    const task = slot.task;
    slot.task = undefined;
    this.forget(slot);
    if (task && reason) task.reject(reason);
    await slot.worker.terminate();
    this.dispatch();
  }
}

/**
 * Resolves in the next turn of the event loop, after pending I/O: long work on the main thread
 * awaits it between bounded slices so other requests are answered in between (an awaited
 * promise alone resumes as a microtask, before any I/O).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// The worker that ingests posted TAXII envelopes off the request path: woken by a post in this
// process, and polling for envelopes posted through other processes or left pending by a process
// that stopped (a claim's lease runs out). It also removes completed status resources older than
// a week (TAXII 2.1 keeps them at least 24 hours).
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import type { IntelService } from './service.ts';

export interface StatusWorkerOptions {
  /** How often to look for envelopes posted elsewhere (ms). */
  pollMs?: number;
  /** How long a claim holds an envelope before another process may take it (s). */
  leaseSeconds?: number;
}

export function statusWorker(intel: IntelService, log?: Logger, opts: StatusWorkerOptions = {}): Worker {
  let timer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  const drain = async () => {
    do {
      again = false;
      try {
        while (!stopped && (await intel.processNextSubmission({ leaseSeconds: opts.leaseSeconds }))) {
          // one envelope at a time; the ingest lock orders them anyway
        }
      } catch (err) {
        log?.error({ err }, 'TAXII status worker');
      }
    } while (again && !stopped);
  };
  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => {
      running = undefined;
    });
  };
  return {
    name: 'intel-status',
    start: async () => {
      stopped = false;
      intel.onSubmitted = kick;
      timer = setInterval(kick, opts.pollMs ?? 2000);
      timer.unref();
      sweepTimer = setInterval(
        () => void intel.sweepStatus().catch((err: unknown) => log?.warn({ err }, 'TAXII status sweep')),
        3_600_000,
      );
      sweepTimer.unref();
      // Envelopes left pending by a previous run.
      kick();
    },
    stop: async () => {
      stopped = true;
      intel.onSubmitted = undefined;
      clearInterval(timer);
      clearInterval(sweepTimer);
      await running;
    },
  };
}

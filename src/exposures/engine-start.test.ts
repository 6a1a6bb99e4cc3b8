// The server starts answering before the exposure index is built (issue 14): the worker's start
// returns at once, a request that needs the index waits for it a bounded time, then gets 503
// `starting` with Retry-After; once built, requests go through; a CLI process simply waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../platform/errors.ts';
import type { Database } from '../platform/db/types.ts';
import { EventBus } from '../platform/events.ts';
import { createLogger } from '../platform/log.ts';
import { ExposureEngine } from './engine.ts';
import { DEFAULT_DUE_POLICY } from './policy.ts';

/** A database whose reads hang until `open()` is called, then answer with no rows. */
function slowDatabase(): { db: Database; open(): void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const query = async () => {
    await gate;
    return { rows: [], rowCount: 0 };
  };
  const db = { dialect: 'pglite', query } as unknown as Database;
  return { db, open: () => release() };
}

test('a serving process answers while the index builds: 503 starting with Retry-After, then the write runs', async () => {
  const { db, open } = slowDatabase();
  const log = createLogger('silent');
  const engine = new ExposureEngine(db, new EventBus(log), DEFAULT_DUE_POLICY, log);
  engine.indexWaitMs = 50;
  const worker = engine.worker();
  const t0 = performance.now();
  await worker.start();
  assert.ok(performance.now() - t0 < 1000, 'the worker does not wait for the build');
  assert.equal(engine.indexReady, false);
  await assert.rejects(
    engine.serialise(async () => 'written'),
    (err: unknown) =>
      err instanceof AppError &&
      err.status === 503 &&
      err.slug === 'starting' &&
      typeof err.extensions.retryAfter === 'number' &&
      err.extensions.retryAfter >= 1,
  );
  open();
  await engine.ready();
  assert.equal(engine.indexReady, true);
  assert.equal(await engine.serialise(async () => 'written'), 'written');
  await worker.stop();
});

test('a command-line process (no worker) builds the index on first use and waits for it', async () => {
  const { db, open } = slowDatabase();
  const log = createLogger('silent');
  const engine = new ExposureEngine(db, new EventBus(log), DEFAULT_DUE_POLICY, log);
  engine.indexWaitMs = 20;
  const write = engine.serialise(async () => 'written');
  setTimeout(open, 100);
  assert.equal(await write, 'written');
});

// Start-up in stages (issue 14): the server listens before the context, the workers and the app
// are built, answers /healthz 200 and /readyz 503 `starting` with Retry-After at once, holds every
// other request until the app is ready, then hands the same port (and the held requests) to the
// app, whose own routes (authentication included) answer.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type AppContext, createContext } from '../../src/app/context.ts';
import { serveInStages } from '../../src/app/server.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openDatabase } from '../../src/platform/db/index.ts';

test('serveInStages: /healthz at once, /readyz 503 starting until the app takes over, other requests held for it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-start-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }, { dataDir, port: '0' });
  const db = await openDatabase({});
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let listening!: (address: string) => void;
  const listened = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const started = serveInStages({
    port: 0,
    host: '127.0.0.1',
    onListening: listening,
    // Longer than any start here: the held request below must reach the app, however slow the machine.
    holdMs: 600_000,
    createContext: async (): Promise<AppContext> => {
      await gate;
      return createContext(config, { db });
    },
  });
  const address = await listened;
  try {
    const health = await fetch(`${address}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'alive' });
    assert.equal(health.headers.get('x-request-id'), null, 'answered by the start-up listener');

    const ready = await fetch(`${address}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(ready.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(Number(ready.headers.get('retry-after')) >= 1);
    const problem = (await ready.json()) as { type: string; status: number; instance: string };
    assert.match(problem.type, /starting$/);
    assert.equal(problem.status, 503);
    assert.equal(problem.instance, '/readyz');

    // Sent while starting: held (no route exists yet), then answered by the app once it is ready.
    const write = fetch(`${address}/api/v1/orgs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    const early = await Promise.race([
      write.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('held'), 300)),
    ]);
    assert.equal(early, 'held', 'no request reaches a route before the app is built');

    open();
    const serving = await started;
    try {
      const heldAnswer = await write;
      assert.equal(heldAnswer.status, 401, 'the held request was answered by the app (which authenticates)');
      assert.ok(heldAnswer.headers.get('x-request-id'), 'answered by the app');
      await heldAnswer.arrayBuffer();
      assert.equal(serving.address, address, 'the app took over the same port');
      const ready2 = await fetch(`${address}/readyz`);
      assert.equal(ready2.status, 200);
      assert.equal((await ready2.json()).status, 'ready');
      const health2 = await fetch(`${address}/healthz`);
      assert.equal(health2.status, 200);
      assert.ok(health2.headers.get('x-request-id'), 'answered by the app');
      await health2.arrayBuffer();
      const list = await fetch(`${address}/api/v1/orgs`);
      assert.equal(list.status, 401, 'the app authenticates as always');
      await list.arrayBuffer();
    } finally {
      await serving.close();
    }
    await assert.rejects(fetch(`${address}/healthz`), 'the port is closed after close()');
  } finally {
    open();
    await db.close();
  }
});

test('serveInStages: a failing stage closes the listener and rethrows', async () => {
  let address = '';
  await assert.rejects(
    serveInStages({
      port: 0,
      host: '127.0.0.1',
      onListening: (a) => {
        address = a;
      },
      createContext: async () => {
        assert.equal((await fetch(`${address}/healthz`)).status, 200, 'listening while the context starts');
        throw new Error('no database');
      },
    }),
    /no database/,
  );
  await assert.rejects(fetch(`${address}/healthz`), 'the listener was closed');
});

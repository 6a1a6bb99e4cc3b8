// The start-up listener on its own: probes are answered at once, other requests are held for the
// app and handed to it, or answered 503 `starting` when the hold runs out or the listener closes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenEarly } from './early.ts';

test('a request held past the hold gets 503 starting; probes never wait', async () => {
  const l = await listenEarly({ port: 0, host: '127.0.0.1', holdMs: 50, retryAfterSeconds: 3 });
  try {
    const health = await fetch(`${l.address}/healthz`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    const ready = await fetch(`${l.address}/readyz`);
    assert.equal(ready.status, 503);
    await ready.arrayBuffer();
    const page = await fetch(`${l.address}/`);
    assert.equal(page.status, 503);
    assert.equal(page.headers.get('retry-after'), '3');
    assert.match(((await page.json()) as { type: string }).type, /starting$/);
    assert.equal(l.starting, true);
  } finally {
    await l.close();
  }
});

test('held requests (with their bodies) go to the app at hand-over; close answers the rest', async () => {
  const l = await listenEarly({ port: 0, host: '127.0.0.1', holdMs: 600_000 });
  try {
    const posted = fetch(`${l.address}/echo`, { method: 'POST', body: 'kept' });
    const waiting = await Promise.race([
      posted.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('held'), 200)),
    ]);
    assert.equal(waiting, 'held');
    l.adopt((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(`app got ${Buffer.concat(chunks).toString()}`));
    });
    l.handOver();
    const answer = await posted;
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), 'app got kept');
    assert.equal(l.starting, false);
  } finally {
    await l.close();
  }
  const l2 = await listenEarly({ port: 0, host: '127.0.0.1', holdMs: 600_000 });
  const pending = fetch(`${l2.address}/x`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await l2.close();
  const last = await pending;
  assert.equal(last.status, 503, 'closing while starting answers what is held');
  await last.arrayBuffer();
});

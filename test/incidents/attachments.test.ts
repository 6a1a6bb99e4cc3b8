// Evidence files on incidents through the real HTTP stack, on PGlite and PostgreSQL: the upload
// records the SHA-256 and commits it to the ledger, the timeline notes it; whoever sees the
// incident lists and downloads it byte for byte, anyone else gets 404; a viewer may not upload
// (403); beyond the size limit 413, an unlisted media type 415, a path as name 422.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { MAX_ATTACHMENT_BYTES } from '../../src/incidents/schema.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from './support.ts';

async function upload(
  s: TestServer,
  token: string,
  id: string,
  name: string,
  body: Buffer,
  type = 'application/pdf',
) {
  const r = await fetch(`${s.url}/api/v1/incidents/${id}/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': type },
    body: new Uint8Array(body),
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type'), body: text ? JSON.parse(text) : {} };
}

for (const kind of testDatabaseKinds()) {
  describe(`incident attachments on ${kind.name}`, { skip: kind.skip, timeout: 300_000 }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    let incident: string;
    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      fed = await makeFederation(s, 'BW-AT');
      const r = await call(s, await fed.token(fed.operator, 'responder'), 'POST', '/api/v1/incidents', {
        title: 'With evidence',
        category: 'enisa:intrusions',
        grade: 'general',
        awareAt: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incident = r.body.id as string;
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('upload: SHA-256 recorded and committed; seen ones download it byte for byte', async () => {
      const bytes = randomBytes(200_000);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const op = await fed.token(fed.operator, 'responder');
      const up = await upload(s, op, incident, 'historian memory (1).pdf', bytes);
      assert.equal(up.status, 201, JSON.stringify(up.body));
      assert.equal(up.body.sha256, sha);
      assert.equal(up.body.size, bytes.length);
      assert.equal(up.body.mediaType, 'application/pdf');
      const c = await s.ctx.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM ledger_commitments WHERE record_kind = $1 AND record_id = $2',
        ['incident-attachment', up.body.id],
      );
      assert.equal(Number(c.rows[0]!.n), 1);
      const timeline = await call(s, op, 'GET', `/api/v1/incidents/${incident}/timeline`);
      assert.ok(
        timeline.body.items.some(
          (e: { kind: string; data: { sha256?: string } }) =>
            e.kind === 'attachment' && e.data.sha256 === sha,
        ),
      );

      // The city above sees the incident: it lists and downloads the file.
      const city = await fed.token(fed.city, 'viewer');
      const list = await call(s, city, 'GET', `/api/v1/incidents/${incident}/attachments`);
      assert.deepEqual(
        list.body.items.map((a: { name: string; sha256: string }) => [a.name, a.sha256]),
        [['historian memory (1).pdf', sha]],
      );
      const dl = await fetch(`${s.url}/api/v1/incidents/${incident}/attachments/${up.body.id}`, {
        headers: { authorization: `Bearer ${city}` },
      });
      assert.equal(dl.status, 200);
      assert.equal(dl.headers.get('content-type'), 'application/pdf');
      assert.match(String(dl.headers.get('content-disposition')), /^attachment;/);
      assert.equal(dl.headers.get('x-content-sha256'), sha);
      assert.ok(Buffer.from(await dl.arrayBuffer()).equals(bytes));

      // An unrelated operator: 404 on the list, the download and the upload.
      const stranger = await fed.token(fed.otherOperator, 'admin');
      assert.equal((await call(s, stranger, 'GET', `/api/v1/incidents/${incident}/attachments`)).status, 404);
      const hidden = await fetch(`${s.url}/api/v1/incidents/${incident}/attachments/${up.body.id}`, {
        headers: { authorization: `Bearer ${stranger}` },
      });
      assert.equal(hidden.status, 404);
      assert.match(String(hidden.headers.get('content-type')), /problem\+json/);
      assert.equal((await upload(s, stranger, incident, 'x.pdf', bytes)).status, 404);
    });

    test('refusals: viewer 403, over the limit 413, media type 415, name 422, no name 400', async () => {
      const viewer = await fed.token(fed.operator, 'viewer');
      assert.equal((await upload(s, viewer, incident, 'a.txt', Buffer.from('x'), 'text/plain')).status, 403);
      const op = await fed.token(fed.operator, 'responder');
      const big = await upload(
        s,
        op,
        incident,
        'big.bin',
        Buffer.alloc(MAX_ATTACHMENT_BYTES + 1),
        'application/octet-stream',
      );
      assert.equal(big.status, 413);
      assert.match(String(big.type), /problem\+json/);
      assert.equal(big.body.limit, MAX_ATTACHMENT_BYTES);
      assert.equal((await upload(s, op, incident, 'a.html', Buffer.from('<p>'), 'text/html')).status, 415);
      const path = await upload(s, op, incident, '../../etc/passwd', Buffer.from('x'), 'text/plain');
      assert.equal(path.status, 422);
      assert.equal(path.body.errors[0].pointer, '/name');
      const noName = await fetch(`${s.url}/api/v1/incidents/${incident}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${op}`, 'content-type': 'text/plain' },
        body: 'x',
      });
      assert.equal(noName.status, 400);
      // Nothing of the refused ones was stored.
      const list = await call(s, op, 'GET', `/api/v1/incidents/${incident}/attachments`);
      assert.equal(list.body.items.length, 1);
    });
  });
}

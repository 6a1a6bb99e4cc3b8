// HTTP routes of the ledger. The static read API (C2SP tlog-tiles) under /ledger/ and the proofs
// are public: they reveal only commitments (opaque v2 entries since issue 8). Receipts, and the
// entries' metadata, go to those who may read the record (its organization, those above it,
// the coordination centre's auditors).
import type { App } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { responses } from '../platform/http/schemas.ts';
import {
  ConsistencyProof,
  ConsistencyQuery,
  CosignatureBody,
  CosignatureResult,
  EntriesQuery,
  LedgerEntries,
  InclusionProof,
  InclusionQuery,
  LedgerStatus,
  Receipt,
  ReceiptQuery,
} from './schema.ts';
import type { LedgerService } from './service.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The static log is for anyone: other origins (a verifier running in a browser) may fetch it. */
const OPEN = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };

export async function ledgerRoutes(app: App, ledger: LedgerService): Promise<void> {
  app.get('/ledger/key', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .headers(OPEN)
      .header('cache-control', 'public, max-age=3600')
      .send(`${await ledger.verifierKey()}\n`),
  );

  app.get('/ledger/checkpoint', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .headers(OPEN)
      .header('cache-control', 'no-cache, max-age=0')
      .send(await ledger.checkpoint()),
  );

  app.get('/ledger/tile/*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    const data = await ledger.tile(path);
    return reply.type('application/octet-stream').headers(OPEN).header('cache-control', IMMUTABLE).send(data);
  });

  app.get(
    '/api/v1/ledger/status',
    {
      config: { public: true },
      schema: {
        tags: ['ledger'],
        summary: 'Tree size, latest checkpoint, key and witnesses',
        response: responses({ 200: LedgerStatus }),
      },
    },
    async () => ledger.status(),
  );

  app.get(
    '/api/v1/ledger/proofs/inclusion',
    {
      config: { public: true },
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves',
        querystring: InclusionQuery,
        response: responses({ 200: InclusionProof }),
      },
    },
    async (req) => ledger.inclusionProof(req.query.index, req.query.size),
  );

  app.get(
    '/api/v1/ledger/proofs/consistency',
    {
      config: { public: true },
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 consistency proof between the trees of `from` and `to` leaves',
        querystring: ConsistencyQuery,
        response: responses({ 200: ConsistencyProof }),
      },
    },
    async (req) => ledger.consistencyProof(req.query.from, req.query.to),
  );

  app.get(
    '/api/v1/ledger/receipts',
    {
      schema: {
        tags: ['ledger'],
        summary: "A record version's receipt (C2SP tlog-proof), for those who may read the record",
        querystring: ReceiptQuery,
        response: responses({ 200: Receipt }),
      },
    },
    async (req) => ledger.receipt(actorOf(req), req.query.kind, req.query.id, req.query.version),
  );

  app.get(
    '/api/v1/ledger/entries',
    {
      schema: {
        tags: ['ledger'],
        summary:
          "The metadata behind the log's opaque entries from leaf `from`: kind, id, version, organization, time, salt; only entries whose record the caller may read",
        querystring: EntriesQuery,
        response: responses({ 200: LedgerEntries }),
      },
    },
    async (req) => ledger.entries(actorOf(req), req.query.from, req.query.limit ?? 256),
  );

  app.post(
    '/api/v1/ledger/cosignatures',
    {
      config: { public: true },
      schema: {
        tags: ['ledger'],
        summary:
          'Cosignatures (C2SP tlog-cosignature) from configured witnesses; the signature is the credential',
        body: CosignatureBody,
        response: responses({ 200: CosignatureResult }),
      },
    },
    async (req) => ledger.addCosignatures(req.body.treeSize, req.body.cosignatures),
  );
}

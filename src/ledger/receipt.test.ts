import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signCheckpoint } from './checkpoint.ts';
import { cosignCheckpoint, parseWitnessKeys, verifyCosignatures, withCosignatures } from './cosignature.ts';
import { fixtureEntry, loadFixtures } from './fixtures.test-util.ts';
import { inclusionProof, MemoryTree, treeRoot } from './merkle.ts';
import { parseSignerKey, parseVerifierKey } from './note.ts';
import { formatReceipt, parseReceipt, ReceiptError, verifyReceipt } from './receipt.ts';
import { verifyReceiptWeb } from './web/index.ts';

const fx = loadFixtures();
const log = parseSignerKey(fx.notes.skey1);
const logKey = parseVerifierKey(fx.notes.vkey1);
const witnessSeed = parseSignerKey(fx.notes.skey2).seed;
const witnesses = parseWitnessKeys([fx.notes.cosignature.vkey]);
const tree = new MemoryTree();
for (let i = 0; i < 300; i++) tree.append(fixtureEntry(i));

async function receiptFor(index: number, size: number, cosign = false): Promise<string> {
  const body = { origin: log.name, size, root: await treeRoot(size, tree), extensions: [] };
  let note = signCheckpoint(body, log.signer);
  if (cosign) {
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const line = cosignCheckpoint(text, 'witness.example/w1', witnessSeed);
    note = withCosignatures(note, verifyCosignatures(note, [line], logKey, witnesses));
  }
  return formatReceipt({
    extra: fixtureEntry(index),
    index,
    proof: await inclusionProof(index, size, tree),
    checkpoint: note,
  });
}

describe('receipts (tlog-proof)', () => {
  test('round-trip and verify offline for many indexes and sizes', async () => {
    for (const [index, size] of [
      [0, 1],
      [0, 2],
      [5, 17],
      [255, 256],
      [256, 257],
      [299, 300],
      [100, 300],
    ] as const) {
      const text = await receiptFor(index, size);
      assert.ok(text.startsWith('c2sp.org/tlog-proof@v1\nextra '));
      assert.equal(formatReceipt(parseReceipt(text)), text);
      const v = verifyReceipt(text, logKey);
      assert.equal(v.checkpoint.size, size);
      assert.deepEqual(v.entry, fixtureEntry(index));
      verifyReceipt(text, logKey, { entry: fixtureEntry(index) });
    }
  });
  test('witness quorum is enforced', async () => {
    const plain = await receiptFor(7, 50);
    const cosigned = await receiptFor(7, 50, true);
    assert.throws(
      () => verifyReceipt(plain, logKey, { witnesses, quorum: 1 }),
      /0 witness cosignatures, 1 required/,
    );
    assert.equal(verifyReceipt(cosigned, logKey, { witnesses, quorum: 1 }).cosignatures.length, 1);
  });
  test('tampered receipts are refused', async () => {
    const text = await receiptFor(42, 300);
    const r = parseReceipt(text);
    const cases: [string, string][] = [
      ['other entry', formatReceipt({ ...r, extra: fixtureEntry(43) })],
      ['other index', formatReceipt({ ...r, index: 43 })],
      ['truncated proof', formatReceipt({ ...r, proof: r.proof.slice(0, -1) })],
      ['padded proof', formatReceipt({ ...r, proof: [...r.proof, r.proof[0]!] })],
      [
        'flipped proof bit',
        formatReceipt({
          ...r,
          proof: r.proof.map((h, i) => (i === 2 ? Buffer.from(h.map((b, j) => (j === 0 ? b ^ 1 : b))) : h)),
        }),
      ],
      ['checkpoint size', text.replace('\n300\n', '\n301\n')],
      ['header', text.replace('tlog-proof@v1', 'tlog-proof@v2')],
      ['no index', text.replace(/index 42\n/, '')],
      ['leading zero', text.replace('index 42', 'index 042')],
      ['bad base64', text.replace(r.proof[0]!.toString('base64'), '!!!!')],
    ];
    for (const [why, t] of cases) assert.throws(() => verifyReceipt(t, logKey), ReceiptError, why);
    assert.throws(() => verifyReceipt(text, logKey, { entry: fixtureEntry(1) }), /differs/);
    assert.throws(() => verifyReceipt(text, parseVerifierKey(fx.notes.vkey2)), ReceiptError);
  });
});

describe('the browser verifier (WebCrypto) agrees with the server verifier', () => {
  test('valid receipts verify, tampered ones fail, in both', async () => {
    for (const [index, size] of [
      [0, 1],
      [5, 17],
      [255, 256],
      [256, 257],
      [299, 300],
    ] as const) {
      const text = await receiptFor(index, size, size === 17);
      const web = await verifyReceiptWeb(text, fx.notes.vkey1);
      assert.equal(web.treeSize, size);
      assert.equal(web.index, index);
      assert.equal(web.entry, fixtureEntry(index).toString('utf8'));
      if (size === 17) assert.deepEqual(web.otherSigners, ['witness.example/w1']);
    }
    const text = await receiptFor(42, 300);
    const r = parseReceipt(text);
    const tampered = [
      formatReceipt({ ...r, extra: fixtureEntry(43) }),
      formatReceipt({ ...r, index: 43 }),
      formatReceipt({ ...r, proof: r.proof.slice(0, -1) }),
      formatReceipt({ ...r, proof: [...r.proof, r.proof[0]!] }),
      text.replace('\n300\n', '\n301\n'),
      text.replace(/— (\S+) (.)/, (_m, n: string, c: string) => `— ${n} ${c === 'A' ? 'B' : 'A'}`),
    ];
    for (const t of tampered) {
      assert.throws(() => verifyReceipt(t, logKey));
      await assert.rejects(verifyReceiptWeb(t, fx.notes.vkey1));
    }
    await assert.rejects(verifyReceiptWeb(text, fx.notes.vkey2), /not signed by witness.example\/w1/);
    await assert.rejects(
      verifyReceiptWeb(text, fx.notes.vkey1.replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
      /key id/,
    );
  });
});

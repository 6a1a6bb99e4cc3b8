// Canonical keys against the standards' own examples: Google Safe Browsing's canonicalization
// table, the IBAN registry's example IBANs, BIP 173/350 and Base58Check addresses, the public
// suffix list's private section; and SimHash closeness of one campaign's messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalize,
  canonicalUrl,
  defang,
  isValidEip55,
  isValidIban,
  ObservableError,
} from './canonical.ts';
import { hammingDistance, SIMHASH_DISTANCE, simhash } from './simhash.ts';

test('URLs: Safe Browsing canonicalization examples', () => {
  const cases: [string, string][] = [
    ['http://host/%25%32%35', 'http://host/%25'],
    ['http://host/%25%32%35%25%32%35', 'http://host/%25%25'],
    ['http://host/%2525252525252525', 'http://host/%25'],
    ['http://host/asdf%25%32%35asd', 'http://host/asdf%25asd'],
    ['http://www.google.com/', 'http://www.google.com/'],
    [
      'http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/',
      'http://168.188.99.26/.secure/www.ebay.com/',
    ],
    ['http://3279880203/blah', 'http://195.127.0.11/blah'],
    ['http://www.google.com/blah/..', 'http://www.google.com/'],
    ['www.google.com/', 'http://www.google.com/'],
    ['http://www.evil.com/blah#frag', 'http://www.evil.com/blah'],
    ['http://www.GOOgle.com/', 'http://www.google.com/'],
    ['http://www.google.com.../', 'http://www.google.com/'],
    ['http://www.google.com/foo\tbar\rbaz\n2', 'http://www.google.com/foobarbaz2'],
    ['http://www.google.com/q?r?', 'http://www.google.com/q?r?'],
    ['http://www.google.com/q?r?s', 'http://www.google.com/q?r?s'],
    ['http://evil.com/foo#bar#baz', 'http://evil.com/foo'],
    ['http://notrailingslash.com', 'http://notrailingslash.com/'],
    ['http://www.gotaport.com:1234/', 'http://www.gotaport.com:1234/'],
    ['https://www.securesite.com/', 'https://www.securesite.com/'],
    ['http://host.com/ab%23cd', 'http://host.com/ab%23cd'],
    ['http://host.com//twoslashes?more//slashes', 'http://host.com/twoslashes?more//slashes'],
    ['hxxp://evil[.]example/login', 'http://evil.example/login'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalUrl(input).key, want, input);
});

test('registrable domains keep private suffixes apart', () => {
  const [, d] = canonicalize('url', 'https://scam.github.io/bank');
  assert.deepEqual(d, { kind: 'domain', key: 'scam.github.io', derived: true });
  assert.equal(canonicalize('domain', 'login.evil-bank.co.uk')[0]!.key, 'evil-bank.co.uk');
  assert.throws(() => canonicalize('domain', 'co.uk'), ObservableError);
});

test('phones to E.164; short codes and senders as sender ids', () => {
  assert.deepEqual(canonicalize('phone', '138 0013 8000', 'CN')[0], {
    kind: 'phone',
    key: '+8613800138000',
    country: 'CN',
    spoofable: true,
  });
  assert.equal(canonicalize('phone', '+44 20 7946 0958')[0]!.key, '+442079460958');
  assert.deepEqual(canonicalize('phone', '95588', 'CN')[0], {
    kind: 'sender-id',
    key: 'CN:95588',
    country: 'CN',
    spoofable: true,
  });
  assert.equal(canonicalize('sender-id', 'hmrc', 'GB')[0]!.key, 'GB:HMRC');
  assert.throws(() => canonicalize('phone', '+86 123'), ObservableError);
});

test('IBANs and wallets by their checksums', () => {
  assert.ok(isValidIban('GB82 WEST 1234 5698 7654 32'));
  assert.ok(isValidIban('DE89370400440532013000'));
  assert.ok(!isValidIban('GB82 WEST 1234 5698 7654 33'));
  assert.equal(
    canonicalize('wallet', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')[0]!.key,
    'btc:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
  );
  assert.equal(
    canonicalize('wallet', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')[0]!.key,
    'btc:3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
  );
  assert.equal(
    canonicalize('wallet', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')[0]!.key,
    'btc:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
  );
  assert.ok(canonicalize('wallet', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')[0]);
  assert.throws(() => canonicalize('wallet', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3'), ObservableError);
  assert.throws(() => canonicalize('wallet', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5'), ObservableError);
  assert.equal(
    canonicalize('wallet', '0x52908400098527886E0F7030069857D2E4169EE7')[0]!.key,
    'eth:0x52908400098527886e0f7030069857d2e4169ee7',
  );
});

test("Ethereum addresses: EIP-55's own examples pass, a changed letter case fails", () => {
  // The examples of the EIP-55 text: all caps, all lower (no checksum), and checksummed.
  const examples = [
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];
  for (const a of examples) {
    assert.ok(isValidEip55(a), a);
    assert.equal(canonicalize('wallet', a)[0]!.key, `eth:${a.toLowerCase()}`);
  }
  // One letter's case flipped in each checksummed example: refused, naming the checksum.
  for (const a of examples.slice(4)) {
    const i = [...a].findIndex((c, n) => n > 1 && /[a-fA-F]/.test(c));
    const flipped =
      a.slice(0, i) +
      (a[i] === a[i]!.toUpperCase() ? a[i]!.toLowerCase() : a[i]!.toUpperCase()) +
      a.slice(i + 1);
    assert.ok(!isValidEip55(flipped), flipped);
    assert.throws(() => canonicalize('wallet', flipped), /EIP-55 checksum/);
  }
});

test('defanged forms', () => {
  assert.equal(defang('url', 'https://evil.example/a'), 'hxxps[://]evil[.]example/a');
  assert.equal(defang('email', 'a@evil.example'), 'a[@]evil[.]example');
});

test('SimHash: one campaign with other numbers and links stays close; another text does not', () => {
  const a = simhash(
    '【Bank】Your account 6222 0012 is frozen. Verify at http://a.example/x within 24 hours or call 13800138000.',
  );
  const b = simhash(
    '【Bank】Your account 6222 9981 is frozen. Verify at https://b.example/yy within 12 hours or call 13900139000.',
  );
  const c = simhash('Congratulations! You won a prize. Reply YES to claim your gift card today.');
  assert.ok(hammingDistance(a, b) <= SIMHASH_DISTANCE, `distance ${hammingDistance(a, b)}`);
  assert.ok(hammingDistance(a, c) > SIMHASH_DISTANCE, `distance ${hammingDistance(a, c)}`);
});

test('SimHash values stay those already stored (golden values of the first implementation)', () => {
  // Reports in the database keep their SimHash: a faster implementation must give the same bits.
  for (const [text, value] of [
    [
      '[Demo Bank] Your account 123 is frozen. Verify at http://x.example.com/a or call 95588 今天',
      '180547734989849088',
    ],
    ['Congratulations! You won a prize. Reply YES to claim your gift card today.', '-8977708631418407184'],
    ['ab', '-320282256016130268'],
    ['', '-2039914840885289964'],
  ] as const) {
    assert.equal(simhash(text).toString(), value, text);
    assert.equal(simhash(text).toString(), value, `${text} (cached grams)`);
  }
});

// The STIX 2.1 specification's own example patterns (section 9.9 and the examples of 9.x) parse;
// invalid patterns are refused with the position of the error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PatternError, parsePattern } from './pattern.ts';

const SPEC_EXAMPLES = [
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
  "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
  "[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
  "[file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar'] WITHIN 300 SECONDS",
  "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
  "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1\\\\x02\\\\x00\\\\x04\\\\x00']",
  "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
  "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
  "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
  "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
  "[windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\CryptoLocker\\\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\\\Software\\\\Microsoft\\\\CurrentVersion\\\\Run\\\\CryptoLocker_0388']",
  "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
  "[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
  "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
  "[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
  "[network-traffic:src_ref.type = 'ipv4-addr' AND network-traffic:src_ref.value ISSUBSET '198.51.100.0/24']",
  "[ipv4-addr:value = '203.0.113.1' OR ipv4-addr:value = '203.0.113.2'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
  "[file:name NOT IN ('a.exe', 'b.exe') AND NOT EXISTS file:hashes.MD5]",
  "[ipv6-addr:value ISSUPERSET '2001:db8::/64' AND ipv6-addr:value != '2001:db8::1']",
];

test('the specification example patterns parse', () => {
  for (const p of SPEC_EXAMPLES) assert.doesNotThrow(() => parsePattern(p), p);
});

test('qualifiers, list indexes and dictionary keys land in the tree', () => {
  const e = parsePattern(
    "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0] REPEATS 2 TIMES",
  );
  assert.equal(e.kind, 'qualified');
  if (e.kind !== 'qualified' || e.expression.kind !== 'observation') throw new Error('shape');
  assert.deepEqual(e.qualifier, { kind: 'repeats', times: 2 });
  const c = e.expression.comparison;
  assert.equal(c.kind, 'compare');
  if (c.kind !== 'compare') throw new Error('shape');
  assert.deepEqual(c.path.steps, ['extensions', 'windows-pebinary-ext', 'sections', '*', 'entropy']);
  assert.deepEqual(c.value, { kind: 'float', value: 7 });
});

test('invalid patterns are refused with the position of the error', () => {
  const cases: [string, number, RegExp][] = [
    ["[ipv4-addr:value = '1.2.3.4'", 29, /expected '\]'/],
    ["ipv4-addr:value = '1.2.3.4'", 1, /expected '\[' or '\('/],
    ["[ipv4-addr:value = '1.2.3.4' AND domain-name:value = 'x.com']", 1, /one object type/],
    ["[ipv4-addr:value ~ 'x']", 18, /unexpected character/],
    ["[file:name = 'unterminated]", 14, /unterminated string/],
    ["[file:created > t'2014-13-13T07:03:17Z']", 17, /invalid timestamp/],
    ["[file:name MATCHES '(a)\\\\1']", 20, /RE2/],
    ["[ipv4-addr:value = '1.2.3.4'] WITHIN -5 SECONDS", 38, /positive number/],
    [
      "[ipv4-addr:value = '1.2.3.4'] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'",
      66,
      /STOP must be later/,
    ],
    ["[ipv4-addr:value IN ('a' 'b')]", 26, /',' or '\)'/],
    ["[ipv4-addr:value = 'a'] AND", 28, /expected '\[' or '\('/],
  ];
  for (const [p, pos, re] of cases) {
    assert.throws(
      () => parsePattern(p),
      (err: unknown) => err instanceof PatternError && err.position === pos && re.test(err.message),
      `${p} → position ${pos}`,
    );
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMailboxList, type Mailbox } from '../session/mailbox-header.js';
import { quoted, type MailboxProblemCode } from '../session/mailbox-problem.js';
import { shownForms, strayAddress } from '../session/shown-text.js';

function mailboxes(value: string): Pick<Mailbox, 'displayName' | 'address'>[] {
  const read = parseMailboxList(value);
  assert.ok(read.ok, `${JSON.stringify(value)} refused: ${read.ok ? '' : `${read.problem.code}: ${read.problem.detail}`}`);
  return read.mailboxes.map(({ displayName, address }) => ({ displayName, address }));
}

function refusal(value: string): { code: MailboxProblemCode; kind: string; detail: string } {
  const read = parseMailboxList(value);
  assert.ok(!read.ok, `${JSON.stringify(value)} was accepted as ${JSON.stringify(read.ok ? read.mailboxes : null)}`);
  return read.problem;
}

test('plain, named, quoted and commented mailboxes give their address and decoded display name', () => {
  const cases: [string, string, string][] = [
    ['john@company.com', '', 'john@company.com'],
    ['<john@company.com>', '', 'john@company.com'],
    ['  < john@company.com >  ', '', 'john@company.com'],
    ['John Doe <john@company.com>', 'John Doe', 'john@company.com'],
    ['John   \tDoe<john@company.com>', 'John Doe', 'john@company.com'],
    ['"Doe, John" <john@company.com>', 'Doe, John', 'john@company.com'],
    ['"John \\"JD\\" Doe" <john@company.com>', 'John "JD" Doe', 'john@company.com'],
    ['"a\\\\b" <john@company.com>', 'a\\b', 'john@company.com'],
    ['"" <john@company.com>', '', 'john@company.com'],
    ['John Q. Public <jqp@company.com>', 'John Q. Public', 'jqp@company.com'],
    ['Dr. John <john@company.com>', 'Dr. John', 'john@company.com'],
    ["O'Brien <ob@company.com>", "O'Brien", 'ob@company.com'],
    ['john@company.com (John (the boss) Doe)', '', 'john@company.com'],
    ['(Sales) John (x) <john@company.com> (after)', 'John', 'john@company.com'],
    ['first.last+tag@company.com', '', 'first.last+tag@company.com'],
    ['"john doe"@company.com', '', 'john doe@company.com'],
    ['"john"@company.com', '', 'john@company.com'],
    ['John <JOHN@Company.COM>', 'John', 'JOHN@Company.COM'],
  ];
  for (const [value, displayName, address] of cases) assert.deepEqual(mailboxes(value), [{ displayName, address }], value);
});

test('encoded words in display names are decoded, in B and Q, in several charsets, joined when adjacent', () => {
  assert.deepEqual(mailboxes('=?UTF-8?B?w4lsw6huZQ==?= <elene@company.com>'), [{ displayName: 'Élène', address: 'elene@company.com' }]);
  assert.deepEqual(mailboxes('=?UTF-8?Q?M=C3=BCller=2C_Jan?= <jan@company.com>'), [{ displayName: 'Müller, Jan', address: 'jan@company.com' }]);
  assert.deepEqual(mailboxes('=?ISO-8859-1?Q?J=F6rg?= <j@company.com>'), [{ displayName: 'Jörg', address: 'j@company.com' }]);
  assert.deepEqual(mailboxes('=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <y@company.com>'), [{ displayName: '山田', address: 'y@company.com' }]);
  assert.deepEqual(mailboxes('=?utf-8?q?Jo=C3=ABl?= =?utf-8?q?_Dupont?= <joel@company.com>'), [{ displayName: 'Joël Dupont', address: 'joel@company.com' }]);
  assert.deepEqual(mailboxes('=?utf-8?q?john=40company.com?= <john@company.com>'), [{ displayName: 'john@company.com', address: 'john@company.com' }], 'its own address');
});

test('UTF-8 in names and addresses (RFC 6532), IDN domains in canonical Unicode or ASCII form', () => {
  assert.deepEqual(mailboxes('Jörg Müller <jörg@bücher.company.com>'), [{ displayName: 'Jörg Müller', address: 'jörg@bücher.company.com' }]);
  assert.deepEqual(mailboxes('山田太郎 <yamada@company.com>'), [{ displayName: '山田太郎', address: 'yamada@company.com' }]);
  assert.deepEqual(mailboxes('x@xn--bcher-kva.company.com'), [{ displayName: '', address: 'x@xn--bcher-kva.company.com' }]);
  assert.deepEqual(mailboxes('x@BÜCHER.company.com'), [{ displayName: '', address: 'x@BÜCHER.company.com' }], 'case does not matter');
  assert.deepEqual(mailboxes('Zoë\u200dX <z@company.com>'), [{ displayName: 'Zoë\u200dX', address: 'z@company.com' }], 'a zero-width joiner, which scripts need, stays');
});

test('a list gives every mailbox; commas inside quotes, comments and encoded words do not split it', () => {
  assert.deepEqual(mailboxes('"A, a" <a@company.com>, b@company.com (B, b), =?utf-8?q?C=2C_c?= <c@company.com>'), [
    { displayName: 'A, a', address: 'a@company.com' },
    { displayName: '', address: 'b@company.com' },
    { displayName: 'C, c', address: 'c@company.com' },
  ]);
});

test('the issue\'s cases: a display name that is another address, two unquoted @, a control character', () => {
  assert.equal(refusal('evil@other.com <john@company.com>').code, 'address-in-display-name');
  assert.equal(refusal('"evil@other.com" <john@company.com>').code, 'address-in-display-name');
  assert.equal(refusal('john@evil.com@company.com').code, 'several-at-signs');
  assert.equal(refusal('john@company.com\0evil@other.com').code, 'control-character');
  for (const value of ['evil@other.com <john@company.com>', 'john@evil.com@company.com', 'John\x07 <john@company.com>']) assert.equal(refusal(value).kind, 'deceptive');
});

test('an address in a display name or comment, in any disguise, unless it is the mailbox\'s own', () => {
  const inName = [
    '"Evil <evil@other.com>" <john@company.com>',
    '"evil\\@other.com" <john@company.com>',
    '"Sales @ HQ" <john@company.com>',
    '"other@company.com" <john@company.com>',
    '"john@cоmpany.com" <john@company.com>',
    '"evil＠other.com" <john@company.com>',
    '"evil﹫other.com" <john@company.com>',
    '=?utf-8?b?ZXZpbEBvdGhlci5jb20=?= <john@company.com>',
    '=?utf-8?q?evil=40other.com?=<john@company.com>',
    '"=?utf-8?q?evil=40other.com?=" <john@company.com>',
    '=?UTF-8*en?Q?evil=40other.com?= <john@company.com>',
    '=?utf-8?b?PT91dGYtOD9xP2V2aWw9NDBvdGhlci5jb20/PQ==?= <john@company.com>',
    '=?utf-8?q?evil =40other.com?= <john@company.com>',
  ];
  for (const value of inName) assert.equal(refusal(value).code, 'address-in-display-name', value);
  const inComment = ['John (evil@other.com) <john@company.com>', 'john@company.com (x (evil@other.com))', '(evil@other.com) john@company.com', 'john@company.com (=?utf-8?q?evil=40other.com?=)'];
  for (const value of inComment) assert.equal(refusal(value).code, 'address-in-comment', value);
  for (const value of ['"JOHN@COMPANY.COM" <john@company.com>', '"john@bücher.company.com" <john@xn--bcher-kva.company.com>', 'John (john@company.com.) <john@company.com>']) {
    assert.equal(mailboxes(value).length, 1, value);
  }
});

test('encoded words in charsets readers decode differently, or holding field-splitting characters, are refused', () => {
  for (const charset of ['utf-7', 'utf-16be', 'x-unknown', '']) assert.equal(refusal(`=?${charset}?q?John?= <john@company.com>`).code, 'encoded-word-charset', charset);
  assert.equal(refusal('=?utf-8?q?a,b@evil.com?= <john@company.com>').code, 'encoded-word-form');
  assert.equal(refusal('=?utf-8?q?John:?= <john@company.com>').code, 'encoded-word-form');
  assert.deepEqual(mailboxes('=?utf-8?x?a=40b?= <john@company.com>'), [{ displayName: '=?utf-8?x?a=40b?=', address: 'john@company.com' }], 'no reader decodes an X encoding');
  assert.equal(refusal('=?utf-8?q?John=00?= <john@company.com>').code, 'control-character', 'a NUL that decoding brings in');
  assert.equal(refusal('=?utf-8?b?Sm9obuKArg==?= <john@company.com>').code, 'invisible-character', 'a bidi override that decoding brings in');
});

test('angle brackets: several, nested, unbalanced, empty, routes, lists inside, text after', () => {
  const cases: [string, MailboxProblemCode][] = [
    ['John <john@company.com> <evil@other.com>', 'several-addresses'],
    ['John <<evil@other.com>john@company.com>', 'several-addresses'],
    ['John <john@company.com>>', 'several-addresses'],
    ['<john@company.com, evil@other.com>', 'several-addresses'],
    ['<john@company.com> evil@other.com', 'text-after-address'],
    ['<john@company.com> "x"', 'text-after-address'],
    ['<@evil.com:john@company.com>', 'route'],
    ['<@a.example,@b.example:john@company.com>', 'route'],
    ['John <john@company.com', 'syntax'],
    ['John john@company.com>', 'syntax'],
    ['John >john@company.com<', 'syntax'],
    ['<>', 'syntax'],
    ['John Doe john@company.com', 'syntax'],
  ];
  for (const [value, code] of cases) assert.equal(refusal(value).code, code, value);
});

test('groups, empty elements, stray specials and unclosed quotes or comments are syntax errors', () => {
  const cases: [string, MailboxProblemCode][] = [
    ['Team: john@company.com;', 'group'],
    ['undisclosed-recipients:;', 'group'],
    ['john@company.com:25', 'group'],
    ['john@company.com,', 'syntax'],
    ['a@company.com,,b@company.com', 'syntax'],
    ['john@company.com;', 'syntax'],
    ['', 'empty'],
    [' \t ', 'empty'],
    ['(nobody)', 'empty'],
    ['John', 'syntax'],
    ['"John <john@company.com>', 'syntax'],
    ['john@company.com (open (nested)', 'syntax'],
    ['John) <john@company.com>', 'syntax'],
    ['John [x] <john@company.com>', 'syntax'],
    ['Doe\\, John <john@company.com>', 'syntax'],
    ['.John <john@company.com>', 'syntax'],
  ];
  for (const [value, code] of cases) {
    const found = refusal(value);
    assert.equal(found.code, code, value);
    assert.equal(found.kind, 'syntax', value);
  }
});

test('addresses: dots, empty parts, host names, literals, white space inside, obsolete local parts, @ and encoded words', () => {
  const cases: [string, MailboxProblemCode][] = [
    ['john.@company.com', 'syntax'],
    ['.john@company.com', 'syntax'],
    ['john..doe@company.com', 'syntax'],
    ['john@company.com.', 'syntax'],
    ['john@company..com', 'syntax'],
    ['john@', 'syntax'],
    ['@company.com', 'syntax'],
    ['""@company.com', 'syntax'],
    ['john@-company.com', 'syntax'],
    ['john@company_x.com', 'syntax'],
    ['john@xn--zz.com', 'syntax'],
    [`${'a'.repeat(250)}@company.com`, 'syntax'],
    ['jo\u2603hn@company.com', 'syntax'],
    ['john@[127.0.0.1]', 'domain-literal'],
    ['john @ company.com', 'address-form'],
    ['john(c)@company.com', 'address-form'],
    ['<john@ company.com>', 'address-form'],
    ['a . b@company.com', 'address-form'],
    ['a."b"@company.com', 'address-form'],
    ['john@@company.com', 'several-at-signs'],
    ['<john@company.com@evil.com>', 'several-at-signs'],
    ['evil@other.com john@company.com', 'several-at-signs'],
    ['"john@evil.com"@company.com', 'at-in-local-part'],
    ['=?utf-8?q?evil=40other.com?=@company.com', 'encoded-word-in-address'],
    ['john@ｃｏｍｐａｎｙ.com', 'domain-form'],
    ['john@company。com', 'domain-form'],
    ['john@bu\u0308cher.com', 'domain-form'],
  ];
  for (const [value, code] of cases) assert.equal(refusal(value).code, code, value);
});

test('control and invisible characters anywhere in the field, quoted or not', () => {
  for (let code = 0; code < 0x20; code++) {
    if (code === 0x09) continue;
    const char = String.fromCharCode(code);
    for (const value of [`John${char} <john@company.com>`, `"John${char}" <john@company.com>`, `john@company.com (${char})`]) {
      assert.equal(refusal(value).code, 'control-character', JSON.stringify(value));
    }
  }
  for (const char of ['\x7f', '\u0085', '\u009b']) assert.equal(refusal(`John${char} <john@company.com>`).code, 'control-character');
  for (const char of ['\u202e', '\u200b', '\ufeff', '\u2066', '\u2028', '\u00ad']) assert.equal(refusal(`"John${char}" <john@company.com>`).code, 'invisible-character');
  assert.deepEqual(mailboxes('John\tDoe <john@company.com>'), [{ displayName: 'John Doe', address: 'john@company.com' }], 'a tab is white space');
});

test('what a refusal says names the character or the text, with client text made safe and short', () => {
  assert.match(refusal('John\0 <john@company.com>').detail, /^holds the control character U\+0000, /);
  assert.match(refusal('"evil@other.com" <john@company.com>').detail, /^display name "evil@other\.com" shows the address evil@other\.com, which is not the mailbox's own <john@company\.com>$/);
  assert.match(refusal('john@evil.com@company.com').detail, /^address john@evil\.com@company\.com has more than one unquoted @$/);
  const long = refusal(`"${'x'.repeat(500)}@other.com" <john@company.com>`).detail;
  assert.ok(long.length < 300, `${long.length} characters`);
  assert.equal(quoted('a\r\nb\u202ec'), 'a<U+000D><U+000A>b<U+202E>c');
  assert.equal(quoted('y'.repeat(100)), `${'y'.repeat(80)}...`);
});

test('shownForms decodes as eagerly as the most eager reader; strayAddress compares case, IDN and NFKC forms', () => {
  assert.deepEqual(shownForms('=?utf-8?b?PT91dGYtOD9xP2V2aWw9NDBvdGhlci5jb20/PQ==?=', () => 'display name'), [
    '=?utf-8?b?PT91dGYtOD9xP2V2aWw9NDBvdGhlci5jb20/PQ==?=',
    '=?utf-8?q?evil=40other.com?=',
    '=?utf-8?q?evil=40other.com?=',
    'evil@other.com',
    'evil@other.com',
  ]);
  const own = { local: 'john', domain: () => 'xn--bcher-kva.example' };
  assert.equal(strayAddress(['Mail JOHN@Bücher.example. now'], own), null);
  assert.equal(strayAddress(['(john＠bücher．example)'], own), null, 'full-width forms are NFKC-folded before comparing');
  assert.equal(strayAddress(['john@bucher.example'], own), 'john@bucher.example');
  assert.equal(strayAddress(['a @ b'], own), '@');
  assert.equal(strayAddress(['x', 'y@z'], own), 'y@z', 'every form is looked at');
});

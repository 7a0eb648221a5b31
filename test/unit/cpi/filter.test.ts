// The $filter/$orderby parser of the CPI API: grammar, literals, positions of errors, and what it compiles to.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entityType, KEYSTORE_ENTRY } from '../../../src/api/cpi/edm.js';
import type { Values } from '../../../src/api/cpi/entities.js';
import { type BoundFilter, bindFilter, bindOrderBy } from '../../../src/api/cpi/filter-bind.js';
import { storeCanAnswer, toEntryFilter, toEntryOrder } from '../../../src/api/cpi/filter-compile.js';
import { FilterError } from '../../../src/api/cpi/filter-error.js';
import { matches } from '../../../src/api/cpi/filter-evaluate.js';
import { tokenize } from '../../../src/api/cpi/filter-lexer.js';
import { parseFilter, parseOrderBy } from '../../../src/api/cpi/filter-parser.js';
import type { EntryFilter } from '../../../src/store/entry-query.js';

const bound = (text: string, type = KEYSTORE_ENTRY): BoundFilter => bindFilter(parseFilter(text), type);
const sql = (text: string): EntryFilter => toEntryFilter(bound(text));

/** The FilterError a text gives: its position and message, and 400 or 501. */
function fault(text: string, f: (t: string) => unknown = bound): FilterError {
  try {
    f(text);
  } catch (e) {
    assert.ok(e instanceof FilterError, `expected a FilterError for ${text}, got ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${text}`);
}

const cmp = (c: string, field: string, value: unknown, fold?: string): EntryFilter =>
  ({ op: 'cmp', cmp: c, field: fold ? { field, fold } : { field }, value }) as EntryFilter;

describe('lexer', () => {
  test('string literals double their quotes; positions are 0-based offsets', () => {
    const [a, b, c] = tokenize("Alias eq 'it''s'");
    assert.deepEqual(a, { kind: 'ident', text: 'Alias', pos: 0 });
    assert.deepEqual(b, { kind: 'ident', text: 'eq', pos: 6 });
    assert.deepEqual(c, { kind: 'string', value: "it's", pos: 9 });
  });

  test('numbers keep their type suffix; typed literals keep their prefix', () => {
    const tokens = tokenize("2048 2048L 1.5M -3 datetime'2024-01-01T00:00' X'00'");
    assert.deepEqual(
      tokens.map((t) =>
        t.kind === 'number' ? `${t.text}|${t.suffix}` : t.kind === 'typed' ? `${t.prefix}:${t.value}` : t.kind,
      ),
      ['2048|', '2048|L', '1.5|M', '-3|', 'datetime:2024-01-01T00:00', 'X:00', 'end'],
    );
  });

  test('an open string, a stray character and a number run into letters are errors where they start', () => {
    assert.equal(fault("Alias eq 'abc", tokenize).position, 9);
    assert.equal(fault('Alias eq 12ab', tokenize).position, 9);
    const stray = fault('Alias eq #', tokenize);
    assert.equal(stray.position, 9);
    assert.match(stray.message, /unexpected character '#'/);
  });
});

describe('grammar and compilation to the store query', () => {
  test('each comparison operator', () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'])
      assert.deepEqual(sql(`KeySize ${op} 2048`), cmp(op, 'keySize', 2048));
  });

  test('and binds tighter than or; parentheses override; not binds tightest', () => {
    const a = cmp('eq', 'alias', 'a');
    const b = cmp('eq', 'alias', 'b');
    const c = cmp('eq', 'alias', 'c');
    assert.deepEqual(sql("Alias eq 'a' or Alias eq 'b' and Alias eq 'c'"), {
      op: 'or',
      left: a,
      right: { op: 'and', left: b, right: c },
    });
    assert.deepEqual(sql("(Alias eq 'a' or Alias eq 'b') and Alias eq 'c'"), {
      op: 'and',
      left: { op: 'or', left: a, right: b },
      right: c,
    });
    assert.deepEqual(sql("not (Alias eq 'a') and Alias eq 'b'"), { op: 'and', left: { op: 'not', arg: a }, right: b });
    // `not Alias eq 'a'` is `(not Alias) eq 'a'` in V2, and Alias is no condition.
    assert.match(fault("not Alias eq 'a'").message, /'Alias' is not a condition/);
  });

  test('and/or chain left to right', () => {
    assert.deepEqual(sql('KeySize eq 1 and KeySize eq 2 and KeySize eq 3'), {
      op: 'and',
      left: { op: 'and', left: cmp('eq', 'keySize', 1), right: cmp('eq', 'keySize', 2) },
      right: cmp('eq', 'keySize', 3),
    });
  });

  test('text functions, bare and compared with true or false', () => {
    const contains = { op: 'text', fn: 'contains', field: { field: 'alias' }, value: 'x' };
    assert.deepEqual(sql("substringof('x',Alias)"), contains);
    assert.deepEqual(sql("substringof('x', Alias) eq true"), contains);
    assert.deepEqual(sql("substringof('x',Alias) eq false"), { op: 'not', arg: contains });
    assert.deepEqual(sql("substringof('x',Alias) ne true"), { op: 'not', arg: contains });
    assert.deepEqual(sql("true eq substringof('x',Alias)"), contains);
    assert.deepEqual(sql("startswith(SubjectDN,'CN=')"), {
      op: 'text',
      fn: 'startswith',
      field: { field: 'subjectDn' },
      value: 'CN=',
    });
    assert.deepEqual(sql("endswith(Alias,'.com') eq true"), {
      op: 'text',
      fn: 'endswith',
      field: { field: 'alias' },
      value: '.com',
    });
    assert.deepEqual(sql("not startswith(Alias,'a')"), {
      op: 'not',
      arg: { op: 'text', fn: 'startswith', field: { field: 'alias' }, value: 'a' },
    });
  });

  test('tolower/toupper fold the column; the outer one wins; on a literal they fold it now', () => {
    assert.deepEqual(sql("tolower(Alias) eq 'abc'"), cmp('eq', 'alias', 'abc', 'lower'));
    assert.deepEqual(sql("toupper(tolower(Alias)) eq 'ABC'"), cmp('eq', 'alias', 'ABC', 'upper'));
    assert.deepEqual(sql("Alias eq toupper('abc')"), cmp('eq', 'alias', 'ABC'));
    assert.deepEqual(sql("substringof('abc',tolower(SubjectDN))"), {
      op: 'text',
      fn: 'contains',
      field: { field: 'subjectDn', fold: 'lower' },
      value: 'abc',
    });
  });

  test('literals: strings, Int32, Int64, datetime, datetimeoffset, booleans, null', () => {
    assert.deepEqual(sql("Alias eq 'it''s'"), cmp('eq', 'alias', "it's"));
    assert.deepEqual(sql('KeySize eq 2048L'), cmp('eq', 'keySize', 2048));
    assert.deepEqual(sql('KeySize lt 1.5'), cmp('lt', 'keySize', 1.5));
    const jan = Date.UTC(2024, 0, 1);
    assert.deepEqual(sql("ValidNotAfter lt datetime'2024-01-01T00:00:00'"), cmp('lt', 'notAfter', jan));
    assert.deepEqual(sql("ValidNotAfter lt datetime'2024-01-01T00:00'"), cmp('lt', 'notAfter', jan));
    assert.deepEqual(sql("ValidNotAfter lt datetime'2024-01-01T00:00:00.1234567'"), cmp('lt', 'notAfter', jan + 123));
    assert.deepEqual(sql("ValidNotAfter ge datetimeoffset'2024-01-01T02:00:00+02:00'"), cmp('ge', 'notAfter', jan));
    assert.deepEqual(sql("ValidNotAfter ge datetimeoffset'2024-01-01T00:00:00Z'"), cmp('ge', 'notAfter', jan));
    assert.deepEqual(sql('EllipticCurve eq null'), cmp('eq', 'curve', null));
    assert.deepEqual(sql('null ne KeyType'), cmp('ne', 'keyType', null));
    assert.deepEqual(sql('true'), { op: 'const', value: true });
    assert.deepEqual(sql('1 eq 2 or false'), {
      op: 'or',
      left: { op: 'const', value: false },
      right: { op: 'const', value: false },
    });
  });

  test('a comparison is a condition that can itself be compared with true or false', () => {
    assert.deepEqual(sql("Alias gt 'a' eq true"), cmp('gt', 'alias', 'a'));
    assert.deepEqual(sql("(Alias gt 'a') eq false"), { op: 'not', arg: cmp('gt', 'alias', 'a') });
  });

  test('a literal on the left turns the comparison around', () => {
    assert.deepEqual(sql('2048 lt KeySize'), cmp('gt', 'keySize', 2048));
    assert.deepEqual(sql("datetime'2024-01-01T00:00' ge ValidNotAfter"), cmp('le', 'notAfter', Date.UTC(2024, 0, 1)));
  });

  test('two properties compare in the store', () => {
    assert.deepEqual(sql('SubjectDN eq IssuerDN'), {
      op: 'cmpFields',
      cmp: 'eq',
      left: { field: 'subjectDn' },
      right: { field: 'issuerDn' },
    });
    assert.deepEqual(sql('ValidNotBefore lt ValidNotAfter'), {
      op: 'cmpFields',
      cmp: 'lt',
      left: { field: 'notBefore' },
      right: { field: 'notAfter' },
    });
  });

  test('Hexalias compares as the alias, in any case; Type as the kind; Status and Validity are constants', () => {
    assert.deepEqual(sql("Hexalias eq '6d79'"), cmp('eq', 'alias', 'my'));
    assert.deepEqual(sql("Hexalias ne '6D79'"), cmp('ne', 'alias', 'my'));
    assert.deepEqual(sql("Type eq 'Key Pair'"), cmp('eq', 'kind', 'keypair'));
    assert.deepEqual(sql("Type ne 'Key Pair'"), cmp('eq', 'kind', 'certificate'));
    assert.deepEqual(sql("Type eq 'Nothing'"), { op: 'const', value: false });
    assert.deepEqual(sql("substringof('e',Type)"), {
      op: 'or',
      left: cmp('eq', 'kind', 'certificate'),
      right: cmp('eq', 'kind', 'keypair'),
    });
    assert.deepEqual(sql("Status eq 'unchanged'"), { op: 'const', value: true });
    assert.deepEqual(sql("Status ne 'unchanged'"), { op: 'const', value: false });
    assert.deepEqual(sql('Validity eq null'), { op: 'const', value: true });
  });

  test('$orderby: properties with asc/desc; constants order nothing; Hexalias is the alias', () => {
    const order = bindOrderBy(parseOrderBy('ValidNotAfter desc, Alias,KeySize asc, Status, Hexalias'), KEYSTORE_ENTRY);
    assert.deepEqual(toEntryOrder(order), [
      { field: 'notAfter', desc: true },
      { field: 'alias', desc: false },
      { field: 'keySize', desc: false },
      { field: 'alias', desc: false },
    ]);
    assert.deepEqual(toEntryOrder(bindOrderBy(parseOrderBy('Type desc'), KEYSTORE_ENTRY)), [
      { field: 'kind', desc: true },
    ]);
  });
});

describe('errors say what and where', () => {
  const cases: [string, number, RegExp, (400 | 501)?][] = [
    ["Alias eq 'x' andd KeySize eq 1", 13, /expected an operator or the end, found 'andd'/],
    ['Nope eq 1', 0, /'Nope' is not a property of com\.sap\.hci\.api\.KeystoreEntry/],
    ["Alias eq 'x' and Nope eq 1", 17, /'Nope' is not a property/],
    ["KeySize eq 'big'", 8, /Edm\.Int32 property 'KeySize' and an Edm\.String literal can't be compared/],
    ["ValidNotAfter lt '2024-01-01'", 14, /can't be compared/],
    ["(Alias eq 'x'", 13, /expected '\)', found the end/],
    ["Alias eq 'x')", 12, /found '\)'/],
    ['Alias eq', 8, /expected an operand, found the end/],
    ['eq 1', 0, /expected an operand before 'eq'/],
    ['', 0, /empty/],
    ["substringof('x')", 0, /takes 2 arguments/],
    ["substringof(Alias,'x')", 0, /literal as the text sought/, 501],
    ["substringof('x',KeySize)", 16, /takes text/],
    ["frobnicate(Alias) eq 'x'", 0, /'frobnicate' is not a function/],
    ['length(Alias) eq 3', 0, /the function 'length' is not supported/, 501],
    ['KeySize add 1 eq 2049', 8, /arithmetic operator 'add'/, 501],
    ["ValidNotAfter lt datetime'2024-02-30T00:00'", 17, /not a valid datetime literal/],
    ["ValidNotAfter lt datetimeoffset'2024-01-01T00:00:00'", 17, /has no offset/],
    ["ValidNotAfter lt guid'12345678-aaaa-bbbb-cccc-ddddeeeeffff'", 17, /type 'guid' are not supported/],
    ['KeySize eq 99999999999', 11, /out of the Edm\.Int32 range/],
    ['KeySize eq 99999999999999999999L', 11, /out of the supported range/],
    ["Hexalias eq '6d7'", 12, /hexBinary needs to be even-length: 6d7/],
    ["Hexalias eq 'zz'", 12, /illegal character for hexBinary/],
    ["substringof('x',Alias) gt true", 23, /eq and ne only, not 'gt'/],
    ["Alias eq 'x' eq 'y'", 16, /expected a condition, found a literal/],
    ['Alias eq tolower(KeySize)', 17, /takes text/],
    ["Alias eq 'x' or", 15, /expected an operand, found the end/],
  ];
  for (const [text, position, message, status = 400] of cases)
    test(text || '(empty)', () => {
      const e = fault(text, sql);
      assert.equal(e.position, position, e.message);
      assert.match(e.message, message);
      assert.equal(e.status, status);
    });

  test('$orderby errors', () => {
    const f = (t: string) => bindOrderBy(parseOrderBy(t), KEYSTORE_ENTRY);
    assert.equal(fault('Alias,, KeySize', f).position, 6);
    assert.equal(fault('Alias sideways', f).position, 6);
    assert.equal(fault('Alias, Nope desc', f).position, 7);
    assert.equal(fault('tolower(Alias)', f).status, 501);
  });

  test('nesting and size are bounded', () => {
    assert.match(fault(`${'('.repeat(60)}KeySize eq 1${')'.repeat(60)}`).message, /nested more than 50/);
    assert.match(
      fault(Array.from({ length: 300 }, (_, i) => `KeySize eq ${i}`).join(' or ')).message,
      /more than 400 parts/,
    );
    assert.match(fault(`${'not '.repeat(60)}true`).message, /nested more than 50/);
  });
});

describe('evaluation in memory agrees with the store semantics', () => {
  const rsa: Values = {
    Hexalias: '6D79',
    Alias: 'my',
    KeyType: 'RSA',
    KeySize: 2048,
    EllipticCurve: null,
    ValidNotAfter: 100,
  };
  const ec: Values = {
    Hexalias: '6563',
    Alias: 'ec',
    KeyType: 'EC',
    KeySize: 256,
    EllipticCurve: 'secp256r1',
    ValidNotAfter: 50,
  };
  const which = (text: string) => [rsa, ec].filter((v) => matches(bound(text), v)).map((v) => v.Alias);

  test('comparisons, functions and Hexalias in any case', () => {
    assert.deepEqual(which('KeySize gt 1000'), ['my']);
    assert.deepEqual(which("Hexalias eq '6d79'"), ['my']);
    assert.deepEqual(which("startswith(tolower(KeyType),'e')"), ['ec']);
    assert.deepEqual(which("ValidNotAfter lt datetime'1970-01-01T00:00:00.075'"), ['ec']);
  });

  test('a null is never greater, less or equal to a value, and not turns that false into true', () => {
    assert.deepEqual(which("EllipticCurve eq 'secp256r1'"), ['ec']);
    assert.deepEqual(which("not (EllipticCurve eq 'secp256r1')"), ['my']);
    assert.deepEqual(which("EllipticCurve ne 'secp256r1'"), ['my']);
    assert.deepEqual(which("not startswith(EllipticCurve,'sec')"), ['my']);
    assert.deepEqual(which('EllipticCurve eq null'), ['my']);
    assert.deepEqual(which("EllipticCurve gt 'a'"), ['ec']);
    assert.deepEqual(which("not (EllipticCurve gt 'a')"), ['my']);
  });
});

test('properties outside the whitelist stay out of the store', () => {
  const history = entityType('HistoryKeystoreEntry');
  const f = bound('ActivationSequenceNumber eq 2', history);
  assert.equal(storeCanAnswer(f, []), false);
  assert.equal(storeCanAnswer(bound("Alias eq 'x'", history), []), true);
  assert.match(
    fault('ActivationSequenceNumber eq 2', (t) => toEntryFilter(bound(t, history))).message,
    /can't be filtered or sorted on here/,
  );
  const chain = entityType('ChainCertificate');
  assert.equal(bound('Index eq 0', chain).op, 'cmp');
});

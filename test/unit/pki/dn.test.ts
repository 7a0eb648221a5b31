import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { formatDn, formatName, sameName } from '../../../src/pki/dn.js';
import { PkiError } from '../../../src/pki/errors.js';

function tlv(tag: number, contents: Uint8Array): Uint8Array {
  const n = contents.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return new Uint8Array([tag, ...length, ...contents]);
}
const seq = (...parts: Uint8Array[]) => tlv(0x30, new Uint8Array(parts.flatMap((p) => [...p])));
const set = (...parts: Uint8Array[]) => tlv(0x31, new Uint8Array(parts.flatMap((p) => [...p])));
const OID = {
  CN: [0x55, 4, 3],
  C: [0x55, 4, 6],
  O: [0x55, 4, 10],
  DC: [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
  unknown: [0x2a, 3, 4, 5],
};
const ava = (oid: number[], value: Uint8Array) => seq(tlv(0x06, new Uint8Array(oid)), value);
const utf8 = (text: string) => tlv(0x0c, new Uint8Array(Buffer.from(text, 'utf8')));
const printable = (text: string) => tlv(0x13, new Uint8Array(Buffer.from(text, 'latin1')));
const cn = (text: string) => seq(set(ava(OID.CN, utf8(text))));

describe('formatName: quoting and escaping as Java does', () => {
  // Expected values printed by javax.security.auth.x500.X500Principal.toString() (OpenJDK 17) for the same DER.
  const cases: [string, string][] = [
    ['a,b', 'CN="a,b"'],
    [' x', 'CN=" x"'],
    ['x ', 'CN="x "'],
    ['a  b', 'CN="a  b"'],
    ['a b', 'CN=a b'],
    ['say "hi"', 'CN="say \\"hi\\""'],
    ['back\\slash', 'CN="back\\\\slash"'],
    ['"q"', 'CN="q"'],
    ['"a"b"', 'CN="a\\"b"'],
    ['#x', 'CN="#x"'],
    ['a=b', 'CN="a=b"'],
    ['a+b', 'CN="a+b"'],
    ['<tag>', 'CN="<tag>"'],
    ['semi;colon', 'CN="semi;colon"'],
    ['x@y_z!*', 'CN=x@y_z!*'],
    ['', 'CN='],
    ['a\nb', 'CN="a\nb"'],
    ['\nlead', 'CN="\nlead"'],
    ['"', 'CN="\\""'],
    ['tab\there', 'CN=tab\there'],
    ['ünï', 'CN=ünï'],
    ['x\\', 'CN="x\\\\"'],
    [' ', 'CN=" "'],
    ['a\r', 'CN=a\r'],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} -> ${JSON.stringify(expected)}`, () => assert.equal(formatName(cn(value)), expected));
  }
});

describe('formatName: structure', () => {
  it('prints the most specific RDN first and uses Java keywords', () => {
    const name = seq(
      set(ava(OID.DC, tlv(0x16, new Uint8Array(Buffer.from('com'))))),
      set(ava(OID.C, printable('DE'))),
      set(ava(OID.O, utf8('Org'))),
      set(ava(OID.CN, utf8('leaf'))),
    );
    assert.equal(formatName(name), 'CN=leaf, O=Org, C=DE, DC=com');
  });

  it('keeps the encoded order inside a multi-valued RDN, even when it is not DER order', () => {
    const name = seq(set(ava(OID.CN, utf8('zed')), ava(OID.C, printable('DE'))));
    assert.equal(formatName(name), 'CN=zed + C=DE');
  });

  it('prints unknown attribute types as OID.x and non-string values as #hex of the whole element', () => {
    assert.equal(formatName(seq(set(ava(OID.unknown, utf8('v'))))), 'OID.1.2.3.4.5=v');
    assert.equal(formatName(seq(set(ava(OID.unknown, tlv(0x02, new Uint8Array([42])))))), 'OID.1.2.3.4.5=#02012a');
    assert.equal(formatName(seq(set(ava(OID.CN, tlv(0x12, new Uint8Array([0x31])))))), 'CN=#120131');
  });

  it('prints an empty RDN as nothing and an empty name as the empty string', () => {
    assert.equal(formatName(seq(set(ava(OID.O, utf8('Org'))), set(), set(ava(OID.CN, utf8('x'))))), 'CN=x, , O=Org');
    assert.equal(formatName(seq()), '');
  });

  it('decodes each string type the way Java does', () => {
    const value = (tag: number, hex: string) => formatName(seq(set(ava(OID.CN, tlv(tag, Buffer.from(hex, 'hex'))))));
    assert.equal(value(0x14, '4dfc6e6368656e'), 'CN=München'); // T61String as ISO-8859-1
    assert.equal(value(0x13, '41e942'), 'CN=A\ufffdB'); // PrintableString as US-ASCII
    assert.equal(value(0x0c, '41ff42'), 'CN=A\ufffdB'); // invalid UTF-8
    assert.equal(value(0x1e, '00fc'), 'CN=ü'); // BMPString
    assert.equal(value(0x1c, '0001f600'), 'CN=😀'); // UniversalString
    assert.equal(value(0x0c, 'efbbbf41'), 'CN=\ufeffA'); // a BOM stays
    assert.equal(value(0x1a, '41'), 'CN=#1a0141'); // VisibleString: Java does not decode it
  });

  it('refuses bytes that are not a Name', () => {
    for (const bad of [new Uint8Array([0x30, 0x05]), set(), seq(seq()), seq(set(seq(utf8('x')))), utf8('x')]) {
      assert.throws(
        () => formatName(bad),
        (e: unknown) => e instanceof PkiError && e.code === 'malformed',
      );
    }
  });

  it('formats an @peculiar/asn1-x509 Name', () => {
    const attribute = (type: string, value: Partial<AttributeValue>) =>
      new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue(value) })]);
    const name = new Name([
      attribute('2.5.4.6', { printableString: 'DE' }),
      attribute('2.5.4.10', { utf8String: 'ACME, Inc.' }),
      attribute('1.2.840.113549.1.9.1', { ia5String: 'pki@example.com' }),
    ]);
    assert.equal(formatDn(name), 'EMAILADDRESS=pki@example.com, O="ACME, Inc.", C=DE');
  });
});

describe('sameName', () => {
  it('matches equal bytes and names that differ only in string type, case and spacing', () => {
    assert.ok(sameName(cn('Test Root'), cn('Test Root')));
    assert.ok(sameName(cn('Test Root'), seq(set(ava(OID.CN, printable('  test   ROOT '))))));
    const twoValues = (a: Uint8Array, b: Uint8Array) => seq(set(a, b));
    assert.ok(
      sameName(
        twoValues(ava(OID.CN, utf8('x')), ava(OID.C, printable('DE'))),
        twoValues(ava(OID.C, printable('DE')), ava(OID.CN, utf8('x'))),
      ),
    );
  });

  it('tells different names apart and never throws', () => {
    assert.ok(!sameName(cn('Test Root'), cn('Test Root 2')));
    assert.ok(!sameName(cn('a'), seq(set(ava(OID.O, utf8('a'))))));
    assert.ok(
      !sameName(seq(set(ava(OID.CN, utf8('a'))), set(ava(OID.O, utf8('b')))), seq(set(ava(OID.CN, utf8('a'))))),
    );
    assert.ok(!sameName(new Uint8Array([1, 2, 3]), cn('x')));
  });
});

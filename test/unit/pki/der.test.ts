import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { children, decodeOid, readTlv, readWhole } from '../../../src/pki/der.js';
import { decodeTime } from '../../../src/pki/time.js';

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));
const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

describe('DER boundaries', () => {
  it('reads short and long lengths and high tag numbers', () => {
    assert.deepEqual(readTlv(hex('0403 616263'), 0), { tag: 0x04, start: 0, valueStart: 2, end: 5 });
    const long = new Uint8Array([0x04, 0x82, 0x01, 0x00, ...new Uint8Array(256)]);
    assert.deepEqual(readTlv(long, 0), { tag: 0x04, start: 0, valueStart: 4, end: 260 });
    assert.deepEqual(readTlv(hex('9f8101 01 00'), 0), { tag: 0x9f, start: 0, valueStart: 4, end: 5 });
  });

  it('refuses indefinite lengths, overruns and oversized length fields', () => {
    assert.equal(readTlv(hex('3080 0000'), 0), null);
    assert.equal(readTlv(hex('0405 6162'), 0), null);
    assert.equal(readTlv(hex('0485 0000000001 00'), 0), null);
    assert.equal(readTlv(hex('04'), 0), null);
    assert.equal(readTlv(new Uint8Array(0), 0), null);
  });

  it('finds a whole element only when nothing follows it', () => {
    assert.notEqual(readWhole(hex('0500')), null);
    assert.equal(readWhole(hex('0500 00')), null);
  });

  it('splits contents into children only when they fill it exactly', () => {
    const seq = hex('3006 0500 0201 05 00');
    assert.equal(children(seq, readTlv(seq, 0)!), null);
    const ok = hex('3005 0500 020105');
    assert.deepEqual(
      children(ok, readTlv(ok, 0)!)?.map((c) => c.tag),
      [0x05, 0x02],
    );
  });

  it('decodes object identifiers, large arcs included', () => {
    assert.equal(decodeOid(hex('2a864886f70d01010b')), '1.2.840.113549.1.1.11');
    assert.equal(decodeOid(hex('550403')), '2.5.4.3');
    assert.equal(decodeOid(hex('0992268993f22c640119')), '0.9.2342.19200300.100.1.25');
    assert.equal(decodeOid(hex('8837')), '2.999');
    assert.equal(decodeOid(hex('2a86')), null);
    assert.equal(decodeOid(new Uint8Array(0)), null);
  });
});

describe('certificate times', () => {
  const utc = (text: string) => decodeTime(0x17, ascii(text))?.toISOString() ?? null;
  const gen = (text: string) => decodeTime(0x18, ascii(text))?.toISOString() ?? null;

  it('reads UTCTime with the RFC 5280 century rule, with or without seconds and offsets', () => {
    assert.equal(utc('491231235959Z'), '2049-12-31T23:59:59.000Z');
    assert.equal(utc('500101000000Z'), '1950-01-01T00:00:00.000Z');
    assert.equal(utc('2501010000Z'), '2025-01-01T00:00:00.000Z');
    assert.equal(utc('250101120000+0130'), '2025-01-01T10:30:00.000Z');
    assert.equal(utc('250101120000-0200'), '2025-01-01T14:00:00.000Z');
  });

  it('reads GeneralizedTime with fractions, literal years and no zone as UTC', () => {
    assert.equal(gen('20991231235959.5Z'), '2099-12-31T23:59:59.500Z');
    assert.equal(gen('00010101000000Z'), '0001-01-01T00:00:00.000Z');
    assert.equal(gen('99991231235959Z'), '9999-12-31T23:59:59.000Z');
    assert.equal(gen('20250101120000'), '2025-01-01T12:00:00.000Z');
  });

  it('refuses what is not a time', () => {
    for (const bad of ['', '251301000000Z', '250132000000Z', '250101250000Z', '25010100Z', 'abcdefghijklZ']) {
      assert.equal(utc(bad), null, bad);
    }
    assert.equal(decodeTime(0x04, ascii('250101000000Z')), null);
  });
});

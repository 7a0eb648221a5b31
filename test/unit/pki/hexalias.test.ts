import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import { decodeHexAlias, encodeHexAlias } from '../../../src/pki/hexalias.js';

function refusal(hex: string, message: string) {
  assert.throws(
    () => decodeHexAlias(hex),
    (e: unknown) => e instanceof PkiError && e.code === 'hexalias' && e.message === message,
  );
}

describe('hex aliases', () => {
  it('encodes the reference examples in uppercase', () => {
    assert.equal(encodeHexAlias('smtp.mail.yahoo.com'), '736D74702E6D61696C2E7961686F6F2E636F6D');
    assert.equal(encodeHexAlias('mycertificate'), '6D796365727469666963617465');
    assert.equal(encodeHexAlias('my alias'), '6D7920616C696173');
  });

  it('decodes the reference examples in the case SAP documents them', () => {
    assert.equal(decodeHexAlias('736d74702e6d61696c2e7961686f6f2e636f6d'), 'smtp.mail.yahoo.com');
    assert.equal(decodeHexAlias('6d796365727469666963617465'), 'mycertificate');
    assert.equal(decodeHexAlias('6D7920616C696173'), 'my alias');
  });

  it('accepts any case, also mixed', () => {
    assert.equal(decodeHexAlias('6d7920616C696173'), 'my alias');
    assert.equal(decodeHexAlias('6D796365727469666963617465'), decodeHexAlias('6d796365727469666963617465'));
  });

  it('round-trips UTF-8 aliases, slashes and backslashes included', () => {
    for (const alias of ['Zertifikat für München', 'a/b\\c', '証明書', '😀 emoji', '\ufeffbom first']) {
      assert.equal(decodeHexAlias(encodeHexAlias(alias)), alias);
    }
    assert.equal(encodeHexAlias('ü'), 'C3BC');
  });

  it("refuses odd lengths with the Java parser's text", () => {
    refusal('6D7', 'hexBinary needs to be even-length: 6D7');
    refusal('a', 'hexBinary needs to be even-length: a');
  });

  it("refuses non-hex characters with the Java parser's text, after the length check", () => {
    refusal('6G', 'contains illegal character for hexBinary: 6G');
    refusal('zz11', 'contains illegal character for hexBinary: zz11');
    refusal('0x41', 'contains illegal character for hexBinary: 0x41');
    refusal('6g7', 'hexBinary needs to be even-length: 6g7');
  });

  it('refuses bytes that are not UTF-8, and the empty alias', () => {
    refusal('C3', 'The hexadecimal alias C3 is not valid UTF-8');
    refusal('ff41', 'The hexadecimal alias ff41 is not valid UTF-8');
    refusal('', 'The hexadecimal alias is empty');
  });
});

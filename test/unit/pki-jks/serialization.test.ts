import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PkiError } from '../../../src/pki/errors.js';
import { SEALED_KEY_CLASS, skipSealedKey } from '../../../src/pki/java-serialization.js';
import { fixture, throwsPki } from './fixtures.js';

// Building blocks of the stream grammar (Java Object Serialization Specification, 6.4).
const hex = (text: string) => Buffer.from(text, 'hex');
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const utf = (text: string) => Buffer.concat([u16(Buffer.byteLength(text)), Buffer.from(text)]);
const HEADER = hex('aced0005');
const NULL = hex('70');
const END = hex('78');
const ref = (handle: number) => Buffer.concat([hex('71'), i32(0x7e0000 + handle)]);
const string = (text: string) => Buffer.concat([hex('74'), utf(text)]);
const SUID = hex('0102030405060708');

function classDesc(name: string, flags: number, fields: Buffer[], superDesc: Buffer = NULL, annotation = END) {
  return Buffer.concat([
    hex('72'),
    utf(name),
    SUID,
    Buffer.from([flags]),
    u16(fields.length),
    ...fields,
    annotation,
    superDesc,
  ]);
}
const primitive = (code: string, name: string) => Buffer.concat([Buffer.from(code), utf(name)]);
const objectField = (code: string, name: string, type: Buffer) => Buffer.concat([Buffer.from(code), utf(name), type]);

const SERIALIZABLE = 0x02;

/** A sealed key shaped as SunJCE writes one: the subclass has no fields, SealedObject four. */
function sealedKey(): Buffer {
  // Handles: 0 subclass desc, 1 SealedObject desc, 2 "[B", 3 "Ljava/lang/String;", 4 the object, 5 "[B" desc, …
  const sealedObject = classDesc('javax.crypto.SealedObject', SERIALIZABLE, [
    objectField('[', 'encodedParams', string('[B')),
    objectField('[', 'encryptedContent', ref(2)),
    objectField('L', 'paramsAlg', string('Ljava/lang/String;')),
    objectField('L', 'sealAlg', ref(3)),
  ]);
  const top = classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [], sealedObject);
  const byteArray = Buffer.concat([hex('75'), classDesc('[B', SERIALIZABLE, []), i32(3), hex('010203')]);
  const secondArray = Buffer.concat([hex('75'), ref(5), i32(2), hex('0405')]);
  return Buffer.concat([HEADER, hex('73'), top, byteArray, secondArray, string('PBEWithMD5AndTripleDES'), ref(8)]);
}

describe('skipSealedKey', () => {
  it('finds the end of each sealed key keytool wrote, where the next entry or the digest starts', () => {
    const bytes = fixture('jceks-secret.jceks');
    const starts = [
      ...Buffer.from(bytes)
        .toString('hex')
        .matchAll(/aced0005/g),
    ].map((m) => m.index! / 2);
    assert.equal(starts.length, 3);
    for (const start of starts) {
      const end = skipSealedKey(bytes, start);
      const next = Buffer.from(bytes.subarray(end, end + 4)).readInt32BE();
      assert.ok(end === bytes.length - 20 || [1, 2, 3].includes(next), `after ${start}: ${next}`);
    }
  });

  it('skips fields, arrays, strings and back references, and stops at the object’s end', () => {
    const stream = sealedKey();
    assert.equal(skipSealedKey(Buffer.concat([stream, Buffer.from('next entry')]), 0), stream.length);
    assert.equal(skipSealedKey(Buffer.concat([hex('00ff'), stream]), 2), stream.length + 2);
  });

  it('skips primitives, class annotations and what writeObject appended', () => {
    const fields = ['B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z'].map((code) => primitive(code, `f${code}`));
    const annotation = Buffer.concat([hex('7703aabbcc'), hex('7a00000002ddee'), END]);
    const top = classDesc(SEALED_KEY_CLASS, SERIALIZABLE | 0x01, fields, NULL, annotation);
    const values = Buffer.alloc(1 + 2 + 8 + 4 + 4 + 8 + 2 + 1, 0x55);
    const stream = Buffer.concat([HEADER, hex('79'), hex('73'), top, values, hex('770100'), END]);
    assert.equal(skipSealedKey(stream, 0), stream.length);
  });

  it('refuses any other class at the top, as JceKeyStore’s filter does', () => {
    const stream = Buffer.concat([HEADER, hex('73'), classDesc('java.util.HashMap', SERIALIZABLE, [])]);
    throwsPki(() => skipSealedKey(stream, 0), 'malformed', /java\.util\.HashMap, not a sealed key/);
    throwsPki(() => skipSealedKey(Buffer.concat([HEADER, string('x')]), 0), 'malformed', /does not hold an object/);
    throwsPki(() => skipSealedKey(Buffer.concat([HEADER, hex('7370')]), 0), 'malformed', /null, not a sealed key/);
  });

  it('refuses a broken header, a reset inside an object, an exception and unknown type codes', () => {
    throwsPki(() => skipSealedKey(hex('aced0004'), 0), 'malformed', /not a Java object stream/);
    const withField = (value: Buffer) =>
      Buffer.concat([
        HEADER,
        hex('73'),
        classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [objectField('L', 'o', string('Ljava/lang/Object;'))]),
        value,
      ]);
    throwsPki(() => skipSealedKey(withField(hex('79')), 0), 'malformed', /resets inside/);
    throwsPki(() => skipSealedKey(withField(hex('7b')), 0), 'malformed', /exception/);
    throwsPki(() => skipSealedKey(withField(hex('6f')), 0), 'malformed', /not a type code/);
    throwsPki(() => skipSealedKey(withField(ref(99)), 0), 'malformed', /points nowhere/);
    assert.equal(skipSealedKey(withField(NULL), 0), withField(NULL).length);
  });

  it('refuses a class that is its own superclass instead of looping', () => {
    const circular = Buffer.concat([HEADER, hex('73'), classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [], ref(0))]);
    throwsPki(() => skipSealedKey(circular, 0), 'malformed', /too deep or circular/);
  });

  it('refuses deep nesting with a PkiError, not a stack overflow', () => {
    const top = classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [objectField('L', 'next', string('Ljava/lang/Object;'))]);
    const nested = Buffer.concat([HEADER, hex('73'), top, Buffer.concat(Array(100_000).fill(hex('7371007e0000')))]);
    throwsPki(() => skipSealedKey(nested, 0), 'malformed', /nest too deeply/);
    let supers = NULL;
    for (let i = 0; i < 50; i++) supers = classDesc(`C${i}`, SERIALIZABLE, [], supers);
    throwsPki(
      () => skipSealedKey(Buffer.concat([HEADER, hex('73'), classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [], supers)]), 0),
      'malformed',
      /nest too deeply/,
    );
  });

  it('refuses objects in the old external format, whose length only their class knows', () => {
    const external = Buffer.concat([HEADER, hex('73'), classDesc(SEALED_KEY_CLASS, 0x04, [])]);
    throwsPki(() => skipSealedKey(external, 0), 'malformed', /old external format/);
    // With SC_BLOCK_DATA (protocol 2) the external contents are block data up to an end marker.
    const blockData = Buffer.concat([HEADER, hex('73'), classDesc(SEALED_KEY_CLASS, 0x0c, []), hex('7701ff'), END]);
    assert.equal(skipSealedKey(blockData, 0), blockData.length);
  });

  it('checks array sizes against the input before skipping', () => {
    const top = classDesc(SEALED_KEY_CLASS, SERIALIZABLE, [objectField('[', 'a', string('[J'))]);
    const huge = Buffer.concat([HEADER, hex('73'), top, hex('75'), classDesc('[J', SERIALIZABLE, []), i32(0x7fffffff)]);
    throwsPki(() => skipSealedKey(huge, 0), 'malformed', /ends early/);
    const negative = Buffer.concat([huge.subarray(0, huge.length - 4), i32(-1)]);
    throwsPki(() => skipSealedKey(negative, 0), 'malformed', /negative size/);
    const objects = Buffer.concat([
      HEADER,
      hex('73'),
      top,
      hex('75'),
      classDesc('[Ljava.lang.Object;', 2, []),
      i32(1e9),
    ]);
    throwsPki(() => skipSealedKey(objects, 0), 'malformed', /ends early/);
  });

  it('gives only PkiError for every truncation and for random bytes after a valid start', () => {
    const stream = sealedKey();
    for (let length = 0; length < stream.length; length++) {
      throwsPki(() => skipSealedKey(stream.subarray(0, length), 0), 'malformed');
    }
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed >> 16;
    };
    for (let n = 0; n < 3000; n++) {
      const tail = Buffer.from(Array.from({ length: 1 + (random() % 64) }, () => 0x70 + (random() % 16)));
      const input = Buffer.concat([HEADER, hex('73'), tail]);
      assert.throws(
        () => skipSealedKey(input, 0),
        (e) => e instanceof PkiError,
        tail.toString('hex'),
      );
    }
  });
});

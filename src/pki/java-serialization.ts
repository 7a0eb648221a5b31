/**
 * Finds where a Java serialization stream (Java Object Serialization Specification, chapter 6) ends, without
 * building any object. A JCEKS secret-key entry is such a stream with no length in front, so the only way past it
 * is to walk the grammar: class descriptions say how many bytes each object's fields take.
 */
import { decodeModifiedUtf8, malformed } from './jks-format.js';

const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_CLASS = 0x76;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_RESET = 0x79;
const TC_BLOCKDATALONG = 0x7a;
const TC_EXCEPTION = 0x7b;
const TC_LONGSTRING = 0x7c;
const TC_PROXYCLASSDESC = 0x7d;
const TC_ENUM = 0x7e;

const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;

const BASE_HANDLE = 0x7e0000;
/** Bytes a primitive field or array element takes, by type code. */
const PRIMITIVE_SIZES: Record<string, number> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };
/**
 * Nesting of objects and class descriptions. SunJCE's own filter admits a sealed key two levels deep; the margin
 * leaves room for what older JDKs wrote, and the bound keeps recursion far from the stack's end.
 */
const MAX_DEPTH = 16;

/** The one class JceKeyStore accepts as a secret-key entry; it rejects any other at the top. */
export const SEALED_KEY_CLASS = 'com.sun.crypto.provider.SealedObjectForKeyProtector';

interface ClassDesc {
  name: string;
  flags: number;
  /** Type codes of the serializable fields, in stream order. */
  fields: string[];
  superDesc: ClassDesc | null;
}

type Handle = { kind: 'class'; desc: ClassDesc } | { kind: 'other' };

class StreamWalker {
  private handles: Handle[] = [];

  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
    private readonly limit: number,
  ) {}

  /** The top-level object: magic, version, resets, then one object of class SEALED_KEY_CLASS. */
  sealedKey(): void {
    if (this.u16() !== STREAM_MAGIC || this.u16() !== STREAM_VERSION) throw broken('it is not a Java object stream');
    while (this.peek() === TC_RESET) {
      this.pos++;
      this.handles = [];
    }
    if (this.peek() !== TC_OBJECT) throw broken('it does not hold an object');
    this.pos++;
    const desc = this.classDesc(1);
    if (desc?.name !== SEALED_KEY_CLASS) throw broken(`it holds a ${desc?.name ?? 'null'}, not a sealed key`);
    this.newHandle({ kind: 'other' });
    this.classData(desc, 1);
  }

  /** One element where the grammar says `object` (field values, array elements, annotations). */
  private object(depth: number): void {
    if (depth > MAX_DEPTH) throw broken('its objects nest too deeply');
    const tc = this.u8();
    switch (tc) {
      case TC_NULL:
        return;
      case TC_REFERENCE:
        this.reference();
        return;
      case TC_CLASSDESC:
      case TC_PROXYCLASSDESC:
        this.pos--;
        this.classDesc(depth);
        return;
      case TC_OBJECT: {
        const desc = this.classDesc(depth);
        if (desc === null) throw broken('an object has no class');
        this.newHandle({ kind: 'other' });
        this.classData(desc, depth);
        return;
      }
      case TC_STRING:
        this.newHandle({ kind: 'other' });
        this.skip(this.u16());
        return;
      case TC_LONGSTRING:
        this.newHandle({ kind: 'other' });
        this.skip(this.length64());
        return;
      case TC_ARRAY:
        this.array(depth);
        return;
      case TC_CLASS:
        this.classDesc(depth);
        this.newHandle({ kind: 'other' });
        return;
      case TC_ENUM:
        this.classDesc(depth);
        this.newHandle({ kind: 'other' });
        this.object(depth + 1);
        return;
      case TC_RESET:
        // Java accepts a reset only between top-level objects ("unexpected reset").
        throw broken('it resets inside an object');
      case TC_EXCEPTION:
        throw broken('the writer failed with an exception');
      default:
        throw broken(`byte 0x${tc.toString(16)} is not a type code`);
    }
  }

  /** A class description, a null one, or a reference to an earlier one. */
  private classDesc(depth: number): ClassDesc | null {
    if (depth > MAX_DEPTH) throw broken('its class descriptions nest too deeply');
    const tc = this.u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const handle = this.reference();
      if (handle.kind !== 'class') throw broken('a class reference points to something else');
      return handle.desc;
    }
    if (tc === TC_PROXYCLASSDESC) {
      const desc: ClassDesc = { name: '(proxy)', flags: SC_SERIALIZABLE, fields: [], superDesc: null };
      this.newHandle({ kind: 'class', desc });
      const interfaces = this.i32();
      if (interfaces < 0) throw broken('a proxy class has a negative interface count');
      for (let i = 0; i < interfaces; i++) this.skip(this.u16());
      this.annotation(depth);
      desc.superDesc = this.classDesc(depth + 1);
      return desc;
    }
    if (tc !== TC_CLASSDESC) throw broken(`byte 0x${tc.toString(16)} is not a class description`);
    const nameBytes = this.bytes(this.u16());
    const name = decodeModifiedUtf8(nameBytes);
    if (name === null) throw broken('a class name is not modified UTF-8');
    this.skip(8); // serialVersionUID
    const desc: ClassDesc = { name, flags: 0, fields: [], superDesc: null };
    this.newHandle({ kind: 'class', desc });
    desc.flags = this.u8();
    const count = this.u16();
    for (let i = 0; i < count; i++) {
      const code = String.fromCharCode(this.u8());
      this.skip(this.u16()); // field name
      if (code === 'L' || code === '[') {
        this.object(depth + 1); // the field's class name, a string or a reference to one
      } else if (PRIMITIVE_SIZES[code] === undefined) {
        throw broken(`a field has the type code ${JSON.stringify(code)}`);
      }
      desc.fields.push(code);
    }
    this.annotation(depth);
    desc.superDesc = this.classDesc(depth + 1);
    return desc;
  }

  /** The field values of each class from the topmost superclass down, and what writeObject added. */
  private classData(desc: ClassDesc, depth: number): void {
    const chain: ClassDesc[] = [];
    for (let d: ClassDesc | null = desc; d !== null; d = d.superDesc) {
      // A description may name itself as its superclass through a back reference.
      if (chain.length >= MAX_DEPTH) throw broken('a class hierarchy is too deep or circular');
      chain.unshift(d);
    }
    for (const d of chain) {
      if ((d.flags & SC_SERIALIZABLE) !== 0) {
        for (const code of d.fields) {
          const size = PRIMITIVE_SIZES[code];
          if (size === undefined) this.object(depth + 1);
          else this.skip(size);
        }
        if ((d.flags & SC_WRITE_METHOD) !== 0) this.annotation(depth);
      } else if ((d.flags & SC_EXTERNALIZABLE) !== 0) {
        // Protocol 1 externals carry no lengths at all; only the class itself could read them.
        if ((d.flags & SC_BLOCK_DATA) === 0) throw broken('it holds an object in the old external format');
        this.annotation(depth);
      }
    }
  }

  private array(depth: number): void {
    const desc = this.classDesc(depth);
    if (desc === null || !desc.name.startsWith('[') || desc.name.length < 2)
      throw broken('an array has no array class');
    this.newHandle({ kind: 'other' });
    const size = this.i32();
    if (size < 0) throw broken('an array has a negative size');
    const elementSize = PRIMITIVE_SIZES[desc.name[1]!];
    if (elementSize !== undefined) {
      this.skip(size * elementSize);
      return;
    }
    // Every object element takes at least one byte, so the loop ends with the input.
    for (let i = 0; i < size; i++) this.object(depth + 1);
  }

  /** Block data and objects up to TC_ENDBLOCKDATA (classAnnotation, objectAnnotation). */
  private annotation(depth: number): void {
    for (;;) {
      const tc = this.peek();
      if (tc === TC_ENDBLOCKDATA) {
        this.pos++;
        return;
      }
      if (tc === TC_BLOCKDATA) {
        this.pos++;
        this.skip(this.u8());
      } else if (tc === TC_BLOCKDATALONG) {
        this.pos++;
        const length = this.i32();
        if (length < 0) throw broken('a data block has a negative length');
        this.skip(length);
      } else {
        this.object(depth + 1);
      }
    }
  }

  private reference(): Handle {
    const handle = this.handles[this.i32() - BASE_HANDLE];
    if (handle === undefined) throw broken('a back reference points nowhere');
    return handle;
  }

  private newHandle(handle: Handle): void {
    this.handles.push(handle);
  }

  private need(n: number): void {
    if (n > this.limit - this.pos) throw broken('it ends early');
  }

  private peek(): number {
    this.need(1);
    return this.buf[this.pos]!;
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const value = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return value;
  }

  private i32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
  }

  /** A long length (TC_LONGSTRING); anything beyond the input is broken anyway. */
  private length64(): number {
    const high = this.i32();
    const low = this.i32() >>> 0;
    if (high !== 0) throw broken('a string is longer than the input');
    return low;
  }

  private skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }
}

function broken(reason: string) {
  return malformed(`a secret key entry is not a serialized sealed key: ${reason}`);
}

/**
 * Where the serialized sealed key that starts at `offset` ends. Throws PkiError 'malformed' for anything Java's
 * JceKeyStore would not load, and for the old external format, whose length cannot be known without its class.
 */
export function skipSealedKey(buf: Uint8Array, offset: number, limit: number = buf.length): number {
  const walker = new StreamWalker(buf, offset, limit);
  walker.sealedKey();
  return walker.pos;
}

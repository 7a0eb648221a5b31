import { readTlv } from './der.js';

/** Splits DER elements written one after another (how a key pair's chain is kept) back into single elements. */
export function splitDer(concatenated: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < concatenated.length) {
    const tlv = readTlv(concatenated, offset);
    if (!tlv) throw new Error('stored chain is not a sequence of DER elements');
    out.push(Buffer.from(concatenated.subarray(tlv.start, tlv.end)));
    offset = tlv.end;
  }
  return out;
}

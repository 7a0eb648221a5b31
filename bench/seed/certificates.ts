import { generateKeyPairSync, type KeyObject, sign, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { readTlv } from '../../src/pki/der.js';

x509.cryptoProvider.set(webcrypto as Crypto);

const DAY = 86_400_000;
/** Validity ends spread over ten years around this instant, so that date filters select a fraction of the store. */
const EPOCH = Date.UTC(2026, 0, 1);
const NOT_BEFORE = EPOCH - 5 * 365 * DAY;
/** Fixed-width parts, so that every certificate's TBS has the template's layout and only bytes change. */
const SERIAL_BASE = 0x10000000;
const cn = (i: number) => `bench-${String(i).padStart(7, '0')}`;
const notAfterOf = (i: number) => NOT_BEFORE + (((i * 7919) % 3650) + 1) * DAY;

/** YYMMDDHHMMSSZ, as the template encodes a date before 2050. */
const utcTime = (ms: number) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14).concat('Z');

const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'der' });

function indexOfAll(hay: Buffer, needle: Buffer): number[] {
  const at: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) at.push(i);
  return at;
}

function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/**
 * `count` distinct certificates (DER), alike on every run but for the key: serial `0x10000000 + i`, subject and
 * issuer `CN=bench-<i>`, validity ending on day `(i * 7919) mod 3650` of a ten-year span, so that not_after is
 * scattered over the rows rather than growing with the alias. One template is made with @peculiar/x509; each
 * certificate is that TBS with its own serial, name and date written over the template's (same lengths), signed
 * with one EC key by node:crypto: 30 µs a certificate instead of 1.2 ms.
 */
export async function makeCertificates(count: number): Promise<Buffer[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ec = { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8(privateKey), ec, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', publicKey.export({ type: 'spki', format: 'der' }), ec, true, [
      'verify',
    ]),
  };
  const template = Buffer.from(
    (
      await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: SERIAL_BASE.toString(16),
        name: `CN=${cn(0)}, O=openkeystore bench`,
        notBefore: new Date(NOT_BEFORE),
        notAfter: new Date(notAfterOf(0)),
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        keys,
      })
    ).rawData,
  );
  const outer = readTlv(template, 0);
  const tbsTlv = outer && readTlv(template, outer.valueStart);
  const algTlv = tbsTlv && readTlv(template, tbsTlv.end);
  if (!tbsTlv || !algTlv) throw new Error('bench seed: unreadable template certificate');
  const tbs = template.subarray(tbsTlv.start, tbsTlv.end);
  const algorithm = template.subarray(algTlv.start, algTlv.end);
  const serialAt = indexOfAll(tbs, Buffer.from([0x02, 0x04, 0x10, 0x00, 0x00, 0x00]));
  const nameAt = indexOfAll(tbs, Buffer.from(cn(0)));
  const dateAt = indexOfAll(tbs, Buffer.from(utcTime(notAfterOf(0))));
  if (serialAt.length !== 1 || nameAt.length !== 2 || dateAt.length !== 1)
    throw new Error('bench seed: the template certificate has an unexpected layout');
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const t = Buffer.from(tbs);
    t.writeUInt32BE(SERIAL_BASE + i, (serialAt[0] as number) + 2);
    for (const at of nameAt) t.write(cn(i), at, 'latin1');
    t.write(utcTime(notAfterOf(i)), dateAt[0] as number, 'latin1');
    const signature = sign('sha256', t, { key: privateKey, dsaEncoding: 'der' });
    out.push(der(0x30, t, algorithm, der(0x03, Buffer.from([0]), signature)));
  }
  return out;
}

/** Length-prefixed DER blobs in one file. */
function pack(certs: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of certs) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(c.length);
    parts.push(len, c);
  }
  return Buffer.concat(parts);
}

function unpack(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < data.length; ) {
    const len = data.readUInt32BE(pos);
    out.push(data.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

/**
 * The certificates, made once and kept in `cacheDir` (default `bench/.cache`, which git ignores, wherever the
 * script is run from), so that every seeding of the same size stores the very same certificates, and the seeding
 * script and `npm run bench` share them.
 */
export async function cachedCertificates(
  count: number,
  cacheDir = fileURLToPath(new URL('../.cache', import.meta.url)),
): Promise<Buffer[]> {
  const file = join(cacheDir, `certificates-${count}.bin`);
  if (existsSync(file)) return unpack(readFileSync(file));
  const certs = await makeCertificates(count);
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, pack(certs));
  return certs;
}

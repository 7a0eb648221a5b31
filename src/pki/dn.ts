import { createRequire } from 'node:module';
import type * as AsnSchema from '@peculiar/asn1-schema';
import type { Name } from '@peculiar/asn1-x509';
import {
  bytesOf,
  children,
  contentsOf,
  decodeOid,
  readWhole,
  TAG_BMP_STRING,
  TAG_GENERAL_STRING,
  TAG_IA5_STRING,
  TAG_OID,
  TAG_PRINTABLE_STRING,
  TAG_SEQUENCE,
  TAG_SET,
  TAG_T61_STRING,
  TAG_UNIVERSAL_STRING,
  TAG_UTF8_STRING,
  type Tlv,
} from './der.js';
import { PkiError } from './errors.js';

/**
 * Distinguished names as Java's X500Principal.toString() prints them, which is what SAP shows in SubjectDN and
 * IssuerDN and keytool in Owner/Issuer. Built from the DER bytes, because the decoded strings of an ASN.1 library
 * lose what Java's output depends on: the string type, invalid bytes, the order inside a SET.
 */

// sun.security.x509.AVAKeyword. Where Java registers two keywords for one OID the later wins (S→ST, EMAIL→EMAILADDRESS,
// DNQUALIFIER→DNQ), which is what toString() uses.
const KEYWORDS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '1.3.6.1.4.1.42.2.11.2.1': 'IP',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '2.5.4.46': 'DNQ',
  '2.5.4.4': 'SURNAME',
  '2.5.4.42': 'GIVENNAME',
  '2.5.4.43': 'INITIALS',
  '2.5.4.44': 'GENERATION',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.5': 'SERIALNUMBER',
};

interface Ava {
  readonly oid: string;
  readonly value: Tlv;
}

function malformed(): PkiError {
  return new PkiError('malformed', 'The certificate contains a name that is not a valid X.501 Name');
}

/** RDNs in encoded order, AVAs in encoded order within each; throws when the structure is not a Name. */
function readName(der: Uint8Array): Ava[][] {
  const outer = readWhole(der);
  if (outer === null || outer.tag !== TAG_SEQUENCE) throw malformed();
  const rdns = children(der, outer);
  if (rdns === null) throw malformed();
  return rdns.map((rdn) => {
    const avas = rdn.tag === TAG_SET ? children(der, rdn) : null;
    if (avas === null) throw malformed();
    return avas.map((ava) => {
      const parts = ava.tag === TAG_SEQUENCE ? children(der, ava) : null;
      if (parts?.length !== 2 || parts[0]!.tag !== TAG_OID) throw malformed();
      const oid = decodeOid(contentsOf(der, parts[0]!));
      if (oid === null) throw malformed();
      return { oid, value: parts[1]! };
    });
  });
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: true });

// Java's US-ASCII decoder, which Java uses for PrintableString, IA5String and GeneralString.
function ascii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
  return out;
}

function utf32be(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 4);
  for (let i = 0; i < whole; i += 4) {
    const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    out += cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
  }
  if (whole < bytes.length) out += '\ufffd';
  return out;
}

/** sun.security.util.DerValue.getAsString(): the string types Java decodes, null for all others. */
function javaString(der: Uint8Array, value: Tlv): string | null {
  const bytes = contentsOf(der, value);
  switch (value.tag) {
    case TAG_UTF8_STRING:
      return utf8.decode(bytes);
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_GENERAL_STRING:
      return ascii(bytes);
    case TAG_T61_STRING:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    case TAG_BMP_STRING:
      return utf16be.decode(bytes);
    case TAG_UNIVERSAL_STRING:
      return utf32be(bytes);
    default:
      return null;
  }
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]$/;
const ESCAPEES = ',+=\n<>#;\\"';

/**
 * sun.security.x509.AVA.toKeywordValueString(): quote the whole value when it holds a special character, starts
 * or ends with a space or newline, or has two spaces in a row; inside, escape only '"' and '\'. A value that
 * already starts and ends with '"' is left unquoted.
 */
function javaValue(value: string): string {
  const length = value.length;
  const alreadyQuoted = length > 1 && value[0] === '"' && value[length - 1] === '"';
  let quoteNeeded = false;
  let previousWhite = false;
  let out = '';
  for (let i = 0; i < length; i++) {
    const c = value[i]!;
    if (alreadyQuoted && (i === 0 || i === length - 1)) {
      out += c;
      continue;
    }
    const escapee = ESCAPEES.includes(c);
    if (PRINTABLE.test(c) || escapee) {
      const white = c === ' ' || c === '\n';
      if ((i === 0 && white) || escapee) quoteNeeded = true;
      if (white) {
        if (previousWhite) quoteNeeded = true;
        previousWhite = true;
      } else {
        if (c === '"' || c === '\\') out += '\\';
        previousWhite = false;
      }
    } else {
      previousWhite = false;
    }
    out += c;
  }
  const last = out[out.length - 1];
  if (last === ' ' || last === '\n') quoteNeeded = true;
  return !alreadyQuoted && quoteNeeded ? `"${out}"` : out;
}

function formatAva(der: Uint8Array, { oid, value }: Ava): string {
  const keyword = KEYWORDS[oid] ?? `OID.${oid}`;
  const text = javaString(der, value);
  if (text === null) return `${keyword}=#${Buffer.from(bytesOf(der, value)).toString('hex')}`;
  return `${keyword}=${javaValue(text)}`;
}

/**
 * A DER-encoded Name as Java prints it: most specific RDN first, ", " between RDNs, " + " between the values of a
 * multi-valued RDN (in encoded order), keywords from Java's table, "OID.1.2.3" otherwise, "#hex" for values that
 * are not strings Java decodes. An empty RDN prints as nothing, so Java shows it as a leading ", ".
 */
export function formatName(der: Uint8Array): string {
  return readName(der)
    .reverse()
    .map((rdn) => rdn.map((ava) => formatAva(der, ava)).join(' + '))
    .join(', ');
}

/** {@link formatName} for a Name decoded by @peculiar/asn1-x509 (re-encoded, so byte-exact only for DER input). */
export function formatDn(name: Name): string {
  // Loaded here, not at start: nothing on a server's way needs it, and loading it took tens of ms of every start.
  const { AsnSerializer } = createRequire(import.meta.url)('@peculiar/asn1-schema') as typeof AsnSchema;
  return formatName(new Uint8Array(AsnSerializer.serialize(name)));
}

// RFC 5280 7.1 comparison, simplified: string values compare case-insensitively with whitespace runs folded and
// the string type ignored; other values by their bytes; the values of an RDN in any order.
function canonical(der: Uint8Array): string {
  return readName(der)
    .map((rdn) =>
      rdn
        .map(({ oid, value }) => {
          const text = javaString(der, value);
          const folded =
            text === null
              ? `#${Buffer.from(bytesOf(der, value)).toString('hex')}`
              : text.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
          return `${oid}=${folded}`;
        })
        .sort()
        .join('\u0001'),
    )
    .join('\u0000');
}

/** Whether two DER-encoded Names denote the same name: equal bytes, or equal after RFC 5280-style folding. */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)) return true;
  try {
    return canonical(a) === canonical(b);
  } catch {
    return false;
  }
}

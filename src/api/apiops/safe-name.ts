/**
 * Names are free text in Apinizer, but in an export they become a ZIP entry name and a Content-Disposition
 * file name. There they must not be able to:
 *  - climb out of the folder the archive is unpacked into, or hide in a sub-folder (`/`, `\`, and `:` which
 *    Windows reads as a drive or a stream),
 *  - end a header line or start a new one (CR, LF and every other control character: header injection),
 *  - close the quoted file name early (`"`),
 *  - be refused by Windows (`* ? < > |`),
 *  - disguise the extension with text-direction or invisible format characters (U+202E and friends).
 * Each such character becomes `_`; everything else, non-ASCII letters included, is kept as it is.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

export const safeFileNamePart = (name: string): string => name.replace(UNSAFE, '_');

/** True when the text is printable ASCII, which a quoted header parameter carries as it is. */
const isPrintableAscii = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

/** RFC 8187 value: UTF-8, percent-encoded, only attr-chars left bare. */
const rfc8187 = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * `attachment; filename="<name>"`, as the seed shows it, for a name of printable ASCII. Otherwise (RFC 6266)
 * an ASCII fallback in `filename` and the real name in `filename*`: Node refuses header values beyond
 * Latin-1, and Latin-1 bytes would be read differently by different clients.
 */
export function contentDisposition(fileName: string): string {
  const safe = safeFileNamePart(fileName);
  if (isPrintableAscii(safe)) return `attachment; filename="${safe}"`;
  const fallback = safe.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${rfc8187(safe)}`;
}

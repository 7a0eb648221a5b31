/**
 * Java's own keystore formats, JKS (magic FEEDFEED) and JCEKS (CECECECE): pure conversions between the file's
 * bytes and its entries, no I/O. Each job lives in its own file:
 *
 * - jks-format.ts: entry model, constants, integrity digest, modified UTF-8, detection
 * - jks-read.ts / jks-write.ts: the file layout, as Java's engineLoad / engineStore
 * - jks-protect.ts: private-key protection (Sun's KeyProtector for JKS, PBEWithMD5AndTripleDES for JCEKS)
 * - java-serialization.ts: walking past a JCEKS secret key, a serialized Java object without a length
 */
export {
  detectJavaKeystore,
  type JavaKeystoreEntry,
  type JavaKeystoreType,
  type JavaKeystoreWritableEntry,
  WRONG_PASSWORD,
} from './jks-format.js';
export { readJavaKeystore } from './jks-read.js';
export { writeJavaKeystore } from './jks-write.js';

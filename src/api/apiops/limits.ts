import type { ZipLimits } from './zip-read.js';

/**
 * A12: nothing is documented, so the limits are ours. A certificate is a few KB; 1 MB leaves room for long
 * chains and PEM comments while keeping a hostile upload cheap. Archives get 10 MB, and
 * may expand to 32 MB in at most 1,000 entries of 2 MB each.
 */
export interface ApiOpsLimits {
  /** Largest certificate file part (pemEncodedFile, certificateFile with one certificate). */
  certificateFileBytes: number;
  /** Largest archive file part (import-file with an export ZIP). */
  archiveBytes: number;
  /**
   * Largest request with a declared Content-Length that is read at all; beyond it the answer comes without
   * reading the body, and the connection is closed. The server-wide body limit, normally.
   */
  requestBytes: number;
  /** Largest text field: names, aliases, descriptions, environment lists. */
  fieldBytes: number;
  /** Entries an uploaded archive may declare; an export ZIP has one per environment. */
  archiveEntries: number;
  /** Declared uncompressed size of one archive entry. */
  archiveEntryBytes: number;
  /** Declared uncompressed size of a whole archive. */
  archiveExpandedBytes: number;
  /** Largest JKS or PKCS#12 file of one environment; the plugin takes OPENKEYSTORE_MAX_KEYSTORE_BYTES. */
  keystoreFileBytes: number;
}

export const defaultLimits = (requestBytes: number): ApiOpsLimits => ({
  certificateFileBytes: 1024 * 1024,
  archiveBytes: 10 * 1024 * 1024,
  requestBytes,
  fieldBytes: 64 * 1024,
  archiveEntries: 1000,
  archiveEntryBytes: 2 * 1024 * 1024,
  archiveExpandedBytes: 32 * 1024 * 1024,
  keystoreFileBytes: 2 * 1024 * 1024,
});

/** The limits an uploaded archive is read with (zip-read.ts). */
export const zipLimits = (l: ApiOpsLimits): ZipLimits => ({
  maxEntries: l.archiveEntries,
  maxEntryBytes: l.archiveEntryBytes,
  maxTotalBytes: l.archiveExpandedBytes,
});
